"""Choose a 지자체's projects under its grant: a mixed-integer program, with a reason for every project.

Each project p has a cost per year c_{p,y} (원), a 지방비 share s_p (the part the 지자체 pays itself), a 분야,
expected outputs on named indicators e_{p,k}, optional prerequisites, an optional mutually exclusive
group and a "must" flag. Choose x_p ∈ {0, 1} to maximise the value Σ_p v_p x_p, where
v_p = Σ_k weight_k · e_{p,k} / max_q e_{q,k} (each indicator scaled to its largest project, so 일자리 and
생활인구 can be added), subject to

- grant:        Σ_p (1 − s_p) Σ_y c_{p,y} x_p ≤ G
- cash by year: Σ_p (1 − s_p) c_{p,y} x_p ≤ C_y              (where a yearly limit is given)
- local funds:  Σ_p s_p Σ_y c_{p,y} x_p ≤ L                  (where given)
- 분야:          min_f ≤ Σ_{p ∈ f} (1 − s_p) Σ_y c_{p,y} x_p ≤ max_f  (grant money per 분야)
- prerequisites x_p ≤ x_q; exclusive groups Σ_{p ∈ g} x_p ≤ 1; must x_p = 1.

Solved with ``scipy.optimize.milp`` (HiGHS). Reasons: a project in the portfolio states what dropping it
would cost; a project left out states the value it would need to enter (the optimum's drop when it is
forced in) or the rule that keeps it out. The frontier re-solves for a range of grants.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from moduai.errors import ImportRejected, InputError, RowError
from moduai.korean import josa, parse_won, won

DEMO_FILE = Path(__file__).with_name("data") / "haenam_projects_example.csv"
COST_PREFIX, EFFECT_PREFIX = "사업비_", "효과_"
REQUIRED = ("사업ID", "사업명", "분야")


@dataclass
class Project:
    id: str
    name: str
    field: str
    costs: dict[int, int]
    local_share: float
    effects: dict[str, float]
    requires: tuple[str, ...] = ()
    exclusive_group: str | None = None
    must: bool = False

    @property
    def total_cost(self) -> int:
        return sum(self.costs.values())

    @property
    def grant_cost(self) -> int:
        return int(round((1 - self.local_share) * self.total_cost))

    @property
    def local_cost(self) -> int:
        return self.total_cost - self.grant_cost


@dataclass
class PortfolioRules:
    grant_krw: int
    yearly_cash_krw: dict[int, int] = field(default_factory=dict)
    local_funds_krw: int | None = None
    field_min_krw: dict[str, int] = field(default_factory=dict)
    field_max_krw: dict[str, int] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)


@dataclass
class ProjectDecision:
    id: str
    name: str
    field: str
    selected: bool
    value: float
    grant_cost_krw: int
    local_cost_krw: int
    reason: str
    value_gap: float | None  # for a project left out: how much more value it needs to enter


@dataclass
class Portfolio:
    region: str
    objective: float
    grant_used_krw: int
    local_used_krw: int
    rules: dict
    decisions: list[ProjectDecision]
    binding: list[str]
    frontier: list[dict]
    by_field: dict[str, float]
    label: str = ""
    units: dict[str, str] = field(default_factory=lambda: {"krw": "원", "value": "가중 점수(지표별 최댓값=1)"})
    solver: str = "scipy.optimize.milp (HiGHS)"


def _where(column: str) -> str:
    return f"[{column}] "


def _num(text, *, row: int, column: str, errors: list[RowError], money: bool = False) -> float | None:
    if text is None or (isinstance(text, float) and np.isnan(text)) or str(text).strip() == "":
        return 0.0
    try:
        return float(parse_won(text, field=column)) if money else float(str(text).replace(",", ""))
    except (InputError, ValueError):
        errors.append(RowError(line=row, value=str(text), reason=_where(column) + f"{column}에는 {'금액(예: 12억, 1500000)' if money else '숫자'}를 적어 주세요."))
        return None


def read_projects(source: str | Path | bytes | pd.DataFrame | list[dict]) -> list[Project]:
    """Projects from the Korean CSV/XLSX template (or its rows as dicts, from the API); every bad row is
    reported, nothing is half-read."""
    if isinstance(source, list):
        df = pd.DataFrame([{k: ("" if v is None else str(v)) for k, v in row.items()} for row in source])
    elif isinstance(source, pd.DataFrame):
        df = source
    elif isinstance(source, bytes):
        df = (pd.read_excel(io.BytesIO(source), dtype=str) if source[:2] == b"PK"
              else pd.read_csv(io.BytesIO(source), dtype=str, encoding="utf-8-sig", keep_default_na=False))
    else:
        path = Path(source)
        df = pd.read_excel(path, dtype=str) if path.suffix.lower() in (".xlsx", ".xlsm") else \
            pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    df = df.fillna("")
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError(f"사업 목록에 {', '.join(missing)} 열이 없습니다. 서식: 사업ID, 사업명, 분야, 사업비_2026 …, "
                         "지방비비율, 효과_일자리 …, 선행사업, 배타그룹, 필수.", field="projects")
    cost_cols = [c for c in df.columns if c.startswith(COST_PREFIX)]
    if not cost_cols:
        raise InputError("연도별 사업비 열(예: 사업비_2026)이 하나도 없습니다.", field="projects")
    effect_cols = [c for c in df.columns if c.startswith(EFFECT_PREFIX)]
    errors: list[RowError] = []
    projects, seen, rows_of = [], set(), {}
    for i, r in enumerate(df.to_dict("records"), start=2):  # row 1 is the header
        pid = str(r.get("사업ID") or "").strip()
        if not pid:
            errors.append(RowError(line=i, value="", reason=_where("사업ID") + "사업ID가 비어 있습니다."))
            continue
        if pid in seen:
            errors.append(RowError(line=i, value=pid, reason=_where("사업ID") + "같은 사업ID가 두 번 나옵니다."))
            continue
        seen.add(pid)
        rows_of[pid] = i
        costs = {}
        for c in cost_cols:
            try:
                year = int(c.removeprefix(COST_PREFIX))
            except ValueError:
                errors.append(RowError(line=1, value=c, reason=_where(c) + "사업비 열 이름은 사업비_2026처럼 연도로 끝나야 합니다."))
                continue
            v = _num(r.get(c), row=i, column=c, errors=errors, money=True)
            if v:
                costs[year] = int(v)
        share = _num(r.get("지방비비율"), row=i, column="지방비비율", errors=errors)
        if share is not None and not 0 <= share < 1:
            errors.append(RowError(line=i, value=str(r.get("지방비비율")), reason=_where("지방비비율") + "지방비비율은 0 이상 1 미만이어야 합니다 (예: 0.2)."))
            share = None
        effects = {}
        for c in effect_cols:
            v = _num(r.get(c), row=i, column=c, errors=errors)
            if v is not None and v < 0:
                errors.append(RowError(line=i, value=str(v), reason=_where(c) + "기대효과는 0 이상이어야 합니다."))
            elif v:
                effects[c.removeprefix(EFFECT_PREFIX)] = v
        if not costs:
            errors.append(RowError(line=i, value="", reason=_where("사업비") + "사업비가 한 해도 없습니다."))
            continue
        if share is None:
            continue
        req = tuple(x.strip() for x in str(r.get("선행사업") or "").replace(",", ";").split(";") if x.strip())
        group = str(r.get("배타그룹") or "").strip() or None
        must = str(r.get("필수") or "").strip().upper() in ("Y", "예", "O", "1", "TRUE")
        projects.append(Project(pid, str(r.get("사업명") or pid).strip(), str(r.get("분야") or "").strip() or "기타",
                                costs, share, effects, req, group, must))
    ids = {p.id for p in projects}
    for p in projects:
        for q in p.requires:
            if q not in ids:
                errors.append(RowError(line=rows_of[p.id], value=q, reason=_where("선행사업") + f"'{p.id}'의 선행사업 {josa(repr(q), '이/가')} 목록에 없습니다."))
    if errors:
        raise ImportRejected(f"사업 목록에서 {len(errors)}개 문제를 찾았습니다. 고친 뒤 다시 올려 주세요.", errors)
    if not projects:
        raise InputError("사업 목록이 비어 있습니다.", field="projects")
    return projects


def demo_projects() -> list[Project]:
    """해남군 예시 사업 목록 (예시: 실제 계획이 아닙니다)."""
    return read_projects(DEMO_FILE)


def _values(projects: list[Project], weights: dict[str, float]) -> np.ndarray:
    keys = sorted({k for p in projects for k in p.effects})
    scale = {k: max(p.effects.get(k, 0.0) for p in projects) or 1.0 for k in keys}
    return np.array([sum(weights.get(k, 1.0) * p.effects.get(k, 0.0) / scale[k] for k in keys) for p in projects])


@dataclass
class _Model:
    c: np.ndarray
    groups: list[tuple[str, np.ndarray, float, float]]  # (name, row, lo, hi)
    lb: np.ndarray
    ub: np.ndarray


def _build(projects: list[Project], rules: PortfolioRules, values: np.ndarray) -> _Model:
    n = len(projects)
    idx = {p.id: i for i, p in enumerate(projects)}
    grant = np.array([p.grant_cost for p in projects])
    groups: list[tuple[str, np.ndarray, float, float]] = [("국비 총액", grant, -np.inf, float(rules.grant_krw))]
    for year, limit in sorted(rules.yearly_cash_krw.items()):
        row = np.array([(1 - p.local_share) * p.costs.get(year, 0) for p in projects])
        groups.append((f"{year}년 국비 한도", row, -np.inf, float(limit)))
    if rules.local_funds_krw is not None:
        row = np.array([float(p.local_cost) for p in projects])
        groups.append(("지방비 한도", row, -np.inf, float(rules.local_funds_krw)))
    for f in sorted(set(rules.field_min_krw) | set(rules.field_max_krw)):
        row = np.array([p.grant_cost if p.field == f else 0.0 for p in projects])
        groups.append((f"분야 '{f}' 범위", row, float(rules.field_min_krw.get(f, -np.inf)),
                       float(rules.field_max_krw.get(f, np.inf))))
    for p in projects:
        for q in p.requires:
            row = np.zeros(n)
            row[idx[p.id]], row[idx[q]] = 1, -1
            groups.append((f"'{p.name}'의 선행사업 '{projects[idx[q]].name}'", row, -np.inf, 0.0))
    for g in sorted({p.exclusive_group for p in projects if p.exclusive_group}):
        row = np.array([1.0 if p.exclusive_group == g else 0.0 for p in projects])
        groups.append((f"배타그룹 '{g}'", row, -np.inf, 1.0))
    lb = np.array([1.0 if p.must else 0.0 for p in projects])
    return _Model(-values, groups, lb, np.ones(n))


EXACT_EXPLAIN_LIMIT = 40  # up to this many projects, every reason comes from re-solving the program
FRONTIER_GAP = 0.01  # frontier points are solved to within 1 % of the optimum (a chart, not a decision)


@contextlib.contextmanager
def _quiet_stdout():
    """HiGHS sometimes writes diagnostics to the process's stdout from C++, which would corrupt the CLI's
    JSON document; send file descriptor 1 to /dev/null while it runs."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _solve(model: _Model, lb: np.ndarray | None = None, ub: np.ndarray | None = None,
           skip: set[str] | None = None, gap: float | None = None) -> np.ndarray | None:
    # deferred: scipy.optimize ≈ 0.5 s to import; the web app and CLI start without it
    from scipy.optimize import Bounds, LinearConstraint, milp

    rows = [(r, lo, hi) for name, r, lo, hi in model.groups if not skip or name not in skip]
    cons = [LinearConstraint(np.vstack([r for r, _, _ in rows]), [lo for _, lo, _ in rows],
                             [hi for _, _, hi in rows])] if rows else []
    lo = model.lb if lb is None else lb
    if skip and "필수 사업" in skip:
        lo = np.zeros_like(lo) if lb is None else lb
    with _quiet_stdout():
        res = milp(model.c, constraints=cons, integrality=np.ones(len(model.c)),
                   bounds=Bounds(lo, model.ub if ub is None else ub),
                   options={"mip_rel_gap": gap} if gap else None)
    return np.round(res.x) if res.status == 0 else None


def _conflicts(model: _Model) -> list[str]:
    names = [g[0] for g in model.groups] + (["필수 사업"] if model.lb.any() else [])
    for k in (1, 2):
        found = [combo for combo in itertools.combinations(names, k) if _solve(model, skip=set(combo)) is not None]
        if found:
            return [" + ".join(c) for c in found]
    return names


def optimise(projects: list[Project], rules: PortfolioRules, *, region: str = "", label: str = "",
             frontier_steps: int = 12, explain: bool = True) -> Portfolio:
    """The best portfolio, a reason for every project, the binding rules and the value-vs-grant frontier."""
    if rules.grant_krw <= 0:
        raise InputError("포괄보조 금액(budget)은 0보다 커야 합니다.", field="budget")
    values = _values(projects, rules.weights)
    model = _build(projects, rules, values)
    x = _solve(model)
    if x is None:
        conflicts = _conflicts(model)
        raise InputError("주어진 조건을 모두 만족하는 사업 조합이 없습니다. 서로 맞지 않는 조건: "
                         + "; ".join(conflicts) + ". 이 가운데 하나를 풀거나 예산을 늘려 주세요.",
                         field="constraints", candidates=conflicts)
    best = float(values @ x)
    # A limit binds when no project left out could still fit under it (its slack is below every such
    # project's use of it); a minimum binds when it is met with less than one project's worth to spare.
    out = x == 0
    binding = []
    for name, r, lo, hi in model.groups:
        if "선행" in name or name.startswith("배타"):
            if name.startswith("배타") and r @ x >= 1 and np.any(out & (r > 0)):
                binding.append(name)
            continue
        use = r[out & (r > 0)]
        if np.isfinite(hi) and use.size and hi - r @ x < use.min():
            binding.append(name)
        elif np.isfinite(lo) and r @ x - lo < max(1.0, float(r[(x == 1) & (r > 0)].min(initial=np.inf))) \
                and lo > 0:
            binding.append(name)
    decisions = []
    exact = explain and len(projects) <= EXACT_EXPLAIN_LIMIT
    prices = None if exact or not explain else _lp_prices(model)
    for i, p in enumerate(projects):
        sel = bool(x[i])
        reason, gap = "", None
        if p.must:
            reason = "필수 사업으로 지정됨"
        elif prices is not None:
            need = prices[i]
            if sel:
                reason = (f"가치 점수 {values[i]:.3f}가 이 사업이 쓰는 국비·한도의 그림자 가격 {need:.3f}보다 높음 "
                          "(선형 완화로 본 근사)")
            else:
                gap = max(need - values[i], 0.0)
                reason = (f"가치 점수 {values[i]:.3f}가 쓰는 자원의 그림자 가격 {need:.3f}에 못 미침: 약 {gap:.3f} 더 "
                          "높아야 선정될 만함 (선형 완화로 본 근사)" if gap > 1e-9 else
                          "그림자 가격으로는 경계선에 있음 (정수 조건 때문에 빠짐)")
        elif exact:
            lb, ub = model.lb.copy(), model.ub.copy()
            if sel:
                ub[i] = 0
                alt = _solve(model, lb, ub)
                if alt is None:
                    reason = "빼면 다른 조건(선행사업·분야 최소)을 지킬 수 없음"
                else:
                    loss = best - float(values @ alt)
                    reason = (f"빼면 가치가 {loss:.3f} 줄어듦 (같은 돈으로 이보다 나은 조합이 없음)" if loss > 1e-9
                              else "빼도 가치가 같은 대안이 있음 (동점)")
            else:
                lb[i] = 1
                alt = _solve(model, lb, ub)
                if alt is None:
                    reason = _blocked_by(projects, i, x, model)
                else:
                    gap = best - float(values @ alt)
                    reason = (f"넣으면 전체 가치가 {gap:.3f} 줄어듦: 이 사업의 가치 점수가 {values[i]:.3f}에서 "
                              f"{values[i] + gap:.3f}보다 높아지면 선정됩니다" if gap > 1e-9
                              else "넣어도 가치가 같음 (동점으로 빠짐)")
        decisions.append(ProjectDecision(p.id, p.name, p.field, sel, float(values[i]), p.grant_cost,
                                         p.local_cost, reason, gap))
    frontier = []
    if frontier_steps:
        steps = frontier_steps if len(projects) <= EXACT_EXPLAIN_LIMIT else min(frontier_steps, 8)
        for frac in np.linspace(0.25, 1.5, steps):
            r2 = PortfolioRules(int(rules.grant_krw * frac), rules.yearly_cash_krw, rules.local_funds_krw,
                                rules.field_min_krw, rules.field_max_krw, rules.weights)
            x2 = _solve(_build(projects, r2, values), gap=FRONTIER_GAP if len(projects) > EXACT_EXPLAIN_LIMIT else None)
            frontier.append({"grant_krw": r2.grant_krw, "value": None if x2 is None else float(values @ x2),
                             "projects": None if x2 is None else int(x2.sum())})
    by_field: dict[str, int] = {}
    for p, xi in zip(projects, x):
        if xi:
            by_field[p.field] = by_field.get(p.field, 0.0) + p.grant_cost
    return Portfolio(region, best, sum(p.grant_cost for p, xi in zip(projects, x) if xi),
                     sum(p.local_cost for p, xi in zip(projects, x) if xi),
                     {"grant_krw": rules.grant_krw, "yearly_cash_krw": rules.yearly_cash_krw,
                      "local_funds_krw": rules.local_funds_krw, "field_min_krw": rules.field_min_krw,
                      "field_max_krw": rules.field_max_krw, "weights": rules.weights},
                     decisions, binding, frontier, by_field, label)


def _lp_prices(model: _Model) -> np.ndarray:
    """Per project, Σ_k λ_k a_kp: the value its use of every limit costs at the LP relaxation's shadow prices."""
    from scipy.optimize import linprog  # deferred: scipy.optimize ≈ 0.5 s to import

    a_ub, b_ub = [], []
    for _, r, lo, hi in model.groups:
        if np.isfinite(hi):
            a_ub.append(r), b_ub.append(hi)
        if np.isfinite(lo):
            a_ub.append(-r), b_ub.append(-lo)
    n = len(model.c)
    bounds = list(zip(model.lb, model.ub))
    res = linprog(model.c, A_ub=np.vstack(a_ub) if a_ub else None, b_ub=b_ub or None, bounds=bounds, method="highs")
    if res.status != 0 or not a_ub:
        return np.zeros(n)
    lam = -np.asarray(res.ineqlin.marginals)  # ≥ 0: value of one more unit of each limit
    return np.vstack(a_ub).T @ lam


def _blocked_by(projects: list[Project], i: int, x: np.ndarray, model: _Model) -> str:
    p = projects[i]
    if p.exclusive_group:
        rivals = [q.name for q, xi in zip(projects, x) if xi and q.exclusive_group == p.exclusive_group and q is not p]
        if rivals:
            return f"배타그룹 '{p.exclusive_group}'에서 {josa(rivals[0], '이/가')} 선택되어 함께 할 수 없음"
    lb = model.lb.copy()
    lb[i] = 1
    for name, *_ in model.groups:
        if _solve(model, lb=lb, skip={name}) is not None:
            return f"넣으면 '{name}' 조건을 지킬 수 없음"
    return f"국비 {won(p.grant_cost)}이 남은 한도를 넘음"


def brute_force(projects: list[Project], rules: PortfolioRules) -> tuple[float, tuple[str, ...]] | None:
    """Every subset, for checking the solver on small instances (n ≤ 16)."""
    values = _values(projects, rules.weights)
    model = _build(projects, rules, values)
    best: tuple[float, tuple[str, ...]] | None = None
    for bits in itertools.product((0, 1), repeat=len(projects)):
        x = np.array(bits, dtype=float)
        if np.any(x < model.lb):
            continue
        if all((r @ x <= hi + 1e-6) and (r @ x >= lo - 1e-6) for _, r, lo, hi in model.groups):
            v = float(values @ x)
            if best is None or v > best[0] + 1e-12:
                best = (v, tuple(p.id for p, b in zip(projects, bits) if b))
    return best


# the Korean names of the plan's limits (the portfolio page's labels); messages name a limit as '국비 한도(budget)'
LIMIT_LABELS = {"budget": "국비 한도", "cash": "연도별 국비 한도", "local": "지방비 한도", "field_min": "분야 최소 국비",
                "field_max": "분야 최대 국비"}


def parse_limits(items: list[str] | None, *, field: str, key_is_year: bool = False) -> dict:
    """``["2026=45억", "청년정착=15억"]`` → {2026: 4500000000, …}; a bad item names ``field`` and the fix."""
    out: dict = {}
    label = LIMIT_LABELS.get(field)
    name = f"{label}({field})" if label else field
    for item in items or []:
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip():
            raise InputError(f"{name}의 값은 '이름=금액' 꼴이어야 합니다 (예: 2026=45억, 청년정착=15억). "
                             f"받은 값: '{item}'.", field=field)
        k: str | int = key.strip()
        if key_is_year:
            if not str(k).isdigit() or not 2000 <= int(k) <= 2100:
                raise InputError(f"{name}의 연도 '{k}'가 올바르지 않습니다 (예: 2026=45억).", field=field)
            k = int(k)
        out[k] = parse_won(value, field=field, label=label)
    return out


def plan_portfolio(projects: str | Path | bytes | pd.DataFrame | list[dict] | None, *, budget: int | str, region: str = "",
                   yearly_cash: list[str] | None = None, local_funds: int | str | None = None,
                   field_min: list[str] | None = None, field_max: list[str] | None = None,
                   weights: dict[str, float] | None = None, frontier_steps: int = 12) -> Portfolio:
    """Read the projects (or the 해남군 예시 when ``projects`` is None), parse the rules, optimise.

    The 해남군 예시 (``projects`` None) is a pure function of the rules and the shipped example file: that
    answer is computed once per process for each set of rules and that file's state (:func:`_demo_portfolio`,
    ≈ 26 MILP solves) and shared — callers must not change it.  Uploaded projects are always solved fresh."""
    if projects is None:
        stat = DEMO_FILE.stat()
        key = (budget, region, tuple(yearly_cash or ()), local_funds, tuple(field_min or ()), tuple(field_max or ()),
               tuple((weights or {}).items()), frontier_steps, stat.st_mtime_ns, stat.st_size)
        try:
            hash(key)
        except TypeError:  # an odd value type: no cache
            pass
        else:
            return _demo_portfolio(*key)
    return _plan_portfolio(projects, budget=budget, region=region, yearly_cash=yearly_cash, local_funds=local_funds,
                           field_min=field_min, field_max=field_max, weights=weights, frontier_steps=frontier_steps)


@lru_cache(maxsize=16)
def _demo_portfolio(budget, region, yearly_cash, local_funds, field_min, field_max, weights, frontier_steps,
                    _mtime_ns, _size) -> Portfolio:
    """:func:`plan_portfolio` of the 해남군 예시; the last two arguments tie the answer to the example file."""
    return _plan_portfolio(None, budget=budget, region=region, yearly_cash=list(yearly_cash), local_funds=local_funds,
                           field_min=list(field_min), field_max=list(field_max), weights=dict(weights),
                           frontier_steps=frontier_steps)


def _plan_portfolio(projects: str | Path | bytes | pd.DataFrame | list[dict] | None, *, budget: int | str,
                    region: str = "", yearly_cash: list[str] | None = None, local_funds: int | str | None = None,
                    field_min: list[str] | None = None, field_max: list[str] | None = None,
                    weights: dict[str, float] | None = None, frontier_steps: int = 12) -> Portfolio:
    """The computation behind :func:`plan_portfolio` (never cached)."""
    label = ""
    if projects is None:
        items, label, region = demo_projects(), "예시 (해남군 가상 사업 — 실제 계획 아님)", region or "해남군"
    else:
        items = read_projects(projects)
    rules = PortfolioRules(
        grant_krw=parse_won(budget, field="budget", label=LIMIT_LABELS["budget"]),
        yearly_cash_krw=parse_limits(yearly_cash, field="cash", key_is_year=True),
        local_funds_krw=None if local_funds in (None, "") else parse_won(local_funds, field="local", label=LIMIT_LABELS["local"]),
        field_min_krw=parse_limits(field_min, field="field_min"),
        field_max_krw=parse_limits(field_max, field="field_max"),
        weights=dict(weights or {}),
    )
    return optimise(items, rules, region=region, label=label, frontier_steps=frontier_steps)
