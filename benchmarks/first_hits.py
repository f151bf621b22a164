"""First hit of each page in a fresh server process: wall and CPU seconds, before vs after, interleaved.

Usage::

    python benchmarks/first_hits.py --before /work/main/src            # both trees, 1 round
    python benchmarks/first_hits.py --before /work/main/src --rounds 2 --pages balance,search

For each variant a home is prepared once: migrated and the 1,864 real 기업마당 announcements of
``tests/fixtures/programs/bizinfo_announcements_2025.csv.gz`` imported (``moduai programs import``), so the
search runs over the catalog a site has.  Then, per round, per page (variants and pages in a random order):

* **first start** — a copy of that home without ``cache/`` (nothing derived stored yet); a child process builds
  the app (``create_app``, lifespan entered, warm-up off unless the page's name says ``warmup``) and asks the
  page as its *first* request;
* **restart** — a second child on the same home (what the first one stored is there), the same page first.

The figure is the request alone (app start-up is helper ``lazyapp``'s): wall seconds and the child's CPU seconds
(``time.process_time``, every thread) during the request.  ``search-new-query`` is the restart case with a query
the first process did not ask.  By default the child first asks ``/`` (not measured): the first request of
any process also builds FastAPI's per-route state for the access middleware (≈ 0.5–1 CPU s, the app
start-up's share); ``--pre ''`` measures the page as the very first request.  The machine is shared: read CPU seconds; ``os.getloadavg()`` is printed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "src"
BIZINFO = ROOT / "tests" / "fixtures" / "programs" / "bizinfo_announcements_2025.csv.gz"
Q1 = "%EC%B9%B4%ED%8E%98+%EC%B0%BD%EC%97%85"  # 카페 창업
Q2 = "%EC%8A%A4%EB%A7%88%ED%8A%B8%ED%8C%9C+%EC%B2%AD%EB%85%84"  # 스마트팜 청년
# page name → (path asked by the first process, path asked by the restart)
REPORT = "/commerce/report?place=%ED%9A%8C%EA%B8%B0%EB%8F%99"  # the embedded default set, 회기동
PAGES = {
    "balance": ("/balance", "/balance"),
    "commerce-report": (REPORT, REPORT),
    "search": (f"/programs/search?q={Q1}", f"/programs/search?q={Q1}"),
    "search-new-query": (f"/programs/search?q={Q1}", f"/programs/search?q={Q2}"),
    "programs": ("/programs", "/programs"),
    "marketing": ("/marketing", "/marketing"),
    "region": ("/regions/47111", "/regions/47111"),
    "talent": ("/talent", "/talent"),
    "grants": ("/grants", "/grants"),
    "impact": ("/impact", "/impact"),
    "fieldai": ("/fieldai", "/fieldai"),
    "hubs": ("/hubs", "/hubs"),
    # warm-up ON (as `moduai serve` runs): the new query asked once the warm-up thread has finished, or
    # right after the first answer while it runs (then the CPU figure includes the warm-up's own work)
    "search-new-query-after-warmup": (f"/programs/search?q={Q1}", f"/programs/search?q={Q2}"),
    "search-new-query-during-warmup": (f"/programs/search?q={Q1}", f"/programs/search?q={Q2}"),
}
WARMUP = {"search-new-query-after-warmup": "after", "search-new-query-during-warmup": "during"}

CHILD = r"""
import json, os, sys, threading, time
path, pre, warm = sys.argv[1], sys.argv[2], sys.argv[3]
os.environ["MODUAI_WARMUP"] = "0" if warm == "off" else "1"
from fastapi.testclient import TestClient
from moduai.web.app import create_app
client = TestClient(create_app())
client.__enter__()
if pre:
    client.get(pre)  # not measured: the first request of a process also builds the route table (lazyapp's)
waited = None
if warm == "after":
    t = time.perf_counter()
    for th in threading.enumerate():
        if th.name == "moduai-warmup":
            th.join()
    waited = time.perf_counter() - t  # the warm-up's own time after the first answer
t, c = time.perf_counter(), time.process_time()
r = client.get(path)
wall, cpu = time.perf_counter() - t, time.process_time() - c
print("RESULT " + json.dumps({"status": r.status_code, "wall": wall, "cpu": cpu, "warmup_wall": waited}))
"""


def load() -> str:
    return f"load average {' / '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count() or 0} CPUs"


def _env(src: str, home: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=src, MODUAI_HOME=str(home), MODUAI_WARMUP="0")
    env.pop("MODUAI_DATABASE_URL", None)
    return env


def _hit(src: str, home: Path, path: str, pre: str, warm: str = "off") -> dict:
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", CHILD, path, pre, warm], env=_env(src, home),
                         capture_output=True, text=True, timeout=600)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"{path}: {out.stderr[-2000:]}")


def _prepare(src: str, home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    csv_file = home.parent / "bizinfo_announcements_2025.csv"
    if not csv_file.exists():
        csv_file.write_bytes(gzip.decompress(BIZINFO.read_bytes()))
    code = "import sys; from moduai.cli import main; sys.argv[0] = 'moduai'; main()"
    subprocess.run([sys.executable, "-W", "ignore", "-c", code, "programs", "import", str(csv_file), "--json"],
                   env=_env(src, home), check=True, stdout=subprocess.DEVNULL, timeout=1800)
    shutil.rmtree(home / "cache", ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default=None, help="src folder of the checkout to compare with")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--pages", default=",".join(PAGES), help="comma-separated names of PAGES")
    ap.add_argument("--pre", default="/", help="path asked (not measured) before the page; '' = the page is the "
                    "process's first request (then the figure includes building the route table)")
    ap.add_argument("--warmup", default="off", choices=("off", "after", "during"),
                    help="the serve warm-up for every page: off (default), on and finished before the page is "
                    "asked, or on and running while it is asked")
    a = ap.parse_args()
    variants = {"after": str(HERE)}
    if a.before:
        variants = {"before": a.before, **variants}
    pages = [p.strip() for p in a.pages.split(",") if p.strip()]
    work = Path(tempfile.mkdtemp(prefix="moduai-first-hits-"))
    print(f"# {load()}  (start)")
    bases = {}
    for k, src in variants.items():
        bases[k] = work / f"base-{k}"
        t = time.perf_counter()
        _prepare(src, bases[k])
        print(f"# {k}: home prepared (1,864 programs imported) in {time.perf_counter() - t:.0f} s; {load()}",
              flush=True)
    res: dict[tuple[str, str, str], list[dict]] = {}
    loads: list[float] = []
    for _ in range(a.rounds):
        jobs = [(page, k) for page in pages for k in variants]
        random.shuffle(jobs)
        for page, k in jobs:
            first_path, restart_path = PAGES[page]
            home = work / f"run-{k}"
            shutil.rmtree(home, ignore_errors=True)
            shutil.copytree(bases[k], home)
            loads.append(os.getloadavg()[0])
            warm = WARMUP.get(page, a.warmup)
            res.setdefault((page, k, "first start"), []).append(_hit(variants[k], home, first_path, a.pre, warm))
            res.setdefault((page, k, "restart"), []).append(_hit(variants[k], home, restart_path, a.pre, warm))
            print(f"# {page} {k}: first start {res[(page, k, 'first start')][-1]}, restart "
                  f"{res[(page, k, 'restart')][-1]}; {load()}", flush=True)
            shutil.rmtree(home, ignore_errors=True)
    print(f"\n## first hit of each page (median of {a.rounds} round(s); request only, app already built; "
          f"asked after {a.pre or 'nothing'!r}; warm-up {a.warmup} unless the page's name says otherwise)")
    print("| page | start | " + " | ".join(f"{k} wall s | {k} CPU s" for k in variants)
          + (" | CPU before/after |" if a.before else " |"))
    print("|---|---|" + "---|---|" * len(variants) + ("---|" if a.before else ""))
    for page in pages:
        for start in ("first start", "restart"):
            cells, cpu = [], {}
            for k in variants:
                v = res[(page, k, start)]
                cpu[k] = statistics.median(x["cpu"] for x in v)
                status = {x["status"] for x in v}
                mark = "" if status == {200} else f" ({'/'.join(map(str, sorted(status)))})"
                cells.append(f"{statistics.median(x['wall'] for x in v):.2f}{mark} | {cpu[k]:.2f}")
            ratio = f" | {cpu['before'] / cpu['after']:.1f}× |" if a.before and cpu["after"] > 0 else " |"
            print(f"| {page} | {start} | " + " | ".join(cells) + ratio)
    print(f"\n# load average (1 min) during the runs: min {min(loads):.1f}, median {statistics.median(loads):.1f}, "
          f"max {max(loads):.1f}; {load()} (end)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
