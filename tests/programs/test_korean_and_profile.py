"""Particles by 받침 and profile validation."""

from __future__ import annotations

import datetime as dt

import pytest

from moduai.errors import InputError
from moduai.korean import josa, won
from moduai.programs.profile import profile_from_dict


@pytest.mark.parametrize(("word", "pair", "expected"), [
    ("강릉시", "은/는", "강릉시는"), ("의성군", "은/는", "의성군은"), ("카페", "이/가", "카페가"),
    ("청년", "이/가", "청년이"), ("소상공인확인서", "을/를", "소상공인확인서를"), ("업종", "을/를", "업종을"),
    ("서울", "으로/로", "서울로"), ("인천", "으로/로", "인천으로"), ("만 42세", "으로/로", "만 42세로"),
    ("7년", "이/가", "7년이"), ("2", "이/가", "2가"), ("3", "이/가", "3이"), ("AI 바우처", "을/를", "AI 바우처를"),
    ("스마트팜(예시)", "이/가", "스마트팜(예시)이"), ("56221", "은/는", "56221은"), ("1", "으로/로", "1로"),
])
def test_josa_follows_the_final_consonant(word, pair, expected):
    assert josa(word, pair) == expected


def test_josa_agrees_with_kiwi_join():
    from moduai.ai.korean import get_kiwi

    k = get_kiwi()
    for word in ("커피", "빵", "소상공인", "스마트팜", "지원금", "바우처"):
        assert josa(word, "을/를") == k.join([(word, "NNG"), ("을", "JKO")])
        assert josa(word, "이/가") == k.join([(word, "NNG"), ("이", "JKS")])


def test_won_formats_everyday_units():
    assert won(300_000_000) == "3억 원"
    assert won(150_000_000) == "1억 5,000만 원"
    assert won(15_000_000) == "1,500만 원"
    assert won(9_000) == "9,000원"


def test_age_on_birth_date():
    p = profile_from_dict({"birth_date": "1986-03-02"})
    assert p.age_on(dt.date(2026, 3, 1)) == 39
    assert p.age_on(dt.date(2026, 3, 2)) == 40


@pytest.mark.parametrize(("data", "field"), [
    ({"employes": 3}, "employes"), ({"age": -1}, "age"), ({"age": "마흔"}, "age"),
    ({"region_code": "99"}, "region_code"), ({"business_status": "폐업"}, "business_status"),
    ({"groups": ["외계인"]}, "groups"), ({"flags": {"없는인증": True}}, "flags"),
    ({"opened_on": "2020/01/01"}, "opened_on"), ({"ksic_code": "5-6"}, "ksic_code"),
])
def test_bad_profile_values_name_the_field(data, field):
    with pytest.raises(InputError) as err:
        profile_from_dict(data)
    assert err.value.field == field


def test_old_region_code_is_normalised():
    assert profile_from_dict({"region_code": "45210"}).region_code == "52210"


@pytest.mark.parametrize("raw, shown", [
    ("1", "1층"), ("2", "2층"), ("지", "지하"), ("지하", "지하"), ("B1", "지하 1층"), ("지1", "지하 1층"),
    ("지하2층", "지하 2층"), ("3층", "3층"), ("", ""), (None, ""), ("nan", ""), ("옥상", "옥상"), ("1~2", "1~2"),
])
def test_floor_label(raw, shown):
    """상가정보 층정보 (values of the shipped 회기동 file: 1, 2, 3, 4, 5, 6, 지, B1, empty) as people say them."""
    from moduai.korean import floor_label

    assert floor_label(raw) == shown


def test_written_at():
    """UTC 15:47 on 7 December is 00:47 on 8 December in Korea (UTC+9); a stamp without a zone stays as written."""
    from moduai.korean import written_at

    assert written_at("2026-12-07T15:47:51+00:00") == "2026년 12월 8일 00:47 (한국 시간)"
    assert written_at("2026-03-01T09:05:00+09:00") == "2026년 3월 1일 09:05 (한국 시간)"
    assert written_at("2026-12-07T15:47:51") == "2026년 12월 7일 15:47"
    assert written_at("어제") == "어제"
