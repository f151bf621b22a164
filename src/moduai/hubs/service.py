"""The hubs domain API: every function takes the caller's :class:`~moduai.accounts.policy.Principal`.

Tenancy (one place, :func:`visible_hub_ids` and :func:`_get`): operators and mentors see their hub only,
an object of another hub answers :class:`~moduai.errors.NotFound` (404, ids do not leak); planners get
aggregates of the hubs in their region and never a personal record; admin sees all.  Writes need an
operator (of that hub) or admin; mentors may record consultations and participation in their hub.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from moduai.accounts.policy import Principal
from moduai.errors import Forbidden, InputError, ModuaiError, NotFound
from moduai.hubs import identity as ID
from moduai.hubs import models as M
from moduai.hubs.schemas import (
    SYNTHETIC_LABEL,
    ApplicationView,
    CohortPage,
    CohortPublic,
    ConsultationPublic,
    DuplicateProposal,
    HubPublic,
    MergeResult,
    OrganisationPublic,
    OrganisationTimeline,
    PersonPublic,
    TimelineEvent,
)
from moduai.korean import josa
from moduai.programs.catalog import load_starter_catalog
from moduai.programs.models import ProgramRow
from moduai.programs.service import match_profile
from moduai.regions import get_region, megaregion_of, resolve_region
from moduai.results import to_jsonable

FIELDS = ("AI 도입", "스마트팜", "제조 AX", "상권·소상공인", "창업 일반", "인재")
TOPICS = ("상권 분석", "마케팅", "현장 AI", "지원사업", "인재")
SUPPORT_KINDS = ("자금", "공간", "멘토링", "지원사업")
OUTCOME_KINDS = ("투자", "고용", "매출", "폐업", "휴업", "재개업", "본점 이전")
EVIDENCE = ("자가 보고", "고용보험", "공시", "상가정보")
REVENUE_BANDS = ("매출 없음", "1억 미만", "1억~10억", "10억~50억", "50억 이상")
APP_STATUS = {"applied": "신청", "selected": "선정", "rejected": "탈락", "completed": "수료", "dropped": "중도 포기"}
CAPITAL_SIDO = ("11", "28", "41")
WRITE_ROLES = ("admin", "operator")
RECORD_ROLES = ("admin", "operator", "mentor")


# ------------------------------------------------------------------------------------------ tenancy
def visible_hub_ids(session: Session, principal: Principal) -> set[int] | None:
    """``None`` = every hub (admin); otherwise the hub ids this caller may see (possibly empty)."""
    if principal.role == "admin":
        return None
    if principal.role in ("operator", "mentor"):
        return {principal.hub_id} if principal.hub_id is not None else set()
    if principal.role == "planner" and principal.region_code:
        code = principal.region_code
        rows = session.execute(select(M.HubRow.id, M.HubRow.region_code, M.HubRow.sido_code)).all()
        return {r.id for r in rows if r.region_code.startswith(code) or r.sido_code == code
                or (len(code) == 5 and r.region_code == code[:2])}
    return set()


def _not_found(what: str, ref: Any) -> NotFound:
    return NotFound(f"{josa(f'{what} {ref}', '이/가')} 없거나 볼 수 있는 권한이 없습니다.", field=what)


def _get(session: Session, principal: Principal, model: type, obj_id: int, what: str, *, personal: bool = True):
    """The row if this caller may see it; NotFound otherwise (another hub, or a planner asking for a record)."""
    if personal and not principal.sees_personal_data:
        raise _not_found(what, obj_id)
    try:
        obj_id = int(obj_id)
    except (TypeError, ValueError):
        raise _not_found(what, obj_id) from None
    if not (0 < obj_id < 2**31):
        raise _not_found(what, obj_id)
    row = session.get(model, obj_id)
    if row is None:
        raise _not_found(what, obj_id)
    hub_id = row.id if model is M.HubRow else row.hub_id
    hubs = visible_hub_ids(session, principal)
    if hubs is not None and hub_id not in hubs:
        raise _not_found(what, obj_id)
    return row


def _require(principal: Principal, roles: tuple[str, ...], action: str) -> None:
    if principal.role not in roles:
        raise Forbidden(f"{josa(action, '은/는')} 거점센터 운영자만 할 수 있습니다.",
                        detail=f"role {principal.role} may not {action}")


def get_hub_row(session: Session, principal: Principal, ref: str | int) -> M.HubRow:
    """A hub by id or slug, within the caller's tenancy (planners may see their region's hubs)."""
    ref_s = str(ref).strip()
    if ref_s.isdigit():
        return _get(session, principal, M.HubRow, int(ref_s), "거점센터", personal=False)
    row = session.scalar(select(M.HubRow).where(M.HubRow.slug == ref_s))
    if row is None:
        raise _not_found("거점센터", ref_s)
    return _get(session, principal, M.HubRow, row.id, "거점센터", personal=False)


def _write_hub(session: Session, principal: Principal, hub_ref: str | int, *, roles=WRITE_ROLES,
               action: str = "기록 추가") -> M.HubRow:
    hub = get_hub_row(session, principal, hub_ref)  # NotFound first: another hub's id must not leak
    _require(principal, roles, action)
    return hub


def hub_public(hub: M.HubRow) -> HubPublic:
    out = HubPublic.model_validate(hub)
    out.region_name = get_region(hub.region_code).full_name
    out.megaregion_name = megaregion_of(hub.region_code).name
    out.label = SYNTHETIC_LABEL if hub.is_synthetic else None
    return out


# --------------------------------------------------------------------------------------------- hubs
def _slugify(name: str) -> str:
    s = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return s or "hub"


def create_hub(session: Session, principal: Principal, *, name: str, region: str, focus: Iterable[str] = (),
               slug: str | None = None, is_synthetic: bool = False) -> HubPublic:
    """A new 거점센터 (admin only). ``region``: 행안부 code or name of a 시도/시군구."""
    _require(principal, ("admin",), "거점센터 만들기")
    name = (name or "").strip()
    if not name:
        raise InputError("거점센터 이름을 입력해 주세요.", field="name")
    reg = get_region(region) if str(region).strip().isdigit() else resolve_region(region)
    if reg.level not in ("sido", "sigungu", "gu"):
        raise InputError(f"거점센터 지역은 시도나 시군구여야 합니다. 받은 값: {reg.full_name}({reg.level_label}).",
                         field="region")
    focus = [f.strip() for f in focus if f and f.strip()]
    bad = [f for f in focus if f not in FIELDS]
    if bad:
        raise InputError(f"분야는 {', '.join(FIELDS)} 중에서 고르세요. 받은 값: {', '.join(bad)}.", field="focus")
    slug = (slug or _slugify(name)).strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", slug):
        raise InputError(f"slug는 영문 소문자·숫자·하이픈 60자 이내여야 합니다. 받은 값: '{slug}'.", field="slug")
    if session.scalar(select(M.HubRow.id).where(M.HubRow.slug == slug)) is not None:
        raise InputError(f"'{slug}' 거점센터가 이미 있습니다. 다른 slug를 쓰세요.", field="slug")
    row = M.HubRow(slug=slug, name=name, region_code=reg.code, sido_code=reg.sido_code,
                   megaregion_id=megaregion_of(reg.code).id, focus=focus, is_synthetic=is_synthetic)
    session.add(row)
    session.flush()
    return hub_public(row)


def list_hubs(session: Session, principal: Principal) -> list[HubPublic]:
    hubs = visible_hub_ids(session, principal)
    q = select(M.HubRow).order_by(M.HubRow.id)
    if hubs is not None:
        q = q.where(M.HubRow.id.in_(hubs or {-1}))
    return [hub_public(h) for h in session.scalars(q)]


# ------------------------------------------------------------------------------- organisations, people
def _date(value: Any, field: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise InputError(f"{field} 날짜를 YYYY-MM-DD 형식으로 입력해 주세요.", field=field)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"{field} 날짜는 YYYY-MM-DD 형식이어야 합니다. 받은 값: '{value}'.", field=field) from None


def _region_code(value: Any, field: str = "region_code") -> str | None:
    if value in (None, ""):
        return None
    v = str(value).strip()
    reg = get_region(v) if v.isdigit() else resolve_region(v)
    code = reg.sigungu_code or reg.code
    return code


def _choice(value: Any, allowed: tuple[str, ...], field: str, label: str) -> str:
    v = str(value or "").strip()
    if v not in allowed:
        raise InputError(f"{josa(label, '은/는')} {', '.join(allowed)} 중 하나여야 합니다. "
                         f"받은 값: '{v}'.", field=field)
    return v


def org_public(row: M.OrganisationRow) -> OrganisationPublic:
    out = OrganisationPublic.model_validate(row)
    out.brn = ID.format_brn(row.brn)
    out.region_name = _region_name(row.region_code)
    return out


def _region_name(code: str | None) -> str:
    """``47111`` → ``경상북도 포항시 남구``; an old or foreign code stays as it is, no code → ""."""
    if not code:
        return ""
    try:
        return get_region(code).full_name
    except ModuaiError:
        return code


def add_organisation(session: Session, principal: Principal, hub_ref: str | int, *, name: str,
                     brn: str | None = None, region_code: str | None = None, sector: str | None = None,
                     founded_on: Any = None, is_prospective: bool | None = None) -> OrganisationPublic:
    """Record an organisation; a 사업자등록번호 must pass its check digit. Possible duplicates are proposed
    (:func:`propose_duplicates`), never merged here."""
    hub = _write_hub(session, principal, hub_ref)
    name = (name or "").strip()
    if not name:
        raise InputError("기관(기업) 이름을 입력해 주세요.", field="name")
    digits = ID.normalise_brn(brn)
    row = M.OrganisationRow(hub_id=hub.id, name=name[:200], brn=digits,
                            is_prospective=bool(is_prospective) if is_prospective is not None else digits is None,
                            region_code=_region_code(region_code) or hub.region_code,
                            sector=(sector or None), founded_on=_date(founded_on, "founded_on", required=False))
    session.add(row)
    session.flush()
    return org_public(row)


def add_person(session: Session, principal: Principal, hub_ref: str | int, *, name: str, birth_date: Any,
               phone: str, consent_on: Any, consent_scope: str = "지원사업 운영·성과 관리",
               organisation_id: int | None = None) -> PersonPublic:
    """Record a person by keyed identity; name and phone are stored masked only; consent is required."""
    hub = get_hub_row(session, principal, hub_ref)
    if organisation_id is not None:
        org = _get(session, principal, M.OrganisationRow, organisation_id, "기관")
        if org.hub_id != hub.id:
            raise _not_found("기관", organisation_id)
    _require(principal, WRITE_ROLES, "사람 추가")
    consent = _date(consent_on, "consent_on")
    key = ID.person_key(name, birth_date, phone)
    row = M.PersonRow(hub_id=hub.id, person_key=key, name_masked=ID.mask_person_name(name),
                      phone_masked=ID.mask_phone(phone), organisation_id=organisation_id, consent_on=consent,
                      consent_scope=consent_scope[:200])
    session.add(row)
    session.flush()
    return PersonPublic.model_validate(row)


def get_organisation(session: Session, principal: Principal, org_id: int) -> OrganisationPublic:
    return org_public(_get(session, principal, M.OrganisationRow, org_id, "기관"))


def list_organisations(session: Session, principal: Principal, hub_ref: str | int, *, q: str | None = None,
                       limit: int = 200) -> list[OrganisationPublic]:
    hub = get_hub_row(session, principal, hub_ref)
    if not principal.sees_personal_data:
        raise _not_found("기관 목록", hub.slug)
    stmt = select(M.OrganisationRow).where(M.OrganisationRow.hub_id == hub.id,
                                           M.OrganisationRow.merged_into_id.is_(None))
    if q:
        stmt = stmt.where(or_(M.OrganisationRow.name.contains(q), M.OrganisationRow.brn == re.sub(r"\D", "", q)))
    return [org_public(r) for r in session.scalars(stmt.order_by(M.OrganisationRow.id).limit(limit))]


def list_people(session: Session, principal: Principal, hub_ref: str | int) -> list[PersonPublic]:
    hub = get_hub_row(session, principal, hub_ref)
    if not principal.sees_personal_data:
        raise _not_found("사람 목록", hub.slug)
    rows = session.scalars(select(M.PersonRow).where(M.PersonRow.hub_id == hub.id).order_by(M.PersonRow.id))
    return [PersonPublic.model_validate(r) for r in rows]


# ------------------------------------------------------------------------- programs, cohorts, flow
def add_program(session: Session, principal: Principal, hub_ref: str | int, *, name: str, field: str,
                program_slug: str | None = None, description: str | None = None) -> int:
    hub = _write_hub(session, principal, hub_ref)
    if not (name or "").strip():
        raise InputError("프로그램 이름을 입력해 주세요.", field="name")
    row = M.HubProgramRow(hub_id=hub.id, name=name.strip()[:200], field=_choice(field, FIELDS, "field", "분야"),
                          program_slug=program_slug or None, description=description)
    session.add(row)
    session.flush()
    return row.id


def _criteria(criteria: Any) -> list[dict]:
    out = []
    for i, c in enumerate(criteria or []):
        if not isinstance(c, dict) or not str(c.get("name", "")).strip():
            raise InputError(f"선정 기준 {i + 1}번째에 이름(name)이 없습니다.", field="criteria")
        weight, max_score = float(c.get("weight", 1)), float(c.get("max", 100))
        if weight <= 0 or max_score <= 0:
            raise InputError(f"선정 기준 '{c['name']}'의 weight와 max는 0보다 커야 합니다.", field="criteria")
        out.append({"name": str(c["name"]).strip(), "weight": weight, "max": max_score})
    return out


def add_cohort(session: Session, principal: Principal, hub_ref: str | int, *, program_id: int, name: str, year: int,
               capacity: int, starts_on: Any, ends_on: Any, field: str | None = None,
               criteria: Any = None) -> CohortPublic:
    hub = get_hub_row(session, principal, hub_ref)
    program = _get(session, principal, M.HubProgramRow, program_id, "프로그램")
    if program.hub_id != hub.id:
        raise _not_found("프로그램", program_id)
    _require(principal, WRITE_ROLES, "기수 추가")
    start, end = _date(starts_on, "starts_on"), _date(ends_on, "ends_on")
    if end < start:
        raise InputError(f"종료일({end})이 시작일({start})보다 빠릅니다.", field="ends_on")
    if int(capacity) < 1:
        raise InputError(f"정원(capacity)은 1 이상이어야 합니다. 받은 값: {capacity}.", field="capacity")
    row = M.CohortRow(hub_id=hub.id, program_id=program.id, name=name.strip()[:200], year=int(year),
                      capacity=int(capacity), starts_on=start, ends_on=end,
                      field=_choice(field or program.field, FIELDS, "field", "분야"), criteria=_criteria(criteria))
    session.add(row)
    session.flush()
    return CohortPublic.model_validate(row)


def apply(session: Session, principal: Principal, cohort_id: int, organisation_id: int, *, applied_on: Any,
          person_id: int | None = None) -> int:
    cohort = _get(session, principal, M.CohortRow, cohort_id, "기수")
    org = _get(session, principal, M.OrganisationRow, organisation_id, "기관")
    if org.hub_id != cohort.hub_id:
        raise _not_found("기관", organisation_id)
    _require(principal, WRITE_ROLES, "신청 기록")
    row = M.ApplicationRow(hub_id=cohort.hub_id, cohort_id=cohort.id, organisation_id=org.id, person_id=person_id,
                           applied_on=_date(applied_on, "applied_on"), status="applied")
    session.add(row)
    session.flush()
    return row.id


def score(session: Session, principal: Principal, application_id: int, *, criterion: str, value: float,
          reason: str, scorer: str | None = None) -> int:
    """A screening score on one of the cohort's criteria; the written reason is required."""
    app = _get(session, principal, M.ApplicationRow, application_id, "신청")
    _require(principal, RECORD_ROLES, "심사 점수 기록")
    cohort = session.get(M.CohortRow, app.cohort_id)
    crit = {c["name"]: c for c in cohort.criteria}
    if crit and criterion not in crit:
        raise InputError(f"선정 기준은 {', '.join(crit)} 중 하나여야 합니다. 받은 값: '{criterion}'.", field="criterion")
    top = crit.get(criterion, {}).get("max", 100)
    if not (0 <= float(value) <= top):
        raise InputError(f"'{criterion}' 점수는 0 이상 {top:g} 이하여야 합니다. 받은 값: {value}.", field="score")
    if len((reason or "").strip()) < 5:
        raise InputError("심사 점수에는 근거를 다섯 글자 이상 적어 주세요.", field="reason")
    row = M.ScoreRow(hub_id=app.hub_id, application_id=app.id, criterion=criterion, score=float(value),
                     reason=reason.strip(), scorer=scorer)
    session.add(row)
    session.flush()
    return row.id


def decide(session: Session, principal: Principal, application_id: int, *, status: str, on: Any) -> None:
    """Move an application: selected | rejected | completed | dropped (dated)."""
    app = _get(session, principal, M.ApplicationRow, application_id, "신청")
    _require(principal, WRITE_ROLES, "선정·수료 처리")
    status = _choice(status, ("selected", "rejected", "completed", "dropped"), "status", "상태")
    day = _date(on, "on")
    allowed = {"selected": ("applied",), "rejected": ("applied",), "completed": ("selected",),
               "dropped": ("selected",)}[status]
    if app.status not in allowed:
        raise InputError(f"'{APP_STATUS[app.status]}' 상태의 신청은 '{APP_STATUS[status]}'(으)로 바꿀 수 없습니다.",
                         field="status")
    app.status = status
    if status == "selected":
        app.selected_on = day
    elif status in ("completed", "dropped"):
        app.completed_on = day


def add_participation(session: Session, principal: Principal, application_id: int, *, held_on: Any,
                      session_title: str, attended: bool = True, mentoring_hours: float = 0.0) -> int:
    app = _get(session, principal, M.ApplicationRow, application_id, "신청")
    _require(principal, RECORD_ROLES, "참여 기록")
    if app.status not in ("selected", "completed", "dropped"):
        raise InputError("선정된 신청에만 참여(출석·멘토링)를 기록할 수 있습니다.", field="application_id")
    if not (0 <= float(mentoring_hours) <= 24):
        raise InputError(f"멘토링 시간은 0~24시간이어야 합니다. 받은 값: {mentoring_hours}.", field="mentoring_hours")
    row = M.ParticipationRow(hub_id=app.hub_id, application_id=app.id, held_on=_date(held_on, "held_on"),
                             session_title=session_title[:200], attended=bool(attended),
                             mentoring_hours=float(mentoring_hours))
    session.add(row)
    session.flush()
    return row.id


def add_support(session: Session, principal: Principal, organisation_id: int, *, given_on: Any, kind: str,
                amount_krw: int | None = None, space_m2: float | None = None, mentoring_hours: float | None = None,
                program_slug: str | None = None, cohort_id: int | None = None, note: str | None = None) -> int:
    org = _get(session, principal, M.OrganisationRow, organisation_id, "기관")
    _require(principal, WRITE_ROLES, "지원 기록")
    kind = _choice(kind, SUPPORT_KINDS, "kind", "지원 종류")
    if kind == "자금" and not amount_krw:
        raise InputError("자금 지원에는 금액(원)을 적어 주세요.", field="amount_krw")
    if amount_krw is not None and int(amount_krw) < 0:
        raise InputError("금액은 0원 이상이어야 합니다.", field="amount_krw")
    row = M.SupportRow(hub_id=org.hub_id, organisation_id=org.id, given_on=_date(given_on, "given_on"), kind=kind,
                       amount_krw=int(amount_krw) if amount_krw is not None else None, space_m2=space_m2,
                       mentoring_hours=mentoring_hours, program_slug=program_slug or None, cohort_id=cohort_id,
                       note=note)
    session.add(row)
    session.flush()
    return row.id


def add_outcome(session: Session, principal: Principal, organisation_id: int, *, observed_on: Any, kind: str,
                evidence: str, amount_krw: int | None = None, headcount: int | None = None,
                revenue_band: str | None = None, region_code: str | None = None, note: str | None = None) -> int:
    """A dated outcome with its evidence type. 투자 needs amount_krw, 고용 headcount, 매출 a band, 본점 이전 a region."""
    org = _get(session, principal, M.OrganisationRow, organisation_id, "기관")
    _require(principal, WRITE_ROLES, "성과 기록")
    row = build_outcome(org.hub_id, org.id, observed_on=observed_on, kind=kind, evidence=evidence,
                        amount_krw=amount_krw, headcount=headcount, revenue_band=revenue_band,
                        region_code=region_code, note=note)
    session.add(row)
    session.flush()
    return row.id


def build_outcome(hub_id: int, org_id: int, **fields) -> M.OutcomeRow:
    """Validate one outcome (shared by the form, the API and the importer) into a row."""
    return M.OutcomeRow(**outcome_values(hub_id, org_id, **fields))


def outcome_values(hub_id: int, org_id: int, *, observed_on: Any, kind: str, evidence: str, amount_krw=None,
                   headcount=None, revenue_band=None, region_code=None, note=None) -> dict[str, Any]:
    """The validated column values of one outcome (a dict, so bulk imports skip ORM objects)."""
    kind = kind if kind in OUTCOME_KINDS else _choice(kind, OUTCOME_KINDS, "kind", "성과 종류")
    evidence = evidence if evidence in EVIDENCE else _choice(evidence, EVIDENCE, "evidence", "근거 자료")
    if kind == "투자" and (amount_krw in (None, "") or int(amount_krw) <= 0):
        raise InputError("투자 유치에는 금액(원, 0보다 큼)을 적어 주세요.", field="amount_krw")
    if kind == "고용" and (headcount in (None, "") or int(headcount) < 0):
        raise InputError("고용에는 그 날짜의 인원(명, 0 이상)을 적어 주세요.", field="headcount")
    if kind == "매출":
        revenue_band = _choice(revenue_band, REVENUE_BANDS, "revenue_band", "매출 구간")
    code = _region_code(region_code) if kind == "본점 이전" else None
    if kind == "본점 이전" and not code:
        raise InputError("본점 이전에는 옮긴 곳의 시군구(코드 또는 이름)를 적어 주세요.", field="region_code")
    return {"hub_id": hub_id, "organisation_id": org_id, "observed_on": _date(observed_on, "observed_on"),
            "kind": kind, "amount_krw": int(amount_krw) if amount_krw not in (None, "") else None,
            "headcount": int(headcount) if headcount not in (None, "") else None,
            "revenue_band": revenue_band if kind == "매출" else None, "region_code": code, "evidence": evidence,
            "note": note or None}


# ------------------------------------------------------------------------------------- cohort page
def get_cohort_page(session: Session, principal: Principal, cohort_id: int) -> CohortPage:
    cohort = _get(session, principal, M.CohortRow, cohort_id, "기수")
    hub = session.get(M.HubRow, cohort.hub_id)
    program = session.get(M.HubProgramRow, cohort.program_id)
    apps = session.execute(
        select(M.ApplicationRow, M.OrganisationRow.name)
        .join(M.OrganisationRow, M.OrganisationRow.id == M.ApplicationRow.organisation_id)
        .where(M.ApplicationRow.cohort_id == cohort.id).order_by(M.ApplicationRow.id)).all()
    ids = [a.id for a, _ in apps]
    scores: dict[int, list[M.ScoreRow]] = {}
    parts: dict[int, list[M.ParticipationRow]] = {}
    if ids:
        for s in session.scalars(select(M.ScoreRow).where(M.ScoreRow.application_id.in_(ids))):
            scores.setdefault(s.application_id, []).append(s)
        for p in session.scalars(select(M.ParticipationRow).where(M.ParticipationRow.application_id.in_(ids))):
            parts.setdefault(p.application_id, []).append(p)
    weights = {c["name"]: c["weight"] for c in cohort.criteria}
    views = []
    for a, org_name in apps:
        sc = scores.get(a.id, [])
        total = sum(s.score * weights.get(s.criterion, 1.0) for s in sc) / (sum(
            weights.get(s.criterion, 1.0) for s in sc) or 1) if sc else None
        ps = parts.get(a.id, [])
        views.append(ApplicationView(
            id=a.id, organisation_id=a.organisation_id, organisation_name=org_name, status=a.status,
            status_label=APP_STATUS[a.status], applied_on=a.applied_on, total_score=total,
            reasons=[f"{s.criterion} {s.score:g}점: {s.reason}" for s in sc], sessions=len(ps),
            attended=sum(p.attended for p in ps), mentoring_hours=sum(p.mentoring_hours for p in ps)))
    return CohortPage(cohort=CohortPublic.model_validate(cohort), program_name=program.name, applicants=len(apps),
                      selected=sum(a.status in ("selected", "completed", "dropped") for a, _ in apps),
                      completed=sum(a.status == "completed" for a, _ in apps), applications=views,
                      label=SYNTHETIC_LABEL if hub.is_synthetic else None)


def list_cohorts(session: Session, principal: Principal, hub_ref: str | int) -> list[CohortPublic]:
    hub = get_hub_row(session, principal, hub_ref)
    rows = session.scalars(select(M.CohortRow).where(M.CohortRow.hub_id == hub.id)
                           .order_by(M.CohortRow.year.desc(), M.CohortRow.id))
    return [CohortPublic.model_validate(r) for r in rows]


# ------------------------------------------------------------------------------------------ timeline
def movement_class(home_code: str | None, hub_sido: str, new_code: str | None) -> str | None:
    """본점 이동: '그대로' (same 시군구), '권역 안 이동' (same 시도), '수도권으로 이동', '다른 지역으로 이동'."""
    if not home_code or not new_code:
        return None
    if new_code == home_code:
        return "그대로"
    if new_code[:2] == hub_sido:
        return "권역 안 이동"
    if new_code[:2] in CAPITAL_SIDO and hub_sido not in CAPITAL_SIDO:
        return "수도권으로 이동"
    return "다른 지역으로 이동"


def _program_names(session: Session, slugs: set[str]) -> dict[str, str]:
    """``{slug: name}`` of the 지원사업 (moduai.programs) a support row links to: the programs table, else the
    shipped starter catalog (a fresh install has not seeded the table yet)."""
    if not slugs:
        return {}
    names = {p.slug: p.name for p in load_starter_catalog() if p.slug in slugs}
    names.update(session.execute(select(ProgramRow.slug, ProgramRow.name).where(ProgramRow.slug.in_(slugs))).all())
    return names


def organisation_timeline(session: Session, principal: Principal, org_id: int) -> OrganisationTimeline:
    """Everything that happened to one firm, in date order, across the hubs the caller may see (matched by
    사업자등록번호; a 예비창업자 is its own record plus anything merged into it)."""
    org = _get(session, principal, M.OrganisationRow, org_id, "기관")
    hubs = visible_hub_ids(session, principal)
    q = select(M.OrganisationRow.id, M.OrganisationRow.hub_id)
    if org.brn:
        q = q.where(or_(M.OrganisationRow.brn == org.brn, M.OrganisationRow.merged_into_id == org.id))
    else:
        q = q.where(or_(M.OrganisationRow.id == org.id, M.OrganisationRow.merged_into_id == org.id))
    if hubs is not None:
        q = q.where(M.OrganisationRow.hub_id.in_(hubs or {-1}))
    org_ids = {r.id for r in session.execute(q)} | {org.id}
    hub_names = dict(session.execute(select(M.HubRow.id, M.HubRow.name)).all())
    ev: list[TimelineEvent] = []

    def add(date, hub_id, kind, label, detail, ref):
        ev.append(TimelineEvent(date=date, hub_id=hub_id, hub_name=hub_names.get(hub_id, ""), kind=kind,
                                label=label, detail=detail, ref=ref))

    apps = session.execute(
        select(M.ApplicationRow, M.CohortRow.name).join(M.CohortRow, M.CohortRow.id == M.ApplicationRow.cohort_id)
        .where(M.ApplicationRow.organisation_id.in_(org_ids))).all()
    for a, cname in apps:
        add(a.applied_on, a.hub_id, "신청", f"{cname} 신청", "", f"hub_applications:{a.id}")
        if a.selected_on:
            add(a.selected_on, a.hub_id, "선정", f"{cname} 선정", "", f"hub_applications:{a.id}")
        if a.status == "rejected":
            add(a.applied_on, a.hub_id, "탈락", f"{cname} 탈락", "", f"hub_applications:{a.id}")
        if a.completed_on:
            add(a.completed_on, a.hub_id, APP_STATUS[a.status], f"{cname} {APP_STATUS[a.status]}", "",
                f"hub_applications:{a.id}")
    app_ids = [a.id for a, _ in apps]
    if app_ids:
        for p in session.scalars(select(M.ParticipationRow).where(M.ParticipationRow.application_id.in_(app_ids))):
            add(p.held_on, p.hub_id, "참여", p.session_title,
                ("출석" if p.attended else "결석") + (f" · 멘토링 {p.mentoring_hours:g}시간" if p.mentoring_hours else ""),
                f"hub_participations:{p.id}")
    supports = list(session.scalars(select(M.SupportRow).where(M.SupportRow.organisation_id.in_(org_ids))))
    program_names = _program_names(session, {s.program_slug for s in supports if s.program_slug})
    for s in supports:
        detail = " · ".join(x for x in (
            f"{s.amount_krw:,}원" if s.amount_krw else "", f"{s.space_m2:g}㎡" if s.space_m2 else "",
            f"{s.mentoring_hours:g}시간" if s.mentoring_hours else "",
            program_names.get(s.program_slug, f"지원사업 목록에 없는 코드 {s.program_slug}") if s.program_slug else "")
            if x)
        add(s.given_on, s.hub_id, "지원", f"{s.kind} 지원", detail, f"hub_supports:{s.id}")
    for c in session.scalars(select(M.ConsultationRow).where(M.ConsultationRow.organisation_id.in_(org_ids))):
        add(c.held_on, c.hub_id, "상담", f"{c.topic} 상담",
            "분석 첨부: " + c.analysis_kind if c.analysis_kind else "", f"hub_consultations:{c.id}")
    last_region = None
    for o in session.scalars(select(M.OutcomeRow).where(M.OutcomeRow.organisation_id.in_(org_ids))
                             .order_by(M.OutcomeRow.observed_on)):
        detail = {"투자": f"{o.amount_krw or 0:,}원", "고용": f"{o.headcount}명", "매출": o.revenue_band or "",
                  "본점 이전": o.region_code or ""}.get(o.kind, "")
        if o.kind == "본점 이전":
            detail = _region_name(o.region_code)
            last_region = o.region_code
        add(o.observed_on, o.hub_id, o.kind, o.kind, f"{detail} (근거: {o.evidence})".strip(), f"hub_outcomes:{o.id}")
    ev.sort(key=lambda e: (e.date, e.ref))
    hub = session.get(M.HubRow, org.hub_id)
    seen_hubs = sorted({hub_names[e.hub_id] for e in ev} | {hub.name})
    return OrganisationTimeline(
        organisation=org_public(org),
        identity=ID.format_brn(org.brn) if org.brn else "예비창업자 (사업자등록번호 없음)", hubs=seen_hubs, events=ev,
        movement=movement_class(org.region_code, hub.sido_code, last_region) if last_region else None,
        label=SYNTHETIC_LABEL if hub.is_synthetic else None)


# ------------------------------------------------------------------------------------ consultations
ANALYSES = {"programs_match": "지원사업 매칭 (moduai programs)"}


def run_analysis(kind: str, inputs: dict[str, Any]) -> tuple[dict, list[str]]:
    """Run a moduai analysis for a consultation; returns (JSON result, sources)."""
    if kind == "programs_match":
        result = match_profile(inputs, today=_date(inputs.get("today"), "today", required=False))
        doc = to_jsonable(result)
        return doc, list(doc.get("sources") or [])
    raise InputError(f"분석 종류는 {', '.join(ANALYSES)} 중 하나여야 합니다. 받은 값: '{kind}'.", field="analysis_kind")


def add_consultation(session: Session, principal: Principal, hub_ref: str | int, *, held_on: Any, topic: str,
                     notes: str = "", organisation_id: int | None = None, analysis_kind: str | None = None,
                     analysis_inputs: dict[str, Any] | None = None) -> ConsultationPublic:
    """Record an AI 도입 상담; with ``analysis_kind`` the analysis runs now and is saved with inputs and sources."""
    hub = get_hub_row(session, principal, hub_ref)
    if organisation_id is not None:
        org = _get(session, principal, M.OrganisationRow, organisation_id, "기관")
        if org.hub_id != hub.id:
            raise _not_found("기관", organisation_id)
    _require(principal, RECORD_ROLES, "상담 기록")
    topic = _choice(topic, TOPICS, "topic", "상담 주제")
    result = sources = None
    if analysis_kind:
        result, sources = run_analysis(analysis_kind, dict(analysis_inputs or {}))
    row = M.ConsultationRow(hub_id=hub.id, organisation_id=organisation_id, held_on=_date(held_on, "held_on"),
                            topic=topic, notes=(notes or "")[:5000], analysis_kind=analysis_kind or None,
                            analysis_inputs=analysis_inputs if analysis_kind else None, analysis_result=result,
                            analysis_sources=sources)
    session.add(row)
    session.flush()
    return ConsultationPublic.model_validate(row)


def get_consultation(session: Session, principal: Principal, consultation_id: int) -> ConsultationPublic:
    return ConsultationPublic.model_validate(_get(session, principal, M.ConsultationRow, consultation_id, "상담"))


def list_consultations(session: Session, principal: Principal, hub_ref: str | int,
                       limit: int = 50) -> list[ConsultationPublic]:
    hub = get_hub_row(session, principal, hub_ref)
    if not principal.sees_personal_data:
        raise _not_found("상담 목록", hub.slug)
    rows = session.scalars(select(M.ConsultationRow).where(M.ConsultationRow.hub_id == hub.id)
                           .order_by(M.ConsultationRow.held_on.desc(), M.ConsultationRow.id.desc()).limit(limit))
    return [ConsultationPublic.model_validate(r) for r in rows]


# ---------------------------------------------------------------------------- duplicates and merges
ORG_CHILDREN = (("hub_applications", M.ApplicationRow, "organisation_id"),
                ("hub_supports", M.SupportRow, "organisation_id"),
                ("hub_outcomes", M.OutcomeRow, "organisation_id"),
                ("hub_consultations", M.ConsultationRow, "organisation_id"),
                ("hub_people", M.PersonRow, "organisation_id"))
PERSON_CHILDREN = (("hub_applications", M.ApplicationRow, "person_id"),
                   ("hub_consultations", M.ConsultationRow, "person_id"))
NAME_SIMILARITY = 0.85


def propose_duplicates(session: Session, principal: Principal, hub_ref: str | int) -> list[DuplicateProposal]:
    """Find possible duplicates in a hub (same 사업자등록번호, same keyed identity, similar names) and store
    them as open proposals for a human; pairs already proposed are not proposed again."""
    hub = _write_hub(session, principal, hub_ref, action="중복 찾기")
    known = {(p.entity, p.keep_id, p.other_id) for p in session.scalars(
        select(M.DuplicateProposalRow).where(M.DuplicateProposalRow.hub_id == hub.id))}
    found: list[tuple[str, int, int, str, float]] = []
    orgs = session.execute(select(M.OrganisationRow.id, M.OrganisationRow.name, M.OrganisationRow.brn).where(
        M.OrganisationRow.hub_id == hub.id, M.OrganisationRow.merged_into_id.is_(None))
        .order_by(M.OrganisationRow.id)).all()
    by_brn: dict[str, list[int]] = {}
    by_name: dict[str, list[tuple[int, str, str | None]]] = {}
    for o in orgs:
        if o.brn:
            by_brn.setdefault(o.brn, []).append(o.id)
        norm = ID.normalise_org_name(o.name)
        by_name.setdefault(norm[:2], []).append((o.id, o.name, o.brn))
    for brn, ids in by_brn.items():
        for other in ids[1:]:
            found.append(("organisation", ids[0], other, f"같은 사업자등록번호 {ID.format_brn(brn)}", 1.0))
    pairs_brn = {(a, b) for _, a, b, _, _ in found}
    for group in by_name.values():  # blocking on the first two characters keeps this near-linear
        for i, (a, an, ab) in enumerate(group):
            for b, bn, bb in group[i + 1:]:
                if (a, b) in pairs_brn or (ab and bb and ab != bb):
                    continue
                sim = ID.name_similarity(an, bn)
                if sim >= NAME_SIMILARITY:
                    found.append(("organisation", a, b, f"비슷한 이름 ('{an}' · '{bn}')", round(sim, 3)))
    people = session.execute(select(M.PersonRow.id, M.PersonRow.person_key).where(
        M.PersonRow.hub_id == hub.id, M.PersonRow.merged_into_id.is_(None)).order_by(M.PersonRow.id)).all()
    by_key: dict[str, list[int]] = {}
    for p in people:
        by_key.setdefault(p.person_key, []).append(p.id)
    for ids in by_key.values():
        for other in ids[1:]:
            found.append(("person", ids[0], other, "같은 개인 식별키 (이름·생년월일·전화번호)", 1.0))
    out = []
    for entity, a, b, reason, sim in found:
        if (entity, a, b) in known:
            continue
        row = M.DuplicateProposalRow(hub_id=hub.id, entity=entity, keep_id=a, other_id=b, reason=reason,
                                     similarity=sim, status="open")
        session.add(row)
        session.flush()
        out.append(DuplicateProposal.model_validate(row))
    return out


def list_proposals(session: Session, principal: Principal, hub_ref: str | int,
                   status: str = "open") -> list[DuplicateProposal]:
    hub = _write_hub(session, principal, hub_ref, action="중복 후보 보기")
    rows = session.scalars(select(M.DuplicateProposalRow).where(M.DuplicateProposalRow.hub_id == hub.id,
                                                                M.DuplicateProposalRow.status == status))
    return [DuplicateProposal.model_validate(r) for r in rows]


def merge(session: Session, principal: Principal, proposal_id: int) -> MergeResult:
    """Merge a proposal (a human's decision): child rows of the other record move to the kept one, the other
    record is marked merged; the moved row ids are logged so :func:`undo_merge` restores them exactly."""
    prop = _get(session, principal, M.DuplicateProposalRow, proposal_id, "중복 후보")
    _require(principal, WRITE_ROLES, "병합")
    if prop.status != "open":
        raise InputError(f"이 후보는 이미 '{prop.status}' 상태입니다. 열린 후보만 병합할 수 있습니다.", field="proposal_id")
    model, children = ((M.OrganisationRow, ORG_CHILDREN) if prop.entity == "organisation"
                       else (M.PersonRow, PERSON_CHILDREN))
    kept, other = session.get(model, prop.keep_id), session.get(model, prop.other_id)
    if kept is None or other is None or other.merged_into_id is not None or kept.merged_into_id is not None:
        raise InputError("병합할 두 기록 가운데 하나가 이미 병합되었거나 없습니다.", field="proposal_id")
    moved: dict[str, list[int]] = {}
    for table, child, col in children:
        column = getattr(child, col)
        ids = list(session.scalars(select(child.id).where(column == other.id)))
        if ids:
            session.execute(update(child).where(child.id.in_(ids)).values({col: kept.id}))
            moved[f"{table}.{col}"] = ids
    other.merged_into_id = kept.id
    prop.status = "merged"
    log = M.MergeLogRow(hub_id=prop.hub_id, entity=prop.entity, kept_id=kept.id, merged_id=other.id, moved=moved,
                        proposal_id=prop.id, actor_user_id=principal.user_id)
    session.add(log)
    session.flush()
    return MergeResult(log_id=log.id, entity=prop.entity, kept_id=kept.id, merged_id=other.id, moved=moved)


def undo_merge(session: Session, principal: Principal, log_id: int) -> MergeResult:
    log = _get(session, principal, M.MergeLogRow, log_id, "병합 기록")
    _require(principal, WRITE_ROLES, "병합 되돌리기")
    if log.undone_at is not None:
        raise InputError("이미 되돌린 병합입니다.", field="log_id")
    tables = {t: (child, col) for t, child, col in ORG_CHILDREN + PERSON_CHILDREN}
    for key, ids in log.moved.items():
        table, _, col = key.partition(".")
        child, _ = tables[table]
        session.execute(update(child).where(child.id.in_(ids)).values({col: log.merged_id}))
    model = M.OrganisationRow if log.entity == "organisation" else M.PersonRow
    session.get(model, log.merged_id).merged_into_id = None
    if log.proposal_id:
        prop = session.get(M.DuplicateProposalRow, log.proposal_id)
        if prop is not None:
            prop.status = "open"
    log.undone_at = dt.datetime.now(dt.UTC)
    session.flush()
    return MergeResult(log_id=log.id, entity=log.entity, kept_id=log.kept_id, merged_id=log.merged_id,
                       moved=log.moved, undone=True)


def merge_log(session: Session, principal: Principal, hub_ref: str | int) -> list[dict]:
    hub = _write_hub(session, principal, hub_ref, action="병합 기록 보기")
    rows = session.scalars(select(M.MergeLogRow).where(M.MergeLogRow.hub_id == hub.id).order_by(M.MergeLogRow.id))
    return [{"id": r.id, "entity": r.entity, "kept_id": r.kept_id, "merged_id": r.merged_id, "moved": r.moved,
             "merged_at": r.merged_at, "undone_at": r.undone_at} for r in rows]


# --------------------------------------------------------------------------------------- alerts
def stale_organisations(session: Session, principal: Principal, hub_ref: str | int, *, today: dt.date,
                        months: int = 12) -> list[int]:
    """Supported organisations (selected at least once) with no outcome recorded in the last ``months``."""
    hub = get_hub_row(session, principal, hub_ref)
    cutoff = dt.date(today.year - months // 12, today.month, min(today.day, 28))
    supported = select(M.ApplicationRow.organisation_id).where(
        M.ApplicationRow.hub_id == hub.id, M.ApplicationRow.selected_on.is_not(None), M.ApplicationRow.selected_on < cutoff)
    recent = select(M.OutcomeRow.organisation_id).where(M.OutcomeRow.hub_id == hub.id,
                                                        M.OutcomeRow.observed_on >= cutoff)
    closed = select(M.OutcomeRow.organisation_id).where(M.OutcomeRow.hub_id == hub.id, M.OutcomeRow.kind == "폐업")
    q = (select(M.OrganisationRow.id).where(M.OrganisationRow.hub_id == hub.id, M.OrganisationRow.id.in_(supported),
                                            M.OrganisationRow.id.not_in(recent), M.OrganisationRow.id.not_in(closed),
                                            M.OrganisationRow.merged_into_id.is_(None)).order_by(M.OrganisationRow.id))
    return list(session.scalars(q))


def count_rows(session: Session, hub_id: int) -> dict[str, int]:
    out = {}
    for name, model in (("organisations", M.OrganisationRow), ("person_records", M.PersonRow), ("cohorts", M.CohortRow),
                        ("applications", M.ApplicationRow), ("supports", M.SupportRow),
                        ("outcomes", M.OutcomeRow), ("consultations", M.ConsultationRow)):
        out[name] = session.scalar(select(func.count()).select_from(model).where(model.hub_id == hub_id)) or 0
    return out
