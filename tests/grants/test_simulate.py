"""자율형 포괄보조 simulator: YAML worked tests, a hand-computed example term by term, and real-data totals."""

from __future__ import annotations

import json
from fractions import Fraction as F

import pandas as pd
import pytest

from moduai.errors import InputError
from moduai.grants import (
    allocate,
    compare,
    get_scheme,
    list_schemes,
    parse_scheme,
    region_inputs,
    run_scheme_tests,
)
from moduai.grants.checks import INPUT_DEFAULTS
from moduai.grants.inputs import FINANCE_FILE
from moduai.grants.simulate import compare_schemes, sensitivity
from moduai.korean import parse_won, won


def test_every_shipped_scheme_passes_its_own_yaml_tests():
    results = run_scheme_tests()
    assert {r.scheme for r in results} == {s.id for s in list_schemes()}
    assert len(results) >= 5
    failed = [(r.scheme, r.name, r.got) for r in results if not r.passed]
    assert not failed


def test_a_wrong_yaml_expectation_is_caught():
    raw = dict(get_scheme("sobyeol-fund-2024").__dict__)
    scheme = get_scheme("sobyeol-fund-2024")
    case = dict(scheme.tests[0])
    case["expect"] = {**case["expect"], "90002": "121억"}  # the hand answer is 120억
    import dataclasses

    broken = dataclasses.replace(scheme, tests=(case,))
    assert raw  # the shipped scheme object itself is untouched
    assert [r.passed for r in run_scheme_tests(broken)] == [False]


FIVE = [  # code, population, 지방소멸위험지수, 재정자립도, tier
    ("90001", 20_000, F(1, 10), 10, "특별지원"),
    ("90002", 50_000, F(3, 10), 15, "우대지원"),
    ("90003", 100_000, F(1, 2), 20, "우대지원"),
    ("90004", 300_000, F(9, 10), 30, "일반"),
    ("90005", 530_000, F(6, 5), 35, "일반"),
]


def _five_frame() -> pd.DataFrame:
    return pd.DataFrame([{**INPUT_DEFAULTS, "code": c, "name": c, "population": float(p),
                          "decline_index": float(d), "fiscal_independence": float(f)} for c, p, d, f, _ in FIVE])


def test_five_region_example_equals_a_hand_computation_term_by_term():
    """pogwal-2026's formula worked by hand in exact fractions: shares 0.2/0.3/0.25/0.25 of
    equal / population / need (1.1 − index, ≥ 0.1) / fiscal gap (100 − 재정자립도), times the tier weight
    1.5 / 1.2 / 1.0, normalised over the five; 2,000억 원 never reaches the 150억 floor or 2,500억 ceiling."""
    budget = 200_000_000_000
    mult = {"특별지원": F(3, 2), "우대지원": F(6, 5), "일반": F(1)}
    need = {c: max(F(11, 10) - d, F(1, 10)) for c, _, d, _, _ in FIVE}
    gap = {c: 100 - f for c, _, _, f, _ in FIVE}
    pop_total, need_total, gap_total = sum(p for _, p, *_ in FIVE), sum(need.values()), sum(gap.values())
    parts = {c: {"equal": F(1, 5) * F(1, 5), "population": F(3, 10) * F(p, pop_total),
                 "need": F(1, 4) * need[c] / need_total, "fiscal": F(1, 4) * F(gap[c], gap_total)}
             for c, p, *_ in FIVE}
    score = {c: mult[t] * sum(parts[c].values()) for c, *_, t in FIVE}
    total_score = sum(score.values())
    # 가군: 0.0400 + 0.0060 + 0.0926 + 0.0577 = 0.19628 × 1.5 = 0.29443 of 1.17022 → 503.2억 원
    assert float(score["90001"] / total_score) == pytest.approx(0.251600, abs=1e-6)
    res = allocate("pogwal-2026", budget=budget, inputs=_five_frame(),
                   tiers={c: t for c, *_, t in FIVE})
    rows = {r.code: r for r in res.rows}
    assert res.allocated_krw == budget and res.reserve_krw == 0
    for c, *_, t in FIVE:
        exact = budget * score[c] / total_score
        r = rows[c]
        assert r.cls == t
        assert abs(r.amount_krw - float(exact)) < 1_000_000  # rounded to 백만 원
        for term, share in parts[c].items():
            assert r.terms_krw[term] == pytest.approx(float(budget * mult[t] * share / total_score), rel=1e-9)
        assert r.base_krw + sum(r.terms_krw.values()) + r.bound_adjustment_krw + r.rounding_krw == \
            pytest.approx(r.amount_krw, abs=1e-3)
    assert rows["90001"].amount_krw == 50_320_000_000


def test_a_ceiling_is_water_filled_and_the_rest_shared_again():
    res = allocate("pogwal-2026", budget="1조", inputs=_five_frame(), tiers={c: t for c, *_, t in FIVE})
    rows = {r.code: r for r in res.rows}
    assert rows["90001"].amount_krw == 250_000_000_000 and rows["90001"].bound == "상한"
    assert sum(r.amount_krw for r in res.rows) == 10**12
    # the other four share 7,500억 in proportion to their scores, as without the ceiling
    free = [rows[c] for c in ("90002", "90003", "90004", "90005")]
    ratio = [r.amount_krw / sum(x.amount_krw for x in free) for r in free]
    uncapped = [sum(r.terms_krw.values()) for r in free]
    assert ratio == pytest.approx([u / sum(uncapped) for u in uncapped], abs=1e-5)


@pytest.mark.parametrize("scheme", ["pogwal-2026", "sobyeol-fund-2022", "sobyeol-fund-2024", "sobyeol-fund-2025"])
def test_real_data_totals_equal_the_budget_to_the_won(scheme):
    res = allocate(scheme)
    s = get_scheme(scheme)
    assert res.allocated_krw + res.reserve_krw == s.budget_krw
    assert sum(r.amount_krw for r in res.rows) == res.allocated_krw
    assert all(r.amount_krw % s.rounding_unit_krw == 0 for r in res.rows)
    for r in res.rows:
        assert s.floor_krw.get(r.cls, 0) <= r.amount_krw <= s.ceiling_krw.get(r.cls, float("inf"))
    if s.terms:
        assert res.reserve_krw == 0


def test_pogwal_covers_the_167_units_and_picks_40_special_from_county_decline_areas():
    res = allocate("pogwal-2026")
    assert len(res.rows) == 167
    assert res.class_counts["특별지원"] == 40
    inputs = region_inputs().frame
    special = [r.code for r in res.rows if r.cls == "특별지원"]
    assert all(inputs.loc[c, "county"] and inputs.loc[c, "designation"] == "인구감소지역" for c in special)
    # 수도권 units are in only when they are 인구감소지역 (강화·옹진·가평·연천)
    capital = sorted(r.name for r in res.rows if inputs.loc[r.code, "capital_region"])
    assert capital == ["경기도 가평군", "경기도 연천군", "인천광역시 강화군", "인천광역시 옹진군"]
    # the 40 are the most lagging of their pool by the documented rule
    pool = [r for r in res.rows if inputs.loc[r.code, "county"] and inputs.loc[r.code, "designation"] == "인구감소지역"]
    worst_kept = min(r.backwardness for r in pool if r.cls == "특별지원")
    best_left = max(r.backwardness for r in pool if r.cls != "특별지원")
    assert worst_kept >= best_left


def test_inputs_match_the_raw_files():
    f = region_inputs().frame
    raw = pd.read_csv("src/moduai/data/population/mois_age_sex_by_sigungu_2022_2024.csv", encoding="cp949",
                      dtype=str)
    haenam = raw[raw["행정구역"].str.startswith("전라남도 해남군")].iloc[0]
    assert f.loc["46820", "population"] == float(haenam["2024년_거주자_총인구수"].replace(",", ""))
    fin = json.loads(FINANCE_FILE.read_text(encoding="utf-8"))["by_code"]["46820"]
    assert f.loc["46820", "fiscal_independence"] == fin["fi"]["post"][fin["fi"]["years"].index(2025)]
    assert f.loc["46820", "budget_2026"] == sum(v["b"] + v["o"] for v in fin["fld"].values())
    assert f.loc["46820", "designation"] == "인구감소지역"


def test_the_2025_fund_pays_the_table_and_keeps_the_rest_in_reserve():
    res = allocate("sobyeol-fund-2025")
    assert res.allocated_krw == 89 * 72 * 10**8 + 18 * 18 * 10**8
    assert res.reserve_krw == 7500 * 10**8 - res.allocated_krw


def test_budget_comparison_3_8_vs_10_6_jo():
    cmp = compare_schemes("pogwal-2026", "pogwal-2026", budget_a="3.8조", budget_b="10.6조")
    assert cmp.winners == 167 and cmp.losers == 0
    assert sum(r.change_krw for r in cmp.rows) == (106 - 38) * 10**11
    assert "지니계수" in cmp.verdict


def test_compare_counts_units_missing_on_one_side_as_zero():
    a, b = allocate("sobyeol-fund-2025"), allocate("pogwal-2026")
    cmp = compare(a, b)
    only_b = [r for r in cmp.rows if r.amount_a_krw == 0]
    assert len(only_b) == len({r.code for r in b.rows} - {r.code for r in a.rows})
    assert cmp.winners + cmp.losers + cmp.unchanged == len(cmp.rows)


def test_sensitivity_moves_the_right_way():
    res = {s.parameter: s for s in sensitivity("pogwal-2026", code="46820")}
    pop = res["terms.population"]
    assert pop.region["change_pct"] < 0  # 해남군 is small: more weight on population costs it
    big = allocate("pogwal-2026").rows[0].code  # the largest amount (창원시) gains
    assert any(m["code"] == big and m["change_pct"] > 0 for m in pop.most_affected) or pop.max_abs_pct > 0
    assert res["multipliers.특별지원"].region["change_pct"] > 0  # 해남군 is 특별지원


def test_scheme_validation_names_the_field():
    base = {"id": "x", "name": "x", "year": 2026, "valid_from": "2026-01-01", "budget_krw": "10억",
            "eligibility": {"non_capital_or_decline": True}, "classes": {"by": "tier"}}
    with pytest.raises(InputError) as e:
        parse_scheme({**base, "terms": [{"kind": "equal", "share": 0.5}, {"kind": "population", "share": 0.4}]})
    assert e.value.field == "terms" and "1" in e.value.message
    with pytest.raises(InputError) as e:
        parse_scheme({**base, "floor_krw": {"일반": "20억"}, "ceiling_krw": {"일반": "10억"}})
    assert e.value.field == "floor_krw"
    with pytest.raises(InputError) as e:
        parse_scheme({**base, "terms": [{"kind": "gdp", "share": 1}]})
    assert e.value.field == "terms[0].kind"
    with pytest.raises(InputError) as e:
        parse_scheme({**base, "rounding_unit_krw": "3억"})
    assert e.value.field == "rounding_unit_krw"


def test_infeasible_floors_get_a_korean_explanation():
    with pytest.raises(InputError) as e:
        allocate("pogwal-2026", budget="1조")  # 167 × 150억 = 2.5조 > 1조
    assert "하한" in e.value.message


@pytest.mark.parametrize("text,value", [("10.6조", 10_600_000_000_000), ("120억", 12_000_000_000),
                                        ("3억 5천만", 350_000_000), ("1,500,000원", 1_500_000), (42, 42)])
def test_parse_won(text, value):
    assert parse_won(text) == value


@pytest.mark.parametrize("bad", ["억", "12억원원x", "-3억", "", True])
def test_parse_won_refuses(bad):
    with pytest.raises(InputError):
        parse_won(bad, field="budget")


def test_won_reads_jo():
    assert won(10_600_000_000_000) == "10조 6,000억 원"
    assert won(3 * 10**12) == "3조 원"
