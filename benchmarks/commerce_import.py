"""Import of the national-scale 상가정보 CSV set: moduai importer vs plain pandas and DuckDB loads.

Usage::

    python benchmarks/commerce_import.py                   # ~2.5 M rows in 17 per-시도 files
    python benchmarks/commerce_import.py --n 200000        # quick
    python benchmarks/commerce_import.py --encoding cp949  # the older published encoding

The CSV files are written from the synthetic national Parquet (``moduai commerce generate --national``) in
the published 39-column format, one file per 시도. Each loader runs in its own process under
``/usr/bin/time -v`` so wall time and peak resident memory are measured the same way:

- moduai: ``moduai commerce import DIR --snapshot 2026Q1 --no-structures --json`` into a fresh MODUAI_HOME
  (detect the encoding, validate every row: field count, IDs, 업종 codes, coordinates, duplicates; map codes;
  compute EPSG:5179; write the snapshot Parquet; log to SQLite — a fresh home also runs the migrations);
  ``--before /work/main/src`` adds another tree's importer as one more method;
- then, in the same home and a process of its own, the snapshot's structure build
  (``snapshot_files.build_snapshot_structures``: the memory-mapped files the reports open), printed as a
  separate line.  ``moduai commerce import`` does both by default (the build right after the import); they are
  timed apart so the import's figures stay comparable with earlier runs and with the peers, and the build's peak
  memory is its own (a tree without ``--no-structures`` builds only here, as its first report would);
- pyarrow streaming: ``pyarrow.csv.open_csv`` record batches → ``ParquetWriter`` (no validation at all);
- DuckDB: ``COPY (SELECT * FROM read_csv(..., all_varchar=true)) TO parquet`` with
  ``preserve_insertion_order = false`` (no validation at all);
- pandas (``--with-pandas``): ``read_csv(engine="pyarrow", dtype=str)`` of every file + ``to_parquet``.

Every round runs every method once in a random order (``--rounds``); the load average is printed per run,
and CPU seconds next to wall time (on a shared machine CPU seconds say more about an idle machine).
Targets: ≤ 20 s (quiet machine) and ≤ 600 MB peak for 2.5 M rows. Prints the figures and the ratios;
asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_csvs(parquet: Path, out: Path, n: int | None, encoding: str) -> int:
    """Per-시도 CSV files (39 published columns) from the national Parquet; returns the row count."""
    import pyarrow.parquet as pq

    from moduai.commerce.generator import to_official_frame

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.csv"):
        old.unlink()
    pf = pq.ParquetFile(parquet)
    written, started = 0, set()
    for batch in pf.iter_batches(batch_size=200_000):
        frame = batch.to_pandas()
        if n is not None:
            frame = frame.head(n - written)
        if frame.empty:
            break
        official = to_official_frame(frame)
        for sido, part in official.groupby("시도코드", sort=True):
            path = out / f"synthetic_sangga_{sido}_202601.csv"
            part.to_csv(path, mode="a" if sido in started else "w", header=sido not in started, index=False,
                        encoding=encoding, lineterminator="\r\n")
            started.add(sido)
        written += len(frame)
        if n is not None and written >= n:
            break
    return written


CPU_SECONDS: dict[str, float] = {}


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of a command run under /usr/bin/time -v.

    User + system CPU seconds go to :data:`CPU_SECONDS` (keyed by the last argument of ``cmd``): on a
    shared machine they say more about an idle machine's wall time than the wall time does.
    """
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {proc.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    h, m, s = (float(g) if g else 0.0 for g in wall.groups())
    rss = float(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1)) / 1024
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", proc.stderr).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", proc.stderr).group(1))
    CPU_SECONDS["last"] = user + system
    return h * 3600 + m * 60 + s, rss, proc.stdout


def _peer_codes(csv_dir: Path, encoding: str, tmp: str) -> dict[str, str]:
    """The peers' scripts: each runs in its own process, like moduai, so peak RSS compares like for like."""
    stream_code = textwrap.dedent(f"""
        import glob, pyarrow as pa, pyarrow.csv as pacsv, pyarrow.parquet as pq
        files = sorted(glob.glob({str(csv_dir / '*.csv')!r}))
        first = pacsv.open_csv(files[0], read_options=pacsv.ReadOptions(encoding={encoding!r}))
        schema = pa.schema([pa.field(f.name, pa.string()) for f in first.schema])
        conv = pacsv.ConvertOptions(column_types={{f.name: pa.string() for f in schema}})
        n = 0
        with pq.ParquetWriter({tmp + '/stream.parquet'!r}, schema) as w:
            for p in files:
                reader = pacsv.open_csv(p, read_options=pacsv.ReadOptions(encoding={encoding!r}),
                                        convert_options=conv)
                for batch in reader:
                    w.write_batch(batch)
                    n += batch.num_rows
        print(n)
    """)
    duck_code = textwrap.dedent(f"""
        import duckdb
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = false")  # lets DuckDB stream instead of buffering
        con.execute("COPY (SELECT * FROM read_csv({str(csv_dir / '*.csv')!r}, all_varchar=true, header=true)) "
                    "TO '{tmp}/duck.parquet'")
        print(con.execute("SELECT count(*) FROM read_parquet('{tmp}/duck.parquet')").fetchone()[0])
    """)
    pandas_code = textwrap.dedent(f"""
        import pandas as pd, glob
        frames = [pd.read_csv(p, engine="pyarrow", dtype=str, encoding={encoding!r})
                  for p in sorted(glob.glob({str(csv_dir / '*.csv')!r}))]
        df = pd.concat(frames, ignore_index=True)
        df.to_parquet({tmp + '/pandas.parquet'!r})
        print(len(df))
    """)
    return {"pyarrow streaming open_csv → parquet": stream_code, "DuckDB read_csv → parquet": duck_code,
            "pandas read_csv(pyarrow) → parquet": pandas_code}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    bench_dir = Path(os.environ.get("MODUAI_BENCH_DIR", "/tmp/moduai-bench"))
    ap.add_argument("--parquet", type=Path, default=bench_dir / "national.parquet")
    ap.add_argument("--csv-dir", type=Path, default=None)
    ap.add_argument("--n", type=int, default=None, help="rows to write and import (default: all)")
    ap.add_argument("--encoding", default="utf-8", choices=["utf-8", "utf-8-sig", "cp949"])
    ap.add_argument("--rounds", type=int, default=1, help="rounds; each runs every method once, in a random order")
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--with-pandas", action="store_true", help="also the whole-frame pandas load (memory heavy)")
    ap.add_argument("--before", type=Path, default=None,
                    help="another moduai src folder (e.g. /work/main/src) whose importer runs as one more method")
    ap.add_argument("--reuse-csv", action="store_true", help="keep CSV files already in --csv-dir")
    args = ap.parse_args(argv)

    if not args.parquet.exists():
        from moduai.commerce.generator import generate_national

        print(f"generating the national set into {args.parquet} …", flush=True)
        generate_national(args.parquet)
    csv_dir = args.csv_dir or args.parquet.parent / f"csv_{args.encoding}_{args.n or 'all'}"
    if args.reuse_csv and any(csv_dir.glob("*.csv")):
        import pyarrow.csv as pacsv

        rows = sum(pacsv.read_csv(p, read_options=pacsv.ReadOptions(encoding=args.encoding),
                                  convert_options=pacsv.ConvertOptions(include_columns=["상가업소번호"])).num_rows
                   for p in csv_dir.glob("*.csv"))
    else:
        rows = write_csvs(args.parquet, csv_dir, args.n, args.encoding)
    size = sum(p.stat().st_size for p in csv_dir.glob("*.csv"))
    print(f"input: {rows:,} rows in {len(list(csv_dir.glob('*.csv')))} files, {size / 1e6:,.0f} MB, {args.encoding}")

    import random

    moduai_cmd = [sys.executable, "-c", "from moduai.cli import main; main()", "commerce", "import", str(csv_dir),
                  "--snapshot", "2026Q1", "--json"]
    build_cmd = [sys.executable, "-c", "from moduai.commerce import snapshot_files, store; "
                 "print(snapshot_files.build_snapshot_structures(store.snapshot_path('2026Q1')))"]
    methods: dict[str, dict] = {"moduai import (validated)": {"src": str(ROOT / "src")}}
    if args.before is not None:
        methods["moduai import, --before src"] = {"src": str(args.before)}
    results: dict[str, list[tuple[float, float, float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="moduai-import-peer-") as tmp:
        peers = {} if args.skip_peers else _peer_codes(csv_dir, args.encoding, tmp)
        if not args.with_pandas:
            peers.pop("pandas read_csv(pyarrow) → parquet", None)
        if args.encoding == "cp949":
            peers.pop("DuckDB read_csv → parquet", None)
            print("DuckDB: skipped (read_csv reads UTF-8 only without the encodings extension)")
        names = list(methods) + list(peers)
        for r in range(args.rounds):
            order = random.sample(names, len(names))
            for name in order:
                load = os.getloadavg()[0]
                if name in methods:
                    src = methods[name]["src"]
                    with tempfile.TemporaryDirectory(prefix="moduai-import-bench-") as home:
                        env = dict(os.environ, MODUAI_HOME=home, PYTHONPATH=src)
                        env.pop("MODUAI_DATABASE_URL", None)
                        wall, rss, out = timed(moduai_cmd + (["--no-structures"] if _has_structures_flag(src) else []),
                                               env)
                        cpu = CPU_SECONDS["last"]
                        b_load = os.getloadavg()[0]
                        b_wall, b_rss, _ = timed(build_cmd, env)
                        b_cpu = CPU_SECONDS["last"]
                    build_name = f"{name}: structure build"
                    results.setdefault(build_name, []).append((b_wall, b_cpu, b_rss, b_load))
                    CPU_SECONDS["last"] = cpu
                    report = json.loads(out)
                    n = report["rows_ok"]
                    detail = f"{n:,} stored, {report['rows_rejected']:,} rejected"
                else:
                    wall, rss, out = timed([sys.executable, "-c", peers[name]])
                    n = int(out.split()[-1])
                    detail = f"{n:,} rows (no validation)"
                cpu = CPU_SECONDS["last"]
                results.setdefault(name, []).append((wall, cpu, rss, load))
                print(f"round {r + 1} · {name}: {detail} · {wall:.1f} s wall · {cpu:.1f} CPU s · peak {rss:,.0f} MB "
                      f"· load {load:.1f}", flush=True)
                if name in methods:
                    print(f"round {r + 1} · {build_name} (separate process, after the import): {b_wall:.1f} s wall · "
                          f"{b_cpu:.1f} CPU s · peak {b_rss:,.0f} MB · load {b_load:.1f}", flush=True)

    def med(values):
        values = sorted(values)
        return values[len(values) // 2]

    base = "moduai import (validated)"
    base_wall, base_cpu = med([w for w, *_ in results[base]]), med([c for _, c, *_ in results[base]])
    print(f"\nload average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; medians of {args.rounds} round(s)")
    print("loader                                   wall s   CPU s   peak MB   CPU × moduai")
    for name, rs in results.items():
        w, c, r = med([x[0] for x in rs]), med([x[1] for x in rs]), max(x[2] for x in rs)
        print(f"{name:<40} {w:>6.1f} {c:>7.1f} {r:>9,.0f} {c / base_cpu:>14.2f}")
    scale = 2_500_000 / rows
    base_rss = max(x[2] for x in results[base])
    print(f"\ntargets for 2.5 M rows: ≤ 20 s wall on a quiet machine, ≤ 600 MB → measured {base_wall:.1f} s wall, "
          f"{base_cpu:.1f} CPU s, {base_rss:,.0f} MB"
          + (f" on {rows:,} rows (×{scale:.1f} to scale)" if rows < 2_400_000 else "")
          + " (the import alone; the structure build is its own line above)")
    return 0


def _has_structures_flag(src: str) -> bool:
    """Whether that tree's CLI has ``--no-structures`` (older ones never build in the import)."""
    cli = Path(src) / "moduai" / "cli" / "commerce_data.py"
    return cli.exists() and "--no-structures" in cli.read_text(encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
