"""Peak memory of `moduai programs import` on a 합성 100 MB 기업마당 CSV: streamed importer vs the
whole-file importer it replaced (``git show <rev>:src/moduai/programs/importer.py``), side by side.

Each import runs in its own fresh process (fresh MODUAI_HOME, SQLite) and reports its peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) and wall time; the two are interleaved and repeated.

    PYTHONPATH=src python3 benchmarks/programs_import_memory.py --mb 100 --old-rev fa8fea8~1 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
from moduai.db import migrate
migrate()
import moduai.programs.importer as imp
t = time.perf_counter()
rep = imp.import_programs_file(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t, "stored": rep.stored,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "which": sys.argv[2]}))
"""


def run(csv_path: Path, which: str, src: Path) -> dict:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "MODUAI_HOME": home, "PYTHONPATH": str(src)}
        env.pop("MODUAI_DATABASE_URL", None)
        out = subprocess.run([sys.executable, "-c", CHILD, str(csv_path), which, str(src)], env=env,
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--old-rev", default=None, help="git revision of the whole-file importer to compare")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from moduai.programs.synthetic import write_synthetic_bizinfo_csv

    work = Path(tempfile.mkdtemp(prefix="moduai-bench-"))
    made = write_synthetic_bizinfo_csv(work / "bizinfo_synthetic.csv", target_bytes=int(a.mb * 1e6))
    print(f"합성 CSV: {made['rows']:,} rows, {made['bytes'] / 1e6:.1f} MB; load {os.getloadavg()}")
    old_src = None
    if a.old_rev:
        old_src = work / "old_src"
        subprocess.run(f"git -C {ROOT} archive {a.old_rev} src | tar -x -C {work} && mv {work}/src {old_src}",
                       shell=True, check=True)
    results = []
    for _ in range(a.repeat):
        results.append(run(Path(made["path"]), "streamed", ROOT / "src"))
        print(results[-1], "load", os.getloadavg())
        if old_src:
            results.append(run(Path(made["path"]), "whole-file", old_src))
            print(results[-1], "load", os.getloadavg())
    new = [r for r in results if r["which"] == "streamed"]
    old = [r for r in results if r["which"] == "whole-file"]
    if old:
        ratio = min(r["peak_rss_mb"] for r in old) / min(r["peak_rss_mb"] for r in new)
        print(f"peak RSS whole-file / streamed = {ratio:.2f}x")


if __name__ == "__main__":
    main()
