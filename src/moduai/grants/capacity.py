"""Can a 지자체 use its grant? National execution figures, per-unit warning flags, and its own records.

The plan's second named risk is "지자체 역량 차이에 따른 격차": autonomy helps regions that can plan and
spend. No per-시군구 execution figures are published offline, so this module shows the national ones
(지방소멸대응기금: 2022 allocation 37.57 % spent by 2023-06, 84.4 % by 2024-12; 2023 58.7 %, 2024 42.2 % by
2024-12), flags units whose matching funds or fiscal position make a grant hard to use (thresholds below
are stated example rules), and lets a planner record their own unit's execution.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from moduai.accounts.policy import Principal
from moduai.data.population import DECLINE_FILE
from moduai.db import ensure_migrated, session_scope
from moduai.errors import Forbidden, InputError, NotFound
from moduai.grants.inputs import region_inputs
from moduai.grants.models import ExecutionRow
from moduai.grants.simulate import Allocation, allocate
from moduai.regions import get_region

# Example thresholds (stated on every page that uses them)
LOCAL_SHARE_OF_BUDGET_WARN = 0.05   # 지방비 부담 > 5 % of the unit's 2026 세출예산
FISCAL_INDEPENDENCE_WARN = 10.0     # 재정자립도 < 10 %
GRANT_OF_BUDGET_WARN = 0.20         # the grant > 20 % of the unit's 2026 세출예산 (absorption)


@dataclass
class NationalExecution:
    alloc_year: int
    rate_pct: float
    as_of: str
    source_url: str


@dataclass
class CapacityFlag:
    code: str
    name: str
    flags: list[str]
    local_share_of_budget: float | None
    fiscal_independence: float
    grant_of_budget: float | None


@dataclass
class CapacityReport:
    scheme: str
    national: list[NationalExecution]
    flagged: list[CapacityFlag]
    rules: dict[str, str]
    records: list[dict] = field(default_factory=list)
    label: str = "예시 기준(임계값은 토론용 가정)"
    sources: tuple[str, ...] = ("population-decline-areas", "local-finance-365")


@lru_cache(maxsize=1)
def national_execution() -> list[NationalExecution]:
    raw = json.loads(DECLINE_FILE.read_text(encoding="utf-8"))["budget"]["fund_exec_national"]
    return [NationalExecution(int(r["alloc_year"]), float(r["rate_pct"]), str(r["asof"]), r["source_url"]) for r in raw]


def capacity_report(allocation: Allocation, *, inputs=None) -> CapacityReport:
    """Flags for every unit of ``allocation`` whose grant may be hard to use."""

    frame = (inputs if inputs is not None else region_inputs().frame)
    flagged = []
    for r in allocation.rows:
        fi = float(frame.loc[r.code, "fiscal_independence"])
        budget = float(frame.loc[r.code, "budget_2026"])
        grant_share = r.amount_krw / budget if budget == budget and budget > 0 else None
        flags = []
        if r.local_share_of_budget is not None and r.local_share_of_budget > LOCAL_SHARE_OF_BUDGET_WARN:
            flags.append(f"지방비 부담이 2026 세출예산의 {r.local_share_of_budget * 100:.1f}%")
        if fi < FISCAL_INDEPENDENCE_WARN:
            flags.append(f"재정자립도 {fi:.1f}%")
        if grant_share is not None and grant_share > GRANT_OF_BUDGET_WARN:
            flags.append(f"배분액이 2026 세출예산의 {grant_share * 100:.1f}% (집행 역량 확인 필요)")
        if flags:
            flagged.append(CapacityFlag(r.code, r.name, flags, r.local_share_of_budget, fi, grant_share))
    flagged.sort(key=lambda f: (-len(f.flags), f.fiscal_independence))
    rules = {"지방비": f"지방비 부담 > 2026 세출예산의 {LOCAL_SHARE_OF_BUDGET_WARN:.0%}",
             "재정자립도": f"재정자립도 < {FISCAL_INDEPENDENCE_WARN:.0f}%",
             "흡수": f"배분액 > 2026 세출예산의 {GRANT_OF_BUDGET_WARN:.0%}"}
    return CapacityReport(allocation.scheme["id"], national_execution(), flagged, rules)


# --- a 지자체's own execution records -------------------------------------------------------------

@dataclass
class ExecutionIn:
    region_code: str
    scheme_id: str
    year: int
    as_of: dt.date
    allocated_krw: int
    spent_krw: int
    note: str | None = None


def _may_write(principal: Principal, region_code: str) -> None:
    if principal.role == "admin":
        return
    if principal.role != "planner":
        raise Forbidden("집행 실적은 그 지자체의 기획 담당자(planner)나 관리자만 기록할 수 있습니다.", field="role")
    own = principal.region_code or ""
    if not own or not region_code.startswith(own):
        raise Forbidden(f"담당 지역({own or '없음'}) 밖의 시군구({region_code})는 기록할 수 없습니다.", field="region_code")


def _validate(rec: ExecutionIn) -> None:

    region = get_region(rec.region_code)  # NotFound with a Korean message for an unknown code
    if region.level != "sigungu":
        raise InputError("집행 실적은 시군구 코드(5자리)로 기록합니다.", field="region_code")
    if not 2000 <= rec.year <= 2100:
        raise InputError(f"연도(year)는 2000~2100이어야 합니다. 받은 값: {rec.year}.", field="year")
    if rec.allocated_krw <= 0 or rec.spent_krw < 0:
        raise InputError("배분액은 0보다, 집행액은 0 이상이어야 합니다.", field="allocated_krw")
    if rec.spent_krw > rec.allocated_krw:
        raise InputError("집행액이 배분액보다 클 수 없습니다.", field="spent_krw")
    if rec.as_of > dt.date.today():
        raise InputError("기준일(as_of)이 오늘보다 뒤일 수 없습니다.", field="as_of")


def record_execution(session, principal: Principal, rec: ExecutionIn) -> dict:
    """Store one record (a planner of that region or an admin); the same (unit, scheme, year, date) twice is
    refused with a Korean message, never half-written."""

    _validate(rec)
    _may_write(principal, rec.region_code)
    row = ExecutionRow(region_code=rec.region_code, scheme_id=rec.scheme_id, year=rec.year, as_of=rec.as_of,
                       allocated_krw=rec.allocated_krw, spent_krw=rec.spent_krw, note=rec.note,
                       owner_id=principal.user_id)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise InputError("같은 시군구·방식·연도·기준일의 실적이 이미 있습니다. 기준일을 바꾸거나 기존 기록을 지우세요.",
                         field="as_of") from None
    return _row_dict(row)


def delete_execution(session, principal: Principal, record_id: int) -> None:

    row = session.get(ExecutionRow, record_id)
    if row is None:
        raise NotFound(f"집행 실적 {record_id}번이 없습니다.", field="id")
    try:
        _may_write(principal, row.region_code)
    except Forbidden:
        raise NotFound(f"집행 실적 {record_id}번이 없습니다.", field="id") from None  # do not reveal others' ids
    session.delete(row)


def execution_records(session, region_code: str | None = None) -> list[dict]:
    """Recorded execution (public figures of public bodies), newest first, with the 집행률."""

    q = select(ExecutionRow).order_by(ExecutionRow.as_of.desc(), ExecutionRow.id.desc())
    if region_code:
        q = q.where(ExecutionRow.region_code == region_code)
    return [_row_dict(r) for r in session.scalars(q)]


def _row_dict(row) -> dict:
    return {"id": row.id, "region_code": row.region_code, "scheme_id": row.scheme_id, "year": row.year,
            "as_of": row.as_of, "allocated_krw": row.allocated_krw, "spent_krw": row.spent_krw,
            "rate_pct": round(row.spent_krw / row.allocated_krw * 100, 2), "note": row.note}


def capacity_view(scheme: str, *, budget: int | str | None = None) -> CapacityReport:
    """The capacity report of ``scheme`` with every recorded execution (what the page, API and CLI show)."""

    report = capacity_report(allocate(scheme, budget=budget))
    ensure_migrated()
    with session_scope() as session:
        report.records = execution_records(session)
    return report
