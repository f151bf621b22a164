"""Pages and API for `programs` (thin: parse, call the domain, render)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from moduai.accounts.deps import current_user, require_operator
from moduai.accounts.schemas import UserPublic
from moduai.errors import InputError
from moduai.programs import service
from moduai.programs.catalog import KINDS
from moduai.programs.criteria import CRITERION_TYPES
from moduai.programs.forms import ProfileFormSpec, profile_dict_from_form
from moduai.programs.listing import ProgramBrief, list_programs
from moduai.programs.matching import MatchResult
from moduai.programs.places import SIDO
from moduai.programs.rules import check_ruleset
from moduai.programs.search import MAX_QUERY_CHARS, METHODS, SearchResult
from moduai.web.api import api_response
from moduai.web.errors import page_message
from moduai.web.params import IsoDate, parse_iso_date
from moduai.web.schemas import programs as S
from moduai.web.templating import render_page

router = APIRouter()

PAGE_NOTICE = ("이 목록의 '(예시)' 사업은 표본입니다 — 실제 기관의 현재 공고가 아닙니다. "
               "실제 공고(기업마당·K-Startup에서 가져온 것)는 출처와 함께 '실제 공고'로 표시합니다.")


@dataclass
class ProgramsHomeContext:
    form: ProfileFormSpec
    values: dict[str, Any]
    sido: list[tuple[str, str]]
    counts: dict[str, int]
    notice: str = PAGE_NOTICE
    error: str | None = None
    candidates: list[Any] = field(default_factory=list)
    sources: list[str] = field(default_factory=lambda: ["programs-samples"])


@dataclass
class MatchPageContext:
    result: MatchResult
    place: str | None
    query: str
    notice: str = PAGE_NOTICE

    @property
    def sources(self) -> list[str]:
        return self.result.sources


@dataclass
class SearchPageContext:
    q: str
    method: str
    methods: tuple[str, ...]
    result: SearchResult | None
    include_closed: bool = False
    notice: str = PAGE_NOTICE
    examples: tuple[str, ...] = ("강릉에서 카페 창업 지원금", "스마트팜 청년", "소상공인 키오스크 도입", "지역 AI 바우처",
                                 "포항 공장 디지털화")


@dataclass
class ListPageContext:
    programs: list[dict[str, Any]]
    kinds: tuple[str, ...]
    kind: str | None
    sido: str | None
    sido_options: list[tuple[str, str]]
    notice: str = PAGE_NOTICE
    sources: list[str] = field(default_factory=list)


@dataclass
class DetailPageContext:
    program: dict[str, Any]
    history: list[dict[str, Any]]
    match: dict[str, Any] | None
    profile_query: str
    sources: list[str]


@dataclass
class CalendarPageContext:
    calendar: service.DeadlineCalendar
    kinds: tuple[str, ...]
    sido_options: list[tuple[str, str]]
    kind: str
    sido: str

    @property
    def notice(self) -> str:
        return self.calendar.notice

    @property
    def sources(self) -> list[str]:
        return self.calendar.sources


@dataclass
class AdminListContext:
    user: UserPublic
    programs: list[dict[str, Any]]
    message: str | None = None


@dataclass
class AdminFormContext:
    user: UserPublic
    form: service.ProgramForm
    create: bool
    kinds: tuple[str, ...]
    criterion_types: list[str]
    error: str | None = None
    error_detail: dict[str, Any] | None = None


def _form_values(params) -> dict[str, Any]:
    """Submitted values to refill the profile form (lists for the checkbox groups)."""
    values: dict[str, Any] = {k: v for k, v in params.items() if k not in ("groups", "interests")}
    values["groups"] = params.getlist("groups")
    values["interests"] = params.getlist("interests")
    return values


def _sido_options() -> list[tuple[str, str]]:
    return [(code, full) for code, (full, _short) in sorted(SIDO.items())]


def _brief(p) -> ProgramBrief:
    return ProgramBrief.of(p)


# --- pages -----------------------------------------------------------------------------------------

@router.get("/programs", include_in_schema=False)
def programs_home(request: Request):
    """지원사업 매칭: 프로필 입력."""
    programs = service.active_programs()
    counts = {"total": len(programs), "samples": sum(p.is_sample for p in programs),
              "real": sum(not p.is_sample for p in programs)}
    ctx = ProgramsHomeContext(ProfileFormSpec(), _form_values(request.query_params), _sido_options(), counts)
    return render_page(request, "programs/index.html", ctx, title="지원사업 매칭")


@router.get("/programs/match", include_in_schema=False)
def programs_match(request: Request):
    """프로필로 지원사업 찾기 결과."""
    params = request.query_params
    try:
        profile, place = profile_dict_from_form(params)
        day = parse_iso_date(params.get("today"), "today")
        result = service.match_profile(profile, today=day)
    except InputError as exc:
        programs = service.active_programs()
        counts = {"total": len(programs), "samples": sum(p.is_sample for p in programs),
                  "real": sum(not p.is_sample for p in programs)}
        ctx = ProgramsHomeContext(ProfileFormSpec(), _form_values(params), _sido_options(), counts, error=page_message(exc.message),
                                  candidates=exc.candidates)
        return render_page(request, "programs/index.html", ctx, title="지원사업 매칭", status_code=422)
    return render_page(request, "programs/match.html", MatchPageContext(result, place, str(params)),
                       title="지원사업 매칭 결과")


@router.get("/programs/search", include_in_schema=False)
def programs_search(request: Request, q: str = "", method: str = "hybrid", closed: bool = False):
    """지원사업 검색."""
    result = service.search(q, method=method, limit=20, include_closed=closed) if q.strip() else None
    return render_page(request, "programs/search.html", SearchPageContext(q, method, METHODS, result, closed),
                       title=f"검색: {q}" if q else "지원사업 검색")


@router.get("/programs/list", include_in_schema=False)
def programs_list(request: Request, kind: str | None = None, sido: str | None = None):
    """지원사업 목록."""
    kind = kind or None
    sido = sido or None
    programs = service.active_programs(kind=kind, sido=sido)
    ctx = ListPageContext([_brief(p) for p in programs], KINDS, kind, sido, _sido_options(),
                          sources=sorted({p.dataset_id for p in programs}))
    return render_page(request, "programs/list.html", ctx, title="지원사업 목록")


@router.get("/programs/calendar", include_in_schema=False)
def programs_calendar(request: Request, start: str | None = None, months: int = 3, sido: str | None = None,
                      kind: str | None = None):
    """마감 달력."""
    try:
        first = dt.date.fromisoformat(start + "-01") if start and len(start) == 7 else (
            dt.date.fromisoformat(start) if start else None)
    except ValueError:
        raise InputError(f"시작 월(start)은 2026-03 같은 연-월 형식이어야 합니다. 받은 값: '{start}'.",
                         field="start") from None
    cal = service.deadline_months(start=first, months=months, sido=sido or None, kind=kind or None)
    ctx = CalendarPageContext(cal, KINDS, _sido_options(), kind or "", sido or "")
    return render_page(request, "programs/calendar.html", ctx, title="지원사업 마감 달력")


@router.get("/programs/calendar.ics", include_in_schema=False)
def programs_calendar_ics(sido: str | None = None, kind: str | None = None):
    """마감 달력 ICS 내려받기."""
    return _ics_response(service.deadline_ics(sido=sido or None, kind=kind or None))


def _ics_response(text: str) -> Response:
    return Response(text.encode("utf-8"), media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="moduai-programs-deadlines.ics"'})


@router.get("/programs/p/{slug}", include_in_schema=False)
def program_page(request: Request, slug: str):
    """지원사업 상세."""
    params = request.query_params
    profile = None
    if any(k in params for k in ("age", "region", "business_status", "employees", "groups_answered")):
        profile, _place = profile_dict_from_form(params)
    day = parse_iso_date(params.get("today"), "today")
    detail = service.program_detail(slug, profile=profile, today=day)
    ctx = DetailPageContext(detail.program.to_dict(), detail.history,
                            detail.match.to_dict() if detail.match else None, str(params), detail.sources)
    return render_page(request, "programs/detail.html", ctx, title=detail.program.name)


# --- operator pages --------------------------------------------------------------------------------

@router.get("/programs/admin", include_in_schema=False)
def admin_list(request: Request, message: str | None = None, user: UserPublic = Depends(require_operator)):
    """운영자: 지원사업 관리."""
    programs = service.active_programs(include_retired=True)
    ctx = AdminListContext(user, [_brief(p) for p in programs if p.is_sample or p.source_kind == "operator"]
                           + [_brief(p) for p in programs if not (p.is_sample or p.source_kind == "operator")][:200],
                           message)
    return render_page(request, "programs/admin_list.html", ctx, title="지원사업 관리")


NEW_RULES_TEMPLATE = """version: 1
effective_from: {today}
criteria:
  - {{id: age, type: age_range, min: 19, max: 39}}
  - {{id: region, type: region, nationwide: true}}
  - {{id: window, type: application_window, start: {today}, end: {end}}}
tests:
  - name: 만 30세
    today: {today}
    profile: {{age: 30, region_code: "11"}}
    expect: {{age: pass, region: pass, window: pass}}
    overall: pass
"""


def _form_ctx(request, user, form, create, error=None, detail=None) -> AdminFormContext:
    return AdminFormContext(user, form, create, KINDS, list(CRITERION_TYPES), error, detail)


@router.get("/programs/admin/new", include_in_schema=False)
def admin_new(request: Request, user: UserPublic = Depends(require_operator)):
    """운영자: 새 지원사업."""
    today = dt.date.today()
    form = service.ProgramForm(slug="", name="(예시) ", agency="", kind="창업",
                               rules_yaml=NEW_RULES_TEMPLATE.format(today=today, end=today + dt.timedelta(days=30)))
    return render_page(request, "programs/admin_form.html", _form_ctx(request, user, form, True), title="새 지원사업")


def _form_from_post(slug, name, agency, kind, target, support, support_max_krw, how_to_apply, description, url,
                    rules_yaml, is_sample) -> service.ProgramForm:
    return service.ProgramForm(slug=slug, name=name, agency=agency, kind=kind, target=target, support=support,
                               support_max_krw=support_max_krw, how_to_apply=how_to_apply,
                               description=description, url=url, rules_yaml=rules_yaml, is_sample=bool(is_sample))


def _save(request: Request, user: UserPublic, form: service.ProgramForm, create: bool):
    # CSRF: checked for every unsafe request by moduai.web.security.csrf_protect
    try:
        program = service.save_program(form, author=user.email, create=create)
    except InputError as exc:
        return render_page(request, "programs/admin_form.html",
                           _form_ctx(request, user, form, create, page_message(exc.message), exc.to_dict()),
                           title="지원사업 편집", status_code=422)
    return RedirectResponse(f"/programs/admin?message=저장했습니다: {program.slug}", status_code=303)


@router.post("/programs/admin/new", include_in_schema=False)
def admin_create(request: Request, slug: str = Form(""), name: str = Form(""), agency: str = Form(""),
                 kind: str = Form(""), target: str = Form(""), support: str = Form(""),
                 support_max_krw: str = Form(""), how_to_apply: str = Form(""), description: str = Form(""),
                 url: str = Form(""), rules_yaml: str = Form(""), is_sample: str = Form(""),
                 user: UserPublic = Depends(require_operator)):
    """운영자: 새 지원사업 저장."""
    form = _form_from_post(slug, name, agency, kind, target, support, support_max_krw, how_to_apply, description,
                           url, rules_yaml, is_sample)
    return _save(request, user, form, True)


@router.get("/programs/admin/{slug}/edit", include_in_schema=False)
def admin_edit(request: Request, slug: str, user: UserPublic = Depends(require_operator)):
    """운영자: 지원사업 수정."""
    form = service.form_for(service.program_detail(slug).program)
    return render_page(request, "programs/admin_form.html", _form_ctx(request, user, form, False),
                       title="지원사업 수정")


@router.post("/programs/admin/{slug}/edit", include_in_schema=False)
def admin_update(request: Request, slug: str, name: str = Form(""), agency: str = Form(""),
                 kind: str = Form(""), target: str = Form(""), support: str = Form(""),
                 support_max_krw: str = Form(""), how_to_apply: str = Form(""), description: str = Form(""),
                 url: str = Form(""), rules_yaml: str = Form(""), is_sample: str = Form(""),
                 user: UserPublic = Depends(require_operator)):
    """운영자: 지원사업 수정 저장 (규칙이 바뀌면 새 버전)."""
    form = _form_from_post(slug, name, agency, kind, target, support, support_max_krw, how_to_apply, description,
                           url, rules_yaml, is_sample)
    return _save(request, user, form, False)


@router.post("/programs/admin/{slug}/status", include_in_schema=False)
def admin_status(request: Request, slug: str, status: str = Form(""),
                 user: UserPublic = Depends(require_operator)):
    """운영자: 지원사업 종료(retire) 또는 다시 게시."""
    program = service.set_program_status(slug, status)
    word = "종료" if status == "retired" else "다시 게시"
    return RedirectResponse(f"/programs/admin?message={word}했습니다: {program.slug}", status_code=303)


# --- JSON API --------------------------------------------------------------------------------------

@router.get("/api/v1/programs", tags=["programs"], response_model=S.ProgramListPublic)
def api_list(kind: str | None = Query(None, description="사업 종류", json_schema_extra={"enum": list(KINDS)}),
             sido: str | None = Query(None, description="시도 코드 (예: 51)", json_schema_extra={"enum": sorted(SIDO)}),
             include_retired: bool = Query(False, description="종료(retired)된 사업 포함")):
    """지원사업 목록 (표본과 가져온 실제 공고)."""
    return api_response(list_programs(kind=kind, sido=sido, include_retired=include_retired))


@router.get("/api/v1/programs/search", tags=["programs"], response_model=S.SearchResultPublic)
def api_search(q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS, description="검색어, 예: 스마트팜 청년"),
               method: Literal[METHODS] = Query("hybrid", description="검색 방법"),
               limit: int = Query(10, ge=1, le=200, description="결과 수"),
               include_closed: bool = Query(False, description="마감된 사업도 검색")):
    """지원사업 한국어 검색 (기본: 마감된 사업 제외)."""
    return api_response(service.search(q, method=method, limit=limit, include_closed=include_closed))


@router.post("/api/v1/programs/match", tags=["programs"], response_model=S.MatchResultPublic)
def api_match(body: S.ProfileRequest = Body(default_factory=S.ProfileRequest),
              today: IsoDate | None = Query(None, description="기준일 YYYY-MM-DD (기본: 오늘)"),
              include_closed: bool = Query(False, description="마감된 사업도 '해당 안 됨'에 포함")):
    """프로필(JSON)로 지원사업 매칭: 조건별 해당/해당 안 됨/확인 필요와 이유."""
    profile = body.model_dump(exclude_unset=True)
    return api_response(service.match_profile(profile, today=today, include_closed=include_closed))


@router.post("/api/v1/programs/rules/validate", tags=["programs"], response_model=S.RulesValidatePublic)
def api_validate_rules(body: S.RulesValidateRequest):
    """자격 규칙 YAML 검사 (문법, 조건 유형, 범위, 내장 테스트)."""
    ruleset = check_ruleset(body.rules_yaml, file="입력", program=body.program)
    return api_response({"ok": True, "criteria": [c.to_dict() for c in ruleset.criteria], "tests": len(ruleset.tests)})


@router.get("/api/v1/programs/calendar.ics", tags=["programs"], response_class=Response,
            responses={200: {"content": {"text/calendar": {"schema": {"type": "string"}}}, "description": "iCalendar"}})
def api_calendar_ics(sido: str | None = Query(None, description="시도 코드 (예: 51)"),
                     kind: str | None = Query(None, description="사업 종류")):
    """마감 달력 (iCalendar, RFC 5545)."""
    return _ics_response(service.deadline_ics(sido=sido, kind=kind))


@router.get("/api/v1/programs/{slug}", tags=["programs"], response_model=S.ProgramDetailPublic)
def api_program(slug: str):
    """지원사업 하나 (규칙과 버전 이력 포함)."""
    detail = service.program_detail(slug)
    return api_response({"program": detail.program.to_dict(), "history": detail.history, "sources": detail.sources})


_ = current_user  # re-exported for templates that show the signed-in user
