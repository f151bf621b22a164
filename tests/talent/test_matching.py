"""Matching: brute-force stability on random small instances, caps/floors, the `matching` library, explanations.

The checks below are written from the definitions with plain Python loops over dicts; they share no code
with moduai.talent.matching (only its public result).
"""

import itertools
import random

import numpy as np
import pytest

from moduai.errors import InputError, NotFound
from moduai.talent import matching as M

REGIONS = ["11", "29", "26"]  # 수도권, 호남권, 동남권
GROUP = {"11": "수도권", "29": "호남권", "26": "동남권"}


def random_instance(rng: random.Random, n: int, m: int, length: int):
    slots = {f"s{j}": {"capacity": rng.randint(1, 2), "region": rng.choice(REGIONS)} for j in range(m)}
    prefs = {f"t{i}": rng.sample(list(slots), rng.randint(1, min(length, m))) for i in range(n)}
    scores = {s: {t: rng.randint(0, 2) for t in prefs} for s in slots}  # ties on purpose
    return prefs, slots, scores


def slot_rank(problem, slot, trainee):
    """The rank the slot gives the trainee after the seeded tie-break (from the problem's arrays)."""
    i = problem.trainee_ids.index(trainee)
    k = list(problem.prefs[i]).index(problem.slot_ids.index(slot))
    return int(problem.prio[i, k])


def blocking_pairs(problem, prefs, slots, assign, region_cap=None):
    """Plain loops: (t, s) where t prefers s and s has a free seat or holds someone it ranks below t."""
    held = {s: [t for t, x in assign.items() if x == s] for s in slots}
    out = []
    for t, lst in prefs.items():
        mine = lst.index(assign[t]) if assign[t] else len(lst)
        for s in lst[:mine]:
            worse_held = any(slot_rank(problem, s, u) > slot_rank(problem, s, t) for u in held[s])
            if len(held[s]) < slots[s]["capacity"] or worse_held:
                out.append((t, s, "envy" if worse_held else "vacant"))
    return out


@pytest.mark.parametrize("seed", range(60))
def test_unconstrained_da_has_no_blocking_pair_and_equals_the_matching_library(seed):
    rng = random.Random(seed)
    prefs, slots, scores = random_instance(rng, rng.randint(3, 9), rng.randint(2, 5), 3)
    p = M.build_problem(prefs, slots, scores, seed=seed)
    r = M.run_matching(p)
    assign = {x.trainee_id: x.slot_id for x in r.placements}
    for s in slots:
        assert sum(v == s for v in assign.values()) <= slots[s]["capacity"]
    for t, s in assign.items():
        assert s is None or s in prefs[t]
    assert blocking_pairs(p, prefs, slots, assign) == []
    assert r.blocking_pairs == 0
    assert M.solve_with_matching_library(p) == assign


def feasible_by_enumeration(prefs, slots, caps, floors):
    """Is there any assignment (each trainee: a listed slot or nothing) within seats, caps and floors?"""
    ts = list(prefs)
    for combo in itertools.product(*[[None, *prefs[t]] for t in ts]):
        used = {}
        for s in combo:
            if s:
                used[s] = used.get(s, 0) + 1
        if any(used[s] > slots[s]["capacity"] for s in used):
            continue
        by_group = {}
        for s in combo:
            if s:
                g = GROUP[slots[s]["region"]]
                by_group[g] = by_group.get(g, 0) + 1
        placed = sum(by_group.values())
        ok = all(by_group.get(g, 0) <= (v * placed if v < 1 else v) for g, v in caps.items())
        ok = ok and all(by_group.get(g, 0) >= v for g, v in floors.items())
        if ok:
            return True
    return False


@pytest.mark.parametrize("seed", range(80))
def test_flexible_da_respects_caps_and_floors_and_is_kk_stable(seed):
    rng = random.Random(1000 + seed)
    prefs, slots, scores = random_instance(rng, rng.randint(3, 7), rng.randint(3, 5), 3)
    caps = {"수도권": rng.choice([0, 1, 2, 0.3, 0.5])}
    floors = {"호남권": rng.choice([1, 2, 3])} if seed % 2 else {}
    p = M.build_problem(prefs, slots, scores, seed=seed)
    feasible = feasible_by_enumeration(prefs, slots, caps, floors)
    if not feasible:
        assert floors  # with caps alone, placing nobody is always feasible
        with pytest.raises(InputError) as err:
            M.run_matching(p, caps=caps, floors=floors)
        assert "하한" in err.value.message
        return
    r = M.run_matching(p, caps=caps, floors=floors)
    assign = {x.trainee_id: x.slot_id for x in r.placements}
    by_group = {}
    for s in assign.values():
        if s:
            by_group[GROUP[slots[s]["region"]]] = by_group.get(GROUP[slots[s]["region"]], 0) + 1
    placed = sum(by_group.values())
    cap = caps["수도권"]
    assert by_group.get("수도권", 0) <= (cap * placed if cap < 1 else cap) + 1e-9  # caps never exceeded
    for g, need in floors.items():
        assert by_group.get(g, 0) >= need, r.warnings  # floors met when feasible
    if r.floor_adjusted:  # floors can conflict with stability; the repair is reported, not hidden
        assert r.warnings and r.justified_envy_pairs == sum(w == "envy" for *_, w in blocking_pairs(p, prefs, slots, assign))
        return
    # KK stability: no justified envy; a trainee may only envy a vacant seat in a region at its cap
    region_cap = {x.name: x.cap for x in r.regions if x.cap is not None}  # user caps and caps lowered for floors
    for t, s, why in blocking_pairs(p, prefs, slots, assign):
        assert why == "vacant"
        g = GROUP[slots[s]["region"]]
        assert g in region_cap and by_group.get(g, 0) >= region_cap[g], (t, s)
    assert r.justified_envy_pairs == 0


def test_welfare_cost_counts_trainees_pushed_down_by_the_cap():
    slots = {"seoul": {"capacity": 3, "region": "11"}, "gwangju": {"capacity": 3, "region": "29"}}
    prefs = {f"t{i}": ["seoul", "gwangju"] for i in range(4)}
    scores = {"seoul": {f"t{i}": 10 - i for i in range(4)}, "gwangju": {f"t{i}": 1 for i in range(4)}}
    p = M.build_problem(prefs, slots, scores, seed=7)
    free = M.run_matching(p)
    assert free.rank_distribution["1지망"] == 3 and free.placed == 4 and free.blocking_pairs == 0
    r = M.run_matching(p, caps={"수도권": 0.5})  # at most half of the placements in 수도권
    assign = {x.trainee_id: x.slot_id for x in r.placements}
    assert assign == {"t0": "seoul", "t1": "seoul", "t2": "gwangju", "t3": "gwangju"}
    assert r.welfare.worse == 1 and r.welfare.same == 3
    assert r.cap_blocked_pairs == 2 and r.justified_envy_pairs == 0  # t2 and t3 envy the vacant 3rd seoul seat
    lines = M.explain_trainee(r, "t2").lines
    assert "수도권 배정 상한" in lines[0] and lines[-1].startswith("2지망 'gwangju'에 배정")
    t3 = M.explain_trainee(free, "t3").lines
    assert t3[0].startswith("1지망(seoul)은 정원 3명이 차서")


def test_ties_are_broken_by_the_seed_reproducibly():
    slots = {"a": {"capacity": 1, "region": "11"}}
    prefs = {f"t{i}": ["a"] for i in range(6)}
    winners = {M.run_matching(M.build_problem(prefs, slots, {}, seed=s)).placements[0].slot_id for s in [3]}
    assert winners == {"a"} or winners == {None}
    pick = [next(x.trainee_id for x in M.run_matching(M.build_problem(prefs, slots, {}, seed=s)).placements if x.slot_id)
            for s in range(8)]
    again = [next(x.trainee_id for x in M.run_matching(M.build_problem(prefs, slots, {}, seed=s)).placements if x.slot_id)
             for s in range(8)]
    assert pick == again and len(set(pick)) > 1
    lottery = np.random.default_rng(5).permutation(6)
    expected = f"t{int(np.argmin(lottery))}"
    got = next(x.trainee_id for x in M.run_matching(M.build_problem(prefs, slots, {}, seed=5)).placements if x.slot_id)
    assert got == expected


def test_infeasible_floor_gives_a_korean_message():
    slots = {"s": {"capacity": 5, "region": "29"}, "k": {"capacity": 5, "region": "11"}}
    prefs = {"a": ["s"], "b": ["k"], "c": ["k", "s"]}
    p = M.build_problem(prefs, slots, {})
    with pytest.raises(InputError) as err:
        M.run_matching(p, floors={"호남권": 3})
    assert "호남권 하한 3명을 채울 수 없습니다" in err.value.message and "지망한 훈련생은 2명" in err.value.message
    r = M.run_matching(p, floors={"호남권": 2})
    assert {x.trainee_id: x.slot_id for x in r.placements}["c"] == "s"


def test_constraint_arguments_are_checked():
    assert M.parse_constraint_args(["수도권=0.3"], "cap") == {"수도권": 0.3}
    with pytest.raises(InputError):
        M.parse_constraint_args(["수도권:0.3"], "cap")
    with pytest.raises(InputError):
        M.parse_constraints({"수도권": 1.5}, None)
    with pytest.raises(NotFound):
        M.parse_constraints({"없는권": 0.3}, None)


def test_synthetic_cohort_equals_the_matching_library_and_has_no_blocking_pair():
    from moduai.talent.synthetic import synthetic_problem

    p = synthetic_problem(1_500, 150, 10, seed=11)
    r = M.run_matching(p)
    ours = {x.trainee_id: x.slot_id for x in r.placements}
    assert M.solve_with_matching_library(p) == ours
    assert r.blocking_pairs == 0 and 0.5 < r.match_rate <= 1
    capped = M.run_matching(p, caps={"수도권": 0.5}, include_placements=False)
    capital = next(g for g in capped.regions if g.region == "capital")
    assert capital.filled <= 0.5 * capped.placed and capped.justified_envy_pairs == 0
    assert capped.welfare.worse > 0 and capped.welfare.better == 0  # the cap only hurts in this cohort
