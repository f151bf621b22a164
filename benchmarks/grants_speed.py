"""자율형 포괄보조: simulation and portfolio speed against the simplest strong peers, interleaved.

Goals (issue 18): simulating every 시군구 ≤ 1 s; a 200-project portfolio solves ≤ 5 s.

- simulate: ``moduai.grants.allocate("pogwal-2026")`` (eligibility, tiers by the 낙후도 rule, four terms,
  water-filled floors/ceilings, exact rounding, per-row decomposition, disparity) against a direct
  NumPy computation of the same shares on the same input table (no floors, no rounding, no
  decomposition: the least work that gives the amounts). Both warm (inputs loaded); the cold figure
  (a fresh process, data files parsed) is printed separately.
- portfolio: ``optimise`` on 200 generated projects (3 years, 6 분야, prerequisites, exclusive groups, a
  yearly cash limit, 분야 min/max) with explanations off and on, against one direct
  ``scipy.optimize.milp`` call on the same matrices (the solver alone).

Runs alternate method by method in one loop so machine load hits both alike; the load average is printed.
Run: ``python benchmarks/grants_speed.py [--rounds 7]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import pandas as pd


def generated_projects(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    fields = ["농업", "관광", "청년", "돌봄", "교통", "산업"]
    rows = []
    for i in range(n):
        c = rng.integers(1, 30, size=3)
        rows.append({"사업ID": f"P{i:03d}", "사업명": f"사업{i}", "분야": fields[i % 6],
                     "사업비_2026": f"{c[0]}억", "사업비_2027": f"{c[1]}억", "사업비_2028": f"{c[2]}억",
                     "지방비비율": str(rng.choice([0.1, 0.2, 0.3])), "효과_일자리": str(rng.integers(0, 80)),
                     "효과_생활인구": str(rng.integers(0, 3000)), "선행사업": f"P{i - 1:03d}" if i % 17 == 5 else "",
                     "배타그룹": f"G{i % 9}" if i % 5 == 0 else "", "필수": ""})
    return pd.DataFrame(rows)


def direct_numpy_shares(frame: pd.DataFrame, budget: float) -> np.ndarray:
    elig = frame[(~frame.capital_region) | (frame.designation == "인구감소지역")]
    parts = [np.full(len(elig), 1.0 / len(elig)) * 0.2,
             0.3 * elig.population.to_numpy() / elig.population.sum()]
    need = np.maximum(1.1 - elig.decline_index.to_numpy(), 0.1)
    gap = 100 - elig.fiscal_independence.to_numpy()
    parts += [0.25 * need / need.sum(), 0.25 * gap / gap.sum()]
    score = sum(parts)
    return budget * score / score.sum()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    from scipy.optimize import Bounds, LinearConstraint, milp

    from moduai.grants import PortfolioRules, allocate, optimise, read_projects, region_inputs
    from moduai.grants.portfolio import _build, _values

    cold = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from moduai.grants import allocate; allocate('pogwal-2026')"],
                       check=True)
        cold.append(time.perf_counter() - t)

    frame = region_inputs().frame
    allocate("pogwal-2026")
    projects = read_projects(generated_projects(200))
    rules = PortfolioRules(grant_krw=1500 * 10**8, yearly_cash_krw={2026: 600 * 10**8},
                           field_min_krw={"청년": 150 * 10**8}, field_max_krw={"관광": 400 * 10**8})
    values = _values(projects, rules.weights)
    model = _build(projects, rules, values)
    a = np.vstack([r for _, r, _, _ in model.groups])
    lo, hi = [g[2] for g in model.groups], [g[3] for g in model.groups]

    times: dict[str, list[float]] = {k: [] for k in ("simulate", "numpy-peer", "portfolio", "portfolio+reasons",
                                                      "milp-peer")}
    objective = {}
    for _ in range(args.rounds):
        t = time.perf_counter(); allocate("pogwal-2026"); times["simulate"].append(time.perf_counter() - t)  # noqa: E702
        t = time.perf_counter(); direct_numpy_shares(frame, 10.6e12); times["numpy-peer"].append(time.perf_counter() - t)  # noqa: E702
        t = time.perf_counter()
        objective["moduai"] = optimise(projects, rules, explain=False, frontier_steps=0).objective
        times["portfolio"].append(time.perf_counter() - t)
        t = time.perf_counter(); optimise(projects, rules); times["portfolio+reasons"].append(time.perf_counter() - t)  # noqa: E702
        t = time.perf_counter()
        res = milp(model.c, constraints=[LinearConstraint(a, lo, hi)], integrality=np.ones(len(projects)),
                   bounds=Bounds(model.lb, model.ub))
        times["milp-peer"].append(time.perf_counter() - t)
        objective["peer"] = -res.fun
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"{args.rounds} interleaved rounds")
    print(f"cold simulate (new process, data files parsed): median {statistics.median(cold):.2f} s")
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        print(f"{k:>18}: median {v * 1000:8.1f} ms  (min {min(times[k]) * 1000:.1f}, max {max(times[k]) * 1000:.1f})")
    print(f"simulate / numpy-peer: {med['simulate'] / med['numpy-peer']:.1f}×  (goal: simulate ≤ 1 s → "
          f"{'met' if med['simulate'] <= 1 else 'NOT met'})")
    print(f"portfolio / milp-peer: {med['portfolio'] / med['milp-peer']:.2f}×; same optimum: "
          f"{abs(objective['moduai'] - objective['peer']) < 1e-6} ({objective['moduai']:.4f} vs {objective['peer']:.4f})")
    print(f"200-project portfolio ≤ 5 s: {'met' if med['portfolio'] <= 5 else 'NOT met'} (solve), "
          f"{'met' if med['portfolio+reasons'] <= 5 else 'NOT met'} (with reasons and frontier)")


if __name__ == "__main__":
    main()
