"""Every page's first and warm hit on a real `moduai serve`, fresh home: after the warm-up, and during it.

Usage::

    python benchmarks/every_page_served.py                 # one server, fresh home, pages after the warm-up
    python benchmarks/every_page_served.py --during        # also: a second fresh server, pages right after /

What a visitor meets: ``moduai serve`` is started as a child on an empty ``MODUAI_HOME`` (nothing derived in
its cache, the package's shipped tables only), asked ``/`` once it accepts, and then — by default — left alone
until its warm-up thread has finished (the process's CPU time grows by < 0.03 s over 1.5 s).  Then every page
a visitor without an account can open (the e2e test's list, minus pages that need stored rows or a login) is
asked once in a random order (**first hit**) and once more in another random order (**warm hit**).  Per page:
wall seconds of the HTTP request (curl-like, ``http.client``, loopback) and the server's CPU seconds during it
(``/proc/<pid>/stat`` utime + stime, all threads).  ``--during`` runs a second fresh server whose pages are
asked right after ``/``, while the warm-up runs: a visitor who comes in the first seconds (its CPU figure then
includes the warm-up's own work).  The server's RSS is printed at the end; the load average before and after.

Goals (issue 14): first hit ≤ 1 s, warm ≤ 100 ms.  Nothing is asserted (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
# the one port picker and /proc CPU reader of the benchmarks (startup.py)
from startup import _free_port, _proc_cpu  # noqa: E402

# pages a visitor without an account opens (tests/e2e/test_every_page.py PAGES without ids or a login)
PAGES = [
    "/", "/regions", "/regions?q=양덕동", "/regions/47", "/regions/47111", "/megaregions", "/data",
    "/commerce/data", "/commerce", "/commerce?q=회기동",
    "/commerce/report?lat=37.5894&lon=127.0557&radius=500&category=카페", "/commerce/report?place=회기동",
    "/commerce/sites?region=동대문구&category=카페", "/balance", "/balance?indicator=population&year=2020",
    "/balance/megaregions", "/balance/index", "/balance/region/47110", "/programs", "/programs/match",
    "/programs/search", "/programs/search?q=스마트팜 청년&method=bm25", "/programs/search?q=카페 창업 자금",
    "/programs/list", "/programs/calendar", "/marketing", "/marketing/copy",
    "/marketing/calendar?year=2027&category=카페", "/marketing/abtest", "/talent", "/talent/match",
    "/talent/match?demo=1", "/fieldai", "/fieldai/example?days=20", "/grants", "/grants/simulate",
    "/grants/compare", "/grants/portfolio", "/grants/capacity", "/grants/editor", "/impact", "/impact/study",
    "/impact/concentration", "/impact/did", "/ask", "/accounts/login", "/accounts/signup",
]


def _quoted(path: str) -> str:
    return quote(path, safe="/?=&:.")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _get(port: int, path: str) -> tuple[int, float]:
    t = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", _quoted(path))
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp.status, time.perf_counter() - t


def _start(home: Path, port: int) -> tuple[subprocess.Popen, float]:
    env = {**os.environ, "MODUAI_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    t0 = time.perf_counter()
    # what the `moduai` console script runs (the package has no __main__)
    launch = f"import sys; from moduai.cli import main; sys.argv = ['moduai', 'serve', '--port', '{port}']; main()"
    proc = subprocess.Popen([sys.executable, "-c", launch], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            status, _ = _get(port, "/")
            if status == 200:
                return proc, time.perf_counter() - t0
        except OSError:
            pass
        if proc.poll() is not None:
            raise SystemExit("서버가 시작하지 못했습니다")
        time.sleep(0.05)


def _wait_idle(pid: int, limit: float = 300.0, cpu=_proc_cpu) -> float:
    """Seconds until ``cpu(pid)`` grows by < 0.03 s over 1.5 s (the warm-up thread is done)."""
    t0 = time.perf_counter()
    last = cpu(pid)
    while time.perf_counter() - t0 < limit:
        time.sleep(1.5)
        now = cpu(pid)
        if now - last < 0.03:
            return time.perf_counter() - t0
        last = now
    return float("nan")


def _sweep(pid: int, port: int, pages: list[str]) -> dict[str, tuple[int, float, float]]:
    out = {}
    for p in pages:
        c0 = _proc_cpu(pid)
        status, wall = _get(port, p)
        out[p] = (status, wall, _proc_cpu(pid) - c0)
    return out


def _run(label: str, wait: bool, seed: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="moduai-pages-"))
    port = _free_port()
    rng = random.Random(seed)
    try:
        proc, first_answer = _start(home, port)
        idle = _wait_idle(proc.pid) if wait else 0.0
        first_order, warm_order = PAGES[:], PAGES[:]
        rng.shuffle(first_order)
        rng.shuffle(warm_order)
        first = _sweep(proc.pid, port, first_order)
        warm = _sweep(proc.pid, port, warm_order)
        rss = _rss_mb(proc.pid)
        proc.terminate()
        proc.wait(timeout=30)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"\n## {label}: first answer {first_answer:.2f} s after start; "
          + (f"warm-up finished {idle:.1f} s after it" if wait else "pages asked at once (warm-up running)"))
    print(f"{'page':<66} {'status':>6} {'first wall':>10} {'first CPU':>9} {'warm wall':>9} {'warm CPU':>8}")
    over_first = over_warm = 0
    for p in PAGES:
        s, fw, fc = first[p]
        _, ww, wc = warm[p]
        flag = (" *" if fw > 1.0 else "") + (" w" if ww > 0.1 else "")
        over_first += fw > 1.0
        over_warm += ww > 0.1
        print(f"{p:<66} {s:>6} {fw:>10.3f} {fc:>9.2f} {ww:>9.3f} {wc:>8.3f}{flag}")
    fws = sorted(v[1] for v in first.values())
    wws = sorted(v[1] for v in warm.values())
    print(f"pages {len(PAGES)}: first hit > 1 s: {over_first} (max {fws[-1]:.2f} s, median {fws[len(fws) // 2]:.3f}); "
          f"warm > 100 ms: {over_warm} (max {wws[-1] * 1000:.0f} ms, median {wws[len(wws) // 2] * 1000:.0f} ms); "
          f"server RSS after both sweeps {rss:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--during", action="store_true", help="also a server whose pages are asked during the warm-up")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    print(f"load before {os.getloadavg()}; {os.cpu_count()} cores; python {sys.version.split()[0]}")
    _run("after the warm-up", True, args.seed)
    if args.during:
        _run("during the warm-up", False, args.seed + 1)
    print(f"\nload after {os.getloadavg()}")


if __name__ == "__main__":
    main()
