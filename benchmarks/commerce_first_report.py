"""The first 상권 report on an imported snapshot in a fresh process: does it open the analysis files or build them?

Usage (``MODUAI_HOME`` holding an imported snapshot, e.g. after ``moduai commerce import … --snapshot 2026Q1``)::

    /usr/bin/time -v python benchmarks/commerce_first_report.py --snapshot 2026Q1

Prints whether the snapshot's structure folder was complete before the report, then the wall and CPU seconds of
opening the store set (``snapshots.get_store_set``: memory-mapped files, built first when missing — the lazy
path), of the first full report (``build_commerce_report``: census 읍면동 and the store→읍면동 assignment
included, which are per process or per snapshot and not part of the structure files), and of a second report.
Peak memory comes from ``/usr/bin/time -v`` around the whole process.  Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--snapshot", default="2026Q1")
    ap.add_argument("--lat", type=float, default=37.5898)
    ap.add_argument("--lon", type=float, default=127.0579)
    ap.add_argument("--radius", type=float, default=500.0)
    args = ap.parse_args(argv)

    from moduai.commerce import snapshot_files, snapshots, store
    from moduai.commerce.report import build_commerce_report

    path = store.snapshot_path(args.snapshot)
    # (a tree from before structures_ready: the same test, written out)
    ready = (snapshot_files.structures_dir(path) / "complete").exists()
    print(f"snapshot {args.snapshot}: {path.stat().st_size / 1e6:,.0f} MB Parquet; structure folder complete before "
          f"the report: {'yes' if ready else 'no (the report builds it)'}; load {os.getloadavg()[0]:.1f}", flush=True)

    def timed(label, fn):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        print(f"{label}: {time.perf_counter() - w:.2f} s wall, {time.process_time() - c:.2f} CPU s", flush=True)
        return out

    st = timed("open the store set", lambda: snapshots.get_store_set(args.snapshot))
    print(f"  {len(st):,} stores, memory-mapped: {st.structures is not None}")
    timed("first report (census 읍면동 + store→읍면동 assignment included)",
          lambda: build_commerce_report(args.lat, args.lon, radius_m=args.radius, category="카페",
                                        snapshot=args.snapshot))
    timed("second report", lambda: build_commerce_report(args.lat, args.lon, radius_m=args.radius, category="편의점",
                                                         snapshot=args.snapshot))
    print(f"load average now: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    if not os.environ.get("PYTHONPATH"):  # PYTHONPATH=/other/tree/src measures that tree's code
        sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
