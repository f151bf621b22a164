"""Pages and API for `hubs` (thin: parse, call the domain, render).

Pages: /hubs (거점센터 목록), /hubs/{hub} (운영 대시보드), /hubs/{hub}/kpis/{kpi_id} (KPI 정의와 근거 행),
/hubs/{hub}/cohorts/{cohort_id} (기수), /hubs/{hub}/organisations (기관), /hubs/organisations/{org_id}
(기관 타임라인), /hubs/{hub}/consultations/new (상담 + 분석), /hubs/consultations/{id}, /hubs/{hub}/merge
(중복 후보), /hubs/planner (시군구 집계 지도). JSON under /api/v1/hubs/….

The caller is the platform's ``moduai.accounts.policy.current_principal`` (resolved once per request by the
access middleware from the session cookie; an operator's or mentor's hub is the user's ``hub_id``, a
planner's region its ``region_code``). The permission table ``accounts/permissions/hubs.yaml`` is enforced
by that middleware (401/403 before the route runs) and the CSRF token by the app-wide ``csrf_protect``;
tenant checks are the domain's (another hub's object → 404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from moduai.accounts.policy import Principal, current_principal
from moduai.db import ensure_migrated, session_scope
from moduai.errors import InputError
from moduai.hubs import io as IO
from moduai.hubs import kpis as K
from moduai.hubs import service as S
from moduai.hubs.planner import planner_overview
from moduai.hubs.schemas import (
    CohortPage,
    CohortPublic,
    ConsultationPublic,
    DuplicateProposal,
    HubPublic,
    OrganisationPublic,
    PlannerOverview,
)
from moduai.web import maps
from moduai.web.templating import render_page


def _migrated() -> None:
    """The hubs tables exist before a route reads them (a no-op once migrated)."""
    ensure_migrated()


router = APIRouter(dependencies=[Depends(_migrated)])


def _year(value: str | int | None, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        y = int(value)
    except (TypeError, ValueError):
        raise InputError(f"연도(year)는 숫자여야 합니다. 받은 값: '{value}'.", field="year") from None
    if not 2000 <= y <= 2100:
        raise InputError(f"연도(year)는 2000~2100이어야 합니다. 받은 값: {y}.", field="year")
    return y


def _default_year(session, hub_id: int) -> int:
    from sqlalchemy import func, select

    from moduai.hubs.models import CohortRow

    y = session.scalar(select(func.max(CohortRow.year)).where(CohortRow.hub_id == hub_id))
    return int(y) if y else dt.date.today().year


def _fmt_kpi(k) -> str:
    if k.value is None:
        return "—"
    if k.unit == "비율":
        return f"{k.value * 100:.1f}%"
    if k.unit == "원":
        return f"{k.value / 1e8:,.1f}억원" if abs(k.value) >= 1e8 else f"{k.value:,}원"
    return f"{k.value:,}{k.unit}"


def _kpi_parts(k) -> str:
    """The line under a KPI card's value: '분자 35 / 분모 80' only where the value is that fraction (the domain says
    so: ``KpiResult.fraction``), as a reader divides them; a survival rate (카플란–마이어) or a sum (투자 29.8억원
    over 10 기관) names the 기관 it counts instead; a plain count (신청 기업 68곳) needs no line."""
    if not k.denominator:
        return ""
    if k.fraction:
        return f"분자 {k.numerator:,.0f} / 분모 {k.denominator:,}"
    return f"기관 {k.denominator:,}곳 기준"


# ------------------------------------------------------------------------------------------ pages
@dataclass
class HubListContext:
    hubs: list[HubPublic]
    role: str
    sources: list[str] = field(default_factory=lambda: ["hubs-records"])


@router.get("/hubs", include_in_schema=False)
def hubs_page(request: Request, principal: Principal = Depends(current_principal)):
    """거점센터 목록."""
    with session_scope() as s:
        ctx = HubListContext(S.list_hubs(s, principal), principal.role)
    return render_page(request, "hubs/index.html", ctx, title="거점센터")


@dataclass
class DashboardContext:
    hub: HubPublic
    year: int
    years: list[int]
    cards: list[dict]
    stale: int
    stale_ids: list[int]
    cohorts: list[CohortPublic]
    counts: dict[str, int]
    consultations: list[ConsultationPublic]
    open_duplicates: int
    alert: str | None
    label: str | None
    sees_personal: bool
    entities: list[dict]
    message: str | None = None
    sources: list[str] = field(default_factory=lambda: list(K.SOURCES))


@router.get("/hubs/planner", include_in_schema=False)
def planner_page(request: Request, year: str | None = None, principal: Principal = Depends(current_principal)):
    """지자체 기획: 관할 거점센터의 시군구별 집계 (개인 정보 없음)."""

    y = _year(year, dt.date.today().year - 1)
    with session_scope() as s:
        overview = planner_overview(s, principal, y)
    ctx = PlannerContext(overview, y, *maps.hubs_planner_map(overview))
    return render_page(request, "hubs/planner.html", ctx, title="지역 집계")


@dataclass
class PlannerContext:
    overview: PlannerOverview
    year: int
    map_svg: str
    legend: str


@router.get("/hubs/organisations/{org_id}", include_in_schema=False)
def timeline_page(request: Request, org_id: int, principal: Principal = Depends(current_principal)):
    """기관 타임라인: 신청부터 성과까지, 거점센터를 가로질러 날짜순."""
    with session_scope() as s:
        tl = S.organisation_timeline(s, principal, org_id)
    return render_page(request, "hubs/timeline.html", tl, title=f"{tl.organisation.name} 타임라인")


@router.get("/hubs/consultations/{consultation_id}", include_in_schema=False)
def consultation_page(request: Request, consultation_id: int, principal: Principal = Depends(current_principal)):
    """저장된 상담과 분석 결과."""
    with session_scope() as s:
        c = S.get_consultation(s, principal, consultation_id)
        hub = S.hub_public(S.get_hub_row(s, principal, c.hub_id))
    return render_page(request, "hubs/consultation.html", ConsultationContext(c, hub), title="상담 기록")


@dataclass
class ConsultationContext:
    consultation: ConsultationPublic
    hub: HubPublic


@router.get("/hubs/templates/{entity}.csv", include_in_schema=False)
def template_download(entity: str):
    """가져오기 양식 (CSV, UTF-8 BOM)."""
    data = IO.template_csv(entity)
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=hubs_{entity}.csv"})


@router.get("/hubs/{hub}", include_in_schema=False)
def dashboard_page(request: Request, hub: str, year: str | None = None, message: str | None = None,
                   principal: Principal = Depends(current_principal)):
    """운영 대시보드: KPI 카드와 추이, 알림, 기수, 최근 상담."""
    with session_scope() as s:
        row = S.get_hub_row(s, principal, hub)
        y = _year(year, _default_year(s, row.id))
        years = [y - 3, y - 2, y - 1, y]
        trend = K.kpi_trend(s, principal, row.id, years)
        personal = principal.sees_personal_data
        stale = S.stale_organisations(s, principal, row.id, today=min(dt.date.today(), dt.date(y, 12, 31))) \
            if personal else []
        cohorts = S.list_cohorts(s, principal, row.id)
        cons = S.list_consultations(s, principal, row.id, limit=8) if personal else []
        dups = len(S.list_proposals(s, principal, row.id)) if principal.role in S.WRITE_ROLES else 0
        counts = S.count_rows(s, row.id)
        hub_pub = S.hub_public(row)
    cards = []
    for i, k in enumerate(trend[y]):
        series = [trend[yy][i].value for yy in years]
        cards.append({"id": k.id, "name": k.name, "value": _fmt_kpi(k), "unit": k.unit, "numerator": k.numerator,
                      "denominator": k.denominator, "parts": _kpi_parts(k), "trend": list(zip(years, series, strict=True)),
                      "spark": _spark(series)})
    alert = f"{len(stale)}곳은 12개월 동안 성과 기록이 없습니다." if stale else None
    ctx = DashboardContext(hub_pub, y, years, cards, len(stale), stale[:50], cohorts, counts, cons, dups, alert,
                           hub_pub.label, personal,
                           [{"id": e, "label": t["label"]} for e, t in IO.TEMPLATES.items()], message)
    return render_page(request, "hubs/dashboard.html", ctx, title=f"{hub_pub.name} 대시보드")


def _spark(values: list[float | None], w: int = 120, h: int = 28) -> str:
    """A tiny inline SVG polyline of a KPI's trend (no script)."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(pts) < 2:
        return ""
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    span = (hi - lo) or 1
    step = w / (len(values) - 1)
    coords = " ".join(f"{i * step:.1f},{h - 3 - (v - lo) / span * (h - 6):.1f}" for i, v in pts)
    return (f'<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="추이">'
            f'<polyline fill="none" stroke="#0b6e4f" stroke-width="2" points="{coords}"/></svg>')


@dataclass
class KpiPageContext:
    hub: HubPublic
    year: int
    kpi: Any
    rows: list[dict]
    label: str | None


@router.get("/hubs/{hub}/kpis/{kpi_id}", include_in_schema=False)
def kpi_page(request: Request, hub: str, kpi_id: str, year: str | None = None, cohort: int | None = None,
             principal: Principal = Depends(current_principal)):
    """KPI 하나: 정의, 분자·분모, 그 뒤의 기록."""
    from sqlalchemy import select

    from moduai.hubs import models as M

    with session_scope() as s:
        row = S.get_hub_row(s, principal, hub)
        y = _year(year, _default_year(s, row.id))
        report = K.compute_kpis(s, principal, row.id, y, cohort)
        k = next((x for x in report.kpis if x.id == kpi_id), None)
        if k is None:
            raise S._not_found("KPI", kpi_id)
        rows = []
        if k.rows and k.entity == "hub_organisations":
            ids = sorted(set(k.rows["denominator"]) | set(k.rows["numerator"]))[:500]
            names = dict(s.execute(select(M.OrganisationRow.id, M.OrganisationRow.name)
                                   .where(M.OrganisationRow.id.in_(ids or [-1]))).all())
            num = set(k.rows["numerator"])
            rows = [{"id": i, "name": names.get(i, ""), "in_numerator": i in num} for i in ids]
        elif k.rows:
            num = set(k.rows["numerator"])
            rows = [{"id": i, "name": f"신청 {i}", "in_numerator": i in num} for i in k.rows["denominator"][:500]]
    return render_page(request, "hubs/kpi.html", KpiPageContext(report.hub, y, k, rows, report.label),
                       title=f"{k.name} · {report.hub.name}")


@router.get("/hubs/{hub}/cohorts/{cohort_id}", include_in_schema=False)
def cohort_page(request: Request, hub: str, cohort_id: int, principal: Principal = Depends(current_principal)):
    """기수: 신청·심사 점수와 근거·선정·참여·수료."""
    with session_scope() as s:
        row = S.get_hub_row(s, principal, hub)
        page = S.get_cohort_page(s, principal, cohort_id)
        if page.cohort.hub_id != row.id:
            raise S._not_found("기수", cohort_id)
        hub_pub = S.hub_public(row)
    return render_page(request, "hubs/cohort.html", CohortContext(hub_pub, page), title=page.cohort.name)


@dataclass
class CohortContext:
    hub: HubPublic
    page: CohortPage


@dataclass
class OrganisationsContext:
    hub: HubPublic
    q: str
    organisations: list[OrganisationPublic]


@router.get("/hubs/{hub}/organisations", include_in_schema=False)
def organisations_page(request: Request, hub: str, q: str = "", principal: Principal = Depends(current_principal)):
    """기관 목록과 찾기."""
    with session_scope() as s:
        row = S.get_hub_row(s, principal, hub)
        orgs = S.list_organisations(s, principal, row.id, q=q or None)
        hub_pub = S.hub_public(row)
    return render_page(request, "hubs/organisations.html", OrganisationsContext(hub_pub, q, orgs), title="기관")


@dataclass
class ConsultFormContext:
    hub: HubPublic
    organisations: list[OrganisationPublic]
    topics: list[str]
    error: str | None = None


@router.get("/hubs/{hub}/consultations/new", include_in_schema=False)
def consult_form(request: Request, hub: str, principal: Principal = Depends(current_principal)):
    """상담 기록 + moduai 분석 실행."""
    with session_scope() as s:
        row = S.get_hub_row(s, principal, hub)
        ctx = ConsultFormContext(S.hub_public(row), S.list_organisations(s, principal, row.id, limit=500),
                                 list(S.TOPICS))
    return render_page(request, "hubs/consult_form.html", ctx, title="상담 기록")


@router.post("/hubs/{hub}/consultations", include_in_schema=False)
def consult_submit(hub: str, topic: str = Form(""),
                   held_on: str = Form(""), organisation_id: str = Form(""), notes: str = Form(""),
                   run_match: str = Form(""), region_code: str = Form(""), business_status: str = Form(""),
                   employees: str = Form(""), industry: str = Form(""),
                   principal: Principal = Depends(current_principal)):
    """상담 저장 (분석을 고르면 실행해 입력·출처와 함께 저장)."""
    inputs: dict[str, Any] = {}
    if run_match:
        inputs = {k: v for k, v in {"region_code": region_code or None, "business_status": business_status or None,
                                    "employees": int(employees) if employees.strip().isdigit() else None,
                                    "industry": industry or None}.items() if v is not None}
    with session_scope() as s:
        c = S.add_consultation(s, principal, hub, held_on=held_on or dt.date.today().isoformat(), topic=topic,
                               notes=notes, organisation_id=int(organisation_id) if organisation_id.isdigit() else None,
                               analysis_kind="programs_match" if run_match else None, analysis_inputs=inputs)
    return RedirectResponse(f"/hubs/consultations/{c.id}", status_code=303)


@dataclass
class MergeContext:
    hub: HubPublic
    proposals: list[DuplicateProposal]
    names: dict[str, str]
    log: list[dict]


@router.get("/hubs/{hub}/merge", include_in_schema=False)
def merge_page(request: Request, hub: str, principal: Principal = Depends(current_principal)):
    """중복 후보 (사람이 확인해 병합, 되돌릴 수 있음)."""
    from moduai.hubs import models as M

    with session_scope() as s:
        row = S.get_hub_row(s, principal, hub)
        S.propose_duplicates(s, principal, row.id)
        props = S.list_proposals(s, principal, row.id)
        names = {}
        for p in props:
            model = M.OrganisationRow if p.entity == "organisation" else M.PersonRow
            for i in (p.keep_id, p.other_id):
                r = s.get(model, i)
                names[f"{p.entity}:{i}"] = r.name if p.entity == "organisation" else r.name_masked
        ctx = MergeContext(S.hub_public(row), props, names, S.merge_log(s, principal, row.id))
    return render_page(request, "hubs/merge.html", ctx, title="중복 후보")


@router.post("/hubs/{hub}/merge/{proposal_id}", include_in_schema=False)
def merge_submit(hub: str, proposal_id: int, principal: Principal = Depends(current_principal)):
    """병합 실행."""
    with session_scope() as s:
        row = S.get_hub_row(s, principal, hub)
        S.merge(s, principal, proposal_id)
    return RedirectResponse(f"/hubs/{row.slug}/merge", status_code=303)


@router.post("/hubs/{hub}/merges/{log_id}/undo", include_in_schema=False)
def undo_submit(hub: str, log_id: int, principal: Principal = Depends(current_principal)):
    """병합 되돌리기."""
    with session_scope() as s:
        row = S.get_hub_row(s, principal, hub)
        S.undo_merge(s, principal, log_id)
    return RedirectResponse(f"/hubs/{row.slug}/merge", status_code=303)


@router.post("/hubs/{hub}/import", include_in_schema=False)
def import_submit(hub: str, entity: str = Form(""),
                  file: UploadFile = File(...), principal: Principal = Depends(current_principal)):
    """엑셀·CSV 가져오기 (문제가 있으면 행마다 이유를 보여 주고 아무것도 저장하지 않음)."""
    data = file.file.read(20 * 1024 * 1024 + 1)
    if len(data) > 20 * 1024 * 1024:
        raise InputError("파일은 20MB까지 올릴 수 있습니다.", field="file")
    with session_scope() as s:
        row = S.get_hub_row(s, principal, hub)
        r = IO.import_file(s, principal, row.id, entity, data, file.filename or "upload.csv")
    return RedirectResponse(f"/hubs/{row.slug}?message={r.rows}행 읽음, 새로 {r.inserted}행 저장, 이미 있음 {r.unchanged}행",
                            status_code=303)


@router.get("/hubs/{hub}/export.xlsx", include_in_schema=False)
def export_xlsx(hub: str, year: str | None = None, principal: Principal = Depends(current_principal)):
    """연도별 성과 보고 XLSX."""
    with session_scope() as s:
        row = S.get_hub_row(s, principal, hub)
        y = _year(year, _default_year(s, row.id))
        data = IO.performance_report_xlsx(s, principal, row.id, y)
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={row.slug}_{y}_report.xlsx"})
