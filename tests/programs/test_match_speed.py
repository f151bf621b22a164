"""The match speed-up changes no answer: the ranking of real profiles over the 1,864 real announcements is
the one the code gave before it (stored from commit f1f9b7a), and each shortcut equals the plain way.

- tests/fixtures/programs/match_top10_before.json: 9 of the benchmark's 43 profiles (every fifth; 예비창업자,
  소상공인, 농업법인, 제조, 청년), with the top 10 (eligible + 확인 필요, as the pages show them), their relevance
  scores, the list sizes and a digest of every ranked match (slug, relevance, what was checked), made by
  running the earlier code (see benchmarks/programs_match_speed.py for the timing).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import re
from pathlib import Path

import pytest

from moduai.programs import drafts as D
from moduai.programs.importer import map_bizinfo_record
from moduai.programs.matching import match_programs
from moduai.programs.profile import profile_from_dict
from moduai.programs.relevance import text_index

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures/programs"
BEFORE = json.loads((FIXTURES / "match_top10_before.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def programs():
    rows = csv.DictReader(io.TextIOWrapper(gzip.open(FIXTURES / "bizinfo_announcements_2025.csv.gz"),
                                           encoding="utf-8-sig", newline=""))
    seen, out = set(), []
    for i, rec in enumerate(rows):
        p = map_bizinfo_record(rec, i)[0]
        if p is not None and p.slug not in seen:  # as the benchmark loads them
            seen.add(p.slug)
            out.append(p)
    assert len(out) == 1864
    return out


@pytest.mark.parametrize("case", BEFORE["profiles"], ids=[c["id"] for c in BEFORE["profiles"]])
def test_ranking_is_the_one_before_the_speed_up(programs, case):
    res = match_programs(profile_from_dict(case["profile"]), programs, today=dt.date.fromisoformat(BEFORE["today"]))
    ranked = res.eligible + res.unknown
    assert [m.slug for m in ranked[:10]] == case["top10"]
    assert [m.relevance for m in ranked[:10]] == case["relevance10"]
    assert [len(res.eligible), len(res.unknown), len(res.near_misses), len(res.failed)] == case["counts"]
    assert res.closed_count == case["closed_count"]
    digest = hashlib.sha1(json.dumps([(m.slug, m.relevance, m.checked) for m in ranked],
                                     ensure_ascii=False).encode()).hexdigest()
    assert digest == case["ranked_sha1"]


def _find_each(patterns, text, lo=0, hi=None):
    """The earlier _find: every pattern searched over the whole span, the earliest start kept."""
    hi = len(text) if hi is None else hi
    best = None
    for pat in patterns:
        m = re.compile(pat).search(text, lo, hi)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best


def test_one_scan_find_equals_searching_each_pattern(programs):
    t = D.tables()
    lists = [t[k] for k in ("pre_founder", "registered_business", "individuals", "business_age_under",
                            "business_age_at_least", "age_range", "age_max", "age_min")]
    lists += [s["words"] for s in t["sectors"].values()]
    checked = found = 0
    for p in programs[::4]:
        text = p.description or ""
        lo, hi = D.target_section(text)
        for pats in lists:
            for span in ((0, None), (lo, hi)):
                a, b = D._find(pats, text, *span), _find_each(pats, text, *span)
                checked += 1
                assert (a and (a.span(), a.groups(), a.re.pattern)) == (b and (b.span(), b.groups(), b.re.pattern))
                found += a is not None
    assert checked > 10_000 and found > 500  # the comparison covered many real hits, not only misses


def test_text_index_counts_like_a_plain_scan(programs):
    index = text_index(programs)
    assert index is text_index(list(programs))  # same texts → the same index, kept between matches
    for word in ("창업", "카페", "스마트팜", "수출", "청년"):
        plain = sum(1 for p in programs
                    if word in " ".join([p.name, " ".join(p.target), p.description or ""]).lower())
        df, weights = index.row(word)
        assert df == plain
        # a field weight for every announcement that names it, none for the others
        assert sum(1 for w in weights if w) == plain


def test_closed_announcements_keep_their_drafts_when_asked_for(programs):
    prof = profile_from_dict(BEFORE["profiles"][0]["profile"])
    res = match_programs(prof, programs, today=dt.date.fromisoformat(BEFORE["today"]), include_closed=True)
    closed = [m for m in res.failed if any(r.type == "application_window" and r.status == "fail" for r in m.results)]
    assert len(closed) == BEFORE["profiles"][0]["closed_count"]
    assert any(m.draft_results for m in closed)
