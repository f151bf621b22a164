"""The 2023 업종 taxonomy, aliases and the old → 2023 crosswalk, checked against the published CSVs."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from moduai.commerce import taxonomy
from moduai.commerce.taxonomy import map_old_code, minor_codes_under, resolve_category
from moduai.errors import InputError


@pytest.fixture(scope="module")
def codes(fixture_data):
    return pd.read_csv(fixture_data / "sangga/codes/upjong_codes_2023.csv", dtype=str)


@pytest.fixture(scope="module")
def crosswalk(fixture_data):
    return pd.read_csv(fixture_data / "sangga/codes/upjong_old_to_2023_crosswalk.csv", dtype=str)


def test_level_counts_match_the_published_code_list(codes):
    assert len(taxonomy.list_categories("major")) == codes["대분류코드"].nunique() == 10
    assert len(taxonomy.list_categories("mid")) == codes["중분류코드"].nunique() == 75
    assert len(taxonomy.list_categories("minor")) == codes["소분류코드"].nunique() == 247


def test_shipped_copy_is_identical_to_shared_data(fixture_data):
    for name in ("upjong_codes_2023.csv", "upjong_old_to_2023_crosswalk.csv"):
        assert (taxonomy.DATA_DIR / name).read_bytes() == (fixture_data / "sangga/codes" / name).read_bytes()


def test_crosswalk_types_as_published(crosswalk):
    counts = taxonomy.crosswalk_frame()["crosswalk_type"].value_counts().to_dict()
    assert counts == {"통합": 605, "제외": 156, "유지": 80, "추가": 40, "분리": 8}
    assert len(taxonomy.crosswalk_frame()) == len(crosswalk) == 889


@pytest.mark.parametrize(
    ("text", "level", "code", "how"),
    [
        ("I21201", "minor", "I21201", "code"),
        ("i212", "mid", "I212", "code"),
        ("I2", "major", "I2", "code"),
        ("카페", "minor", "I21201", "name"),
        ("커피", "minor", "I21201", "alias"),
        ("치킨", "minor", "I21006", "name"),
        ("편의점", "minor", "G20405", "name"),
        ("미용실", "minor", "S20701", "name"),
        ("분식", "minor", "I21007", "alias"),
        ("한식", "mid", "I201", "alias"),
        ("빵집", "minor", "I21001", "alias"),
        ("베이커리", "minor", "I21001", "alias"),
        ("비알코올 음료점업", "mid", "I212", "name"),
        ("비알코올음료점업", "mid", "I212", "name"),
        ("음식점업", "major", "I2", "name"),
        ("수리·개인", "major", "S2", "alias"),
    ],
)
def test_resolve_category(text, level, code, how):
    c = resolve_category(text)
    assert (c.level, c.code, c.matched_by) == (level, code, how)
    assert c.input == text


def test_category_path_names_come_from_the_code_list(codes):
    c = resolve_category("카페")
    row = codes[codes["소분류코드"] == "I21201"].iloc[0]
    assert c.path == (row["대분류명"], row["중분류명"], row["소분류명"])
    assert c.label == "음식점업 > 비알코올 음료점업 > 카페"


def test_old_minor_code_maps_through_the_crosswalk(crosswalk):
    expected = crosswalk.loc[crosswalk["old_code"] == "Q01A01", "new_code"].tolist()
    c = resolve_category("Q01A01")
    assert [c.code] == expected == ["I20101"]
    assert c.matched_by == "old_code" and "Q01A01" in c.note


def test_old_group_codes_go_where_most_of_their_minors_go(crosswalk):
    cw = crosswalk.dropna(subset=["old_code", "new_code"])
    major_votes = cw[cw["old_code"].str.startswith("Q")]["new_code"].str[:2].value_counts()
    mid_votes = cw[cw["old_code"].str.startswith("Q01")]["new_code"].str[:4].value_counts()
    assert resolve_category("Q").code == major_votes.index[0] == "I2"
    assert resolve_category("Q01").code == mid_votes.index[0] == "I201"


def test_excluded_old_code_is_refused_with_the_reason():
    with pytest.raises(InputError) as e:
        resolve_category("D23A09")
    assert "제외" in e.value.message and "수입자동차판매" in e.value.message


def test_split_old_code_follows_the_ksic_section():
    assert map_old_code("F14A03", "S95310").new_code == "S20401"
    assert map_old_code("F14A03", "G47592").new_code == "G20301"
    m = map_old_code("F14A03")
    assert m.new_code == "G20301" and m.alternatives == ("S20401",)
    assert map_old_code("D23A09").new_code is None


def test_unknown_word_gets_a_korean_suggestion():
    with pytest.raises(InputError) as e:
        resolve_category("카패")
    assert e.value.message.startswith("업종 '카패'를 찾을 수 없습니다. 혹시 '카페'?")
    assert e.value.candidates[0] == "카페"
    assert e.value.field == "category"
    with pytest.raises(InputError) as e:
        resolve_category("치킴")
    assert "'치킴'을" in e.value.message and "치킨" in e.value.candidates


@pytest.mark.parametrize("bad", ["", "   ", "X99", "I29999"])
def test_empty_or_unknown_codes(bad):
    with pytest.raises(InputError):
        resolve_category(bad)


def test_minor_codes_under(codes):
    assert minor_codes_under("I2") == sorted(codes.loc[codes["대분류코드"] == "I2", "소분류코드"])
    assert minor_codes_under("I212") == ["I21201"]
    assert minor_codes_under("카페") == ["I21201"]
    assert len(minor_codes_under("Q01")) == (codes["중분류코드"] == "I201").sum() == 14


def test_every_alias_points_to_a_2023_code():
    raw = yaml.safe_load(taxonomy.ALIASES_YAML.read_text(encoding="utf-8"))["aliases"]
    known = {c.code for c in taxonomy.list_categories()}
    assert raw and all(str(v) in known for v in raw.values())
