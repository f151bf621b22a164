"""Stored rule text is parsed once per process; a changed text (a new version) is a new parse."""

from __future__ import annotations

import datetime as dt

import yaml

from moduai.programs.profile import profile_from_dict
from moduai.programs.rules import evaluate_rules, parse_ruleset

DAY = dt.date(2026, 3, 2)
RULES = """
version: 1
effective_from: 2026-01-01
criteria:
  - {id: age, type: age_range, min: 19, max: 39}
"""


def test_same_text_is_parsed_once_and_a_changed_text_is_parsed_again():
    a = parse_ruleset(RULES, file="db:x/v1", program="x")
    assert parse_ruleset(RULES, file="db:x/v1", program="x") is a  # the cached parse
    changed = RULES.replace("max: 39", "max: 45")
    b = parse_ruleset(changed, file="db:x/v2", program="x")
    assert b is not a
    person = profile_from_dict({"age": 42})
    assert evaluate_rules(a, person, DAY).status == "fail"
    assert evaluate_rules(b, person, DAY).status == "pass"
    # the cached parse equals a fresh parse of the same data (mapping input is never cached)
    fresh = parse_ruleset(yaml.safe_load(RULES), file="db:x/v1", program="x")
    assert [c.id for c in fresh.criteria] == [c.id for c in a.criteria]
    assert evaluate_rules(fresh, person, DAY).status == evaluate_rules(a, person, DAY).status
