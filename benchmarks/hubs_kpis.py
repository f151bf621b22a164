"""hubs at scale: a 합성 hub of 5,000 organisations × 10 years (≈ 200,000 rows) on SQLite and PostgreSQL.

Targets (issue 12): every KPI ≤ 1 s, import of 50,000 events ≤ 10 s, organisation timeline ≤ 100 ms.
Each is timed side by side (interleaved) with a direct peer:

- KPIs: ``compute_kpis`` (one load into pandas + every KPI of kpis.yaml) vs a hand-written pandas/SQL
  peer that computes applicants, selection rate, investment (SQL aggregates) and 5-year survival
  (``pd.read_sql`` + lifelines directly) — the peer's values must equal ours.
- Import: ``import_file`` of 50,000 outcome rows (CSV; every row validated, idempotent keys) vs a bare
  ``pandas.read_csv`` + ``executemany`` INSERT of the same rows with no validation (the floor).
- Timeline: ``organisation_timeline`` (tenant-checked, 5 queries, sorted, typed) vs one UNION ALL query.

    PYTHONPATH=src python3 benchmarks/hubs_kpis.py [--orgs 5000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
import uuid

PG_ADMIN = os.environ.get("MODUAI_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _timed(fn, repeat: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _setup(url: str, n_orgs: int):
    from moduai.accounts.policy import Principal
    from moduai.db import migrate, session_scope
    from moduai.db.engine import get_engine
    from moduai.hubs import demo
    from moduai.hubs import service as S

    migrate(url)
    eng = get_engine(url)
    admin = Principal(role="admin", user_id=None)
    t = time.perf_counter()
    data = demo.generate(seed=11, n_orgs=n_orgs, start_year=2016, headcount_every_months=3,
                         person_key=lambda n, b, p: __import__("hashlib").sha256(f"{n}{b}{p}".encode()).hexdigest())
    gen_s = time.perf_counter() - t
    with session_scope(eng) as s:
        hub = S.create_hub(s, admin, name="벤치 거점센터 (합성)", region="47110", slug="bench", is_synthetic=True)
        t = time.perf_counter()
        demo.store(s, hub.id, data)
        store_s = time.perf_counter() - t
    rows = sum(data.counts().values())
    print(f"  generated {rows:,} rows in {gen_s:.1f} s, stored in {store_s:.1f} s ({data.counts()})")
    return eng, admin, hub.id, data


def _peer_kpis(eng, hub_id: int, year: int) -> dict:
    import pandas as pd
    from lifelines import KaplanMeierFitter
    from sqlalchemy import text

    with eng.connect() as c:
        applicants, apps, selected = c.execute(text(
            "SELECT COUNT(DISTINCT a.organisation_id), COUNT(*), "
            "SUM(CASE WHEN a.status IN ('selected','completed','dropped') THEN 1 ELSE 0 END) "
            "FROM hub_applications a JOIN hub_cohorts c ON c.id = a.cohort_id WHERE a.hub_id = :h AND c.year = :y"),
            {"h": hub_id, "y": year}).one()
        as_of = dt.date(year, 12, 31)
        invest = c.execute(text(
            "SELECT COALESCE(SUM(o.amount_krw), 0) FROM hub_outcomes o WHERE o.hub_id = :h AND o.kind = '투자' "
            "AND o.observed_on BETWEEN :a AND :b AND o.organisation_id IN (SELECT organisation_id FROM hub_applications "
            "WHERE hub_id = :h AND selected_on IS NOT NULL AND selected_on <= :b)"),
            {"h": hub_id, "a": dt.date(year, 1, 1), "b": as_of}).scalar()
        first = pd.read_sql(text("SELECT organisation_id AS org, MIN(selected_on) AS origin FROM hub_applications "
                                 "WHERE hub_id = :h AND selected_on IS NOT NULL AND selected_on <= :b "
                                 "AND status IN ('selected','completed','dropped') GROUP BY organisation_id"),
                            c, params={"h": hub_id, "b": as_of})
        last = pd.read_sql(text(
            "SELECT org, MAX(d) AS last FROM ("
            " SELECT organisation_id AS org, observed_on AS d FROM hub_outcomes WHERE hub_id = :h AND observed_on <= :b"
            " UNION ALL SELECT organisation_id, given_on FROM hub_supports WHERE hub_id = :h AND given_on <= :b"
            " UNION ALL SELECT organisation_id, applied_on FROM hub_applications WHERE hub_id = :h AND applied_on <= :b"
            " UNION ALL SELECT organisation_id, selected_on FROM hub_applications WHERE hub_id = :h AND selected_on <= :b"
            " UNION ALL SELECT organisation_id, completed_on FROM hub_applications WHERE hub_id = :h AND completed_on <= :b"
            ") x GROUP BY org"), c, params={"h": hub_id, "b": as_of})
        closed = pd.read_sql(text("SELECT organisation_id AS org, MIN(observed_on) AS closed FROM hub_outcomes "
                                  "WHERE hub_id = :h AND kind = '폐업' AND observed_on <= :b GROUP BY organisation_id"),
                             c, params={"h": hub_id, "b": as_of})
    df = first.merge(last, on="org", how="left").merge(closed, on="org", how="left")
    for col in ("origin", "last", "closed"):
        df[col] = pd.to_datetime(df[col])
    df.loc[df.closed < df.origin, "closed"] = pd.NaT
    event = df.closed.notna()
    dur = (df.closed.where(event, df["last"]).fillna(df.origin) - df.origin).dt.days
    s5 = float(KaplanMeierFitter().fit(dur, event).survival_function_at_times(5 * 365.25).iloc[0])
    return {"applicants": applicants, "selection_rate": round(selected / apps, 6), "investment": int(invest),
            "survival_5y": round(s5, 6)}


def _events_csv(eng, hub_id: int, n: int = 50_000) -> bytes:
    from sqlalchemy import text

    with eng.connect() as c:
        brns = [r[0] for r in c.execute(text("SELECT brn FROM hub_organisations WHERE hub_id = :h AND brn IS NOT NULL "
                                             "AND merged_into_id IS NULL ORDER BY id"), {"h": hub_id})]
    seen, lines = set(), ["기관(사업자등록번호 또는 기관명),날짜,종류,투자금액(원),고용 인원,매출 구간,이전 시군구,근거"]
    brns = [b for b in brns if not (b in seen or seen.add(b))]
    k = 0
    while len(lines) <= n:
        b = brns[k % len(brns)]
        day = dt.date(2026, 1, 1) + dt.timedelta(days=k // len(brns))
        lines.append(f"{b},{day.isoformat()},고용,,{3 + k % 7},,,고용보험")
        k += 1
    return ("\n".join(lines) + "\n").encode()


def _peer_import(eng, hub_id: int, data: bytes) -> int:
    import io

    import pandas as pd
    from sqlalchemy import text

    df = pd.read_csv(io.BytesIO(data), dtype=str)
    with eng.begin() as c:
        ids = dict(c.execute(text("SELECT brn, MIN(id) FROM hub_organisations WHERE hub_id = :h GROUP BY brn"),
                             {"h": hub_id}).all())
        rows = [{"h": hub_id, "o": ids[b], "d": dt.date.fromisoformat(d), "n": int(n)}
                for b, d, n in zip(df.iloc[:, 0], df["날짜"], df["고용 인원"], strict=True)]
        c.execute(text("INSERT INTO hub_outcomes (hub_id, organisation_id, observed_on, kind, headcount, evidence) "
                       "VALUES (:h, :o, :d, '고용', :n, '고용보험')"), rows)
        c.execute(text("DELETE FROM hub_outcomes WHERE hub_id = :h AND observed_on >= '2026-01-01'"), {"h": hub_id})
    return len(rows)


def _peer_timeline(eng, org_id: int) -> int:
    from sqlalchemy import text

    with eng.connect() as c:
        return len(c.execute(text(
            "SELECT applied_on AS d, 'app' FROM hub_applications WHERE organisation_id = :o "
            "UNION ALL SELECT given_on, kind FROM hub_supports WHERE organisation_id = :o "
            "UNION ALL SELECT observed_on, kind FROM hub_outcomes WHERE organisation_id = :o "
            "UNION ALL SELECT held_on, topic FROM hub_consultations WHERE organisation_id = :o "
            "UNION ALL SELECT p.held_on, p.session_title FROM hub_participations p JOIN hub_applications a "
            "ON a.id = p.application_id WHERE a.organisation_id = :o ORDER BY 1"), {"o": org_id}).all())


def run(url: str, label: str, n_orgs: int) -> None:
    from sqlalchemy import select

    from moduai.db import session_scope
    from moduai.hubs import io as IO
    from moduai.hubs import kpis as K
    from moduai.hubs import models as M
    from moduai.hubs import service as S

    print(f"\n== {label} ==  load {os.getloadavg()[0]:.2f}")
    eng, admin, hub_id, _ = _setup(url, n_orgs)
    import lifelines  # noqa: F401 - first import (≈1 s) is not part of a request

    # KPIs, interleaved with the peer
    with session_scope(eng) as s:  # warm: YAML, region tables, lifelines (first-request costs)
        K.compute_kpis(s, admin, hub_id, 2025)
    ours_t, peer_t, ours_cpu, peer_cpu = [], [], [], []
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        with session_scope(eng) as s:
            report = K.compute_kpis(s, admin, hub_id, 2025)
        ours_t.append(time.perf_counter() - t)
        ours_cpu.append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        peer = _peer_kpis(eng, hub_id, 2025)
        peer_t.append(time.perf_counter() - t)
        peer_cpu.append(time.process_time() - c)
    ours = {k.id: k.value for k in report.kpis}
    same = all(abs((ours[k] or 0) - v) < 1e-6 for k, v in peer.items())
    o, p = statistics.median(ours_t), statistics.median(peer_t)
    print(f"  all {len(report.kpis)} KPIs: wall {o * 1000:.0f} ms (target ≤ 1000), this process's CPU "
          f"{statistics.median(ours_cpu) * 1000:.0f} ms · peer (4 KPIs): wall {p * 1000:.0f} ms, CPU "
          f"{statistics.median(peer_cpu) * 1000:.0f} ms · wall ratio {o / p:.2f} · peer values equal: {same}"
          f"  load {os.getloadavg()[0]:.2f}")
    print(f"    ours {dict((k, ours[k]) for k in peer)}\n    peer {peer}")

    # import of 50,000 events
    data = _events_csv(eng, hub_id)
    t, cpu = time.perf_counter(), time.process_time()
    with session_scope(eng) as s:
        res = IO.import_file(s, admin, hub_id, "outcomes", data, "events.csv")
    imp, imp_cpu = time.perf_counter() - t, time.process_time() - cpu
    t = time.perf_counter()
    with session_scope(eng) as s:
        again = IO.import_file(s, admin, hub_id, "outcomes", data, "events.csv")
    reimp = time.perf_counter() - t
    peer_imp, n = _timed(lambda: _peer_import(eng, hub_id, data), repeat=1)
    print(f"  import {res.inserted:,} events: wall {imp:.2f} s (target ≤ 10), CPU {imp_cpu:.2f} s · re-import (all unchanged: "
          f"{again.unchanged:,}) {reimp:.2f} s · peer bare INSERT of {n:,}: {peer_imp:.2f} s · ratio {imp / peer_imp:.1f}"
          f"  load {os.getloadavg()[0]:.2f}")

    # timeline
    with session_scope(eng) as s:
        orgs = list(s.scalars(select(M.ApplicationRow.organisation_id).where(
            M.ApplicationRow.hub_id == hub_id, M.ApplicationRow.status == "completed").limit(20)))
    ours_t, peer_t, events = [], [], 0
    for org in orgs:
        t = time.perf_counter()
        with session_scope(eng) as s:
            events = len(S.organisation_timeline(s, admin, org).events)
        ours_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        _peer_timeline(eng, org)
        peer_t.append(time.perf_counter() - t)
    o, p = statistics.median(ours_t), statistics.median(peer_t)
    print(f"  timeline (median of {len(orgs)} firms, last had {events} events): {o * 1000:.1f} ms (target ≤ 100) · "
          f"peer UNION ALL: {p * 1000:.1f} ms · ratio {o / p:.1f} · max {max(ours_t) * 1000:.1f} ms"
          f"  load {os.getloadavg()[0]:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orgs", type=int, default=5000)
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args()
    os.environ.setdefault("MODUAI_HOME", tempfile.mkdtemp())
    print(f"hubs benchmark: {args.orgs:,} organisations × 10 years · CPUs {os.cpu_count()} · "
          f"load {os.getloadavg()}")
    if "sqlite" in args.backends:
        run(f"sqlite:///{tempfile.mkdtemp()}/bench.db", "SQLite", args.orgs)
    if "postgresql" in args.backends:
        import sqlalchemy as sa

        name = f"moduai_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            run(PG_ADMIN.rsplit("/", 1)[0] + "/" + name, "PostgreSQL", args.orgs)
        finally:
            from moduai.db.engine import get_engine

            get_engine.cache_clear()
            with admin.connect() as c:
                c.execute(sa.text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))


if __name__ == "__main__":
    main()
