"""KPIs of a 거점센터, computed from its records (never typed), defined as data in ``kpis.yaml``.

:func:`compute_kpis` loads a hub's records into a few DataFrames (:func:`frames_from_db`) and evaluates
every KPI of the YAML for a year (as of 31 Dec) or one cohort. Each :class:`KpiResult` carries its
definition, numerator, denominator and the ids of the rows behind them (left out for planners, who get
aggregates only). The YAML's worked tests run on :func:`frames_from_fixture` (:func:`run_kpi_tests`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from moduai.data.population import population_decline_areas
from moduai.errors import InputError
from moduai.hubs import models as M
from moduai.hubs import service as S
from moduai.hubs.schemas import SYNTHETIC_LABEL
from moduai.hubs.survival import kaplan_meier

KPI_FILE = Path(__file__).with_name("kpis.yaml")
SELECTED = ("selected", "completed", "dropped")
YEAR_DAYS = 365.25
SOURCES = ["hubs-records", "population-decline-areas"]
FRAME_COLUMNS = {
    "orgs": ["id", "hub_id", "brn", "region_code"],
    "cohorts": ["id", "hub_id", "year", "starts_on"],
    "apps": ["id", "org_id", "cohort_id", "status", "applied_on", "selected_on", "completed_on"],
    "supports": ["id", "org_id", "given_on", "kind", "amount_krw"],
    "outcomes": ["id", "org_id", "observed_on", "kind", "amount_krw", "headcount", "region_code"],
}
DATE_COLUMNS = ("starts_on", "applied_on", "selected_on", "completed_on", "given_on", "observed_on")


@dataclass(frozen=True)
class KpiDef:
    id: str
    name: str
    kind: str
    unit: str
    definition: str
    numerator: str
    denominator: str | None
    params: dict
    tests: list


@dataclass
class KpiResult:
    """One KPI value with what it is made of. ``rows``: {"numerator": ids, "denominator": ids} of ``entity``."""

    id: str
    name: str
    unit: str
    definition: str
    numerator_label: str
    denominator_label: str | None
    value: float | int | None
    numerator: float | int
    denominator: int | None
    entity: str
    rows: dict[str, list[int]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    fraction: bool = False  # value = numerator ÷ denominator (a reader may divide them); not so for 생존율 or sums


@dataclass
class Frames:
    """A hub's records as DataFrames (rows of other hubs may be present: they only feed the history of
    earlier support matched by 사업자등록번호)."""

    hub: dict
    orgs: pd.DataFrame
    cohorts: pd.DataFrame
    apps: pd.DataFrame
    supports: pd.DataFrame
    outcomes: pd.DataFrame


@dataclass
class KpiReport:
    hub: Any
    year: int
    cohort_id: int | None
    as_of: dt.date
    kpis: list[KpiResult]
    label: str | None = None
    sources: list[str] = field(default_factory=lambda: list(SOURCES))


@lru_cache(maxsize=1)
def _yaml() -> dict:
    return yaml.safe_load(KPI_FILE.read_text(encoding="utf-8"))


def kpi_definitions() -> list[KpiDef]:
    return [KpiDef(k["id"], k["name"], k["kind"], k["unit"], " ".join(str(k["definition"]).split()),
                   k["numerator"], k.get("denominator"), k.get("params") or {}, k.get("tests") or [])
            for k in _yaml()["kpis"]]


# --------------------------------------------------------------------------------------------- frames
def _frame(name: str, rows: list) -> pd.DataFrame:
    df = pd.DataFrame.from_records(rows, columns=FRAME_COLUMNS[name])
    for c in df.columns:
        if c in DATE_COLUMNS:
            first = df[c].dropna().head(1)
            is_text = len(first) and isinstance(first.iloc[0], str)
            df[c] = pd.to_datetime(df[c], format="ISO8601") if is_text else pd.to_datetime(df[c])
        elif c in ("kind", "status"):
            df[c] = df[c].astype("category")  # comparisons on a few labels, not 100,000 strings
    return df


def frames_from_fixture(fixture: dict) -> Frames:
    return Frames(dict(fixture["hub"]), *(_frame(n, fixture[n]["rows"]) for n in
                                          ("orgs", "cohorts", "apps", "supports", "outcomes")))


def frames_from_db(session, hub) -> Frames:
    """The hub's records (one plain SQL query per table, dates parsed by pandas) plus other hubs'
    selections and support of the same 사업자등록번호 (for first-timer/repeat shares)."""
    conn = session.connection()
    H = int(hub.id)
    same = ("(hub_id = :h OR (brn IS NOT NULL AND brn IN (SELECT brn FROM hub_organisations "
            "WHERE hub_id = :h AND brn IS NOT NULL)))")
    orgs_sql = f"SELECT id, hub_id, brn, region_code FROM hub_organisations WHERE merged_into_id IS NULL AND {same}"
    in_scope = f"(SELECT id FROM hub_organisations WHERE merged_into_id IS NULL AND {same})"

    dbapi = conn.connection.driver_connection  # plain cursor: tuples straight into pandas, no Row objects
    pg = conn.dialect.name == "postgresql"

    def q(sql: str, name: str, params=None) -> pd.DataFrame:
        cur = dbapi.cursor()
        try:
            cur.execute(sql.replace(":h", "%(h)s") if pg else sql, params if params is not None else {"h": H})
            rows = cur.fetchall()
        finally:
            cur.close()
        return _frame(name, rows)

    return Frames(
        {"id": H, "sido_code": hub.sido_code, "region_code": hub.region_code},
        q(orgs_sql, "orgs"),
        q("SELECT id, hub_id, year, starts_on FROM hub_cohorts", "cohorts", {}),
        q("SELECT id, organisation_id, cohort_id, status, applied_on, selected_on, completed_on FROM hub_applications "
          f"WHERE organisation_id IN {in_scope}", "apps"),
        q("SELECT id, organisation_id, given_on, kind, amount_krw FROM hub_supports "
          f"WHERE organisation_id IN {in_scope}", "supports"),
        q("SELECT id, organisation_id, observed_on, kind, amount_krw, headcount, region_code FROM hub_outcomes "
          "WHERE hub_id = :h", "outcomes"))


# ---------------------------------------------------------------------------------------- evaluation
@lru_cache(maxsize=1)
def decline_codes() -> frozenset[str]:
    """The 89 인구감소지역 (행정안전부 2021), as 시군구 codes."""
    return frozenset(a.code for a in population_decline_areas() if a.kind == "인구감소지역")


class _Ctx:
    """Shared intermediate tables for one (hub, year, cohort) evaluation."""

    def __init__(self, f: Frames, year: int, cohort_id: int | None):
        self.f, self.year, self.cohort_id = f, int(year), cohort_id
        self.as_of = pd.Timestamp(dt.date(int(year), 12, 31))
        self.y_start = pd.Timestamp(dt.date(int(year), 1, 1))
        H = f.hub["id"]
        self.hub_orgs = f.orgs[f.orgs.hub_id == H]
        org_ids = set(self.hub_orgs.id)
        apps = f.apps.merge(f.cohorts[["id", "hub_id", "year", "starts_on"]].rename(columns={"id": "cohort_id"}),
                            on="cohort_id", how="left")
        self.all_apps = apps
        self.apps = apps[(apps.hub_id == H) & apps.org_id.isin(org_ids)]
        if cohort_id is not None:
            self.flow = self.apps[self.apps.cohort_id == cohort_id]
        else:
            self.flow = self.apps[self.apps.year == self.year]
        sel = self.apps[self.apps.status.isin(SELECTED) & self.apps.selected_on.notna()
                        & (self.apps.selected_on <= self.as_of)]
        if cohort_id is not None:
            sel = sel[sel.org_id.isin(set(self.flow.org_id))]
        self.first_sel = sel.groupby("org_id").selected_on.min()  # supported firms → first selection date
        self.outcomes = f.outcomes[f.outcomes.org_id.isin(org_ids) & (f.outcomes.observed_on <= self.as_of)]
        self.supports = f.supports[f.supports.org_id.isin(org_ids)]

    def closures(self) -> pd.Series:
        o = self.outcomes
        return o[o.kind == "폐업"].groupby("org_id").observed_on.min()

    def recipients(self) -> list[int]:
        """Firms supported in year Y: selected in Y's cohorts (or the cohort) or given support in Y."""
        flow_sel = self.flow[self.flow.status.isin(SELECTED)]
        ids = set(flow_sel.org_id)
        if self.cohort_id is None:
            s = self.supports
            ids |= set(s[(s.given_on >= self.y_start) & (s.given_on <= self.as_of)].org_id)
        return sorted(int(i) for i in ids)

    def region_at(self, org_ids, when: pd.Timestamp | pd.Series) -> dict[int, str | None]:
        """本점 시군구 of each firm at a date (its last 본점 이전 on or before, else its registered region)."""
        ids = [int(i) for i in org_ids]
        if not ids:
            return {}
        t = when.reindex(ids).to_numpy() if isinstance(when, pd.Series) else [when] * len(ids)
        q = pd.DataFrame({"org_id": ids, "t": pd.to_datetime(t)}).sort_values("t")
        moves = self.f.outcomes[self.f.outcomes.kind == "본점 이전"][["org_id", "observed_on", "region_code"]]
        moves = moves.dropna(subset=["observed_on"]).sort_values("observed_on")
        got = pd.merge_asof(q, moves.astype({"org_id": q.org_id.dtype}), left_on="t", right_on="observed_on",
                            by="org_id", direction="backward")
        reg = dict(zip(self.hub_orgs.id.astype(int), self.hub_orgs.region_code, strict=True))
        return {int(o): (r if isinstance(r, str) else reg.get(int(o)))
                for o, r in zip(got.org_id, got.region_code, strict=True)}


def _ids(values) -> list[int]:
    return sorted(int(v) for v in values)


def _ratio(kpi: KpiDef, num_ids, den_ids, entity: str) -> KpiResult:
    num, den = len(num_ids), len(den_ids)
    out = _result(kpi, round(num / den, 6) if den else None, num, den, entity,
                  {"numerator": _ids(num_ids), "denominator": _ids(den_ids)})
    out.fraction = True
    return out


def _result(kpi: KpiDef, value, num, den, entity, rows, **extra) -> KpiResult:
    return KpiResult(kpi.id, kpi.name, kpi.unit, kpi.definition, kpi.numerator, kpi.denominator, value, num, den,
                     entity, rows, extra)


def _applicants(k: KpiDef, c: _Ctx) -> KpiResult:
    ids = _ids(set(c.flow.org_id))
    return _result(k, len(ids), len(ids), None, "hub_organisations", {"numerator": ids, "denominator": []})


def _selection_rate(k, c):
    return _ratio(k, c.flow[c.flow.status.isin(SELECTED)].id, c.flow.id, "hub_applications")


def _completion_rate(k, c):
    sel = c.flow[c.flow.status.isin(SELECTED)]
    return _ratio(k, sel[sel.status == "completed"].id, sel.id, "hub_applications")


def survival_table(c: _Ctx) -> pd.DataFrame:
    """One row per supported firm: duration (days from first selection) and event (폐업 observed)."""
    origin = c.first_sel
    if origin.empty:
        return pd.DataFrame(columns=["org_id", "duration", "event"])
    a = c.apps[c.apps.org_id.isin(origin.index)]
    dates = pd.concat([
        c.outcomes[["org_id", "observed_on"]].rename(columns={"observed_on": "d"}),
        c.supports[["org_id", "given_on"]].rename(columns={"given_on": "d"}),
        a[["org_id", "applied_on"]].rename(columns={"applied_on": "d"}),
        a[["org_id", "selected_on"]].rename(columns={"selected_on": "d"}),
        a[["org_id", "completed_on"]].rename(columns={"completed_on": "d"}),
    ])
    dates = dates[dates.d.notna() & (dates.d <= c.as_of)]
    last_seen = dates.groupby("org_id").d.max().reindex(origin.index)
    closed = c.closures().reindex(origin.index)
    closed = closed.where(closed >= origin)
    event = closed.notna()
    end = closed.where(event, last_seen).fillna(origin)
    return pd.DataFrame({"org_id": origin.index.astype(int), "duration": (end - origin).dt.days.to_numpy(),
                         "event": event.to_numpy()})


def _survival(k, c):
    t = float(k.params.get("years", 1)) * YEAR_DAYS
    if getattr(c, "_survival", None) is None:
        c._survival = survival_table(c)
    tab = c._survival
    s = kaplan_meier(tab.duration.to_numpy(), tab.event.to_numpy(), t)
    at_risk = tab[tab.duration >= t].org_id
    return _result(k, round(s.survival, 6) if s.survival is not None else None, s.at_risk, s.n,
                   "hub_organisations", {"numerator": _ids(at_risk), "denominator": _ids(tab.org_id)},
                   events=s.events, censored=s.censored, t_days=t, method="카플란–마이어 생존 추정")


def _headcount_at(h: pd.DataFrame, when: pd.Timestamp) -> pd.Series:
    return h[h.observed_on <= when].groupby("org_id").headcount.last()


def _jobs_created(k, c):
    o = c.outcomes
    h = o[(o.kind == "고용") & o.org_id.isin(c.first_sel.index)].sort_values(["org_id", "observed_on"])
    if h.empty:
        return _result(k, 0, 0, 0, "hub_organisations", {"numerator": [], "denominator": []})
    prev_end = pd.Timestamp(dt.date(c.year - 1, 12, 31))
    now = _headcount_at(h, c.as_of)
    before = _headcount_at(h, prev_end).reindex(now.index)
    first = h.groupby("org_id").headcount.first().reindex(now.index)
    before = before.fillna(first)
    closed = c.closures().reindex(now.index)
    now[(closed <= c.as_of).to_numpy()] = 0
    before[(closed <= prev_end).to_numpy()] = 0
    delta = (now - before).astype(int)
    total = int(delta.sum())
    return _result(k, total, total, len(now), "hub_organisations",
                   {"numerator": _ids(delta[delta != 0].index), "denominator": _ids(now.index)},
                   by_org={int(i): int(v) for i, v in delta.items() if v != 0} if len(delta) <= 50 else None)


def _investment(k, c):
    o = c.outcomes
    inv = o[(o.kind == "투자") & (o.observed_on >= c.y_start) & o.org_id.isin(c.first_sel.index)]
    total = int(inv.amount_krw.fillna(0).sum())
    firms = _ids(set(inv.org_id))
    return _result(k, total, total, len(firms), "hub_organisations", {"numerator": firms, "denominator": firms},
                   outcome_ids=_ids(inv.id))


def _repeat_ids(c: _Ctx) -> tuple[list[int], list[int]]:
    recipients = c.recipients()
    orgs = c.f.orgs
    keys = np.where(orgs.brn.notna() & (orgs.brn.astype(str) != ""), "brn:" + orgs.brn.astype(str),
                    "org:" + orgs.id.astype(str))
    ident = dict(zip(orgs.id.astype(int).tolist(), keys.tolist(), strict=True))
    a = c.all_apps[c.all_apps.status.isin(SELECTED) & c.all_apps.selected_on.notna()]
    hist = pd.concat([a[["org_id", "selected_on"]].rename(columns={"selected_on": "d"}),
                      c.f.supports[["org_id", "given_on"]].rename(columns={"given_on": "d"})])
    if c.cohort_id is not None:
        start = c.flow.selected_on.min()
        cutoff = start if pd.notna(start) else c.y_start
    else:
        cutoff = c.y_start
    hist = hist[hist.d < cutoff]
    earlier = {ident.get(i) for i in hist.org_id.astype(int).unique().tolist()}
    repeat = [i for i in recipients if ident[i] in earlier]
    return repeat, recipients


def _repeat_share(k, c):
    repeat, rec = _repeat_ids(c)
    return _ratio(k, repeat, rec, "hub_organisations")


def _first_timer_share(k, c):
    repeat, rec = _repeat_ids(c)
    return _ratio(k, sorted(set(rec) - set(repeat)), rec, "hub_organisations")


def _decline_share(k, c):
    rec = c.recipients()
    where = c.region_at(rec, c.as_of)
    codes = decline_codes()
    return _ratio(k, [i for i in rec if where[i] and where[i][:5] in codes], rec, "hub_organisations")


def _retention(k, c):
    years = int(k.params.get("years", 1))
    first = c.first_sel
    if c.cohort_id is None:
        firsts = c.apps[c.apps.status.isin(SELECTED)].sort_values("selected_on").groupby("org_id").first()
        base = firsts[firsts.year == c.year - years].index
    else:
        base = first.index
    marks = (first.reindex(base) + pd.DateOffset(years=years))
    marks = marks[marks <= c.as_of]
    closed = c.closures().reindex(marks.index)
    alive = [int(i) for i in marks.index[~(closed <= marks).to_numpy()]]
    where = c.region_at(alive, marks)
    sido = c.f.hub["sido_code"]
    return _ratio(k, [i for i in alive if where[i] and where[i][:2] == sido], alive, "hub_organisations")


KINDS = {"applicants": _applicants, "selection_rate": _selection_rate, "completion_rate": _completion_rate,
         "survival": _survival, "jobs_created": _jobs_created, "investment": _investment,
         "repeat_share": _repeat_share, "first_timer_share": _first_timer_share, "decline_share": _decline_share,
         "retention": _retention}


def evaluate(frames: Frames, year: int, cohort_id: int | None = None,
             only: list[str] | None = None) -> list[KpiResult]:
    """Every KPI of ``kpis.yaml`` (or ``only`` those ids) on ``frames``."""
    if not (2000 <= int(year) <= 2100):
        raise InputError(f"연도(year)는 2000~2100이어야 합니다. 받은 값: {year}.", field="year")
    ctx = _Ctx(frames, year, cohort_id)
    return [KINDS[k.kind](k, ctx) for k in kpi_definitions() if only is None or k.id in only]


def compute_kpis(session, principal, hub_ref, year: int, cohort_id: int | None = None) -> KpiReport:
    """Every KPI of one hub for ``year`` (as of 31 Dec) or for one cohort; planners get no row ids."""
    hub = S.get_hub_row(session, principal, hub_ref)
    if cohort_id is not None:
        cohort = session.get(M.CohortRow, int(cohort_id))
        if cohort is None or cohort.hub_id != hub.id:
            raise S._not_found("기수", cohort_id)
    results = evaluate(frames_from_db(session, hub), year, cohort_id)
    if not principal.sees_personal_data:
        for r in results:
            r.rows = None
            r.extra = {k: v for k, v in r.extra.items() if k not in ("by_org", "outcome_ids")}
    return KpiReport(S.hub_public(hub), int(year), cohort_id, dt.date(int(year), 12, 31), results,
                     label=SYNTHETIC_LABEL if hub.is_synthetic else None)


def kpi_trend(session, principal, hub_ref, years: list[int]) -> dict[int, list[KpiResult]]:
    """KPIs for several years from one load of the records (the dashboard's trends); no row ids."""
    hub = S.get_hub_row(session, principal, hub_ref)
    frames = frames_from_db(session, hub)
    out = {}
    for y in years:
        res = evaluate(frames, y)
        for r in res:
            r.rows, r.extra = None, {}
        out[int(y)] = res
    return out


# ---------------------------------------------------------------------------------------- YAML tests
@dataclass
class KpiTestFailure:
    kpi: str
    case: dict
    got: dict


def run_kpi_tests() -> list[KpiTestFailure]:
    """Run the worked tests of ``kpis.yaml``; returns the failures (empty = all pass)."""
    fixtures = {name: frames_from_fixture(fx) for name, fx in _yaml()["fixtures"].items()}
    failures = []
    for k in kpi_definitions():
        for case in k.tests:
            res = evaluate(fixtures[case["fixture"]], case["year"], case.get("cohort"), only=[k.id])[0]
            got = {"value": res.value, "numerator": res.numerator, "denominator": res.denominator}
            for key, want in case["expect"].items():
                have = got[key]
                ok = (have is None and want is None) or (
                    have is not None and want is not None and bool(np.isclose(have, want, atol=1e-6)))
                if not ok:
                    failures.append(KpiTestFailure(k.id, case, got))
                    break
    return failures
