"""How long the installation's review learning stalls other threads of the server process (issue 15).

Imports the 5,870 development reviews of the 요기요 split (``../shared/data``; benchmarks/data/yogiyo_split.json)
as one star-rated CSV into a fresh MODUAI_HOME, which starts the background learning job
(``store.import_reviews(learn="background")``); while it runs, another thread repeats a fixed pure-Python unit
of work (300,000 multiply-adds) and the script prints its median and worst time, idle and during learning.
``thread`` as argument learns inside the job thread (the former way) instead of the jobs worker process.

Run:  python benchmarks/review_learning_stall.py [thread]
"""

from __future__ import annotations

import csv
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


def _work() -> float:
    t, s = time.perf_counter(), 0
    for i in range(300_000):
        s += i * i
    return time.perf_counter() - t


def main() -> None:
    os.environ["MODUAI_HOME"] = tempfile.mkdtemp()
    os.environ.pop("MODUAI_DATABASE_URL", None)
    from yogiyo_split import load_split, load_yogiyo

    from moduai.db import migrate
    from moduai.jobs import get_runner
    from moduai.marketing import store

    if "thread" in sys.argv:
        store.run_in_process = lambda fn, *a, **k: fn(*a, **k)
    migrate()
    split = load_split()
    df = load_yogiyo()
    dev = df[df["업체명"].isin(split["dev"])]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["날짜", "평점", "내용"])
    for _, r in dev.iterrows():
        w.writerow(["2025-03-02", round(r["mean"], 1), r["text"]])
    idle = [_work() for _ in range(10)]
    c0 = time.process_time()
    summary = store.import_reviews(out.getvalue().encode(), "dev.csv", "가게", learn="background")
    job = get_runner().get(summary.sentiment_model_job)
    during = []
    while not job.finished:
        during.append(_work())
    mode = "job thread" if "thread" in sys.argv else "worker process"
    print(f"learning in the {mode} ({len(dev):,} reviews, job {job.status}): unit of work idle median "
          f"{statistics.median(idle) * 1000:.0f} ms; during learning median {statistics.median(during) * 1000:.0f} ms, "
          f"worst {max(during) * 1000:.0f} ms over {len(during)} repeats; this process {time.process_time() - c0:.1f}s CPU; "
          f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
