"""Pages and API for the 상권 report (thin: parse, call the domain, render).

- ``/commerce``: choose a place (search a 동 / 시군구, or click the map) and an 업종;
- ``/commerce/report?lat=&lon=&radius=&category=`` (or ``place=``): the report page;
- ``/commerce/report.pdf`` and ``/commerce/report.xlsx``: the same report as files;
- ``/api/v1/commerce/report`` and ``/api/v1/commerce/sites``: JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from moduai.errors import Ambiguous, InputError, NotFound
from moduai.results import to_jsonable
from moduai.web import maps
from moduai.web.errors import page_message
from moduai.web.schemas import commerce as S
from moduai.web.templating import render_page

router = APIRouter()

POPULAR_CATEGORIES = ["카페", "편의점", "치킨", "한식", "미용실", "베이커리", "분식", "세탁소", "약국", "학원"]


# ------------------------------------------------------------------------------------------ contexts
@dataclass
class PlaceMatch:
    label: str
    lat: float
    lon: float
    kind: str  # '읍면동' | '리' | '시군구' | '일반구' | '행정동' …
    href: str
    note: str = ""  # e.g. why an old name leads here


@dataclass
class CommerceIndexContext:
    """The place-and-업종 chooser."""

    q: str | None
    category: str
    radius: float
    lat: float | None
    lon: float | None
    matches: list[PlaceMatch] = field(default_factory=list)
    message: str | None = None
    suggestions: list[str] = field(default_factory=list)
    suggestion_links: list[PlaceMatch] = field(default_factory=list)  # each opens a report (never a search)
    popular_categories: list[str] = field(default_factory=lambda: list(POPULAR_CATEGORIES))
    map_svg: str = ""


@dataclass
class SourceLink:
    id: str
    title: str
    href: str
    synthetic: bool = False


@dataclass
class CommerceReportContext:
    """The report page: the domain report plus what only the page needs (map, chart data, links)."""

    report: Any  # moduai.commerce.report.CommerceReport
    query: dict[str, Any]
    map_svg: str
    chart_major: dict[str, list]
    sensitivity: dict[str, Any]
    pdf_href: str
    xlsx_href: str
    api_href: str
    source_links: list[SourceLink]


# ------------------------------------------------------------------------------------------- helpers
def _query(lat, lon, radius, category, place=None) -> dict[str, Any]:
    q: dict[str, Any] = {"radius": radius, "category": category}
    if lat is not None and lon is not None:
        q = {"lat": lat, "lon": lon, **q}
    elif place:
        q = {"place": place, **q}
    return q


def _source_links(ids: list[str]) -> list[SourceLink]:
    try:
        from moduai.data.catalog import load_catalog

        by_id = {d.id: d for d in load_catalog()}
    except Exception:  # noqa: BLE001 - a broken catalog must not break the report
        by_id = {}
    out = []
    for i in ids:
        d = by_id.get(i)
        out.append(SourceLink(i, d.title if d else i, f"/data#{i}", bool(d.synthetic) if d else False))
    return out


def _build(lat, lon, radius, category, place, snapshot):
    from moduai.commerce.report import build_commerce_report

    return build_commerce_report(lat, lon, radius_m=radius, category=category, place=place, snapshot=snapshot)


def _sensitivity(report) -> dict[str, Any]:
    from moduai.commerce.huff import SENSITIVITY_CORNER

    sens = report.huff.sensitivity
    alphas = sorted({s.alpha for s in sens})
    betas = sorted({s.beta for s in sens})
    grid = {(s.alpha, s.beta): s for s in sens}
    top = max((s.captured_residents for s in sens), default=1.0) or 1.0
    rows = [
        {"alpha": a, "cells": [{"beta": b, "value": grid[(a, b)].captured_residents,
                                 "share": grid[(a, b)].captured_share,
                                 "shade": round(0.12 + 0.75 * grid[(a, b)].captured_residents / top, 3),
                                 "current": a == report.huff.alpha and b == report.huff.beta} for b in betas]}
        for a in alphas
    ]
    return {"alphas": alphas, "betas": betas, "rows": rows, "corner": SENSITIVITY_CORNER}


# --------------------------------------------------------------------------------------------- pages
@router.get("/commerce", include_in_schema=False)
def commerce_index(
    request: Request,
    q: str | None = Query(None, description="동·시군구 이름"),
    category: str = Query("카페"),
    radius: float = Query(500.0),
    lat: float | None = Query(None),
    lon: float | None = Query(None),
):
    """상권 분석 시작: 장소와 업종 고르기."""
    from moduai.commerce.place_search import find_places

    found = find_places(q) if q else None
    matches = [_place_match(h, category, radius) for h in (found.hits if found else [])]
    message = None
    if found and not matches:
        message = found.note or f"'{q}'에 해당하는 곳을 찾지 못했습니다. '회기동', '포항시 남구 대잠동', '강릉시'처럼 적어 보세요."
    elif found and found.note:
        message = found.note
    ctx = CommerceIndexContext(q=q, category=category, radius=radius, lat=lat, lon=lon, matches=matches,
                               message=message, map_svg=maps.national_pick_map(),
                               suggestion_links=[_place_match(h, category, radius)
                                                 for h in (found.suggestions or [] if found else [])])
    return render_page(request, "commerce/index.html", ctx, title="상권 분석")


def _place_match(h, category, radius) -> PlaceMatch:
    """A search hit → a row whose link opens the report directly (``place`` never needs searching again)."""
    return PlaceMatch(h.label, h.lat, h.lon, h.kind,
                      "/commerce/report?" + urlencode({"place": h.place, "radius": radius, "category": category}),
                      h.note)


def _candidate_links(candidates, category, radius) -> list[PlaceMatch]:
    """Error candidates → report links: a candidate with a code opens that place; a census name likewise."""
    out = []
    for c in candidates[:12]:
        if isinstance(c, dict):
            place = c.get("code") or c.get("label")
            label, kind = c.get("label", str(place)), c.get("level", "")
        else:
            place, label, kind = str(c), str(c), "행정동"
        if place:
            out.append(PlaceMatch(label, 0.0, 0.0, kind, "/commerce/report?" + urlencode(
                {"place": place, "radius": radius, "category": category})))
    return out


@router.get("/commerce/report", include_in_schema=False)
def commerce_report_page(
    request: Request,
    lat: float | None = Query(None),
    lon: float | None = Query(None),
    radius: float = Query(500.0),
    category: str = Query("카페"),
    place: str | None = Query(None),
    snapshot: str | None = Query(None),
):
    """상권 보고서 페이지."""
    try:
        report = _build(lat, lon, radius, category, place, snapshot)
    except (InputError, NotFound, Ambiguous) as exc:
        if request.query_params.get("format") == "json":
            raise
        ctx = CommerceIndexContext(q=place, category=category, radius=radius, lat=lat, lon=lon,
                                   message=page_message(exc.message),
                                   suggestion_links=_candidate_links(exc.candidates, category, radius),
                                   map_svg=maps.national_pick_map())
        return render_page(request, "commerce/index.html", ctx, title="상권 분석 — 입력 확인",
                           status_code=exc.http_status)
    q = _query(report.lat, report.lon, report.radius_m, category, None)
    if snapshot:
        q["snapshot"] = snapshot
    qs = urlencode(q)
    ctx = CommerceReportContext(
        report=report,
        query=q,
        map_svg=maps.commerce_report_map(report),
        chart_major={"names": [c.name for c in report.trade_area.by_major],
                     "counts": [c.count for c in report.trade_area.by_major]},
        sensitivity=_sensitivity(report),
        pdf_href=f"/commerce/report.pdf?{qs}",
        xlsx_href=f"/commerce/report.xlsx?{qs}",
        api_href=f"/api/v1/commerce/report?{qs}",
        source_links=_source_links(report.sources),
    )
    title = f"상권 보고서 — {report.place.label if report.place else ''} {report.category['name']}"
    return render_page(request, "commerce/report.html", ctx, title=title)


def _filename(report, ext: str) -> str:
    from urllib.parse import quote

    place = (report.place.emd_name or report.place.sigungu_name or "상권") if report.place else "상권"
    name = f"상권보고서_{place}_{report.category['name']}_{int(report.radius_m)}m.{ext}".replace("/", "·")
    return f"attachment; filename=\"moduai-report.{ext}\"; filename*=UTF-8''{quote(name)}"


@router.get("/commerce/report.pdf", include_in_schema=False)
def commerce_report_pdf(
    lat: float | None = Query(None), lon: float | None = Query(None), radius: float = Query(500.0),
    category: str = Query("카페"), place: str | None = Query(None), snapshot: str | None = Query(None),
):
    """상권 보고서 PDF."""
    from moduai.commerce.export import report_pdf_bytes
    from moduai.commerce.trade_area import get_stores

    report = _build(lat, lon, radius, category, place, snapshot)
    return Response(report_pdf_bytes(report, get_stores(None, snapshot)), media_type="application/pdf",
                    headers={"Content-Disposition": _filename(report, "pdf")})


@router.get("/commerce/report.xlsx", include_in_schema=False)
def commerce_report_xlsx(
    lat: float | None = Query(None), lon: float | None = Query(None), radius: float = Query(500.0),
    category: str = Query("카페"), place: str | None = Query(None), snapshot: str | None = Query(None),
):
    """상권 보고서 XLSX."""
    from moduai.commerce.export import report_xlsx_bytes

    report = _build(lat, lon, radius, category, place, snapshot)
    return Response(report_xlsx_bytes(report),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": _filename(report, "xlsx")})


@dataclass
class SitesPageContext:
    """입지 추천 page: the ranking plus a map of the 시군구 with the top cells."""

    region: str | None
    category: str
    top: int
    ranking: Any | None  # moduai.commerce.sites.SiteRanking
    map_svg: str = ""
    message: str | None = None
    api_href: str = ""


@router.get("/commerce/sites", include_in_schema=False)
def commerce_sites_page(
    request: Request,
    region: str | None = Query(None),
    category: str = Query("카페"),
    top: int = Query(10),
    snapshot: str | None = Query(None),
):
    """입지 추천 페이지."""
    from moduai.commerce.sites import rank_sites

    if not region:
        return render_page(request, "commerce/sites.html", SitesPageContext(region, category, top, None), title="입지 추천")
    try:
        ranking = rank_sites(region, category, snapshot=snapshot, top=top)
    except (InputError, NotFound) as exc:
        cands = [c.get("label", str(c)) if isinstance(c, dict) else str(c) for c in exc.candidates][:8]
        ctx = SitesPageContext(region, category, top, None,
                               message=page_message(exc.message) + (" 후보: " + ", ".join(cands) if cands else ""))
        return render_page(request, "commerce/sites.html", ctx, title="입지 추천 — 입력 확인",
                           status_code=exc.http_status)
    ctx = SitesPageContext(region, category, top, ranking, map_svg=maps.commerce_sites_map(ranking),
                           api_href="/api/v1/commerce/sites?" + urlencode({"region": region, "category": category,
                                                                          "top": top}))
    return render_page(request, "commerce/sites.html", ctx, title="입지 추천")


# ----------------------------------------------------------------------------------------------- API
@router.get("/api/v1/commerce/report", tags=["commerce"], response_model=S.CommerceReportPublic)
def api_commerce_report(
    lat: float | None = Query(None, description="위도 (WGS84)"),
    lon: float | None = Query(None, description="경도 (WGS84)"),
    radius: float = Query(500.0, gt=0, le=5000, description="반경 m, 0 초과 5,000 이하"),
    category: str = Query(..., description="업종: 카페, 편의점, I21201 …"),
    place: str | None = Query(None, description="lat/lon 대신 읍면동·시군구 이름"),
    snapshot: str | None = Query(None, description="스냅샷 id (기본: 내장 기본값)"),
):
    """상권 보고서: 점포·업종 구성, 경쟁점, 과밀, 허프 모형 예상 고객, 부족 업종, 요약 (JSON)."""
    report = _build(lat, lon, radius, category, place, snapshot)
    return JSONResponse(to_jsonable(report))


@router.get("/api/v1/commerce/sites", tags=["commerce"], response_model=S.SiteRankingPublic)
def api_commerce_sites(
    region: str = Query(..., description="시군구 이름 또는 코드: 포항시, 강릉시, 47110"),
    category: str = Query(..., description="업종"),
    top: int = Query(10, ge=1, le=100, description="후보 셀 수 1~100"),
    resolution: int | None = Query(None, ge=6, le=10, description="H3 해상도 6~10 (기본 8)"),
    snapshot: str | None = Query(None, description="스냅샷 id (기본: 내장 기본값)"),
    previous: str | None = Query(None, description="생존율에 쓸 이전 스냅샷 id"),
):
    """입지 추천: 시군구 안 H3 셀 순위와 점수 구성 (JSON)."""
    from moduai.commerce.sites import rank_sites

    result = rank_sites(region, category, snapshot=snapshot, previous_snapshot=previous, top=top, resolution=resolution)
    return JSONResponse(to_jsonable(result))

