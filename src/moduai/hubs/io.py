"""Korean CSV/XLSX templates, imports with row-level error reports, and the XLSX 성과 보고.

Imports (:func:`import_file`) read every row, validate all of them and store nothing if any row is wrong
(:class:`~moduai.errors.ImportRejected` lists every rejected row with its line and reason). A re-import of
the same rows changes nothing: each entity has a natural key (사업자등록번호 or 기관명; keyed identity;
기관 + 기수; 기관 + 날짜 + 종류 …) looked up before insert. Organisations are referred to by
사업자등록번호 or, for 예비창업자, by 기관명.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from moduai.accounts.policy import Principal
from moduai.db.models import ImportLog
from moduai.errors import ImportRejected, InputError, ModuaiError, RowError
from moduai.hubs import identity as ID
from moduai.hubs import models as M
from moduai.hubs import service as S
from moduai.hubs.kpis import compute_kpis

ORG_REF = "기관(사업자등록번호 또는 기관명)"
TEMPLATES: dict[str, dict[str, Any]] = {
    "organisations": {"label": "기관", "columns": ["기관명", "사업자등록번호", "예비창업자", "본점 시군구", "업종", "설립일"],
                      "example": ["(주)영일테크", "124-81-00998", "아니오", "포항시", "제조", "2021-03-02"]},
    "people": {"label": "사람", "columns": ["이름", "생년월일", "전화번호", "동의일", "동의 범위", ORG_REF],
               "example": ["김민수", "1990-01-02", "010-1234-5678", "2025-01-10", "지원사업 운영·성과 관리", "124-81-00998"]},
    "applications": {"label": "신청", "columns": [ORG_REF, "기수 ID", "신청일", "상태", "선정일", "수료일"],
                     "example": ["124-81-00998", "1", "2025-02-01", "수료", "2025-03-01", "2025-09-30"]},
    "supports": {"label": "지원", "columns": [ORG_REF, "지원일", "종류", "금액(원)", "면적(㎡)", "멘토링 시간", "지원사업 slug", "메모"],
                 "example": ["124-81-00998", "2025-04-01", "자금", "30000000", "", "", "", "시제품 제작비"]},
    "outcomes": {"label": "성과", "columns": [ORG_REF, "날짜", "종류", "투자금액(원)", "고용 인원", "매출 구간", "이전 시군구", "근거"],
                 "example": ["124-81-00998", "2025-06-30", "고용", "", "7", "", "", "고용보험"]},
}
STATUS_KO = {"신청": "applied", "선정": "selected", "탈락": "rejected", "수료": "completed", "중도 포기": "dropped"}
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell starting with = + - @ (or a tab/CR) gets a leading ' so spreadsheets show it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_LEAD):
        return "'" + value
    return value


def _entity(entity: str) -> dict:
    if entity not in TEMPLATES:
        choices = ", ".join(f"{t['label']}({key})" for key, t in TEMPLATES.items())
        raise InputError(f"가져올 종류(entity)는 {choices} 중 하나여야 합니다. 받은 값: '{entity}'.", field="entity")
    return TEMPLATES[entity]


def template_csv(entity: str) -> bytes:
    t = _entity(entity)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(t["columns"])
    w.writerow(t["example"])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def template_xlsx(entity: str) -> bytes:
    from openpyxl import Workbook  # deferred: openpyxl is slow to import and only templates need it

    t = _entity(entity)
    wb = Workbook()
    ws = wb.active
    ws.title = t["label"]
    ws.append(t["columns"])
    ws.append([neutralise(v) for v in t["example"]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_rows(data: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8 with or without BOM, or CP949) or XLSX file as {header: text}."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook  # deferred: only XLSX uploads need it

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        it = wb.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(it, [])]
        rows = []
        for r in it:
            vals = ["" if v is None else (v.date().isoformat() if isinstance(v, dt.datetime) else
                                          v.isoformat() if isinstance(v, dt.date) else str(v)) for v in r]
            rows.append(dict(zip(header, vals, strict=False)))
        return rows
    for enc in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError("파일 인코딩을 읽을 수 없습니다. UTF-8 또는 CP949 CSV로 저장해 주세요.", field="file")
    reader = csv.DictReader(io.StringIO(text))
    return [{(k or "").strip(): (v or "").strip() for k, v in r.items()} for r in reader]


@dataclass
class ImportResult:
    entity: str
    hub: str
    rows: int
    inserted: int
    unchanged: int
    label: str | None = None
    sources: list[str] = field(default_factory=lambda: ["hubs-records"])


class _OrgIndex:
    def __init__(self, session: Session, hub_id: int):
        rows = session.execute(select(M.OrganisationRow.id, M.OrganisationRow.brn, M.OrganisationRow.name)
                               .where(M.OrganisationRow.hub_id == hub_id, M.OrganisationRow.merged_into_id.is_(None))
                               .order_by(M.OrganisationRow.id)).all()
        self.by_brn: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self._memo: dict[str, int] = {}
        for r in rows:
            if r.brn:
                self.by_brn.setdefault(r.brn, r.id)
            self.by_name.setdefault(ID.normalise_org_name(r.name), r.id)

    def find(self, ref: str) -> int:
        hit = self._memo.get(ref)
        if hit is not None:
            return hit
        oid = self._find(ref)
        self._memo[ref] = oid
        return oid

    def _find(self, ref: str) -> int:
        ref = (ref or "").strip()
        if not ref:
            raise InputError(f"{ORG_REF}를 적어 주세요.", field="organisation")
        digits = ref.replace("-", "").replace(" ", "")
        if digits.isdigit():
            brn = ID.normalise_brn(ref)
            if brn in self.by_brn:
                return self.by_brn[brn]
            raise InputError(f"사업자등록번호 {ID.format_brn(brn)} 기관이 이 거점센터에 없습니다. 기관을 먼저 가져오세요.",
                             field="organisation")
        oid = self.by_name.get(ID.normalise_org_name(ref))
        if oid is None:
            raise InputError(f"'{ref}' 기관이 이 거점센터에 없습니다. 기관을 먼저 가져오세요.", field="organisation")
        return oid


def _num(v: str, field_: str, *, integer: bool = True):
    v = (v or "").replace(",", "").strip()
    if not v:
        return None
    try:
        return int(float(v)) if integer else float(v)
    except ValueError:
        raise InputError(f"{field_}에는 숫자를 적어 주세요. 받은 값: '{v}'.", field=field_) from None


def import_file(session: Session, principal: Principal, hub_ref: str | int, entity: str, data: bytes,
                filename: str = "upload.csv") -> ImportResult:
    """Validate every row, then store all of them (or none: ImportRejected lists each bad row)."""
    t = _entity(entity)
    hub = S.get_hub_row(session, principal, hub_ref)
    S._require(principal, S.WRITE_ROLES, "가져오기")
    rows = read_rows(data, filename)
    missing = [c for c in t["columns"] if rows and c not in rows[0]]
    if missing or not rows:
        raise ImportRejected(f"{t['label']} 파일에 필요한 열이 없거나 행이 없습니다: {', '.join(missing) or '데이터 행 없음'}. "
                             f"{t['label']} 양식을 내려받아 그 열 이름을 쓰세요.",
                             detail=f"template: /hubs/templates/{entity}.csv or moduai hubs import --template {entity} "
                                    f"--out {entity}.csv",
                             candidates=[{"label": f"{t['label']} 양식 내려받기", "href": f"/hubs/templates/{entity}.csv"}])
    handler = {"organisations": _prepare_orgs, "people": _prepare_people, "applications": _prepare_apps,
               "supports": _prepare_supports, "outcomes": _prepare_outcomes}[entity]
    errors: list[RowError] = []
    new_rows, unchanged = handler(session, hub, rows, errors)
    if errors:
        raise ImportRejected(f"{t['label']} {len(rows)}행 가운데 {len(errors)}행에 문제가 있어 아무것도 저장하지 않았습니다. "
                             "행마다 이유를 확인해 고친 뒤 다시 가져오세요.", errors)
    model = {"organisations": M.OrganisationRow, "people": M.PersonRow, "applications": M.ApplicationRow,
             "supports": M.SupportRow, "outcomes": M.OutcomeRow}[entity]
    if new_rows:
        session.execute(insert(model.__table__), new_rows)  # Core insert: no ORM bookkeeping per row
    session.add(ImportLog(domain="hubs", source_name=f"{hub.slug}/{entity}/{Path(filename).name}"[:500],
                          sha256=hashlib.sha256(data).hexdigest(), rows_ok=len(rows), rows_rejected=0,
                          note=f"inserted {len(new_rows)}, unchanged {unchanged}"))
    session.flush()
    return ImportResult(entity, hub.slug, len(rows), len(new_rows), unchanged,
                        label=S.SYNTHETIC_LABEL if hub.is_synthetic else None)


def _each(rows, errors, fn):
    for i, r in enumerate(rows, start=2):  # line 1 is the header
        try:
            fn(r)
        except ModuaiError as exc:
            errors.append(RowError(i, exc.message, next(iter(r.values()), None)))


def _prepare_orgs(session, hub, rows, errors):
    idx = _OrgIndex(session, hub.id)
    out, unchanged, seen = [], 0, set()

    def one(r):
        nonlocal unchanged
        name = r["기관명"].strip()
        if not name:
            raise InputError("기관명이 비어 있습니다.", field="기관명")
        brn = ID.normalise_brn(r["사업자등록번호"], field="사업자등록번호")
        key = brn or "name:" + ID.normalise_org_name(name)
        if key in seen:
            raise InputError("같은 파일에 같은 기관이 두 번 있습니다.", field="기관명")
        seen.add(key)
        if (brn and brn in idx.by_brn) or (not brn and ID.normalise_org_name(name) in idx.by_name):
            unchanged += 1
            return
        out.append({"hub_id": hub.id, "name": name[:200], "brn": brn,
                    "is_prospective": r["예비창업자"].strip() in ("예", "Y", "y", "1") or brn is None,
                    "region_code": S._region_code(r["본점 시군구"]) or hub.region_code, "sector": r["업종"] or None,
                    "founded_on": S._date(r["설립일"], "설립일", required=False), "merged_into_id": None})

    _each(rows, errors, one)
    return out, unchanged


def _prepare_people(session, hub, rows, errors):
    idx = _OrgIndex(session, hub.id)
    known = set(session.scalars(select(M.PersonRow.person_key).where(M.PersonRow.hub_id == hub.id)))
    out, unchanged = [], 0

    def one(r):
        nonlocal unchanged
        key = ID.person_key(r["이름"], r["생년월일"], r["전화번호"])
        consent = S._date(r["동의일"], "동의일")
        org = idx.find(r[ORG_REF]) if r[ORG_REF] else None
        if key in known:
            unchanged += 1
            return
        known.add(key)
        out.append({"hub_id": hub.id, "person_key": key, "name_masked": ID.mask_person_name(r["이름"]),
                    "phone_masked": ID.mask_phone(r["전화번호"]), "organisation_id": org, "consent_on": consent,
                    "consent_scope": (r["동의 범위"] or "지원사업 운영·성과 관리")[:200], "merged_into_id": None})

    _each(rows, errors, one)
    return out, unchanged


def _prepare_apps(session, hub, rows, errors):
    idx = _OrgIndex(session, hub.id)
    cohorts = set(session.scalars(select(M.CohortRow.id).where(M.CohortRow.hub_id == hub.id)))
    known = {(a, b) for a, b in session.execute(select(M.ApplicationRow.organisation_id, M.ApplicationRow.cohort_id)
                                                .where(M.ApplicationRow.hub_id == hub.id))}
    out, unchanged = [], 0

    def one(r):
        nonlocal unchanged
        org = idx.find(r[ORG_REF])
        cohort = _num(r["기수 ID"], "기수 ID")
        if cohort not in cohorts:
            raise InputError(f"기수 ID {cohort}이(가) 이 거점센터에 없습니다.", field="기수 ID")
        status = STATUS_KO.get(r["상태"].strip())
        if status is None:
            raise InputError(f"상태는 {', '.join(STATUS_KO)} 중 하나여야 합니다. 받은 값: '{r['상태']}'.", field="상태")
        selected = S._date(r["선정일"], "선정일", required=status in ("selected", "completed", "dropped"))
        done = S._date(r["수료일"], "수료일", required=status in ("completed", "dropped"))
        if (org, cohort) in known:
            unchanged += 1
            return
        known.add((org, cohort))
        out.append({"hub_id": hub.id, "organisation_id": org, "cohort_id": cohort,
                    "applied_on": S._date(r["신청일"], "신청일"), "status": status, "selected_on": selected,
                    "completed_on": done, "person_id": None})

    _each(rows, errors, one)
    return out, unchanged


def _prepare_supports(session, hub, rows, errors):
    idx = _OrgIndex(session, hub.id)
    known = set(tuple(r) for r in session.execute(select(M.SupportRow.organisation_id, M.SupportRow.given_on, M.SupportRow.kind,
                                       M.SupportRow.amount_krw).where(M.SupportRow.hub_id == hub.id)).all())
    out, unchanged = [], 0

    def one(r):
        nonlocal unchanged
        org = idx.find(r[ORG_REF])
        kind = S._choice(r["종류"], S.SUPPORT_KINDS, "종류", "지원 종류")
        amount = _num(r["금액(원)"], "금액(원)")
        if kind == "자금" and not amount:
            raise InputError("자금 지원에는 금액(원)을 적어 주세요.", field="금액(원)")
        given = S._date(r["지원일"], "지원일")
        key = (org, given, kind, amount)
        if key in known:
            unchanged += 1
            return
        known.add(key)
        out.append({"hub_id": hub.id, "organisation_id": org, "given_on": given, "kind": kind, "amount_krw": amount,
                    "space_m2": _num(r["면적(㎡)"], "면적(㎡)", integer=False),
                    "mentoring_hours": _num(r["멘토링 시간"], "멘토링 시간", integer=False),
                    "program_slug": r["지원사업 slug"] or None, "cohort_id": None, "note": r["메모"] or None})

    _each(rows, errors, one)
    return out, unchanged


def _prepare_outcomes(session, hub, rows, errors):
    idx = _OrgIndex(session, hub.id)
    known = {(o, str(d)[:10], k) for o, d, k in session.execute(
        text("SELECT organisation_id, observed_on, kind FROM hub_outcomes WHERE hub_id = :h"), {"h": hub.id})}
    out, unchanged = [], 0

    def one(r):
        nonlocal unchanged
        org = idx.find(r[ORG_REF])
        row = S.outcome_values(hub.id, org, observed_on=r["날짜"], kind=r["종류"], evidence=r["근거"],
                               amount_krw=_num(r["투자금액(원)"], "투자금액(원)"), headcount=_num(r["고용 인원"], "고용 인원"),
                               revenue_band=r["매출 구간"] or None, region_code=r["이전 시군구"] or None)
        key = (org, row["observed_on"].isoformat(), row["kind"])
        if key in known:
            unchanged += 1
            return
        known.add(key)
        out.append(row)

    _each(rows, errors, one)
    return out, unchanged


# ------------------------------------------------------------------------------------------ export
def performance_report_xlsx(session: Session, principal: Principal, hub_ref: str | int, year: int) -> bytes:
    """성과 보고 (XLSX) of one hub and year: KPI sheet (value, numerator, denominator, definition), the
    organisations supported and the year's outcomes. Text cells are neutralised against formulas."""
    # deferred: openpyxl is slow to import and only the report needs it
    from openpyxl import Workbook
    from openpyxl.styles import Font

    report = compute_kpis(session, principal, hub_ref, year)
    hub = S.get_hub_row(session, principal, hub_ref)
    wb = Workbook()
    ws = wb.active
    ws.title = "KPI"
    title = f"{hub.name} {year}년 성과 보고" + (" (합성 데이터)" if hub.is_synthetic else "")
    ws.append([neutralise(title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"기준일 {report.as_of.isoformat()} · 모든 값은 기록에서 계산했습니다(직접 입력한 값 없음)."])
    ws.append([])
    ws.append(["KPI", "값", "단위", "분자", "분모", "분자 정의", "분모 정의", "정의"])
    for k in report.kpis:
        ws.append([neutralise(v) for v in (k.name, k.value, k.unit, k.numerator, k.denominator, k.numerator_label,
                                           k.denominator_label, k.definition)])
    if principal.sees_personal_data:
        orgs = S.list_organisations(session, principal, hub.id, limit=100000)
        ws2 = wb.create_sheet("기관")
        ws2.append(["기관 ID", "기관명", "사업자등록번호", "예비창업자", "본점 시군구", "업종"])
        for o in orgs:
            ws2.append([neutralise(v) for v in (o.id, o.name, o.brn, "예" if o.is_prospective else "아니오",
                                                o.region_code, o.sector)])
        ws3 = wb.create_sheet("성과")
        ws3.append(["기관 ID", "날짜", "종류", "투자금액(원)", "고용 인원", "매출 구간", "이전 시군구", "근거"])
        q = (select(M.OutcomeRow).where(M.OutcomeRow.hub_id == hub.id,
                                        M.OutcomeRow.observed_on >= dt.date(year, 1, 1),
                                        M.OutcomeRow.observed_on <= dt.date(year, 12, 31)).order_by(M.OutcomeRow.observed_on))
        for o in session.scalars(q):
            ws3.append([neutralise(v) for v in (o.organisation_id, o.observed_on, o.kind, o.amount_krw, o.headcount,
                                                o.revenue_band, o.region_code, o.evidence)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
