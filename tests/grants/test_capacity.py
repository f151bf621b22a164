"""Capacity flags on real data and a planner's own execution records (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from moduai.accounts.policy import Principal
from moduai.data.population import DECLINE_FILE
from moduai.errors import Forbidden, InputError, NotFound
from moduai.grants import allocate
from moduai.grants.capacity import (
    ExecutionIn,
    capacity_report,
    delete_execution,
    execution_records,
    national_execution,
    record_execution,
)
from moduai.grants.inputs import region_inputs


def test_national_execution_figures_come_from_the_file():
    raw = json.loads(DECLINE_FILE.read_text(encoding="utf-8"))["budget"]["fund_exec_national"]
    got = {(e.alloc_year, e.as_of): e.rate_pct for e in national_execution()}
    assert got[(2022, "2023-06-30")] == 37.57 and got[(2022, "2024-12-31")] == 84.4
    assert len(got) == len(raw)


def test_flags_follow_the_stated_rules():
    alloc = allocate("pogwal-2026")
    rep = capacity_report(alloc)
    f = region_inputs().frame
    low_fi = {c for c in (r.code for r in alloc.rows) if f.loc[c, "fiscal_independence"] < 10}
    flagged = {x.code for x in rep.flagged if any(s.startswith("재정자립도") for s in x.flags)}
    assert flagged == low_fi and low_fi  # real 군 below 10 % exist
    for x in rep.flagged:
        if x.local_share_of_budget is not None and any(s.startswith("지방비") for s in x.flags):
            assert x.local_share_of_budget > 0.05


def test_planner_records_own_units_only(db_url):
    from moduai.db import session_scope

    planner = Principal(role="planner", user_id=7, region_code="46")  # 전라남도
    rec = ExecutionIn("46820", "pogwal-2026", 2026, dt.date(2026, 6, 30), 60_000_000_000, 21_000_000_000, "상반기")
    with session_scope() as s:
        out = record_execution(s, planner, rec)
    assert out["rate_pct"] == 35.0
    with session_scope() as s, pytest.raises(InputError) as e:
        record_execution(s, planner, rec)  # same unit, scheme, year and date
    assert e.value.field == "as_of"
    with session_scope() as s, pytest.raises(Forbidden):
        record_execution(s, planner, ExecutionIn("11110", "pogwal-2026", 2026, dt.date(2026, 6, 30), 10, 1))
    with session_scope() as s, pytest.raises(Forbidden):
        record_execution(s, Principal(role="member", user_id=8), rec)
    with session_scope() as s, pytest.raises(InputError) as e:
        record_execution(s, planner, ExecutionIn("46820", "pogwal-2026", 2026, dt.date(2026, 7, 1), 10, 11))
    assert e.value.field == "spent_krw"
    with session_scope() as s:
        rows = execution_records(s, "46820")
    assert [r["spent_krw"] for r in rows] == [21_000_000_000]
    other = Principal(role="planner", user_id=9, region_code="47")
    with session_scope() as s, pytest.raises(NotFound):
        delete_execution(s, other, rows[0]["id"])  # another region's planner sees 404, not 403
    with session_scope() as s:
        delete_execution(s, planner, rows[0]["id"])
    with session_scope() as s:
        assert execution_records(s) == []
