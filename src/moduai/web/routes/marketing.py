"""Pages and API for `marketing` (thin: parse, call the domain, render).

Pages: /marketing/reviews (upload → /marketing/reviews/{id}, replies.csv), /marketing/customers (upload →
/marketing/customers/{id}, segments.csv / .xlsx); JSON: /api/v1/marketing/reviews…, /customers….
The hub, copy, calendar and A/B pages are in :mod:`moduai.web.routes.marketing_content` (included here).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response

from moduai.accounts.policy import Principal, current_principal
from moduai.accounts.service import record_audit
from moduai.errors import InputError, ModuaiError
from moduai.marketing.reviews import TONES
from moduai.results import to_jsonable
from moduai.web.errors import page_error
from moduai.web.routes import marketing_content
from moduai.web.routes.marketing_content import _quoted, _recent
from moduai.web.schemas import marketing as S
from moduai.web.templating import render_page
from moduai.web.uploads import read_upload as _read_upload
from moduai.web.uploads import spool_upload as _spool_upload

router = APIRouter()
router.include_router(marketing_content.router)



INLINE_WAIT_S = 3.0  # a small file's job usually ends within this: the owner goes straight to the result
PROCESS_BYTES = 1 << 20  # ledgers larger than this are parsed and analysed in the worker process


def ledger_import(path: str, name: str, shop: str, owner_id: int | None = None):
    """Import a ledger file (run in the worker process for large files); returns the small import summary.

    The analysis is not sent back: unpickling 20,000 customers would hold the server's interpreter lock for
    a long C call.  The result page computes it once in a worker thread and caches it."""
    from pathlib import Path

    from moduai.marketing.store import import_ledger

    return import_ledger(Path(path).read_bytes(), name, shop, owner_id=owner_id)


def _import_job(kind: str, folder, path, name: str, shop: str, tone: str, principal: Principal, *, progress) -> str:
    """Runs in the job pool: read the spooled file, check and store it, warm the analysis cache."""
    import shutil

    from moduai.marketing.store import import_ledger, import_reviews

    try:
        progress(0.05, "파일을 읽고 행마다 확인하는 중입니다.")
        if kind == "reviews":
            summary = import_reviews(path.read_bytes(), name, shop, owner_id=principal.user_id)
        elif path.stat().st_size > PROCESS_BYTES:
            from moduai.jobs import run_in_process

            summary = run_in_process(ledger_import, str(path), name, shop, principal.user_id)
            return f"/marketing/customers/{summary.import_id}"
        else:
            summary = import_ledger(path.read_bytes(), name, shop, owner_id=principal.user_id)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    progress(0.8, f"{summary.rows:,}행을 저장했습니다. 분석하는 중입니다.")
    if kind == "reviews":
        _review_analysis(summary.import_id, tone, principal, audit=None)
        return f"/marketing/reviews/{summary.import_id}?tone={tone}"
    _customer_analysis(summary.import_id, principal, audit=None)
    return f"/marketing/customers/{summary.import_id}"


def _submit_upload(kind: str, file: UploadFile | None, shop: str, principal: Principal,
                   tone: str = "정중") -> RedirectResponse:
    """Spool the upload, run the import and analysis as a background job; answer with the result page when
    the job ends within :data:`INLINE_WAIT_S`, else with the job's status page (a platform error — a
    refused file with its rows — is shown on this page as before)."""
    from moduai.jobs import get_runner

    folder, path, name = _spool_upload(file)
    title = f"{'리뷰' if kind == 'reviews' else '매출 장부'} 가져오기 · {name}"
    runner = get_runner()
    job = runner.submit(kind, title, _import_job, kind, folder, path, name, shop, tone, principal)
    job = runner.wait(job.id, INLINE_WAIT_S)
    if job.status == "failed" and job.exception is not None:
        raise job.exception
    if job.status == "done" and job.result_url:
        return RedirectResponse(job.result_url, status_code=303)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


# -------------------------------------------------------------------------------------------- reviews
@dataclass
class ReviewsUploadContext:
    recent: list[Any]
    tones: tuple[str, ...]
    db_note: str | None = None
    error: dict | None = None  # a refused file: its message and rows (web.errors.page_error)
    shop: str = ""
    tone: str = "정중"


@dataclass
class ReviewsResultContext:
    shop: str
    scope: str  # 'import' (one file) | 'shop' (every file of the shop)
    imports: list[Any]
    tone: str
    tones: tuple[str, ...]
    analysis: Any
    csv_href: str
    max_month_reviews: int
    shop_href: str
    duplicates_dropped: int = 0
    llm_available: bool = False
    llm_used: bool = False
    llm_href: str | None = None
    model_note: str | None = None  # which review model classified (or that it is being re-learnt), in Korean
    model_job: str | None = None  # the learning job to follow while the model is being re-learnt


@router.get("/marketing/reviews", include_in_schema=False)
def reviews_page(request: Request, principal: Principal = Depends(current_principal)):
    """리뷰 CSV 올리기."""
    from moduai.marketing.reviews import TONES

    recent, note = _recent("reviews", principal)
    return render_page(request, "marketing/reviews.html", ReviewsUploadContext(recent, TONES, note), title="리뷰 분석")


@router.post("/marketing/reviews", include_in_schema=False)
def reviews_upload(request: Request, file: UploadFile = File(None), shop: str = Form("내 가게"),
                   tone: str = Form("정중"), principal: Principal = Depends(current_principal)):
    """리뷰 CSV 가져오기(백그라운드 작업) → 결과 화면 또는 작업 진행 화면으로; 거절되면 같은 양식에 사유."""
    from moduai.marketing.reviews import validate_tone

    try:
        validate_tone(tone)
        return _submit_upload("reviews", file, shop, principal, tone)
    except ModuaiError as exc:  # the form again: shop name and tone kept, the message and every rejected row
        recent, note = _recent("reviews", principal)
        ctx = ReviewsUploadContext(recent, TONES, note, page_error(exc), shop, tone if tone in TONES else "정중")
        return render_page(request, "marketing/reviews.html", ctx, title="리뷰 분석", status_code=exc.http_status)


def _review_analysis(import_id: int, tone: str, principal: Principal, llm: bool = False, *, audit: str | None = "view"):
    from moduai.config import get_settings
    from moduai.marketing.review_sentiment import active_model_key
    from moduai.marketing.reviews import validate_tone
    from moduai.marketing.store import analysis_of_import, get_import

    validate_tone(tone)
    imp = get_import(import_id, "reviews", principal)  # another owner's import: NotFound (404)
    if audit:
        record_audit(principal, audit, "marketing_reviews", import_id)
    settings = get_settings()
    # created_at is in the key because a test database may be emptied and its ids reused; the LLM URL and
    # model because rewritten replies depend on them.
    llm_key = f"{settings.llm_base_url}|{settings.llm_model}" if llm else ""
    return imp, analysis_of_import(settings.database_url, import_id, str(imp.created_at), tone, imp.shop, llm_key,
                                   active_model_key())


@router.get("/marketing/reviews/{import_id:int}", include_in_schema=False)
def reviews_result(request: Request, import_id: int, tone: str = "정중", llm: bool = False,
                   principal: Principal = Depends(current_principal)):
    """리뷰 분석 결과."""
    from moduai.ai.llm import configured_backend
    from moduai.marketing.reviews import TONES
    from moduai.marketing.store import review_learning_job, sentiment_model_note

    available = configured_backend() is not None
    imp, analysis = _review_analysis(import_id, tone, principal, llm and available)
    llm_q = "&llm=1" if llm and available else ""
    ctx = ReviewsResultContext(imp.shop, "import", [imp], tone, TONES, analysis,
                               f"/marketing/reviews/{import_id}/replies.csv?tone={tone}{llm_q}",
                               max((m.reviews for m in analysis.months), default=1), _shop_href(imp.shop, tone),
                               llm_available=available, llm_used=bool(llm_q),
                               llm_href=f"/marketing/reviews/{import_id}?tone={tone}&llm=1" if available else None,
                               model_note=sentiment_model_note(), model_job=review_learning_job())
    return render_page(request, "marketing/review_result.html", ctx, title=f"리뷰 분석 · {imp.shop}")


def _shop_href(shop: str, tone: str, suffix: str = "") -> str:
    from urllib.parse import urlencode

    return f"/marketing/reviews/shop{suffix}?" + urlencode({"name": shop, "tone": tone})


def _shop_review_analysis(name: str, tone: str, principal: Principal, action: str = "view"):
    from moduai.marketing.reviews import analyze_reviews, validate_tone
    from moduai.marketing.store import load_shop_reviews

    validate_tone(tone)
    merged = load_shop_reviews(name, principal)
    record_audit(principal, action, "marketing_shop_reviews", None, {"shop": merged.shop,
                                                                     "imports": [i.import_id for i in merged.imports]})
    return merged, analyze_reviews(merged.records, tone=tone, shop=merged.shop)


@router.get("/marketing/reviews/shop", include_in_schema=False)
def reviews_shop(request: Request, name: str = Query(...), tone: str = "정중", principal: Principal = Depends(current_principal)):
    """한 가게의 모든 리뷰 파일을 합친 분석."""
    from moduai.marketing.reviews import TONES

    merged, analysis = _shop_review_analysis(name, tone, principal)
    ctx = ReviewsResultContext(merged.shop, "shop", merged.imports, tone, TONES, analysis,
                               _shop_href(merged.shop, tone, "/replies.csv"),
                               max((m.reviews for m in analysis.months), default=1), _shop_href(merged.shop, tone),
                               merged.duplicates_dropped)
    return render_page(request, "marketing/review_result.html", ctx, title=f"리뷰 분석 · {merged.shop} 전체")


@router.get("/marketing/reviews/shop/replies.csv", include_in_schema=False)
def reviews_shop_csv(name: str = Query(...), tone: str = "정중", principal: Principal = Depends(current_principal)):
    """가게 전체 답글 초안 CSV."""
    from moduai.marketing.exports import replies_csv

    merged, analysis = _shop_review_analysis(name, tone, principal, "export")
    return Response(replies_csv(analysis), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": _quoted(f"답글초안_{merged.shop}_전체.csv")})


@router.get("/api/v1/marketing/reviews", tags=["marketing"], response_model=S.ShopReviewsPublic)
def api_reviews_shop(shop: str = Query(..., description="가게 이름"),
                     tone: Literal[TONES] = Query("정중", description="답글 말투"),
                     principal: Principal = Depends(current_principal)):
    """한 가게의 모든 리뷰 파일을 합친 분석 (같은 날짜·별점·내용·작성자 중복은 한 번만)."""
    merged, analysis = _shop_review_analysis(shop, tone, principal)
    return JSONResponse(to_jsonable({"shop": merged.shop, "imports": merged.imports,
                                     "duplicates_dropped": merged.duplicates_dropped, "analysis": analysis}))


@router.get("/marketing/reviews/{import_id:int}/replies.csv", include_in_schema=False)
def reviews_replies_csv(import_id: int, tone: str = "정중", llm: bool = False, principal: Principal = Depends(current_principal)):
    """답글 초안 CSV."""
    from moduai.ai.llm import configured_backend
    from moduai.marketing.exports import replies_csv

    imp, analysis = _review_analysis(import_id, tone, principal, llm and configured_backend() is not None,
                                     audit="export")
    return Response(replies_csv(analysis), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": _quoted(f"답글초안_{imp.shop}_{import_id}.csv")})


@router.post("/api/v1/marketing/reviews", tags=["marketing"], response_model=S.ReviewsImportPublic)
def api_reviews(file: UploadFile = File(...), shop: str = Form("내 가게"), tone: Literal[TONES] = Form("정중"),
                principal: Principal = Depends(current_principal)):
    """리뷰 CSV(날짜, 평점, 내용)를 가져와 분석합니다. 잘못된 행이 있으면 아무것도 저장하지 않고 행별 사유를 돌려줍니다."""
    from moduai.marketing.reviews import validate_tone
    from moduai.marketing.store import import_reviews

    validate_tone(tone)
    data, name = _read_upload(file)
    summary = import_reviews(data, name, shop, owner_id=principal.user_id)
    _imp, analysis = _review_analysis(summary.import_id, tone, principal)
    return JSONResponse(to_jsonable({"import": summary, "analysis": analysis}))


@router.get("/api/v1/marketing/reviews/{import_id:int}", tags=["marketing"], response_model=S.ReviewsImportPublic)
def api_reviews_get(import_id: int, tone: Literal[TONES] = Query("정중", description="답글 말투"),
                    principal: Principal = Depends(current_principal)):
    """저장된 리뷰 가져오기의 분석 결과."""
    imp, analysis = _review_analysis(import_id, tone, principal)
    return JSONResponse(to_jsonable({"import": imp, "analysis": analysis}))


# ------------------------------------------------------------------------------------------ customers
@dataclass
class CustomersUploadContext:
    recent: list[Any]
    db_note: str | None = None
    error: dict | None = None
    shop: str = "내 가게"


@dataclass
class CustomersResultContext:
    imported: Any
    analysis: Any
    csv_href: str
    xlsx_href: str


@router.get("/marketing/customers", include_in_schema=False)
def customers_page(request: Request, principal: Principal = Depends(current_principal)):
    """매출 장부 올리기 (내가 올린 장부만 보입니다)."""
    recent, note = _recent("ledger", principal)
    return render_page(request, "marketing/customers.html", CustomersUploadContext(recent, note), title="고객 분석")


@router.post("/marketing/customers", include_in_schema=False)
def customers_upload(request: Request, file: UploadFile = File(None), shop: str = Form("내 가게"),
                     principal: Principal = Depends(current_principal)):
    """매출 장부 가져오기(백그라운드 작업) → 결과 화면 또는 작업 진행 화면으로; 거절되면 같은 양식에 사유."""
    try:
        return _submit_upload("ledger", file, shop, principal)
    except ModuaiError as exc:  # the form again with the shop name, the message and every rejected row
        recent, note = _recent("ledger", principal)
        ctx = CustomersUploadContext(recent, note, page_error(exc), shop)
        return render_page(request, "marketing/customers.html", ctx, title="고객 분석", status_code=exc.http_status)


def _customer_analysis(import_id: int, principal: Principal, as_of: str | None = None, *, audit: str | None = "view"):
    from moduai.config import get_settings
    from moduai.marketing.store import get_import

    day = None
    if as_of:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError as exc:
            raise InputError(f"기준일(as_of)은 2026-03-01 같은 연-월-일 날짜여야 합니다. 받은 값: '{as_of}'.",
                             field="as_of") from exc
    imp = get_import(import_id, "ledger", principal)  # another owner's ledger: NotFound (404)
    if audit:
        record_audit(principal, audit, "marketing_ledger", import_id)
    key = (get_settings().database_url, import_id, str(imp.created_at), day)
    with _CUSTOMER_CACHE_LOCK:
        hit = _CUSTOMER_CACHE.get(key)
    if hit is None:
        from moduai.marketing.customers import analyze_customers
        from moduai.marketing.store import load_sales

        hit = _remember_customer_analysis(key, analyze_customers(load_sales(import_id, principal), as_of=day))
    return imp, hit


# A stored ledger never changes: its RFM analysis is computed once (the upload job fills this), not on
# every page view and download.  Keyed by (database, import id, created_at, as_of); the last 8 are kept.
# Only reached after get_import has checked the caller may see the ledger.
_CUSTOMER_CACHE: OrderedDict = OrderedDict()
_CUSTOMER_CACHE_LOCK = threading.Lock()


def _remember_customer_analysis(key: tuple, analysis):
    with _CUSTOMER_CACHE_LOCK:
        _CUSTOMER_CACHE[key] = analysis
        _CUSTOMER_CACHE.move_to_end(key)
        while len(_CUSTOMER_CACHE) > 8:
            _CUSTOMER_CACHE.popitem(last=False)
    return analysis


@router.get("/marketing/customers/{import_id:int}", include_in_schema=False)
def customers_result(request: Request, import_id: int, as_of: str | None = None, principal: Principal = Depends(current_principal)):
    """고객 분석 결과."""
    imp, analysis = _customer_analysis(import_id, principal, as_of)
    ctx = CustomersResultContext(imp, analysis, f"/marketing/customers/{import_id}/segments.csv",
                                 f"/marketing/customers/{import_id}/segments.xlsx")
    return render_page(request, "marketing/customer_result.html", ctx, title=f"고객 분석 · {imp.shop}")


@router.get("/marketing/customers/{import_id:int}/segments.csv", include_in_schema=False)
def customers_csv(import_id: int, principal: Principal = Depends(current_principal)):
    """세그먼트 CSV."""
    from moduai.marketing.exports import segments_csv

    imp, analysis = _customer_analysis(import_id, principal, audit="export")
    return Response(segments_csv(analysis), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": _quoted(f"고객세그먼트_{imp.shop}_{import_id}.csv")})


@router.get("/marketing/customers/{import_id:int}/segments.xlsx", include_in_schema=False)
def customers_xlsx(import_id: int, principal: Principal = Depends(current_principal)):
    """세그먼트 엑셀."""
    from moduai.marketing.exports import segments_xlsx

    imp, analysis = _customer_analysis(import_id, principal, audit="export")
    return Response(segments_xlsx(analysis),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": _quoted(f"고객세그먼트_{imp.shop}_{import_id}.xlsx")})


@router.post("/api/v1/marketing/customers", tags=["marketing"], response_model=S.CustomersImportPublic)
def api_customers(file: UploadFile = File(...), shop: str = Form("내 가게"),
                  principal: Principal = Depends(current_principal)):
    """매출 장부 CSV(고객, 날짜, 금액)를 가져와 RFM 세그먼트를 계산합니다 (고객 식별값은 마스킹해 저장)."""
    from moduai.marketing.store import import_ledger

    data, name = _read_upload(file)
    summary = import_ledger(data, name, shop, owner_id=principal.user_id)
    _imp, analysis = _customer_analysis(summary.import_id, principal)
    return JSONResponse(to_jsonable({"import": summary, "analysis": analysis}))


@router.get("/api/v1/marketing/customers/{import_id:int}", tags=["marketing"], response_model=S.CustomersImportPublic)
def api_customers_get(import_id: int, as_of: str | None = Query(None, description="기준일 YYYY-MM-DD",
                                                               json_schema_extra={"format": "date"}),
                      principal: Principal = Depends(current_principal)):
    """저장된 매출 장부의 RFM 분석."""
    imp, analysis = _customer_analysis(import_id, principal, as_of)
    return JSONResponse(to_jsonable({"import": imp, "analysis": analysis}))
