"""Placing trainees in internship/job slots: deferred acceptance, and Kamada–Kojima flexible DA with regional caps.

Mechanisms
----------
* **Unconstrained**: trainee-proposing deferred acceptance with capacities (Gale & Shapley 1962; the
  hospital–resident problem, Roth 1984).  Stable (no blocking pair) and trainee-optimal.
* **Regional caps**: Kamada & Kojima (2015), "Efficient Matching under Distributional Constraints: Theory
  and Applications", *AER* 105(1) — the *flexible deferred acceptance* mechanism.  Each capped region r
  has a cap q_r and every slot h in it a *target* q̄_h with Σ_h q̄_h ≤ q_r.  At every step each trainee
  applies to her best slot that has not rejected her; then in each capped region every slot first
  keeps its best applicants up to min(q̄_h, capacity); the region's remaining seats (q_r − what was kept)
  are handed out one at a time, slots taking turns in a fixed order (round-robin), each slot taking its
  best applicant not yet kept while it has room; everyone else is rejected.  It stops when nobody is
  rejected.  KK show the result is stable in their sense (a trainee may envy a vacant seat only when the
  region is at its cap and the slot is at or above its target) and constrained efficient.
  Targets here: q̄_h = ⌊capacity_h × q_r ÷ Σ capacity in r⌋ (proportional); round-robin order = slot order
  in the input file.  The region choice function satisfies substitutes and the law of aggregate demand,
  so proposing in rounds (all rejected trainees at once) gives the same result as one at a time.
* **A cap given as a share** ("수도권=0.3": at most 30 % of placements in 수도권) is turned into a count:
  first ⌊0.3 × min(trainees, seats)⌋; then, while the 수도권 count exceeds 30 % of all placements, the cap
  is lowered to ⌊0.3/0.7 × placements outside 수도권⌋ (the exact condition share ≤ 0.3) and the mechanism
  is rerun.  Caps only fall, so this ends (2–3 runs in the benchmark).
* **Floors** ("호남권=20": at least 20 placements in 호남권) are not part of KK's model, which has caps
  only.  We meet them with caps: while a floor is short by d, we find trainees placed in other regions
  who listed a slot of the short region below their placement, and lower the cap of the region holding
  most of them by up to d; then rerun.  Every run is a flexible DA under the caps then in force, so the
  result keeps KK's stability for those caps (the lowered caps are reported per region).  Floors and
  stability can conflict (a trainee already in the short region may have to step down to make room):
  if lowering caps cannot meet a floor, a small integer programme (``scipy.optimize.milp``) changes the
  fewest placements that meets every floor and cap (then places most trainees, then best ranks); the
  number of changed placements and the justified-envy pairs it creates are reported, never hidden.
  Before any of this, a linear programme checks whether *any* placement can meet the floors and caps
  with these lists and seats; if none can, an :class:`~moduai.errors.InputError` says, in Korean, which
  floor fails and why (e.g. too few trainees listed that region).

Ties
----
Slots rank trainees by a score; equal scores are broken by **one lottery shared by all slots** (single
tie-breaking; Abdulkadiroğlu, Pathak & Roth 2009 show it wastes fewer seats than a lottery per slot):
a permutation of trainees from ``numpy.random.default_rng(seed)``.  Trainees' equal-scored slots are
ordered by :mod:`moduai.talent.preferences` (slot lottery from the same seed).  Same seed, same result.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from moduai.errors import Ambiguous, InputError, NotFound
from moduai.korean import josa
from moduai.regions import find_megaregion, get_region, megaregion_of, megaregions, resolve_region

NRMP_2024_PGY1_MATCH_RATE = 0.802  # NRMP 2024 Main Residency Match: 80.2 % of PGY-1 applicants matched
NRMP_NOTE = "미국 전공의 매칭 2024 본 매칭: 1년차 전공의 지원자의 80.2%가 매칭 (참고 비교)"
UNCAPPED = np.iinfo(np.int64).max // 4


# ------------------------------------------------------------------------------------ problem
@dataclass
class MatchingProblem:
    """Arrays the mechanisms work on.  ``prefs[i, k]`` = k-th choice (slot index) of trainee i, −1 = none;
    ``prio[i, k]`` = the rank slot ``prefs[i, k]`` gives trainee i (0 = best, unique within a slot)."""

    trainee_ids: list[str]
    slot_ids: list[str]
    prefs: np.ndarray
    prio: np.ndarray
    capacity: np.ndarray
    slot_region: np.ndarray
    region_ids: list[str]
    region_names: list[str]
    seed: int = 0
    synthetic: bool = False

    @property
    def n(self) -> int:
        return len(self.trainee_ids)

    @property
    def m(self) -> int:
        return len(self.slot_ids)


def rank_within_slots(prefs: np.ndarray, score: np.ndarray, lottery: np.ndarray) -> np.ndarray:
    """Turn slot scores (higher = better) into unique ranks per slot; ties → lower lottery number first."""
    n, length = prefs.shape
    valid = prefs >= 0
    ii, kk = np.nonzero(valid)
    s = prefs[ii, kk]
    order = np.lexsort((lottery[ii], -score[ii, kk], s))
    s_sorted = s[order]
    start = np.r_[True, s_sorted[1:] != s_sorted[:-1]]
    first = np.maximum.accumulate(np.where(start, np.arange(len(order)), 0))
    ranks = np.empty(len(order), np.int64)
    ranks[order] = np.arange(len(order)) - first
    prio = np.full((n, length), -1, np.int64)
    prio[ii, kk] = ranks
    return prio


def build_problem(trainee_prefs: dict[str, list[str]], slots: dict[str, dict], scores: dict | None = None,
                  *, seed: int = 0, synthetic: bool = False, variant: str = "official") -> MatchingProblem:
    """From plain dicts: ``trainee_prefs[t] = [slot ids, best first]``; ``slots[s] = {"capacity": int,
    "region": 시도/시군구 code or 5극3특 name}``; ``scores[s][t]`` = slot s's score of trainee t (higher is
    better; missing = 0).  Ties → the seeded lottery."""

    groups = megaregions(variant)
    region_ids = [g.id for g in groups]
    slot_ids = list(slots)
    index = {s: j for j, s in enumerate(slot_ids)}
    cap = np.array([int(slots[s]["capacity"]) for s in slot_ids], np.int64)
    if (cap < 0).any():
        bad = slot_ids[int(np.flatnonzero(cap < 0)[0])]
        raise InputError(f"자리 '{bad}'의 정원이 음수입니다. 0 이상의 정수를 넣어 주세요.", field="capacity")
    reg = np.array([region_ids.index(region_group(slots[s]["region"], variant)) for s in slot_ids], np.int64)
    trainee_ids = list(trainee_prefs)
    length = max((len(v) for v in trainee_prefs.values()), default=1) or 1
    prefs = np.full((len(trainee_ids), length), -1, np.int64)
    score = np.zeros((len(trainee_ids), length))
    for i, t in enumerate(trainee_ids):
        seen = set()
        for k, s in enumerate(trainee_prefs[t]):
            if s not in index:
                raise InputError(f"훈련생 '{t}'의 {k + 1}지망 {josa(repr(s), '은/는')} 자리 목록에 없습니다. 자리 id를 확인해 주세요.",
                                 field="preferences")
            if s in seen:
                raise InputError(f"훈련생 {josa(repr(t), '이/가')} 자리 {josa(repr(s), '을/를')} 두 번 적었습니다. 한 번만 적어 주세요.", field="preferences")
            seen.add(s)
            prefs[i, k] = index[s]
            score[i, k] = float((scores or {}).get(s, {}).get(t, 0.0))
    lottery = np.random.default_rng(seed).permutation(len(trainee_ids))
    return MatchingProblem(trainee_ids, slot_ids, prefs, rank_within_slots(prefs, score, lottery), cap, reg,
                           region_ids, [g.name for g in groups], seed, synthetic)


def sido_of(text: str) -> str:
    """시도 code of a region name or code; a name several regions share is fine if they share the 시도
    ('세종특별자치시' is both the 시도 36 and its only 시군구 36110)."""

    t = str(text).strip()
    if t.isdigit():
        return get_region(t).sido_code
    try:
        return resolve_region(t).sido_code
    except Ambiguous as exc:
        sidos = {str(c["code"])[:2] for c in exc.candidates}
        if len(sidos) == 1:
            return sidos.pop()
        raise


def region_group(value: str, variant: str = "official") -> str:
    """5극3특 id for a 시도/시군구 code, a region name ('전남 순천시') or a group name/alias ('호남권')."""

    v = str(value).strip()
    if v.isdigit():
        return megaregion_of(v, variant).id
    try:
        return find_megaregion(v, variant).id
    except NotFound:
        return megaregion_of(sido_of(v), variant).id


# ------------------------------------------------------------------------------------ engine
def _choose(cs: np.ndarray, cp: np.ndarray, capacity: np.ndarray, target: np.ndarray, slot_capped: np.ndarray,
            slot_region: np.ndarray, region_cap: np.ndarray) -> np.ndarray:
    """Which candidates (slot cs, slot rank cp) slots and regions keep: per slot its best up to
    target (capped regions) or capacity; then each capped region's remaining seats round-robin."""
    order = np.lexsort((cp, cs))
    s = cs[order]
    start = np.r_[True, s[1:] != s[:-1]] if len(s) else np.zeros(0, bool)
    pos = np.arange(len(s)) - np.maximum.accumulate(np.where(start, np.arange(len(s)), 0))
    capped = slot_capped[s]
    first = pos < np.where(capped, target[s], capacity[s])
    keep_sorted = first.copy()
    extra = capped & ~first & (pos < capacity[s])
    if extra.any():
        r_all = slot_region[s]
        used = np.bincount(r_all[first & capped], minlength=len(region_cap))
        remaining = region_cap - used
        idx = np.flatnonzero(extra)
        r, j = r_all[idx], pos[idx] - target[s[idx]]
        o = np.lexsort((s[idx], j, r))  # round j, then slot order, within each region
        r_sorted = r[o]
        rs = np.r_[True, r_sorted[1:] != r_sorted[:-1]]
        rank = np.arange(len(o)) - np.maximum.accumulate(np.where(rs, np.arange(len(o)), 0))
        take = rank < remaining[r_sorted]
        keep_sorted[idx[o[take]]] = True
    keep = np.empty(len(cs), bool)
    keep[order] = keep_sorted
    return keep


@dataclass
class _Run:
    slot_of: np.ndarray  # per trainee: slot index or −1
    choice_of: np.ndarray  # per trainee: index k in her list or −1
    rounds: int
    proposals: int


def deferred_acceptance(p: MatchingProblem, region_cap: np.ndarray | None = None,
                        target: np.ndarray | None = None) -> _Run:
    """Trainee-proposing DA; with ``region_cap`` (per region, UNCAPPED = none) it is KK flexible DA."""
    n, length = p.prefs.shape
    m = p.m
    R = len(p.region_ids)
    region_cap = np.full(R, UNCAPPED, np.int64) if region_cap is None else np.asarray(region_cap, np.int64)
    capped_region = region_cap < UNCAPPED
    slot_capped = capped_region[p.slot_region]
    if target is None:
        target = slot_targets(p, region_cap)
    ptr = np.zeros(n, np.int64)
    h_i = np.empty(0, np.int64)
    h_s = np.empty(0, np.int64)
    h_p = np.empty(0, np.int64)
    active = np.flatnonzero(p.prefs[:, 0] >= 0) if length else np.empty(0, np.int64)
    rounds = proposals = 0
    slot_members = {int(r): np.flatnonzero(slot_capped & (p.slot_region == r)) for r in np.flatnonzero(capped_region)}
    while active.size:
        rounds += 1
        proposals += active.size
        ns = p.prefs[active, ptr[active]]
        np_ = p.prio[active, ptr[active]]
        touched = np.zeros(m, bool)
        touched[ns] = True
        for r in np.unique(p.slot_region[ns[slot_capped[ns]]]):
            touched[slot_members[int(r)]] = True
        redo = touched[h_s]
        ci = np.concatenate([h_i[redo], active])
        cs = np.concatenate([h_s[redo], ns])
        cp = np.concatenate([h_p[redo], np_])
        keep = _choose(cs, cp, p.capacity, target, slot_capped, p.slot_region, region_cap)
        stay = ~redo
        h_i = np.concatenate([h_i[stay], ci[keep]])
        h_s = np.concatenate([h_s[stay], cs[keep]])
        h_p = np.concatenate([h_p[stay], cp[keep]])
        rej = ci[~keep]
        ptr[rej] += 1
        rej = rej[ptr[rej] < length]
        active = rej[p.prefs[rej, ptr[rej]] >= 0]
    slot_of = np.full(n, -1, np.int64)
    choice_of = np.full(n, -1, np.int64)
    slot_of[h_i] = h_s
    choice_of[h_i] = ptr[h_i]
    return _Run(slot_of, choice_of, rounds, proposals)


def slot_targets(p: MatchingProblem, region_cap: np.ndarray) -> np.ndarray:
    """KK target capacities: ⌊capacity × cap_r ÷ seats in r⌋ in capped regions (Σ ≤ cap_r); capacity elsewhere."""
    seats = np.bincount(p.slot_region, weights=p.capacity, minlength=len(region_cap))
    capped = region_cap < UNCAPPED
    frac = np.where(capped & (seats > 0), np.minimum(region_cap, seats) / np.maximum(seats, 1), 1.0)
    return np.where(capped[p.slot_region], np.floor(p.capacity * frac[p.slot_region]), p.capacity).astype(np.int64)


# ------------------------------------------------------------------------------------ constraints
@dataclass
class RegionConstraint:
    region: str  # 5극3특 id
    name: str
    kind: str  # 'cap' | 'floor'
    value: float  # share (< 1) or count
    count: int | None = None  # the count in force at the end (caps), or the floor
    filled: int | None = None
    met: bool | None = None


def parse_constraints(caps: dict[str, float] | None, floors: dict[str, float] | None,
                      variant: str = "official") -> list[RegionConstraint]:
    """``{"수도권": 0.3}`` caps (share < 1, or a count ≥ 1) and ``{"호남권": 20}`` floors (counts)."""

    out = []
    for kind, spec in (("cap", caps or {}), ("floor", floors or {})):
        for name, value in spec.items():
            g = find_megaregion(str(name), variant)
            v = float(value)
            if not math.isfinite(v) or v < 0:
                raise InputError(f"{g.name} {'상한' if kind == 'cap' else '하한'} 값은 0 이상이어야 합니다. 받은 값: {value}.",
                                 field=kind)
            if kind == "floor" and v != int(v):
                raise InputError(f"{g.name} 하한은 인원 수(정수)입니다. 받은 값: {value}.", field="floor")
            if kind == "cap" and 1 <= v and v != int(v):
                raise InputError(f"{g.name} 상한은 비율(0–1 미만) 또는 인원 수(정수)입니다. 받은 값: {value}.", field="cap")
            out.append(RegionConstraint(g.id, g.name, kind, v))
    ids = [(c.region, c.kind) for c in out]
    if len(ids) != len(set(ids)):
        raise InputError("같은 권역에 상한(또는 하한)을 두 번 줬습니다. 하나만 남겨 주세요.", field="cap")
    return out


def parse_constraint_args(items: list[str] | None, kind: str) -> dict[str, float]:
    """CLI text 'A=0.3' (repeatable, or comma separated) → {'A': 0.3}."""
    out: dict[str, float] = {}
    for item in items or []:
        for part in str(item).split(","):
            if not part.strip():
                continue
            name, sep, value = part.partition("=")
            try:
                out[name.strip()] = float(value)
            except ValueError:
                sep = ""
            if not sep or not name.strip():
                label = "상한" if kind == "cap" else "하한"
                raise InputError(f"{label}은 '권역=값' 형식입니다 (예: 수도권=0.3, 호남권=20). 받은 값: '{part}'.", field=kind)
    return out


def check_feasible(p: MatchingProblem, constraints: list[RegionConstraint]) -> None:
    """Is there any placement meeting every floor (and cap) with these lists and seats?  LP (HiGHS).

    Raises InputError naming the first failing floor, with the counts that explain it."""
    floors = [c for c in constraints if c.kind == "floor"]
    if not floors:
        return
    names = dict(zip(p.region_ids, p.region_names, strict=True))
    seats = np.bincount(p.slot_region, weights=p.capacity, minlength=len(p.region_ids))
    valid = p.prefs >= 0
    listed = np.zeros((p.n, len(p.region_ids)), bool)
    ii, kk = np.nonzero(valid)
    listed[ii, p.slot_region[p.prefs[ii, kk]]] = True
    for c in floors:
        r = p.region_ids.index(c.region)
        who = int(listed[:, r].sum())
        if c.value > seats[r] or c.value > who:
            raise InputError(
                f"{names[c.region]} 하한 {int(c.value):,}명을 채울 수 없습니다: {names[c.region]} 자리는 "
                f"{int(seats[r]):,}석이고, {names[c.region]} 자리를 지망한 훈련생은 {who:,}명입니다. "
                f"하한을 {min(int(seats[r]), who):,}명 이하로 낮추거나 그 권역 자리·지원자를 늘려 주세요.", field="floor")
    # deferred: scipy loads its compiled submodules slowly
    from scipy.optimize import linprog

    # deferred: scipy loads its compiled submodules slowly
    from scipy.sparse import csr_matrix, vstack

    nv = len(ii)
    s = p.prefs[ii, kk]
    reg = p.slot_region[s]
    rows = [csr_matrix((np.ones(nv), (ii, np.arange(nv))), shape=(p.n, nv)),
            csr_matrix((np.ones(nv), (s, np.arange(nv))), shape=(p.m, nv))]
    b = [np.ones(p.n), p.capacity.astype(float)]
    for c in constraints:
        r = p.region_ids.index(c.region)
        in_r = (reg == r).astype(float)
        if c.kind == "floor":
            rows.append(csr_matrix(-in_r[None, :]))
            b.append(np.array([-c.value]))
        elif c.value >= 1:
            rows.append(csr_matrix(in_r[None, :]))
            b.append(np.array([c.value]))
        else:  # share: in_r − x·all ≤ 0
            rows.append(csr_matrix((in_r - c.value)[None, :]))
            b.append(np.array([0.0]))
    res = linprog(np.zeros(nv), A_ub=vstack(rows).tocsr(), b_ub=np.concatenate(b), bounds=(0, 1), method="highs")
    if res.status == 2:
        what = ", ".join(f"{c.name} {'상한' if c.kind == 'cap' else '하한'} {c.value:g}" for c in constraints)
        raise InputError(f"훈련생의 지망과 자리 정원으로는 조건({what})을 한꺼번에 만족하는 배정이 없습니다. "
                         "하한을 낮추거나 상한을 높여 주세요.", field="floor")


@dataclass
class _Constrained:
    run: _Run
    region_cap: np.ndarray
    iterations: int
    warnings: list[str]
    adjusted: int = 0
    moved: np.ndarray | None = None


def flexible_with_constraints(p: MatchingProblem, constraints: list[RegionConstraint]) -> _Constrained:
    """KK flexible DA under the caps, with share caps and floors resolved by the loops in the module doc."""
    R = len(p.region_ids)
    region_cap = np.full(R, UNCAPPED, np.int64)
    shares: dict[int, float] = {}
    for c in constraints:
        if c.kind == "cap":
            r = p.region_ids.index(c.region)
            if c.value >= 1:
                region_cap[r] = int(c.value)
            else:
                shares[r] = c.value
                region_cap[r] = math.floor(c.value * min(p.n, int(p.capacity.sum())))
    floors = {p.region_ids.index(c.region): int(c.value) for c in constraints if c.kind == "floor"}
    listed_after = None
    warnings: list[str] = []
    it = 0
    while True:
        it += 1
        run = deferred_acceptance(p, region_cap)
        matched = run.slot_of >= 0
        filled = np.bincount(p.slot_region[run.slot_of[matched]], minlength=R)
        placed = int(matched.sum())
        changed = False
        for r, x in shares.items():
            if filled[r] > x * placed + 1e-9:
                # share ≤ x  ⟺  count ≤ x/(1−x) × placements elsewhere (which only grow as this cap falls)
                new = math.floor(x / (1 - x) * (placed - int(filled[r])) + 1e-9)
                if new < region_cap[r]:
                    region_cap[r], changed = new, True
        for r, need in floors.items():
            short = need - int(filled[r])
            if short <= 0:
                continue
            if listed_after is None:
                listed_after = _region_listed_after(p)
            cand = matched & (p.slot_region[np.maximum(run.slot_of, 0)] != r)
            who = np.flatnonzero(cand)
            movable = who[listed_after[who, run.choice_of[who], r]]
            donors = np.bincount(p.slot_region[run.slot_of[movable]], minlength=R)
            for g in np.argsort(-donors):
                if short <= 0 or donors[g] == 0:
                    break
                slack = int(filled[g]) - floors.get(int(g), 0)
                cut = min(short, int(donors[g]), slack)
                if cut > 0:
                    region_cap[g] = min(region_cap[g], int(filled[g]) - cut)
                    short -= cut
                    changed = True
        if not changed or it >= 200:
            break
    adjusted = 0
    moved = None
    if any(filled[r] < need for r, need in floors.items()):
        repaired = _repair_floors(p, run, constraints)
        if repaired is not None:
            moved = repaired.slot_of != run.slot_of
            adjusted = int(moved.sum())
            run = repaired
            warnings.append(f"KK 방식(상한 조정)만으로는 하한을 채우지 못해, 배정 {adjusted}건을 최소한으로 바꿔 하한을 채웠습니다 "
                            "(기존 배정을 최대한 유지하고, 그다음 배정 인원, 그다음 지망 순위를 따짐). 이 조정으로 생긴 "
                            "'정당한 시기' 쌍(자리가 나보다 낮게 본 사람을 뽑은 경우)은 아래 숫자에 들어 있습니다.")
        else:
            matched = run.slot_of >= 0
            filled = np.bincount(p.slot_region[run.slot_of[matched]], minlength=R)
            for r, need in floors.items():
                if filled[r] < need:
                    warnings.append(f"{p.region_names[r]} 하한 {need}명 중 {int(filled[r])}명만 채웠습니다.")
    return _Constrained(run, region_cap, it, warnings, adjusted, moved)


def _repair_floors(p: MatchingProblem, run: _Run, constraints: list[RegionConstraint]) -> _Run | None:
    """The placement meeting every floor and cap that keeps most current placements (then places most
    trainees, then gives the best ranks): an integer programme (scipy.optimize.milp, HiGHS)."""
    # deferred: scipy loads its compiled submodules slowly
    from scipy.optimize import Bounds, LinearConstraint, milp

    # deferred: scipy loads its compiled submodules slowly
    from scipy.sparse import csr_matrix, vstack

    ii, kk = np.nonzero(p.prefs >= 0)
    nv = len(ii)
    s = p.prefs[ii, kk]
    reg = p.slot_region[s]
    current = run.choice_of[ii] == kk
    cost = kk.astype(float) - 100.0 - 1000.0 * current
    rows = [csr_matrix((np.ones(nv), (ii, np.arange(nv))), shape=(p.n, nv)),
            csr_matrix((np.ones(nv), (s, np.arange(nv))), shape=(p.m, nv))]
    lo = [np.zeros(p.n), np.zeros(p.m)]
    hi = [np.ones(p.n), p.capacity.astype(float)]
    for c in constraints:
        in_r = (reg == p.region_ids.index(c.region)).astype(float)
        if c.kind == "floor":
            rows.append(csr_matrix(in_r[None, :]))
            lo.append(np.array([c.value]))
            hi.append(np.array([np.inf]))
        else:
            rows.append(csr_matrix((in_r - (c.value if c.value < 1 else 0))[None, :]))
            lo.append(np.array([-np.inf]))
            hi.append(np.array([0.0 if c.value < 1 else c.value]))
    res = milp(cost, constraints=LinearConstraint(vstack(rows).tocsr(), np.concatenate(lo), np.concatenate(hi)),
               integrality=np.ones(nv), bounds=Bounds(0, 1))
    if res.x is None:
        return None
    x = res.x > 0.5
    slot_of = np.full(p.n, -1, np.int64)
    choice_of = np.full(p.n, -1, np.int64)
    slot_of[ii[x]] = s[x]
    choice_of[ii[x]] = kk[x]
    return _Run(slot_of, choice_of, run.rounds, run.proposals)


def _region_listed_after(p: MatchingProblem) -> np.ndarray:
    """[i, k, r]: does trainee i list a slot of region r after her k-th choice?"""
    n, length = p.prefs.shape
    R = len(p.region_ids)
    has = np.zeros((n, length + 1, R), bool)
    for k in range(length - 1, -1, -1):
        has[:, k] = has[:, k + 1]
        ok = p.prefs[:, k] >= 0
        has[np.flatnonzero(ok), k, p.slot_region[p.prefs[ok, k]]] = True
    return has[:, 1:, :] if length else has


# ------------------------------------------------------------------------------------ diagnostics
def pair_diagnostics(p: MatchingProblem, run: _Run, region_cap: np.ndarray | None = None) -> dict[str, int]:
    """Counts over (trainee, slot) pairs the trainee prefers to her placement (or lists, if unplaced):

    * ``blocking``: the slot has a vacant seat or holds someone it ranks below her (ignores region caps);
    * ``justified_envy``: the slot holds someone it ranks below her;
    * ``cap_blocked``: the slot has a vacant seat but its region is at its cap (not blocking under KK).
    """
    n, length = p.prefs.shape
    R = len(p.region_ids)
    region_cap = np.full(R, UNCAPPED, np.int64) if region_cap is None else region_cap
    matched = run.slot_of >= 0
    count = np.bincount(run.slot_of[matched], minlength=p.m)
    worst = np.full(p.m, -1, np.int64)
    mi = np.flatnonzero(matched)
    np.maximum.at(worst, run.slot_of[mi], p.prio[mi, run.choice_of[mi]])
    filled_r = np.bincount(p.slot_region[run.slot_of[matched]], minlength=R)
    limit = np.where(matched, run.choice_of, length)
    k = np.arange(length)[None, :]
    better = (k < limit[:, None]) & (p.prefs >= 0)
    ii, kk = np.nonzero(better)
    s = p.prefs[ii, kk]
    pr = p.prio[ii, kk]
    envy = (count[s] > 0) & (pr < worst[s])
    vacant = count[s] < p.capacity[s]
    region_full = filled_r[p.slot_region[s]] >= region_cap[p.slot_region[s]]
    return {"blocking": int((envy | vacant).sum()), "justified_envy": int(envy.sum()),
            "cap_blocked": int((vacant & region_full & ~envy).sum()),
            "vacant_not_capped": int((vacant & ~region_full & ~envy).sum())}


# ------------------------------------------------------------------------------------ results
@dataclass
class RegionFill:
    region: str
    name: str
    slots: int
    seats: int
    filled: int
    unfilled: int
    cap: int | None  # the cap in force at the end: the user's, or one lowered to meet a floor
    floor: int | None


@dataclass
class Placement:
    trainee_id: str
    slot_id: str | None
    rank: int | None  # 1 = first choice


@dataclass
class WelfareCost:
    """Trainee by trainee, constrained vs unconstrained (unplaced counts as worse than any rank)."""

    worse: int
    better: int
    same: int
    newly_unplaced: int
    mean_rank_unconstrained: float | None
    mean_rank_constrained: float | None


@dataclass
class MatchSummary:
    """What leaves the server (CLI --json, API): no arrays."""

    mechanism: str
    mechanism_label: str
    trainees: int
    slots: int
    seats: int
    placed: int
    match_rate: float
    nrmp_2024_match_rate: float
    nrmp_note: str
    rank_distribution: dict[str, int]
    regions: list[RegionFill]
    constraints: list[RegionConstraint]
    blocking_pairs: int
    justified_envy_pairs: int
    cap_blocked_pairs: int
    floor_adjusted: int
    welfare: WelfareCost | None
    tie_break: str
    seed: int
    rounds: int
    iterations: int
    timings_ms: dict[str, float]  # the stopwatch (like every result's timings_ms: not part of the answer)
    synthetic: bool
    warnings: list[str]
    placements: list[Placement]
    sources: list[str] = field(default_factory=list)


@dataclass
class MatchResult(MatchSummary):
    """The summary plus the arrays explanations need (private: never serialised)."""

    _problem: MatchingProblem | None = field(default=None, repr=False)
    _run: _Run | None = field(default=None, repr=False)
    _unconstrained: _Run | None = field(default=None, repr=False)
    _region_cap: np.ndarray | None = field(default=None, repr=False)
    _moved: np.ndarray | None = field(default=None, repr=False)


TIE_BREAK = ("자리의 점수가 같은 훈련생은 시드 {seed}로 만든 하나의 추첨 순서(모든 자리에 같은 순서)로 "
             "가릅니다. 훈련생의 같은 점수 자리는 같은 시드의 자리 추첨 순서로 가릅니다. 같은 시드면 같은 결과입니다.")


def _rank_distribution(run: _Run, length: int) -> dict[str, int]:
    out = {f"{k + 1}지망": int((run.choice_of == k).sum()) for k in range(length)}
    out["미배정"] = int((run.choice_of < 0).sum())
    return out


def run_matching(p: MatchingProblem, caps: dict[str, float] | None = None, floors: dict[str, float] | None = None,
                 *, include_placements: bool = True, compare_unconstrained: bool = True) -> MatchResult:
    """Place trainees: plain DA without constraints, KK flexible DA with ``caps``/``floors`` (5극3특 names).

    Examples
    --------
    >>> p = build_problem({"a": ["s1", "s2"], "b": ["s1"]},
    ...                   {"s1": {"capacity": 1, "region": "11"}, "s2": {"capacity": 1, "region": "29"}},
    ...                   {"s1": {"a": 1, "b": 2}})
    >>> [(x.trainee_id, x.slot_id, x.rank) for x in run_matching(p).placements]
    [('a', 's2', 2), ('b', 's1', 1)]
    """
    constraints = parse_constraints(caps, floors)
    t0 = time.perf_counter()
    warnings: list[str] = []
    if constraints:
        check_feasible(p, constraints)
        con = flexible_with_constraints(p, constraints)
        run, region_cap, iterations, warnings = con.run, con.region_cap, con.iterations, con.warnings
        adjusted, moved = con.adjusted, con.moved
        base = deferred_acceptance(p) if compare_unconstrained else None
        mechanism, label = "flexible_da", "유연한 지연수락(가마다–고지마 방식, 권역 상한·하한)"
    else:
        run, region_cap, iterations, base = deferred_acceptance(p), np.full(len(p.region_ids), UNCAPPED), 1, None
        adjusted, moved = 0, None
        mechanism, label = "deferred_acceptance", "훈련생 제안 지연수락(Gale–Shapley 방식, 정원 있음)"
    seconds = time.perf_counter() - t0
    length = p.prefs.shape[1]
    matched = run.slot_of >= 0
    R = len(p.region_ids)
    filled = np.bincount(p.slot_region[run.slot_of[matched]], minlength=R)
    seats = np.bincount(p.slot_region, weights=p.capacity, minlength=R).astype(int)
    nslots = np.bincount(p.slot_region, minlength=R)
    floor_of = {p.region_ids.index(c.region): c for c in constraints if c.kind == "floor"}
    regions = [RegionFill(p.region_ids[r], p.region_names[r], int(nslots[r]), int(seats[r]), int(filled[r]),
                          int(seats[r] - filled[r]), int(region_cap[r]) if region_cap[r] < UNCAPPED else None,
                          int(floor_of[r].value) if r in floor_of else None) for r in range(R)]
    for c in constraints:
        r = p.region_ids.index(c.region)
        c.filled = int(filled[r])
        c.count = int(region_cap[r]) if c.kind == "cap" else int(c.value)
        c.met = (c.filled <= c.count) if c.kind == "cap" else (c.filled >= c.count)
        if c.kind == "cap" and c.value < 1:
            c.met = c.met and c.filled <= c.value * max(int(matched.sum()), 1) + 1e-9
    diag = pair_diagnostics(p, run, region_cap)
    welfare = None
    if base is not None:
        a = np.where(base.choice_of >= 0, base.choice_of, length)
        b = np.where(run.choice_of >= 0, run.choice_of, length)
        welfare = WelfareCost(int((b > a).sum()), int((b < a).sum()), int((b == a).sum()),
                              int(((run.choice_of < 0) & (base.choice_of >= 0)).sum()),
                              float(base.choice_of[base.choice_of >= 0].mean() + 1) if (base.choice_of >= 0).any() else None,
                              float(run.choice_of[run.choice_of >= 0].mean() + 1) if matched.any() else None)
    placements = []
    if include_placements:
        placements = [Placement(t, p.slot_ids[s] if s >= 0 else None, int(k) + 1 if k >= 0 else None)
                      for t, s, k in zip(p.trainee_ids, run.slot_of.tolist(), run.choice_of.tolist(), strict=True)]
    return MatchResult(
        mechanism=mechanism, mechanism_label=label, trainees=p.n, slots=p.m, seats=int(p.capacity.sum()),
        placed=int(matched.sum()), match_rate=float(matched.mean()) if p.n else 0.0,
        nrmp_2024_match_rate=NRMP_2024_PGY1_MATCH_RATE, nrmp_note=NRMP_NOTE,
        rank_distribution=_rank_distribution(run, length), regions=regions, constraints=constraints,
        blocking_pairs=diag["blocking"], justified_envy_pairs=diag["justified_envy"], cap_blocked_pairs=diag["cap_blocked"],
        floor_adjusted=adjusted,
        welfare=welfare, tie_break=TIE_BREAK.format(seed=p.seed), seed=p.seed, rounds=run.rounds, iterations=iterations,
        timings_ms={"match": round(seconds * 1000, 3)}, synthetic=p.synthetic, warnings=warnings, placements=placements,
        sources=["talent-synthetic-cohort"] if p.synthetic else [],
        _problem=p, _run=run, _unconstrained=base, _region_cap=region_cap, _moved=moved,
    )


# ------------------------------------------------------------------------------------ explanations
@dataclass
class TraineeExplanation:
    trainee_id: str
    slot_id: str | None
    rank: int | None
    lines: list[str]
    synthetic: bool


def explain_trainee(result: MatchResult, trainee_id: str) -> TraineeExplanation:
    """Why this trainee got what she got, choice by choice, in plain Korean."""
    p, run = result._problem, result._run
    if p is None or run is None:
        raise InputError("이 결과에는 설명에 필요한 배정 자료가 없습니다. 매칭을 다시 실행해 주세요.", field="result")
    try:
        i = p.trainee_ids.index(str(trainee_id))
    except ValueError:

        raise NotFound(f"훈련생 {josa(repr(str(trainee_id)), '이/가')} 이 매칭에 없습니다. 훈련생 id를 확인해 주세요.", field="trainee") from None
    length = p.prefs.shape[1]
    matched = run.slot_of >= 0
    count = np.bincount(run.slot_of[matched], minlength=p.m)
    region_cap = result._region_cap if result._region_cap is not None else np.full(len(p.region_ids), UNCAPPED)
    filled_r = np.bincount(p.slot_region[run.slot_of[matched]], minlength=len(p.region_ids))
    k_end = run.choice_of[i] if run.choice_of[i] >= 0 else length
    lines = []
    if result._moved is not None and result._moved[i]:
        floors = ", ".join(f"{c.name} {int(c.value)}명" for c in result.constraints if c.kind == "floor")
        lines.append(f"권역 하한({floors})을 채우려고 이 훈련생의 배정을 조정했습니다 (지연수락 결과와 다릅니다).")
    for k in range(min(k_end, length)):
        s = int(p.prefs[i, k])
        if s < 0:
            break
        sid = p.slot_ids[s]
        r = int(p.slot_region[s])
        if count[s] >= p.capacity[s]:
            held = np.flatnonzero(run.slot_of == s)
            lines.append(f"{k + 1}지망({sid})은 정원 {int(p.capacity[s])}명이 차서, 그 자리가 더 높은 순위의 지원자를 골랐습니다"
                         f" (이 훈련생은 그 자리의 지원자 순위 {int(p.prio[i, k]) + 1}위, 뽑힌 사람 중 가장 낮은 순위 "
                         f"{int(p.prio[held, run.choice_of[held]].max()) + 1}위).")
        elif filled_r[r] >= region_cap[r]:
            lines.append(f"{k + 1}지망({sid})은 자리가 남았지만 {p.region_names[r]} 배정 상한 "
                         f"{int(region_cap[r]):,}명이 차서, 권역 안 다른 자리가 순서대로 한 명씩 받는 규칙에 따라 밀렸습니다.")
        else:  # only possible if the slot's region cap was binding at the time of rejection and later relaxed
            lines.append(f"{k + 1}지망({sid})에서는 권역 상한 때문에 거절되었습니다.")
    if run.choice_of[i] >= 0:
        s = int(run.slot_of[i])
        lines.append(f"{int(run.choice_of[i]) + 1}지망 '{p.slot_ids[s]}'에 배정되었습니다 ({p.region_names[int(p.slot_region[s])]}).")
    else:
        n_listed = int((p.prefs[i] >= 0).sum())
        lines.append(f"적어 낸 {n_listed}곳 모두에서 밀려 배정되지 않았습니다. 지망을 더 적으면 배정될 가능성이 커집니다."
                     if n_listed else "지망한 자리가 없어 배정되지 않았습니다.")
    return TraineeExplanation(p.trainee_ids[i], p.slot_ids[int(run.slot_of[i])] if run.slot_of[i] >= 0 else None,
                              int(run.choice_of[i]) + 1 if run.choice_of[i] >= 0 else None, lines, p.synthetic)


# ------------------------------------------------------------------------------------ peer
def solve_with_matching_library(p: MatchingProblem) -> dict[str, str | None]:
    """The same unconstrained problem solved by the ``matching`` library (resident-optimal), for checks."""
    # deferred: the matching library is only the cross-check peer
    from matching.games import HospitalResident

    residents, hospitals = {}, {s: [] for s in p.slot_ids}
    for i, t in enumerate(p.trainee_ids):
        lst = [p.slot_ids[s] for s in p.prefs[i] if s >= 0]
        residents[t] = lst
    ii, kk = np.nonzero(p.prefs >= 0)
    order = np.lexsort((p.prio[ii, kk], p.prefs[ii, kk]))
    for j in order:
        hospitals[p.slot_ids[p.prefs[ii[j], kk[j]]]].append(p.trainee_ids[ii[j]])
    caps = {s: int(c) for s, c in zip(p.slot_ids, p.capacity, strict=True)}
    out: dict[str, str | None] = dict.fromkeys(p.trainee_ids)

    def solve() -> None:
        # the library deep-copies its player graph recursively: large games need a deep stack (run in a thread)
        game = HospitalResident.create_from_dictionaries(residents, hospitals, caps)
        for h, rs in game.solve(optimal="resident").items():
            for r in rs:
                out[r.name] = h.name

    if p.n <= 500:
        solve()
        return out

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(max(old_limit, 50 * p.n + 10_000))
    threading.stack_size(min(1 << 30, max(64 << 20, 12_000 * p.n)))
    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            solve()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(exc)

    try:
        worker = threading.Thread(target=guarded)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if errors:
        raise errors[0]
    return out
