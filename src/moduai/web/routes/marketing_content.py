"""Marketing pages that need no upload: the hub, 홍보 문구, 콘텐츠 달력 (+ .ics/.csv) and A/B 테스트.

JSON: /api/v1/marketing/copy, /calendar, /calendar.ics, /abtest.  The upload pages (reviews, sales
ledgers) are in :mod:`moduai.web.routes.marketing`, which includes this router.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from moduai.accounts.policy import Principal, current_principal
from moduai.errors import InputError, ModuaiError
from moduai.web.api import api_response
from moduai.web.errors import page_message
from moduai.web.schemas import marketing as S
from moduai.web.templating import render_page

router = APIRouter()


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(name)}"


def _recent(kind: str | None, principal: Principal, limit: int = 20) -> tuple[list[Any], str | None]:
    """The caller's recent imports (anonymous: none), or an empty list and a Korean note when the database
    is not migrated yet."""
    from sqlalchemy.exc import SQLAlchemyError

    from moduai.marketing.store import list_imports

    try:
        return list_imports(kind, limit, principal), None
    except SQLAlchemyError:
        return [], "데이터베이스가 준비되지 않아 이전 가져오기 목록을 보여 줄 수 없습니다 (moduai db-upgrade)."


# ------------------------------------------------------------------------------------------------ hub
@dataclass
class FeatureCard:
    href: str
    title: str
    what: str


@dataclass
class MarketingHubContext:
    backend: dict
    features: list[FeatureCard]
    recent_imports: list[Any] = field(default_factory=list)
    db_note: str | None = None
    category: str = "일반"
    categories: list[str] = field(default_factory=list)
    today: dt.date | None = None
    upcoming: list[Any] = field(default_factory=list)


FEATURES = [
    FeatureCard("/marketing/copy", "홍보 문구", "플레이스 소개글, 인스타그램·블로그·카카오 채널 글, 전단, 이벤트 공지를 여러 안으로. 과장 표현 경고."),
    FeatureCard("/marketing/calendar", "콘텐츠 달력", "공휴일(설·추석 포함), 밸런타인데이·빼빼로데이·복날·수능 등 1년 게시 계획과 ICS 내려받기."),
    FeatureCard("/marketing/reviews", "리뷰 분석", "긍정·부정·복합, 맛·친절·가격·위생 등 측면별 집계와 월별 추이, 답글 초안, 꼭 확인할 리뷰."),
    FeatureCard("/marketing/customers", "고객 분석", "매출 장부로 RFM 점수와 단골·신규·이탈 위험 손님, 세그먼트별 쿠폰 제안, 재방문율."),
    FeatureCard("/marketing/abtest", "A/B 테스트", "두 쿠폰·두 문구 중 어느 쪽이 나은지: 두 비율 검정과 쉬운 말 결론."),
]


@router.get("/marketing", include_in_schema=False)
def marketing_hub(request: Request, category: str = "일반", principal: Principal = Depends(current_principal)):
    """마케팅 자동화 첫 화면."""
    from moduai.ai.llm import backend_status
    from moduai.ai.phrasebank import load_phrasebank, resolve_category
    from moduai.marketing.calendar import upcoming_posts

    recent, note = _recent(None, principal, 10)  # anonymous: none; a member: their own
    cat = resolve_category(category).key
    today = dt.date.today()
    ctx = MarketingHubContext(backend_status(), FEATURES, recent, note, cat, list(load_phrasebank()), today,
                              upcoming_posts(cat, today=today, days=45))
    return render_page(request, "marketing/hub.html", ctx, title="마케팅 자동화")


# ----------------------------------------------------------------------------------------------- copy
COPY_FIELDS = ("name", "category", "location", "strengths", "price_range", "target", "menu", "lat", "lon")


@dataclass
class CopyPageContext:
    form: dict[str, Any]
    channels: list[dict]
    result: Any = None
    error: str | None = None


def _profile_from_query(q: dict[str, str]):
    from moduai.marketing.profile import parse_profile

    raw: dict[str, Any] = {k: q.get(k, "") for k in COPY_FIELDS}
    if q.get("same_count"):
        try:
            raw["trade_area"] = {"same_category_count": int(q["same_count"]), "radius_m": int(q.get("radius") or 500)}
        except ValueError as exc:
            raise InputError("'같은 업종 수'와 '반경'은 정수여야 합니다.", field="same_count") from exc
    if q.get("event_title"):
        raw["event"] = {"title": q.get("event_title"), "period": q.get("event_period"), "detail": q.get("event_detail")}
    return parse_profile(raw)


@router.get("/marketing/copy", include_in_schema=False)
def copy_page(request: Request):
    """홍보 문구 만들기."""
    from moduai.marketing.copy import generate_copy, load_channels

    q = dict(request.query_params)
    picked = request.query_params.getlist("channel") or ["place", "instagram", "kakao", "flyer"]
    channels = [{"key": c.key, "label": c.label, "checked": c.key in picked} for c in load_channels().values()]
    ctx = CopyPageContext(form=q, channels=channels)
    if q.get("name"):
        try:
            ctx.result = generate_copy(_profile_from_query(q), picked, variants=3, month=_month(q.get("month")))
        except ModuaiError as exc:  # the form again, with what was typed and the message next to it
            ctx.error = page_message(exc.message)
            return render_page(request, "marketing/copy.html", ctx, title="홍보 문구", status_code=422)
    return render_page(request, "marketing/copy.html", ctx, title="홍보 문구")


def _month(text: str | None) -> int | None:
    """'계절 기준 달' as typed: empty → none, '5' or '5월' → 5; anything else is refused by name (not dropped)."""
    text = (text or "").strip().removesuffix("월").strip()
    if not text:
        return None
    if not text.isdigit():
        raise InputError(f"계절 기준 달(month)은 1~12 사이의 숫자로 적어 주세요. 받은 값: '{text}'.", field="month")
    return int(text)


@router.post("/api/v1/marketing/copy", tags=["marketing"], response_model=S.CopyResultPublic)
def api_copy(body: S.CopyRequest):
    """가게 정보(JSON)로 채널별 문구를 만듭니다. body: {profile: {...}, channels: [...], variants: 3, month: 5}."""
    from moduai.marketing.copy import generate_copy
    from moduai.marketing.profile import parse_profile

    data = body.model_dump(exclude_unset=True)
    profile = parse_profile(data.get("profile") or {})
    res = generate_copy(profile, data.get("channels"), variants=int(data.get("variants", 3)), month=data.get("month"))
    return api_response(res)


# ------------------------------------------------------------------------------------------- calendar
@dataclass
class CalendarPageContext:
    year: int
    category: str
    categories: list[str]
    calendar: Any
    ics_href: str
    csv_href: str


@router.get("/marketing/calendar", include_in_schema=False)
def calendar_page(request: Request, year: int | None = None, category: str = "카페"):
    """콘텐츠 달력."""
    from urllib.parse import urlencode

    from moduai.ai.phrasebank import load_phrasebank
    from moduai.marketing.calendar import build_content_calendar

    year = year or dt.date.today().year + (1 if dt.date.today().month >= 11 else 0)
    cal = build_content_calendar(year, category)
    query = urlencode({"year": year, "category": cal.category})
    ctx = CalendarPageContext(year, cal.category, list(load_phrasebank()), cal, "/marketing/calendar.ics?" + query,
                              "/marketing/calendar.csv?" + query)
    return render_page(request, "marketing/calendar.html", ctx, title=f"{year} 콘텐츠 달력")


def _ics_response(year: int, category: str) -> Response:
    from moduai.marketing.calendar import build_content_calendar, calendar_to_ics

    cal = build_content_calendar(year, category)
    return Response(calendar_to_ics(cal).encode("utf-8"), media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": _quoted(f"moduai_{year}_{cal.category}_달력.ics")})


@router.get("/marketing/calendar.csv", include_in_schema=False)
def calendar_csv_download(year: int = Query(...), category: str = "일반"):
    """달력 CSV 내려받기."""
    from moduai.marketing.calendar import build_content_calendar
    from moduai.marketing.exports import calendar_csv

    cal = build_content_calendar(year, category)
    return Response(calendar_csv(cal), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": _quoted(f"moduai_{year}_{cal.category}_달력.csv")})


@router.get("/marketing/calendar.ics", include_in_schema=False)
def calendar_ics(year: int = Query(...), category: str = "일반"):
    """ICS 내려받기."""
    return _ics_response(year, category)


@router.get("/api/v1/marketing/calendar", tags=["marketing"], response_model=S.ContentCalendarPublic)
def api_calendar(year: int = Query(..., ge=2000, le=2100, description="연도"), category: str = Query("일반", description="업종")):
    """12개월 콘텐츠 달력 (JSON)."""
    from moduai.marketing.calendar import build_content_calendar

    return api_response(build_content_calendar(year, category))


@router.get("/api/v1/marketing/calendar.ics", tags=["marketing"], response_class=Response,
            responses={200: {"content": {"text/calendar": {"schema": {"type": "string"}}}, "description": "iCalendar"}})
def api_calendar_ics(year: int = Query(..., ge=2000, le=2100, description="연도"), category: str = Query("일반", description="업종")):
    """12개월 콘텐츠 달력 (iCalendar, RFC 5545)."""
    return _ics_response(year, category)


# --------------------------------------------------------------------------------------------- abtest
@dataclass
class ABTestContext:
    a: str
    b: str
    alpha: float
    result: Any = None


@router.get("/marketing/abtest", include_in_schema=False)
def abtest_page(request: Request, a: str = "", b: str = "", alpha: float = 0.05):
    """A/B 테스트 판정."""
    from moduai.marketing.abtest import parse_arm, two_proportion_test

    ctx = ABTestContext(a, b, alpha)
    if a and b:
        ctx.result = two_proportion_test(*parse_arm(a, "a"), *parse_arm(b, "b"), alpha=alpha)
    return render_page(request, "marketing/abtest.html", ctx, title="A/B 테스트")


@router.get("/api/v1/marketing/abtest", tags=["marketing"], response_model=S.ABTestResultPublic)
def api_abtest(a: str = Query(..., description="A안 성공/전체, 예: 120/1000"),
               b: str = Query(..., description="B안 성공/전체, 예: 150/1000"),
               alpha: float = Query(0.05, gt=0, lt=0.5, description="유의수준")):
    """두 비율 z-검정(합동), p값, 차이의 신뢰구간, 한국어 결론."""
    from moduai.marketing.abtest import parse_arm, two_proportion_test

    return api_response(two_proportion_test(*parse_arm(a, "a"), *parse_arm(b, "b"), alpha=alpha))
