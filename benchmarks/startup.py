"""Start-up and page latency: ``moduai region``, ``moduai serve`` to its first answer, every page's first and warm
hit, ``/balance`` under concurrent connections, a fresh-browser fetch of a chart page's assets.

Usage::

    python benchmarks/startup.py                              # this tree only
    python benchmarks/startup.py --before /work/main/src      # interleaved with another checkout (before/after)

Each round runs every variant once, one after another (``before`` then ``after`` then the bare interpreter), so
machine load hits them alike; medians over rounds and the ratios are printed with ``os.getloadavg()``.  The
machine is shared (2 cores, several engineers): read the ratios and the CPU seconds rather than wall times.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "src"
PAGES = ["/", "/regions?q=%ED%8F%AC%ED%95%AD", "/commerce", "/commerce/sites", "/commerce/report?place=%ED%9A%8C%EA%B8%B0%EB%8F%99",
         "/balance", "/programs", "/programs/search?q=%EC%B9%B4%ED%8E%98+%EC%B0%BD%EC%97%85", "/grants", "/talent"]


def load() -> str:
    return f"load average {' / '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count() or 0} CPUs"


def _env(src: str, home: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=src, MODUAI_HOME=home)
    env.pop("MODUAI_DATABASE_URL", None)
    return env


def _cli(src: str, home: str, args: list[str]) -> tuple[float, float]:
    """(wall s, CPU s of the child) of one ``moduai …`` process."""
    code = "import sys; from moduai.cli import main; sys.argv[0] = 'moduai'; main()"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], env=_env(src, home), check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _bare() -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None, timeout: float = 120) -> tuple[int, bytes, dict]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request("GET", path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body, {k.lower(): v for k, v in r.getheaders()}


class Server:
    """``moduai serve`` in a child process; records when it printed its URL and when it first answered."""

    def __init__(self, src: str, home: str, workers: int = 1):
        self.port = _free_port()
        code = "import sys; from moduai.cli import main; sys.argv[0] = 'moduai'; main()"
        args = ["serve", "--port", str(self.port)] + (["--workers", str(workers)] if workers > 1 else [])
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-c", code, *args], env=_env(src, home),
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url_at: float | None = None
        self.url_accepting: bool | None = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            if "http://" in line and self.url_at is None:
                self.url_at = time.perf_counter() - self.t0
                try:  # does the port accept at the moment the URL is printed?
                    socket.create_connection(("127.0.0.1", self.port), timeout=0.05).close()
                    self.url_accepting = True
                except OSError:
                    self.url_accepting = False

    def first_answer(self, path: str = "/") -> float:
        while True:
            try:
                _get(self.port, path)
                return time.perf_counter() - self.t0
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("server exited") from None
                time.sleep(0.02)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _first_answers(variants: dict[str, str], rounds: int) -> None:
    """``moduai serve`` on a fresh home, then restarted on the same home: wall and server CPU s at the first
    answer of ``/``, variants interleaved per round."""
    res: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(rounds):
        for k, src in variants.items():
            home = tempfile.mkdtemp(prefix=f"moduai-bench-first-{k}-")
            for start in ("fresh home", "restart"):
                srv = Server(src, home)
                try:
                    wall = srv.first_answer("/")
                    res.setdefault((k, start), []).append((wall, _proc_cpu(srv.proc.pid)))
                finally:
                    srv.stop()
            shutil.rmtree(home, ignore_errors=True)
    print(f"\n## serve: first answer of / (median of {rounds} rounds, interleaved)")
    print("| variant | start | wall s | server CPU s |")
    print("|---|---|---|---|")
    for (k, start), v in res.items():
        print(f"| {k} | {start} | {statistics.median(x[0] for x in v):.2f} | {statistics.median(x[1] for x in v):.2f} |")
    if "before" in variants:
        for start in ("fresh home", "restart"):
            b = statistics.median(x[1] for x in res[("before", start)])
            f = statistics.median(x[1] for x in res[("after", start)])
            print(f"server CPU ratio before/after, {start}: {b / f:.1f}×")
    print(f"# {load()}")


def _page_times(port: int, paths: list[str], warm_n: int) -> dict[str, tuple[float, float]]:
    out = {}
    for p in paths:
        t = time.perf_counter()
        status, _, _ = _get(port, p)
        first = time.perf_counter() - t
        warm = []
        for _ in range(warm_n):
            t = time.perf_counter()
            _get(port, p)
            warm.append(time.perf_counter() - t)
        out[p] = (first, statistics.median(warm) if warm else float("nan"), status)
    return out


def _concurrent(port: int, path: str, conns: int, per_conn: int) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()

    def worker():
        for _ in range(per_conn):
            t = time.perf_counter()
            try:
                _get(port, path, timeout=60)
                d = time.perf_counter() - t
            except OSError:
                d = float("inf")
            with lock:
                times.append(d)

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return sorted(times)


def _page_html(port: int, page: str) -> str:
    _, body, _ = _get(port, page)
    return body.decode("utf-8", "replace")


def _fresh_browser(port: int, page: str) -> tuple[float, int, int]:
    """A fresh browser's fetch of a page and every /static and /vendor asset it names, gzip accepted, no cache."""
    t = time.perf_counter()
    _, body, h = _get(port, page, {"Accept-Encoding": "gzip"})
    total = len(body)
    html = (gzip.decompress(body) if h.get("content-encoding") == "gzip" else body).decode("utf-8", "replace")
    assets = sorted(set(re.findall(r'(?:src|href)="(/(?:static|vendor)/[^"]+)"', html)))
    for a in assets:
        _, b, _ = _get(port, a.replace("&amp;", "&"), {"Accept-Encoding": "gzip"})
        total += len(b)
    return time.perf_counter() - t, len(assets), total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default=None, help="src folder of the checkout to compare with (e.g. /work/main/src)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warm", type=int, default=5)
    ap.add_argument("--conns", type=int, default=32)
    ap.add_argument("--skip-serve", action="store_true")
    ap.add_argument("--first-only", action="store_true", help="CLI and first answers only (no page tour)")
    a = ap.parse_args()
    variants = {"after": str(HERE)}
    if a.before:
        variants = {"before": a.before, **variants}
    homes = {k: tempfile.mkdtemp(prefix=f"moduai-bench-{k}-") for k in variants}
    print(f"# {load()}  (start)")

    # 1. CLI first touch, interleaved per round.
    cmds = {"region": ["region", "포항시 북구"], "--help": ["--help"]}
    res: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(a.rounds):
        for k, src in variants.items():
            for c, args in cmds.items():
                res.setdefault((k, c), []).append(_cli(src, homes[k], args))
        res.setdefault(("bare python", ""), []).append(_bare())
    print(f"\n## CLI (median of {a.rounds} rounds, interleaved)")
    print("| command | variant | wall s | CPU s |")
    print("|---|---|---|---|")
    for (k, c), v in res.items():
        print(f"| moduai {c} | {k} | {statistics.median(x[0] for x in v):.2f} | {statistics.median(x[1] for x in v):.2f} |")
    if a.before:
        for c in cmds:
            b = statistics.median(x[1] for x in res[("before", c)])
            f = statistics.median(x[1] for x in res[("after", c)])
            print(f"CPU ratio before/after for {c}: {b / f:.1f}×")
    print(f"# {load()}")
    if a.skip_serve:
        return
    _first_answers(variants, a.rounds)
    if a.first_only:
        return

    # 2. Server: URL printed, first answer, every page first/warm, concurrency, fresh browser.
    for k, src in variants.items():
        home = homes[k]
        srv = Server(src, home)
        try:
            first = srv.first_answer("/")
            for _ in range(250):  # the URL line may arrive a moment after the first answer
                if srv.url_at is not None:
                    break
                time.sleep(0.02)
            print(f"\n## serve ({k}): first answer of / at {first:.2f} s; URL printed at "
                  f"{srv.url_at and round(srv.url_at, 2)} s (port accepting then: {srv.url_accepting})")
            times = _page_times(srv.port, PAGES, a.warm)
            print("| page | status | first hit s | warm median ms |")
            print("|---|---|---|---|")
            for p, (f, w, st) in times.items():
                print(f"| {p} | {st} | {f:.2f} | {w * 1000:.0f} |")
            lat = _concurrent(srv.port, "/balance", a.conns, 3)
            fin = [x for x in lat if x != float("inf")]
            p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))]
            print(f"/balance at {a.conns} connections × 3: median {statistics.median(fin):.2f} s, p99 {p99:.2f} s, "
                  f"{len(fin)}/{len(lat)} finished")
            for page in ("/balance", "/commerce/report?place=%ED%9A%8C%EA%B8%B0%EB%8F%99"):
                wall, n, size = _fresh_browser(srv.port, page)
                print(f"fresh browser {page}: {wall:.2f} s for the page + {n} assets, {size / 1e6:.2f} MB on the wire")
            from_page = re.search(r'src="(/vendor/plotly\.min\.js[^"]*)"', _page_html(srv.port, "/balance"))
            url = from_page.group(1) if from_page else "/vendor/plotly.min.js"
            _, _, h = _get(srv.port, url, {"Accept-Encoding": "gzip"})
            print(f"{url} headers:", {x: h.get(x) for x in ("content-encoding", "cache-control", "etag",
                                                             "content-length")})
        finally:
            srv.stop()
        print(f"# {load()}")
    for h in homes.values():
        shutil.rmtree(h, ignore_errors=True)


if __name__ == "__main__":
    main()
