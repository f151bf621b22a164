"""상가 data pages and API (thin: parse, call the domain, render).

- ``GET /commerce/data``: snapshots (embedded real, synthetic default, imported quarters) and an upload form;
- ``POST /commerce/data``: import uploaded CSV files as a background job (the import, then the snapshot's
  analysis files, each a step on the job page) and show the report with every rejected row — on this page when
  the job ends within :data:`UPLOAD_INLINE_WAIT_S`, else after the job page (``/commerce/data?job=<id>``);
- ``GET /api/v1/commerce/snapshots``: the snapshots as JSON;
- ``POST /commerce/data/fetch``: fetch one 행정동 or one circle from the 상가(상권)정보 API with the server's
  key (``MODUAI_DATA_GO_KR_KEY``; the form shows only when it is set) as a background job;
- ``POST /api/v1/commerce/import``: multipart ``files`` (+ optional ``snapshot``) → ImportReport JSON;
- ``GET /api/v1/commerce/categories`` (``?level=``) and ``/api/v1/commerce/categories/resolve?text=카페``.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse

from moduai.accounts.policy import Principal, current_principal
from moduai.accounts.service import record_audit
from moduai.commerce import snapshots, taxonomy
from moduai.commerce.importer import ImportReport, import_sangga_files
from moduai.commerce.sdsc_api import FetchReport, api_configured, fetch_stores
from moduai.commerce.store import SnapshotInfo
from moduai.errors import InputError, ModuaiError, NotFound
from moduai.results import to_jsonable
from moduai.web.errors import page_error
from moduai.web.fields import field_label
from moduai.web.schemas import commerce as S
from moduai.web.templating import render_page

router = APIRouter()


@dataclass
class MajorSummary:
    code: str
    name: str
    mids: int
    minors: int


@dataclass
class CommerceDataContext:
    """The data page: snapshots, the upload form, and the last import's report or error."""

    snapshots: list[SnapshotInfo]
    majors: list[MajorSummary]
    report: ImportReport | None = None
    error: dict | None = None
    snapshot_input: str = ""
    api_configured: bool = False
    fetch: FetchReport | None = None
    fetch_input: dict = field(default_factory=dict)
    sources: list[str] = field(default_factory=lambda: ["upjong-2023", "upjong-crosswalk", "sangga-hoegidong-2026q1",
                                                        "sangga-gangwon-sample", "sangga-synthetic", "sangga-imported",
                                                        "sangga-api"])


def _majors() -> list[MajorSummary]:
    cats = taxonomy.list_categories()
    out = []
    for m in (c for c in cats if c.level == "major"):
        out.append(MajorSummary(
            m.code, m.name,
            sum(1 for c in cats if c.level == "mid" and c.major_code == m.code),
            sum(1 for c in cats if c.level == "minor" and c.major_code == m.code),
        ))
    return out


def _safe_name(name: str | None, i: int) -> str:
    """The uploaded file's own name (kept: the quarter is read from it), without any folder part."""
    base = Path(name or "").name.strip() or f"upload_{i}.csv"
    return re.sub(r"[\x00-\x1f/\\]", "_", base)[:200]


def _spool(files: list[UploadFile], folder: Path) -> list[Path]:
    if not files or all(not (f.filename or "").strip() for f in files):
        raise InputError("가져올 CSV 파일을 하나 이상 골라 주세요.", field="files")
    paths = []
    for i, f in enumerate(files):
        target = folder / f"{i:03d}" / _safe_name(f.filename, i)
        target.parent.mkdir()
        with target.open("wb") as out:
            shutil.copyfileobj(f.file, out, length=1 << 20)
        paths.append(target)
    return paths


def _audit_import(principal: Principal, report: ImportReport, names: list[str | None]) -> None:
    # Snapshots are shared public data (operators import them); who imported what goes to the audit log.
    record_audit(principal, "import", "commerce_snapshot", report.snapshot, {"files": names})


def _import_uploads(files: list[UploadFile], snapshot: str | None, principal: Principal) -> ImportReport:
    """The API's import: in the request, analysis files included (the answer comes when both are done)."""
    from moduai.housekeeping import spooled_upload_folder

    with spooled_upload_folder() as tmp:  # MODUAI_HOME/tmp: a killed import's copy is cleaned at the next start
        paths = _spool(files, Path(tmp))
        report = import_sangga_files(paths, snapshot=(snapshot or "").strip() or None)
    _audit_import(principal, report, [f.filename for f in files])
    return report


UPLOAD_INLINE_WAIT_S = 5.0  # a file of a few thousand rows is imported well within this: its report shows at once
IMPORT_SHARE = 0.6  # of the job's progress bar; the analysis files take the rest (≈ 8 s vs ≈ 6 s nationally)


def _import_job(folder: Path, paths: list[Path], snapshot: str | None, names: list[str | None],
                principal: Principal, *, progress) -> dict:
    """Runs in the job pool: import the spooled files, then build the snapshots' analysis files."""
    def on_bytes(done: int, total: int) -> None:
        progress(IMPORT_SHARE * done / max(total, 1),
                 f"1/2단계: 상가정보를 가져오는 중입니다 ({done / 1e6:,.0f}/{total / 1e6:,.0f} MB).")

    def on_structures(done: int, total: int) -> None:
        progress(IMPORT_SHARE + (1 - IMPORT_SHARE) * done / max(total, 1),
                 f"2/2단계: 상권 보고서가 바로 열 분석용 색인 파일을 만드는 중입니다 ({done}/{total}).")

    try:
        progress(0.0, "1/2단계: 상가정보를 가져오는 중입니다.")
        report = import_sangga_files(paths, snapshot=snapshot, progress=on_bytes, structures_progress=on_structures)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _audit_import(principal, report, names)
    state = "이미 가져온 파일입니다" if report.already_imported else \
        f"가져오기 완료: {report.rows_ok:,}행 저장, {report.rows_rejected:,}행 거부"
    note = " ".join([f"{state}.", *(b.message for b in report.structures)])
    return {"result_url": "/commerce/data?job={job}", "report": report, "note": note}


def _submit_import(files: list[UploadFile], snapshot: str, principal: Principal):
    """Spool the uploads to a folder the job owns, start the import job and wait for it up to the inline time."""
    from moduai.housekeeping import new_spool_folder
    from moduai.jobs import get_runner

    folder = new_spool_folder()  # named after this process: cleaned at the next start if the server dies
    try:
        paths = _spool(files, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    names = [f.filename for f in files]
    runner = get_runner()
    job = runner.submit("commerce-import", f"상가정보 가져오기 · {', '.join(p.name for p in paths)[:80]}", _import_job,
                        folder, paths, (snapshot or "").strip() or None, names, principal,
                        owner_id=principal.user_id)
    return runner.wait(job.id, UPLOAD_INLINE_WAIT_S)


def _finished_job(job_id: str | None, principal: Principal):
    """The finished import or fetch job ``job_id`` of this user (its report goes on the page), else None."""
    if not job_id:
        return None
    from moduai.jobs import get_runner

    try:
        job = get_runner().get(job_id)
    except NotFound:  # a server restart forgets jobs: the page shows the snapshots without the report
        return None
    if job.status != "done" or job.kind not in ("commerce-import", "commerce-fetch") or \
            job.owner_id != principal.user_id or not isinstance(job.result, dict):
        return None
    return job


def _page(request: Request, *, report=None, error=None, snapshot_input: str = "", status: int = 200,
          fetch: FetchReport | None = None, fetch_input: dict | None = None):
    ctx = CommerceDataContext(snapshots.list_snapshots(), _majors(), report if fetch is None else fetch.imported,
                              error, snapshot_input, api_configured(), fetch, fetch_input or {})
    return render_page(request, "commerce_data/index.html", ctx, title="상가 자료 가져오기", status_code=status)


@router.get("/commerce/data", include_in_schema=False)
def commerce_data_page(request: Request, job: str | None = Query(None, description="끝난 가져오기 작업 번호"),
                       principal: Principal = Depends(current_principal)):
    """상가 자료: 스냅샷 목록과 가져오기 양식 (가져오기 작업이 끝난 뒤에는 그 결과)."""
    done = _finished_job(job, principal)
    if done is not None and done.kind == "commerce-fetch":
        return _page(request, fetch=done.result["report"])
    return _page(request, report=done.result["report"] if done is not None else None)


@router.post("/commerce/data", include_in_schema=False)
def commerce_data_upload(request: Request, files: list[UploadFile] = File(default=[]), snapshot: str = Form(default=""),
                         principal: Principal = Depends(current_principal)):
    """상가정보 CSV를 올려 가져오고(작업으로 실행) 거부된 행을 보여 줍니다."""
    try:
        job = _submit_import(files, snapshot, principal)
        if job.status == "failed" and job.exception is not None:
            raise job.exception
    except ModuaiError as exc:  # show the message and every rejected row on the same page
        return _page(request, error=page_error(exc), snapshot_input=snapshot, status=exc.http_status)
    if job.status == "done":
        return _page(request, report=job.result["report"], snapshot_input=snapshot)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)  # running (or failed unexpectedly): its status page


FETCH_INLINE_WAIT_S = 5.0  # a 행정동 of a few hundred stores is one or two pages: the operator sees the result here


def _float_or_none(v: str, field_name: str) -> float | None:
    v = (v or "").strip()
    if not v:
        return None
    try:
        return float(v)
    except ValueError:
        raise InputError(f"{field_label(field_name)}에는 숫자를 적어 주세요. 받은 값: '{v}'.", field=field_name) from None


def _fetch_job(args: dict, principal: Principal, *, progress) -> dict:
    report = fetch_stores(
        **args, progress=lambda done, total: progress(0.9 * done / max(total, 1), f"1/2단계: {done:,}/{total:,}건 받음"),
        structures_progress=lambda done, total: progress(
            0.9 + 0.1 * done / max(total, 1), f"2/2단계: 분석용 색인 파일을 만드는 중입니다 ({done}/{total})."))
    record_audit(principal, "fetch", "commerce_snapshot", report.snapshot or "-",
                 {"operation": report.operation, "query": report.query, "rows_ok": report.rows_ok})
    return {"result_url": "/commerce/data?job={job}", "report": report,
            "note": " ".join([report.message + ".", *(b.message for b in report.imported.structures)])
            if report.imported is not None else None}


@router.post("/commerce/data/fetch", include_in_schema=False)
def commerce_data_fetch(request: Request, dong: str = Form(default=""), lat: str = Form(default=""),
                        lon: str = Form(default=""), radius: str = Form(default=""), major: str = Form(default=""),
                        snapshot: str = Form(default=""), principal: Principal = Depends(current_principal)):
    """상가(상권)정보 API에서 행정동 하나 또는 반경 안의 점포를 받아 가져옵니다 (작업으로 실행)."""
    from moduai.jobs import get_runner

    entered = {"dong": dong, "lat": lat, "lon": lon, "radius": radius, "major": major, "snapshot": snapshot}
    try:
        args = {"dong": dong.strip() or None, "lat": _float_or_none(lat, "lat"), "lon": _float_or_none(lon, "lon"),
                "radius_m": _float_or_none(radius, "radius"), "major": major.strip() or None,
                "snapshot": snapshot.strip() or None}
        runner = get_runner()
        job = runner.submit("commerce-fetch", f"상가정보 API 받기 · {dong or f'반경 {radius} m'}", _fetch_job, args,
                            principal, owner_id=principal.user_id)
        job = runner.wait(job.id, FETCH_INLINE_WAIT_S)
        if job.status == "failed" and job.exception is not None:
            raise job.exception
    except ModuaiError as exc:
        return _page(request, error=page_error(exc), status=exc.http_status, fetch_input=entered)
    if job.status == "done":
        return _page(request, fetch=job.result["report"], fetch_input=entered)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/api/v1/commerce/snapshots", tags=["commerce"], response_model=S.SnapshotListPublic)
def api_snapshots() -> JSONResponse:
    """Snapshots: embedded (real 회기동, 강원 sample, synthetic default) and imported quarters."""
    return JSONResponse(to_jsonable(snapshots.snapshot_list()))


@router.post("/api/v1/commerce/import", tags=["commerce"], response_model=S.ImportReportPublic)
def api_import(files: list[UploadFile] = File(default=[]), snapshot: str = Form(default=""),
               principal: Principal = Depends(current_principal)) -> JSONResponse:
    """Import published 상가(상권)정보 CSV files; returns rows stored and every rejected row."""
    return JSONResponse(to_jsonable(_import_uploads(files, snapshot, principal)))


@router.get("/api/v1/commerce/categories", tags=["commerce"], response_model=S.CategoryListPublic)
def api_categories(level: Literal["major", "mid", "minor"] | None = Query(None, description="업종 단계 (없으면 전부)")
                   ) -> JSONResponse:
    """The 2023 업종 taxonomy (10 대 / 75 중 / 247 소분류)."""
    return JSONResponse(to_jsonable({"categories": taxonomy.list_categories(level), "sources": ["upjong-2023"]}))


@router.get("/api/v1/commerce/categories/resolve", tags=["commerce"], response_model=S.CategoryAnswerPublic)
def api_resolve_category(text: str = Query(..., description="코드, 공식 이름 또는 흔한 이름 (카페, 치킨 …)")) -> JSONResponse:
    """Resolve what a user typed to a 2023 업종 (422 with suggestions when unknown)."""
    return JSONResponse(to_jsonable({"category": taxonomy.resolve_category(text),
                                     "sources": ["upjong-2023", "upjong-crosswalk"]}))
