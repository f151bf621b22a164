"""Pages and API for `marketing` (thin: parse, call the domain, render).

Pages: /marketing/reviews (upload → /marketing/reviews/{id}, replies.csv), /marketing/customers (upload →
/marketing/customers/{id}, segments.csv / .xlsx); JSON: /api/v1/marketing/reviews…, /customers….
The hub, copy, calendar and A/B pages are in :mod:`moduai.web.routes.marketing_content` (included here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response

from moduai.accounts.policy import Principal, current_principal
from moduai.accounts.service import record_audit
from moduai.errors import InputError
from moduai.results import to_jsonable
from moduai.web.routes import marketing_content
from moduai.web.routes.marketing_content import _quoted, _recent
from moduai.web.templating import render_page

router = APIRouter()
router.include_router(marketing_content.router)

MAX_UPLOAD = 20 * 1024 * 1024


async def _read_upload(file: UploadFile | None) -> tuple[bytes, str]:
    if file is None or not file.filename:
        raise InputError("올릴 CSV 파일을 골라 주세요.", field="file")
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InputError("파일이 20 MB보다 큽니다. 나눠서 올려 주세요.", field="file")
    return data, file.filename



# -------------------------------------------------------------------------------------------- reviews
@dataclass
class ReviewsUploadContext:
    recent: list[Any]
    tones: tuple[str, ...]
    db_note: str | None = None


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


@router.get("/marketing/reviews", include_in_schema=False)
def reviews_page(request: Request, principal: Principal = Depends(current_principal)):
    """리뷰 CSV 올리기."""
    from moduai.marketing.reviews import TONES

    recent, note = _recent("reviews", principal)
    return render_page(request, "marketing/reviews.html", ReviewsUploadContext(recent, TONES, note), title="리뷰 분석")


@router.post("/marketing/reviews", include_in_schema=False)
async def reviews_upload(file: UploadFile = File(None), shop: str = Form("내 가게"), tone: str = Form("정중"),
                         principal: Principal = Depends(current_principal)):
    """리뷰 CSV 가져오기 → 결과 화면으로."""
    from moduai.marketing.reviews import validate_tone
    from moduai.marketing.store import import_reviews

    validate_tone(tone)
    data, name = await _read_upload(file)
    summary = import_reviews(data, name, shop, owner_id=principal.user_id)
    return RedirectResponse(f"/marketing/reviews/{summary.import_id}?tone={tone}", status_code=303)


def _review_analysis(import_id: int, tone: str, principal: Principal, llm: bool = False, *, audit: str | None = "view"):
    from moduai.config import get_settings
    from moduai.marketing.reviews import validate_tone
    from moduai.marketing.store import get_import

    validate_tone(tone)
    imp = get_import(import_id, "reviews", principal)  # another owner's import: NotFound (404)
    if audit:
        record_audit(principal, audit, "marketing_reviews", import_id)
    settings = get_settings()
    # created_at is in the key because a test database may be emptied and its ids reused; the LLM URL and
    # model because rewritten replies depend on them.
    llm_key = f"{settings.llm_base_url}|{settings.llm_model}" if llm else ""
    return imp, _cached_review_analysis(settings.database_url, import_id, str(imp.created_at), tone, imp.shop, llm_key)


@lru_cache(maxsize=16)
def _cached_review_analysis(database_url: str, import_id: int, created_at: str, tone: str, shop: str, llm_key: str):
    """Imports never change once stored, so the analysis of (database, import, tone) can be reused: the page,
    its tone switch and the CSV download do not re-run sentiment over every review (nor re-ask the model)."""
    from moduai.marketing.reviews import analyze_reviews
    from moduai.marketing.store import load_reviews

    analysis = analyze_reviews(load_reviews(import_id), tone=tone, shop=shop)
    if llm_key:
        from moduai.marketing.reply_llm import polish_replies_with_llm

        analysis = polish_replies_with_llm(analysis, shop=shop)
    return analysis


@router.get("/marketing/reviews/{import_id:int}", include_in_schema=False)
def reviews_result(request: Request, import_id: int, tone: str = "정중", llm: bool = False,
                   principal: Principal = Depends(current_principal)):
    """리뷰 분석 결과."""
    from moduai.ai.llm import configured_backend
    from moduai.marketing.reviews import TONES

    available = configured_backend() is not None
    imp, analysis = _review_analysis(import_id, tone, principal, llm and available)
    llm_q = "&llm=1" if llm and available else ""
    ctx = ReviewsResultContext(imp.shop, "import", [imp], tone, TONES, analysis,
                               f"/marketing/reviews/{import_id}/replies.csv?tone={tone}{llm_q}",
                               max((m.reviews for m in analysis.months), default=1), _shop_href(imp.shop, tone),
                               llm_available=available, llm_used=bool(llm_q),
                               llm_href=f"/marketing/reviews/{import_id}?tone={tone}&llm=1" if available else None)
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


@router.get("/api/v1/marketing/reviews", tags=["marketing"])
def api_reviews_shop(shop: str = Query(..., description="가게 이름"), tone: str = "정중",
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


@router.post("/api/v1/marketing/reviews", tags=["marketing"])
async def api_reviews(file: UploadFile = File(...), shop: str = Form("내 가게"), tone: str = Form("정중"),
                      principal: Principal = Depends(current_principal)):
    """리뷰 CSV(날짜, 평점, 내용)를 가져와 분석합니다. 잘못된 행이 있으면 아무것도 저장하지 않고 행별 사유를 돌려줍니다."""
    from moduai.marketing.reviews import validate_tone
    from moduai.marketing.store import import_reviews

    validate_tone(tone)
    data, name = await _read_upload(file)
    summary = import_reviews(data, name, shop, owner_id=principal.user_id)
    _imp, analysis = _review_analysis(summary.import_id, tone, principal)
    return JSONResponse(to_jsonable({"import": summary, "analysis": analysis}))


@router.get("/api/v1/marketing/reviews/{import_id:int}", tags=["marketing"])
def api_reviews_get(import_id: int, tone: str = "정중", principal: Principal = Depends(current_principal)):
    """저장된 리뷰 가져오기의 분석 결과."""
    imp, analysis = _review_analysis(import_id, tone, principal)
    return JSONResponse(to_jsonable({"import": imp, "analysis": analysis}))


# ------------------------------------------------------------------------------------------ customers
@dataclass
class CustomersUploadContext:
    recent: list[Any]
    db_note: str | None = None


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
async def customers_upload(file: UploadFile = File(None), shop: str = Form("내 가게"), principal: Principal = Depends(current_principal)):
    """매출 장부 가져오기 → 결과 화면으로."""
    from moduai.marketing.store import import_ledger

    data, name = await _read_upload(file)
    summary = import_ledger(data, name, shop, owner_id=principal.user_id)
    return RedirectResponse(f"/marketing/customers/{summary.import_id}", status_code=303)


def _customer_analysis(import_id: int, principal: Principal, as_of: str | None = None, *, audit: str = "view"):
    from moduai.marketing.customers import analyze_customers
    from moduai.marketing.store import get_import, load_sales

    day = None
    if as_of:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError as exc:
            raise InputError(f"'as_of'는 YYYY-MM-DD 날짜여야 합니다. 받은 값: '{as_of}'.", field="as_of") from exc
    imp = get_import(import_id, "ledger", principal)  # another owner's ledger: NotFound (404)
    record_audit(principal, audit, "marketing_ledger", import_id)
    return imp, analyze_customers(load_sales(import_id, principal), as_of=day)


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


@router.post("/api/v1/marketing/customers", tags=["marketing"])
async def api_customers(file: UploadFile = File(...), shop: str = Form("내 가게"), principal: Principal = Depends(current_principal)):
    """매출 장부 CSV(고객, 날짜, 금액)를 가져와 RFM 세그먼트를 계산합니다 (고객 식별값은 마스킹해 저장)."""
    from moduai.marketing.store import import_ledger

    data, name = await _read_upload(file)
    summary = import_ledger(data, name, shop, owner_id=principal.user_id)
    _imp, analysis = _customer_analysis(summary.import_id, principal)
    return JSONResponse(to_jsonable({"import": summary, "analysis": analysis}))


@router.get("/api/v1/marketing/customers/{import_id:int}", tags=["marketing"])
def api_customers_get(import_id: int, as_of: str | None = None, principal: Principal = Depends(current_principal)):
    """저장된 매출 장부의 RFM 분석."""
    imp, analysis = _customer_analysis(import_id, principal, as_of)
    return JSONResponse(to_jsonable({"import": imp, "analysis": analysis}))
