"""Run a scheme over the 시군구: who gets what, from which term, and what it costs the 지자체.

The allocation of one unit is ``base + formula part``; the formula part shares what the bases leave of
the budget in proportion to a score, ``multiplier(class) × weight(grade) × Σ share_t × w_t,i`` with
``w_t,i = x_t,i / Σ_j x_t,j`` (each term's input normalised to sum to 1 over the eligible units).
Floors and ceilings are applied by water-filling (units that hit a bound are fixed there and the rest is
shared again among the others), then amounts are rounded down to the scheme's unit and the remaining
units go to the largest remainders (ties by code), so the allocations add up to the budget to the 원.
Each row decomposes exactly: base + Σ terms + 상·하한 조정 + 반올림 조정 = amount.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from moduai.balance.disparity import gini_coefficient, theil_t
from moduai.errors import InputError
from moduai.grants.inputs import InputTable, region_inputs
from moduai.grants.scheme import TIERS, Scheme, get_scheme
from moduai.korean import parse_won

NEED_OFFSET, NEED_MIN = 1.1, 0.1


@dataclass
class AllocationRow:
    code: str
    name: str
    sido_code: str
    cls: str
    grade: str | None
    population: float
    amount_krw: int
    per_capita_krw: float
    base_krw: float
    terms_krw: dict[str, float]
    bound_adjustment_krw: float
    rounding_krw: float
    bound: str | None  # '상한' | '하한' | None
    local_share_krw: float  # 지방비 부담 (원)
    local_share_of_budget: float | None  # 지방비 ÷ 2026 세출예산
    backwardness: float | None = None  # 낙후도 (tier rule), higher is more lagging


@dataclass
class Allocation:
    scheme: dict
    budget_krw: int
    allocated_krw: int
    reserve_krw: int
    rows: list[AllocationRow]
    class_counts: dict[str, int]
    grade_source: str
    class_source: str
    disparity: dict[str, float | None]
    notes: list[str]
    units: dict[str, str] = field(default_factory=lambda: {"amount_krw": "원", "per_capita_krw": "원/명",
                                                            "local_share_of_budget": "비율(0–1)"})
    label: str = "예시 가정 포함"
    sources: tuple[str, ...] = ()
    inputs: dict = field(default_factory=dict)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([{**{k: v for k, v in r.__dict__.items() if k != "terms_krw"}, **r.terms_krw}
                             for r in self.rows])


def _term_inputs(kind: str, df: pd.DataFrame) -> np.ndarray:
    if kind == "equal":
        return np.ones(len(df))
    if kind == "population":
        return df["population"].to_numpy(float)
    if kind == "need":
        return np.maximum(NEED_OFFSET - df["decline_index"].to_numpy(float), NEED_MIN)
    if kind == "fiscal_gap":
        return np.maximum(100.0 - df["fiscal_independence"].to_numpy(float), 0.0)
    raise InputError(f"알 수 없는 항목 종류: {kind}", field="terms")


def backwardness(df: pd.DataFrame) -> pd.Series:
    """낙후도: mean of the z-scores of (−지방소멸위험지수, −그 변화 2015→2024, −재정자립도) over ``df``.
    Higher means more lagging. A documented rule, used only when no official tier list is given."""
    cols = [-df["decline_index"], -df["decline_index_change"], -df["fiscal_independence"]]
    z = [(c - c.mean()) / c.std(ddof=0) for c in cols]
    return sum(z) / len(z)


def _eligible(scheme: Scheme, df: pd.DataFrame) -> pd.DataFrame:
    e = scheme.eligibility
    if e.get("designations"):
        mask = df["designation"].isin(e["designations"])
    else:
        mask = (~df["capital_region"]) | (df["designation"] == "인구감소지역")
    return df[mask].copy()


def _classes(scheme: Scheme, df: pd.DataFrame, tiers: dict[str, str] | None) -> tuple[pd.Series, str, pd.Series | None]:
    if scheme.class_by == "designation":
        return df["designation"], "인구감소지역·관심지역 지정(2021)", None
    score = backwardness(df)
    if tiers:
        bad = {c: t for c, t in tiers.items() if t not in TIERS}
        if bad:
            raise InputError(f"등급(tier)은 {', '.join(TIERS)} 중 하나여야 합니다: {bad}.", field="tiers")
        missing = sorted(set(df.index) - set(tiers))
        if missing:
            raise InputError(f"공식 등급 명단에 대상 {len(missing)}곳이 빠졌습니다(예: {', '.join(missing[:5])}). "
                             "대상 시군구마다 등급을 적어 주세요.", field="tiers")
        return pd.Series({c: tiers[c] for c in df.index}), "입력한 공식 등급 명단", score
    count = int(scheme.tiers.get("special_count", 40))
    pool = df[df["county"] & (df["designation"] == "인구감소지역")]
    special = set(score.loc[pool.index].sort_values(ascending=False).index[:count])
    cls = pd.Series("일반", index=df.index)
    cls[df["designation"].isin(["인구감소지역", "관심지역"])] = "우대지원"
    cls[list(special)] = "특별지원"
    return cls, (f"공식 명단 없음 → 문서화한 낙후도 규칙: 군 인구감소지역 중 낙후도 상위 {count}곳 특별지원, "
                 "나머지 인구감소·관심지역 우대지원, 그 밖 일반"), score


def _water_fill(budget: float, base: np.ndarray, score: np.ndarray, floor: np.ndarray, ceil: np.ndarray,
                codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Totals (base + share of the rest ∝ score) within [floor, ceil], summing to ``budget``."""
    n = len(base)
    fixed = np.full(n, np.nan)
    for _ in range(2 * n + 2):
        free = np.isnan(fixed)
        remaining = budget - np.nansum(fixed) - base[free].sum()
        if not free.any():
            break
        s = score[free].sum()
        total = base.copy()
        total[free] += remaining * (score[free] / s if s > 0 else 1.0 / free.sum())
        total[~free] = fixed[~free]
        over = free & (total > ceil + 1e-6)
        under = free & (total < floor - 1e-6)
        if not over.any() and not under.any():
            bound = np.where(~free, np.where(np.isclose(fixed, ceil), 1, -1), 0)
            return total, bound
        # Fix the side with the larger total violation first; this converges (each round fixes ≥ 1 unit).
        if (total[over] - ceil[over]).sum() >= (floor[under] - total[under]).sum():
            fixed[over] = ceil[over]
        else:
            fixed[under] = floor[under]
    raise InputError(
        f"하한·상한을 지키면서 예산 {budget:,.0f}원을 모두 나눌 수 없습니다(대상 {n}곳). 하한 합계 "
        f"{floor.sum():,.0f}원, 상한 합계 {ceil.sum():,.0f}원입니다. 예산이나 하한·상한을 고쳐 주세요.",
        field="budget_krw",
    )


def _round(total: np.ndarray, unit: int, target: int, codes: list[str]) -> np.ndarray:
    down = np.floor(total / unit + 1e-9) * unit
    left = int(round((target - down.sum()) / unit))
    if left < 0 or left > len(total):
        raise InputError(f"반올림 후 합계를 예산에 맞출 수 없습니다(남은 단위 {left}).", field="rounding_unit_krw")
    rem = total - down
    order = sorted(range(len(total)), key=lambda i: (-round(rem[i], 6), codes[i]))
    down[order[:left]] += unit
    return down.astype(np.int64)


def allocate(scheme: Scheme | str, *, budget: int | str | None = None, grades: dict[str, str] | None = None,
             tiers: dict[str, str] | None = None, inputs: InputTable | pd.DataFrame | None = None) -> Allocation:
    """Run ``scheme`` (an id or a :class:`Scheme`) over every 시군구 (or over ``inputs``).

    A shipped scheme by id, on the shipped inputs, with no grades or tiers given, is a pure function of
    (id, budget): that answer is computed once per process (:func:`_allocate_shipped`) and shared — callers
    must not change it.  Anything given by a user (a parsed scheme, grades, tiers, inputs) is computed fresh."""
    if isinstance(scheme, str) and grades is None and tiers is None and inputs is None:
        get_scheme(scheme)  # an unknown id: the Korean NotFound before any parsing
        return _allocate_shipped(scheme, None if budget is None else parse_won(budget, field="budget", label="예산"))
    return _allocate(scheme, budget=budget, grades=grades, tiers=tiers, inputs=inputs)


@lru_cache(maxsize=32)
def _allocate_shipped(scheme_id: str, budget_krw: int | None) -> Allocation:
    """:func:`allocate` of a shipped scheme on the shipped inputs (both read once from fixed package files)."""
    return _allocate(scheme_id, budget=budget_krw)


def _allocate(scheme: Scheme | str, *, budget: int | str | None = None, grades: dict[str, str] | None = None,
              tiers: dict[str, str] | None = None, inputs: InputTable | pd.DataFrame | None = None) -> Allocation:
    """The computation behind :func:`allocate` (never cached)."""
    scheme = get_scheme(scheme) if isinstance(scheme, str) else scheme
    table = region_inputs() if inputs is None else inputs
    frame = table.frame if isinstance(table, InputTable) else table.set_index("code", drop=False)
    notes = list(table.notes) if isinstance(table, InputTable) else []
    budget_krw = scheme.budget_krw if budget is None else parse_won(budget, field="budget", label="예산")
    if budget_krw % scheme.rounding_unit_krw:
        raise InputError(f"예산은 {scheme.rounding_unit_krw:,}원 단위여야 합니다. 받은 값: {budget_krw:,}원.",
                         field="budget")
    df = _eligible(scheme, frame)
    if df.empty:
        raise InputError("이 방식의 대상 시군구가 없습니다.", field="eligibility")
    cls, class_source, score_b = _classes(scheme, df, tiers)
    df["cls"] = cls
    if scheme.grade_levels:
        grades = grades or {}
        bad = {c: g for c, g in grades.items() if g not in scheme.grade_levels}
        if bad:
            raise InputError(f"등급은 {', '.join(scheme.grade_levels)} 중 하나여야 합니다: {bad}.", field="grades")
        df["grade"] = [grades.get(c, scheme.grade_default) for c in df.index]
        given = sum(c in grades for c in df.index)
        grade_source = (f"입력 {given}곳, 나머지는 기본 등급 {scheme.grade_default} 가정" if given < len(df)
                        else "모두 입력")
    else:
        df["grade"] = None
        grade_source = "등급 없음"
    codes = list(df.index)
    base = np.array([scheme.base_for(c, g) for c, g in zip(df["cls"], df["grade"])], dtype=float)
    formula_budget = budget_krw - base.sum()
    if formula_budget < 0:
        raise InputError(f"기본 배분 합계({base.sum():,.0f}원)가 예산({budget_krw:,}원)보다 큽니다. 예산을 늘리거나 "
                         "기본액을 줄여 주세요.", field="budget")
    unit = scheme.rounding_unit_krw
    terms = {}
    if scheme.terms:
        parts = []
        for t in scheme.terms:
            x = _term_inputs(t.kind, df)
            if np.isnan(x).any():
                missing = [codes[i] for i in np.flatnonzero(np.isnan(x))]
                raise InputError(f"'{t.label}' 항목의 입력이 없는 시군구가 있습니다: {', '.join(missing[:5])}.",
                                 field=t.id)
            parts.append(t.share * x / x.sum())
        mult = np.array([scheme.multipliers.get(c, 1.0) for c in df["cls"]])
        gw = np.array([scheme.grade_weights.get(g, 1.0) if g else 1.0 for g in df["grade"]])
        weighted = [mult * gw * p for p in parts]
        score = sum(weighted)
        floor = np.array([scheme.floor_krw.get(c, 0) for c in df["cls"]], dtype=float)
        ceil = np.array([scheme.ceiling_krw.get(c, np.inf) for c in df["cls"]], dtype=float)
        total, bound = _water_fill(float(budget_krw), base, score, floor, ceil, codes)
        formula0 = formula_budget * score / score.sum()
        for t, w in zip(scheme.terms, weighted):
            terms[t.id] = formula0 * w / score
        target = budget_krw
    else:
        total, bound, formula0 = base.copy(), np.zeros(len(df)), np.zeros(len(df))
        target = int(base.sum())
    amounts = _round(total, unit, target, codes)
    reserve = budget_krw - int(amounts.sum())
    rows = []
    for i, code in enumerate(codes):
        r = df.loc[code]
        rate = scheme.matching_rate.get(r["cls"], 0.0)
        local = float(amounts[i]) * rate
        b26 = r["budget_2026"]
        rows.append(AllocationRow(
            code=code, name=r["name"], sido_code=r["sido_code"], cls=r["cls"], grade=r["grade"],
            population=float(r["population"]), amount_krw=int(amounts[i]),
            per_capita_krw=float(amounts[i]) / r["population"] if r["population"] > 0 else float("nan"),
            base_krw=float(base[i]), terms_krw={k: float(v[i]) for k, v in terms.items()},
            bound_adjustment_krw=float(total[i] - base[i] - formula0[i]),
            rounding_krw=float(amounts[i] - total[i]),
            bound={1: "상한", -1: "하한"}.get(int(bound[i])), local_share_krw=local,
            local_share_of_budget=(local / b26) if b26 == b26 and b26 > 0 else None,
            backwardness=float(score_b[code]) if score_b is not None else None,
        ))
    rows.sort(key=lambda r: (-r.amount_krw, r.code))
    if scheme.assumptions:
        notes = [f"가정: {a}" for a in scheme.assumptions] + notes
    return Allocation(
        scheme=scheme.summary(), budget_krw=budget_krw, allocated_krw=int(amounts.sum()), reserve_krw=reserve,
        rows=rows, class_counts={str(k): int(v) for k, v in df["cls"].value_counts().items()},
        grade_source=grade_source, class_source=class_source, disparity=disparity(rows, df), notes=notes,
        sources=table.sources if isinstance(table, InputTable) else (),
        inputs={"scheme": scheme.id, "budget_krw": budget_krw, "grades_given": len(grades or {}),
                "tiers_given": len(tiers or {})},
    )


def disparity(rows: list[AllocationRow], df: pd.DataFrame) -> dict[str, float | None]:
    """How unequal the per-capita amounts are, and how closely they follow need (지방소멸위험 필요도)."""
    pc = np.array([r.per_capita_krw for r in rows], dtype=float)
    pop = np.array([r.population for r in rows], dtype=float)
    ok = np.isfinite(pc) & (pop > 0)
    if ok.sum() < 3:
        return {"gini_per_capita": None, "theil_per_capita": None, "need_rank_correlation": None}
    need = np.maximum(NEED_OFFSET - df.loc[[r.code for r in rows], "decline_index"].to_numpy(float), NEED_MIN)
    a, b = pd.Series(pc[ok]).rank(), pd.Series(need[ok]).rank()
    rho = a.corr(b) if a.std() > 0 and b.std() > 0 else float("nan")
    return {"gini_per_capita": gini_coefficient(pc[ok]), "theil_per_capita": theil_t(pc[ok], pop[ok]),
            "need_rank_correlation": float(rho)}


@dataclass
class ComparisonRow:
    code: str
    name: str
    amount_a_krw: int
    amount_b_krw: int
    change_krw: int
    change_pct: float | None
    per_capita_a_krw: float | None
    per_capita_b_krw: float | None


@dataclass
class Comparison:
    a: dict
    b: dict
    rows: list[ComparisonRow]
    winners: int
    losers: int
    unchanged: int
    disparity_a: dict
    disparity_b: dict
    verdict: str
    units: dict[str, str] = field(default_factory=lambda: {"amount": "원", "per_capita": "원/명"})
    label: str = "예시 가정 포함"
    sources: tuple[str, ...] = ()


def compare(a: Allocation, b: Allocation) -> Comparison:
    """Winners and losers from A to B (units missing on one side count as 0) and the disparity change."""
    ra, rb = {r.code: r for r in a.rows}, {r.code: r for r in b.rows}
    rows = []
    for code in sorted(set(ra) | set(rb)):
        x, y = ra.get(code), rb.get(code)
        amt_a, amt_b = (x.amount_krw if x else 0), (y.amount_krw if y else 0)
        rows.append(ComparisonRow(code, (x or y).name, amt_a, amt_b, amt_b - amt_a,
                                  (amt_b - amt_a) / amt_a * 100 if amt_a else None,
                                  x.per_capita_krw if x else None, y.per_capita_krw if y else None))
    rows.sort(key=lambda r: (-r.change_krw, r.code))
    win = sum(r.change_krw > 0 for r in rows)
    lose = sum(r.change_krw < 0 for r in rows)
    ga, gb = a.disparity["gini_per_capita"], b.disparity["gini_per_capita"]
    na, nb = a.disparity["need_rank_correlation"], b.disparity["need_rank_correlation"]
    if ga is None or gb is None:
        verdict = "격차 지표를 계산할 대상이 부족합니다."
    else:
        trend = "커짐" if round(gb, 3) > round(ga, 3) else "작아짐" if round(gb, 3) < round(ga, 3) else "거의 같음"
        follows = "더 따라감" if round(nb, 2) > round(na, 2) else "덜 따라감" if round(nb, 2) < round(na, 2) else "비슷함"
        verdict = (f"1인당 배분액의 지니계수: A {ga:.3f} → B {gb:.3f} ({trend}). 소멸위험 필요도와의 순위상관: "
                   f"A {na:.2f} → B {nb:.2f} (필요한 곳을 {follows}).")
    return Comparison(a.scheme | {"budget_krw": a.budget_krw}, b.scheme | {"budget_krw": b.budget_krw}, rows,
                      win, lose, len(rows) - win - lose, a.disparity, b.disparity, verdict,
                      sources=tuple(dict.fromkeys(a.sources + b.sources)))


@dataclass
class Sensitivity:
    parameter: str
    label: str
    change: str
    mean_abs_pct: float
    max_abs_pct: float
    most_affected: list[dict]
    region: dict | None = None


def sensitivity(scheme: Scheme | str, *, code: str | None = None, budget: int | str | None = None) -> list[Sensitivity]:
    """How each unit's amount moves when one parameter moves: each term's share +0.05 (taken from the other
    terms in proportion), each class multiplier +10 %, each grade weight +10 %."""

    scheme = get_scheme(scheme) if isinstance(scheme, str) else scheme
    ref = {r.code: r.amount_krw for r in allocate(scheme, budget=budget).rows}
    if code is not None and code not in ref:
        raise InputError(f"시군구 '{code}'는 이 방식의 대상이 아닙니다.", field="code")
    variants = []
    for t in scheme.terms:
        if t.share >= 1.0:
            continue
        bump = min(0.05, 1.0 - t.share)
        rest = 1.0 - t.share
        terms = tuple(dataclasses.replace(u, share=u.share + bump) if u.id == t.id
                      else dataclasses.replace(u, share=u.share * (rest - bump) / rest) for u in scheme.terms)
        variants.append((f"terms.{t.id}", t.label, f"비중 {t.share:.2f}→{t.share + bump:.2f}",
                         dataclasses.replace(scheme, terms=terms)))
    for cls, m in scheme.multipliers.items():
        variants.append((f"multipliers.{cls}", f"{cls} 가중", f"{m:.2f}→{m * 1.1:.2f}",
                         dataclasses.replace(scheme, multipliers=scheme.multipliers | {cls: m * 1.1})))
    for g, w in scheme.grade_weights.items():
        variants.append((f"grades.{g}", f"{g} 등급 가중", f"{w:.2f}→{w * 1.1:.2f}",
                         dataclasses.replace(scheme, grade_weights=scheme.grade_weights | {g: w * 1.1})))
    out = []
    for pid, label, change, variant in variants:
        new = {r.code: r.amount_krw for r in allocate(variant, budget=budget).rows}
        pct = {c: (new[c] - ref[c]) / ref[c] * 100 for c in ref if ref[c]}
        ranked = sorted(pct.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:5]
        vals = np.abs(list(pct.values()))
        out.append(Sensitivity(pid, label, change, float(vals.mean()), float(vals.max()),
                               [{"code": c, "change_pct": v} for c, v in ranked],
                               {"code": code, "amount_krw": ref[code], "change_krw": new[code] - ref[code],
                                "change_pct": pct.get(code)} if code else None))
    return out


def compare_schemes(a: str, b: str, *, budget_a: int | str | None = None, budget_b: int | str | None = None) -> Comparison:
    """Compare two schemes, or one scheme at two budgets (e.g. 3.8조 vs 10.6조)."""
    return compare(allocate(a, budget=budget_a), allocate(b, budget=budget_b))
