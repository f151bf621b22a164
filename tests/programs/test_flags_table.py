"""The programs flags live in one table: label, fix text and allowed answers."""

from __future__ import annotations

import pytest

from moduai.errors import InputError
from moduai.programs import criteria, forms
from moduai.programs.profile import FLAG_FIX, FLAG_LABELS, FLAG_TABLE, FLAGS, profile_from_dict


def test_every_view_of_the_flags_is_derived_from_the_table():
    assert FLAGS == tuple(f.id for f in FLAG_TABLE) and len(set(FLAGS)) == len(FLAGS) == 14
    assert criteria.FLAG_LABELS is FLAG_LABELS and criteria.FLAG_FIX is FLAG_FIX
    assert forms.FLAG_LABELS is FLAG_LABELS
    assert all(f.fix.endswith("면") for f in FLAG_TABLE)


@pytest.mark.parametrize("value, expected", [(True, True), (False, False), ("false", False), ("FALSE ", False),
                                             ("true", True), ("예", True), ("아니오", False), ("no", False)])
def test_answers_are_parsed_strictly(value, expected):
    assert profile_from_dict({"flags": {"국세체납": value}}).flags == {"국세체납": expected}


@pytest.mark.parametrize("value", ["0", 1, "maybe", "", 2.5])
def test_other_answers_name_the_field(value):
    with pytest.raises(InputError) as e:
        profile_from_dict({"flags": {"국세체납": value}})
    assert e.value.field == "flags" and "국세 체납" in e.value.message


def test_null_means_not_answered():
    assert profile_from_dict({"flags": {"국세체납": None}}).flags == {}
