"""Matching 50,000 trainees × 5,000 slots with 10-long lists: moduai vs the `matching` library, side by side.

Targets (issue 17): ≤ 2 s unconstrained, ≤ 5 s with a regional cap.  The peer is `matching` 1.4.3
(MIT, pure Python, ``HospitalResident``, resident-optimal) on the same unconstrained instance; the two
assignments must be identical.  Runs are interleaved (ours, peer, ours …) and the machine load
(os.getloadavg) is printed with every timing, because 8 helpers share 2 cores.

The instance is the seeded 합성 cohort of :func:`moduai.talent.synthetic.synthetic_problem` (KDT
regional mix, integer grades so ties happen, companies' local-hire points).

    python3 benchmarks/talent_matching.py                 # 50,000 × 5,000, peer on the same size
    python3 benchmarks/talent_matching.py --peer-n 20000  # peer on a smaller instance if it is too slow
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

warnings.filterwarnings("ignore")


def load() -> str:
    a, b, c = os.getloadavg()
    return f"load {a:.2f}/{b:.2f}/{c:.2f}"


def ours_assignment(p, run) -> dict:
    return {t: (p.slot_ids[s] if s >= 0 else None) for t, s in zip(p.trainee_ids, run.slot_of.tolist(), strict=True)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--m", type=int, default=5_000)
    ap.add_argument("--length", type=int, default=10)
    ap.add_argument("--peer-n", type=int, default=None, help="trainees for the peer comparison (default: --n)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from moduai.talent.matching import deferred_acceptance, run_matching, solve_with_matching_library
    from moduai.talent.synthetic import synthetic_problem

    t = time.perf_counter()
    p = synthetic_problem(args.n, args.m, args.length, seed=args.seed)
    print(f"instance: {p.n:,} trainees × {p.m:,} slots ({int(p.capacity.sum()):,} seats), lists of {args.length}, "
          f"built in {time.perf_counter() - t:.2f} s · {load()}")

    print("\n-- moduai, unconstrained DA (target ≤ 2 s)")
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        run = deferred_acceptance(p)
        times.append(time.perf_counter() - t)
        print(f"  {times[-1]:.3f} s · rounds {run.rounds} · proposals {run.proposals:,} · {load()}")
    best_ours = min(times)
    full = run_matching(p, include_placements=False)
    print(f"  match rate {full.match_rate:.1%} (NRMP 2024 PGY-1: 80.2%) · blocking pairs {full.blocking_pairs}")

    for cap in (0.3, 0.6):
        print(f"\n-- moduai, KK flexible DA with 수도권 ≤ {cap:.0%} of placements (target ≤ 5 s; includes the "
              "unconstrained rerun for the welfare comparison)")
        for _ in range(args.repeat):
            t = time.perf_counter()
            r = run_matching(p, caps={"수도권": cap}, include_placements=False)
            el = time.perf_counter() - t
            capital = next(g for g in r.regions if g.region == "capital")
            print(f"  {el:.3f} s · {r.iterations} DA runs · placed {r.placed:,} ({r.match_rate:.1%}) · 수도권 "
                  f"{capital.filled:,} = {capital.filled / max(r.placed, 1):.1%} · justified envy {r.justified_envy_pairs} · "
                  f"worse rank {r.welfare.worse:,} · {load()}")

    peer_n = args.peer_n or args.n
    q = p if peer_n == args.n else synthetic_problem(peer_n, max(10, args.m * peer_n // args.n), args.length, seed=args.seed)
    print(f"\n-- side by side on {q.n:,} × {q.m:,} (unconstrained): ours, matching {__import__('matching').__version__}, ours")
    t = time.perf_counter()
    mine = ours_assignment(q, deferred_acceptance(q))
    a = time.perf_counter() - t
    print(f"  moduai   {a:.3f} s · {load()}", flush=True)
    t = time.perf_counter()
    peer = solve_with_matching_library(q)
    b = time.perf_counter() - t
    print(f"  matching {b:.3f} s · {load()}", flush=True)
    t = time.perf_counter()
    deferred_acceptance(q)
    c = time.perf_counter() - t
    print(f"  moduai   {c:.3f} s · {load()}")
    diff = sum(mine[k] != peer[k] for k in mine)
    print(f"  same assignment: {diff == 0} ({diff} trainees differ) · ratio matching/moduai = {b / min(a, c):.0f}×")
    print(f"\nsummary: unconstrained best {best_ours:.3f} s (≤ 2 s: {best_ours <= 2}), peer ratio {b / min(a, c):.0f}×")


if __name__ == "__main__":
    main()
