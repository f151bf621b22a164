"""Speed of one 지원사업 match over the 1,864 real announcements, two source trees interleaved.

    PYTHONPATH=src python3 benchmarks/programs_match_speed.py --before /path/to/old/src --after src [--rounds 3]

Each round runs one fresh process per tree (A, B, A, B …): it loads the announcements, then matches the
first ``--profiles`` profiles of ``benchmarks/data/programs_profiles.yaml`` one after another and reports
the first match (cold: nothing cached yet, what a page's first visitor waits) and the mean of the others
(warm), in wall and CPU seconds, with the machine load.  The top-10 lists (eligible + 확인 필요, as the
pages and programs_matching_eval.py take them) of both trees are compared: they must be identical.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests/fixtures/programs/bizinfo_announcements_2025.csv.gz"
PROFILES = ROOT / "benchmarks/data/programs_profiles.yaml"

RUN = r"""
import csv, gzip, io, json, os, sys, time, yaml
from moduai.programs.importer import map_bizinfo_record
from moduai.programs.matching import match_programs
from moduai.programs.profile import profile_from_dict
data, profiles_path, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = csv.DictReader(io.TextIOWrapper(gzip.open(data), encoding="utf-8-sig", newline=""))
seen, programs = set(), []
for i, rec in enumerate(rows):
    p = map_bizinfo_record(rec, i)[0]
    if p is not None and p.slug not in seen:
        seen.add(p.slug)
        programs.append(p)
spec = yaml.safe_load(open(profiles_path, encoding="utf-8"))
walls, cpus, top = [], [], {}
for prof in spec["profiles"][:k]:
    w, c = time.perf_counter(), time.process_time()
    res = match_programs(profile_from_dict(prof["profile"]), programs, today=spec["today"])
    walls.append(time.perf_counter() - w)
    cpus.append(time.process_time() - c)
    top[prof["id"]] = [m.slug for m in (res.eligible + res.unknown)[:10]]
json.dump({"programs": len(programs), "walls": walls, "cpus": cpus, "top": top, "load": os.getloadavg()[0]},
          sys.stdout, ensure_ascii=False)
"""


def run(src: Path, k: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", RUN, str(DATA), str(PROFILES), str(k)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", type=Path, required=True)
    ap.add_argument("--after", type=Path, default=ROOT / "src")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profiles", type=int, default=43)
    a = ap.parse_args()
    res: dict[str, list[dict]] = {"before": [], "after": []}
    for i in range(a.rounds):
        for name in ("before", "after") if i % 2 == 0 else ("after", "before"):
            res[name].append(run(getattr(a, name), a.profiles))
            r = res[name][-1]
            print(f"round {i + 1} {name:6s}: first {r['walls'][0]:.2f} s wall / {r['cpus'][0]:.2f} s CPU, "
                  f"others mean {statistics.mean(r['walls'][1:]):.3f} s wall / {statistics.mean(r['cpus'][1:]):.3f} s CPU"
                  f"  (load {r['load']:.1f})", flush=True)
    same = all(r["top"] == res["before"][0]["top"] for rs in res.values() for r in rs)
    print(f"programs {res['after'][0]['programs']}, profiles {a.profiles}; top-10 lists identical: {same}")

    def med(name: str, key: str, first: bool) -> float:
        vals = [r[key][0] if first else statistics.mean(r[key][1:]) for r in res[name]]
        return statistics.median(vals)

    for first in (True, False):
        for key in ("walls", "cpus"):
            b, af = med("before", key, first), med("after", key, first)
            print(f"{'first' if first else 'warm '} {key[:-1]:4s}: before {b:.3f} s, after {af:.3f} s, ratio {b / af:.2f}×")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
