"""Residents by age and sex: the 지방소멸위험지수 check figures and the traps of the MOIS export."""

from __future__ import annotations

import pandas as pd
import pytest

from moduai.data import population as pop
from moduai.errors import DataUnavailable


@pytest.mark.parametrize(
    ("code", "year", "expected"),
    [("00", 2023, 0.629), ("00", 2024, 0.588), ("36", 2024, 1.061), ("46", 2024, 0.317)],
)
def test_decline_index_check_figures(code, year, expected):
    assert round(pop.decline_index(code, year, source="mois").index, 3) == expected


def test_decline_index_by_hand_from_the_raw_csv(fixture_data):
    raw = pd.read_csv(fixture_data / "population" / "mois_age_sex_by_sigungu_2022_2024.csv", encoding="cp949",
                      thousands=",")
    row = raw[raw["행정구역"].str.contains(r"\(4682000000\)")].iloc[0]  # 전라남도 해남군
    women = sum(row[f"2024년_여_거주자_{a}~{a + 4}세"] for a in (20, 25, 30, 35))
    old = sum(row[f"2024년_거주자_{a}~{a + 4}세"] for a in range(65, 100, 5)) + row["2024년_거주자_100세 이상"]
    got = pop.decline_index("46820", 2024, source="mois")
    assert (got.women_20_39, got.residents_65_plus) == (women, old)
    assert got.index == pytest.approx(women / old)


def test_both_sources_agree_in_2024():
    m = pop.decline_index_table("mois")
    k = pop.decline_index_table("kosis")
    both = m[(m.level == "sigungu") & (m.year == 2024)].merge(k[k.year == 2024], on="code")
    assert len(both) == 229
    assert (both.index_x - both.index_y).abs().max() < 0.011


def test_mois_traps_handled():
    t = pop.mois_age_sex()
    assert not t.code.isin(["42", "45", "47720"]).any()  # renumbered codes continue under 51/52/27720
    assert t[(t.level == "sigungu") & (t.year == 2022)].code.nunique() == 229
    assert "27720" in set(t[(t.level == "sigungu") & (t.year == 2022)].code)  # 군위 (47720 in 2022)
    assert "43745" in set(t[t.level == "sigungu"].code)  # 증평군 is a 군, not a 구
    assert {"41192", "41194", "41196"} <= set(t[(t.level == "gu") & (t.year == 2024)].code)
    nat = t[(t.code == "00") & (t.year == 2024)].value.sum()
    assert nat == t[(t.level == "sido") & (t.year == 2024)].value.sum()


def test_projections_are_not_data():
    assert pop.kosis_age_sex().year.max() == 2025
    with_proj = pop.kosis_age_sex(include_projections=True)
    assert with_proj[with_proj.year > 2025].projected.all()
    with pytest.raises(DataUnavailable, match="2030"):
        pop.decline_index("47110", 2030)


def test_decline_areas_list():
    areas = pop.population_decline_areas()
    kinds = pd.Series([a.kind for a in areas]).value_counts()
    assert kinds["인구감소지역"] == 89 and kinds["관심지역"] == 18
    assert "27720" in {a.code for a in areas}  # 군위 under 대구


def test_atlas_rings_keep_every_piece_of_a_split_city():
    from shapely.geometry import Polygon

    from moduai.regions import sigungu_boundaries

    rings = sigungu_boundaries()
    assert len(rings) == 229
    # 용인시 is stored as three 구 features with the city's code: all three are kept (≈ 591 km², ≈ 0.06 deg²)
    assert len(rings["41460"]) == 3
    assert sum(Polygon(r).area for r in rings["41460"]) > 0.05
