"""The web profile form's translation into a profile (blank = not answered)."""

from __future__ import annotations

import pytest
from starlette.datastructures import QueryParams

from moduai.errors import InputError
from moduai.programs.forms import profile_dict_from_form


def test_form_fields_become_profile_values():
    params = QueryParams("age=29&region=포항시 남구&business_status=기존&annual_revenue_manwon=24,000"
                         "&groups_answered=1&groups=청년&groups=여성&flag_소상공인확인서=yes&flag_국세체납=no"
                         "&flag_사업자등록=&interests=스마트팜&interests=없는분야")
    profile, place = profile_dict_from_form(params)
    assert profile == {"region_code": "47111", "age": "29", "business_status": "기존",
                       "annual_revenue_krw": 240_000_000, "groups": ["청년", "여성"],
                       "flags": {"소상공인확인서": True, "국세체납": False}, "interests": ["스마트팜"]}
    assert place == "경상북도 포항시 남구"


def test_blank_form_is_all_unknown_but_answered_groups_are_empty():
    assert profile_dict_from_form(QueryParams(""))[0] == {}
    assert profile_dict_from_form(QueryParams("groups_answered=1"))[0] == {"groups": []}
    assert profile_dict_from_form(QueryParams("business_status="))[0] == {}


def test_bad_region_and_revenue():
    with pytest.raises(InputError) as err:
        profile_dict_from_form(QueryParams("region=중구"))
    assert err.value.field == "region" and err.value.candidates
    with pytest.raises(InputError) as err:
        profile_dict_from_form(QueryParams("annual_revenue_manwon=많이"))
    assert err.value.field == "annual_revenue_manwon"
