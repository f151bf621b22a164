"""A `moduai serve` holding the national store set: first report after a restart, and the server's memory.

Usage::

    python benchmarks/national_server.py                  # ≈ 2.5 M stores, 2 rounds
    python benchmarks/national_server.py --rounds 1 --n 300000

Goal (issue 14): with a national snapshot imported, the first report after a restart takes ≤ 2 s and the
server holds ≤ 1.5 GB with it loaded; several ``--workers`` processes share the snapshot's pages.

Set-up, once: the synthetic national Parquet (``moduai commerce generate --national``, the radius and report
benchmarks' file) is written as the published per-시도 CSV files (``commerce_import.write_csvs``) and imported
with ``moduai commerce import`` into a fresh ``MODUAI_HOME``, as a site would.  One server is then started
and asked one national report, so that whatever the import left to the first report (the snapshot's
memory-mapped structure files) is built before any timed run; the time that costs is printed.

Then, per round, three servers in a random order, each a fresh process on that home (a restart):

* ``warm-up on`` — ``moduai serve`` as shipped; the reports are asked once its warm-up thread is done;
* ``warm-up off`` — ``MODUAI_WARMUP=0``; the reports are asked right after the first answer;
* ``2 workers`` — ``moduai serve --workers 2``, warm-up on; its reports go to whichever worker accepts, and
  twelve more are then asked four at a time (untimed) so that every worker has read the snapshot.

Each is asked three reports of the imported snapshot (500 m around points in three 시도, 카페).  Printed: the first
report's wall seconds, the slowest of the other two, and the memory of the whole process tree once the three
are answered: RSS summed over processes (pages shared between workers counted in each), PSS (shared pages
divided among the processes that map them) and the private pages (USS); and the same two for the snapshot's
memory-mapped structure files alone, which show whether workers share them (PSS ≈ RSS / workers) or copy them.  The load average is printed per run.
Nothing is asserted: benchmarks are not tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
# the benchmarks' one port picker, /proc CPU reader, idle wait, HTTP getter and national-file writer
from commerce_import import CPU_SECONDS, timed, write_csvs  # noqa: E402
from commerce_report import _default_parquet  # noqa: E402
from every_page_served import _wait_idle  # noqa: E402
from startup import _free_port, _get, _proc_cpu  # noqa: E402

SNAPSHOT = "2026Q1"
# 서울 동대문구 회기동, 포항 북구 양덕동, 제주시 연동 (points, so no 읍면동 name is ambiguous)
PLACES = ["37.5894:127.0557", "36.0853:129.3880", "33.4890:126.4900"]
REPORT = "/commerce/report?lat={lat}&lon={lon}&radius=500&category=%EC%B9%B4%ED%8E%98&snapshot=" + SNAPSHOT


def _env(home: Path, warmup: bool) -> dict[str, str]:
    env = {**os.environ, "MODUAI_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    env.pop("MODUAI_WARMUP", None)
    if not warmup:
        env["MODUAI_WARMUP"] = "0"
    return env


def _command(args: list[str]) -> list[str]:
    """The ``moduai …`` command line as this tree runs it (the package has no __main__; this is what the
    console script runs)."""
    return [sys.executable, "-c", f"import sys; from moduai.cli import main; sys.argv = ['moduai', *{args!r}]; main()"]


def _tree(pid: int) -> list[int]:
    """``pid`` and every descendant (uvicorn's workers are children of its supervisor)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            kids = []
        todo.extend(int(k) for k in kids)
    return out


def _memory_mb(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private clean + dirty) of the process tree, in MB (10⁶ bytes); and RSS and PSS of the
    snapshot's memory-mapped structure files alone (``snap_rss``, ``snap_pss``: shared pages counted once)."""
    total = {"rss": 0.0, "pss": 0.0, "uss": 0.0, "snap_rss": 0.0, "snap_pss": 0.0, "processes": 0}
    for p in _tree(pid):
        try:
            smaps = Path(f"/proc/{p}/smaps").read_text().splitlines()
        except OSError:
            continue
        total["processes"] += 1
        snapshot_file = False
        for line in smaps:
            head, _, rest = line.partition(" ")
            if not head.endswith(":"):  # a mapping's first line: address range, permissions, …, path
                snapshot_file = "/structures/" in line
                continue
            kb = int(rest.split()[0]) if rest.split() and rest.split()[0].isdigit() else 0
            mb = kb * 1024 / 1e6
            if head == "Rss:":
                total["rss"] += mb
                total["snap_rss"] += mb if snapshot_file else 0.0
            elif head == "Pss:":
                total["pss"] += mb
                total["snap_pss"] += mb if snapshot_file else 0.0
            elif head in ("Private_Clean:", "Private_Dirty:"):
                total["uss"] += mb
    return total


def _tree_cpu(pid: int) -> float:
    total = 0.0
    for p in _tree(pid):
        try:
            total += _proc_cpu(p)
        except OSError:
            pass
    return total


def _serve(home: Path, warmup: bool, workers: int) -> tuple[subprocess.Popen, int, float]:
    port = _free_port()
    args = ["serve", "--port", str(port)] + (["--workers", str(workers)] if workers > 1 else [])
    t0 = time.perf_counter()
    proc = subprocess.Popen(_command(args), env=_env(home, warmup),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    while True:
        try:
            if _get(port, "/", timeout=5)[0] == 200:
                return proc, port, time.perf_counter() - t0
        except OSError:
            pass
        if proc.poll() is not None:
            raise SystemExit("서버가 시작하지 못했습니다")
        time.sleep(0.05)


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, 9)


def _report(port: int, place: str) -> float:
    lat, lon = place.split(":")
    t = time.perf_counter()
    status, body, _ = _get(port, REPORT.format(lat=lat, lon=lon), timeout=600)
    wall = time.perf_counter() - t
    if status != 200:
        raise SystemExit(f"보고서 응답 {status}: {body[:300]!r}")
    return wall


def _run(home: Path, label: str, warmup: bool, workers: int, places: list[str]) -> dict:
    load = os.getloadavg()[0]
    proc, port, first_answer = _serve(home, warmup, workers)
    try:
        idle = _wait_idle(proc.pid, 600.0, _tree_cpu) if warmup else 0.0
        c0 = _tree_cpu(proc.pid)
        walls = [_report(port, places[0])]
        first_cpu = _tree_cpu(proc.pid) - c0
        walls += [_report(port, place) for place in places[1:]]
        if workers > 1:
            # every worker answers some reports (the kernel picks the worker per connection): 4 at a time, untimed
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda i: _report(port, places[i % len(places)]), range(12)))
        mem = _memory_mb(proc.pid)
    finally:
        _stop(proc)
    return {"label": label, "load": load, "first_answer": first_answer, "idle": idle, "walls": walls,
            "first_cpu": first_cpu, **mem}


def prepare(parquet: Path, n: int | None, keep: Path | None, place: str) -> tuple[Path, float]:
    """A home with the national snapshot imported; returns it and the first (priming) report's seconds."""
    if not parquet.exists():
        parquet.parent.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(_command(["commerce", "generate", "--national", "--out", str(parquet)]),
                             env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        if out.returncode:
            raise SystemExit("전국 합성 상가 자료를 만들지 못했습니다")
    home = keep or Path(tempfile.mkdtemp(prefix="moduai-national-"))
    if keep is None or not any((home / "imports").glob("**/*.parquet")):
        csv_dir = Path(tempfile.mkdtemp(prefix="moduai-national-csv-"))
        try:
            rows = write_csvs(parquet, csv_dir, n, "utf-8")
            try:  # /usr/bin/time: this process's own size must not count (a forked child starts with it)
                wall, peak, stdout = timed(_command(["commerce", "import", str(csv_dir), "--snapshot", SNAPSHOT,
                                                     "--json"]), env=_env(home, True))
            except RuntimeError as exc:
                raise SystemExit(f"가져오기 실패: {exc}") from exc
            print(f"imported {rows:,} rows in {wall:.1f} s ({json.loads(stdout).get('rows_ok', '?')} kept), "
                  f"{CPU_SECONDS['last']:.1f} CPU s, peak RSS {peak:,.0f} MB; load {os.getloadavg()[0]:.1f}")
        finally:
            shutil.rmtree(csv_dir, ignore_errors=True)
    proc, port, _ = _serve(home, False, 1)
    try:
        c0 = _tree_cpu(proc.pid)
        prime = _report(port, place)
        print(f"priming report (whatever the import left to the first report): {prime:.1f} s wall, "
              f"{_tree_cpu(proc.pid) - c0:.1f} CPU s; load {os.getloadavg()[0]:.1f}")
    finally:
        _stop(proc)
    return home, prime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parquet", type=Path, default=_default_parquet())
    ap.add_argument("--n", type=int, default=None, help="rows to import (default: all)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--home", type=Path, default=None, help="keep (and reuse) the imported home here")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--places", default=",".join(PLACES), help="three lat:lon points (a small --n holds 서울 only)")
    args = ap.parse_args()
    print(f"load before {os.getloadavg()}; {os.cpu_count()} cores; python {sys.version.split()[0]}")
    home, _prime = prepare(args.parquet, args.n, args.home, args.places.split(",")[0])
    variants = [("warm-up on", True, 1), ("warm-up off", False, 1), ("2 workers", True, 2)]
    rng = random.Random(args.seed)
    rows = []
    try:
        for r in range(args.rounds):
            order = variants[:]
            rng.shuffle(order)
            for label, warmup, workers in order:
                row = _run(home, label, warmup, workers, args.places.split(","))
                row["round"] = r + 1
                rows.append(row)
                print(f"round {r + 1} {label:<12} load {row['load']:.1f}: first answer {row['first_answer']:.2f} s, "
                      f"warm-up done {row['idle']:.1f} s later; reports {', '.join(f'{w:.2f}' for w in row['walls'])} s "
                      f"(first {row['first_cpu']:.2f} CPU s); {row['processes']} processes RSS {row['rss']:.0f} MB, "
                      f"PSS {row['pss']:.0f} MB, USS {row['uss']:.0f} MB; snapshot files RSS {row['snap_rss']:.0f} MB, "
                      f"PSS {row['snap_pss']:.0f} MB", flush=True)
    finally:
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)
    print("\n| server | first report s (median of rounds) | RSS MB | PSS MB | USS MB | snapshot files RSS / PSS MB | goal |")
    print("|---|---|---|---|---|---|---|")
    for label, _w, _n in variants:
        mine = [x for x in rows if x["label"] == label]
        first = sorted(x["walls"][0] for x in mine)[len(mine) // 2]
        rss = max(x["rss"] for x in mine)
        pss = max(x["pss"] for x in mine)
        uss = max(x["uss"] for x in mine)
        snap = f"{max(x['snap_rss'] for x in mine):.0f} / {max(x['snap_pss'] for x in mine):.0f}"
        # one process: its RSS, every page it maps counted; several: PSS, shared pages counted once in all
        held = rss if mine[0]["processes"] == 1 else pss
        met = "met" if first <= 2.0 and held <= 1500 else "not met"
        print(f"| {label} | {first:.2f} | {rss:.0f} | {pss:.0f} | {uss:.0f} | {snap} | ≤ 2 s and ≤ 1,500 MB "
              f"({'RSS' if mine[0]['processes'] == 1 else 'PSS'}): {met} |")
    print(f"\nload after {os.getloadavg()}")


if __name__ == "__main__":
    main()
