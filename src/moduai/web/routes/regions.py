"""Region pages (/regions, /regions/{code}, /megaregions) and the regions API (/api/v1/regions…)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from moduai import regions as R
from moduai.balance.profile import RegionProfile, region_profile
from moduai.regions.lookup import lookup_region, megaregion_list
from moduai.regions.point import KOREA_BBOX
from moduai.web import maps
from moduai.web.api import api_response
from moduai.web.errors import page_message
from moduai.web.schemas import regions as S
from moduai.web.templating import render_page

router = APIRouter()

# the ranges regions.validate_point enforces (with a Korean message); declared here only for the OpenAPI spec
_LAT_RANGE = {"minimum": KOREA_BBOX[1], "maximum": KOREA_BBOX[3]}
_LON_RANGE = {"minimum": KOREA_BBOX[0], "maximum": KOREA_BBOX[2]}

@dataclass
class RegionSearchContext:
    query: str | None
    results: list[R.Region] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    message: str | None = None
    sido: list[R.Region] = field(default_factory=list)
    map_svg: str = ""
    legend: str = ""


@dataclass
class RegionPageContext:
    profile: RegionProfile
    map_svg: str
    map_note: str


@dataclass
class MegaregionsContext:
    variant: str
    variants: tuple[str, ...]
    groups: list[dict]
    map_svg: str
    legend: str


@router.get("/regions", include_in_schema=False)
def regions_page(request: Request, q: str | None = None):
    """지역 찾기."""
    hits, suggestions, message = [], [], None
    if q:
        try:
            hits = R.search_regions(q)
        except Exception as exc:  # InputError for malformed text: show it on the page
            message = page_message(getattr(exc, "message", str(exc)))
        if len(hits) == 1 and request.query_params.get("format") != "json":
            return RedirectResponse(f"/regions/{hits[0].code}", status_code=303)
        if not hits and not message:
            suggestions, message = R.suggest_names(q), f"'{q}'에 맞는 지역이 없습니다."
    svg, legend = maps.megaregion_sido_map()
    ctx = RegionSearchContext(query=q, results=hits, suggestions=suggestions, message=message,
                              sido=R.list_regions("sido"), map_svg=svg, legend=legend)
    return render_page(request, "regions/index.html", ctx, title="지역 찾기")


@router.get("/regions/{code}", include_in_schema=False)
def region_page(request: Request, code: str):
    """지역 한 곳의 개요."""
    profile = region_profile(code)
    svg, note = maps.region_context_map(profile.region)
    return render_page(request, "regions/detail.html", RegionPageContext(profile, svg, note),
                       title=profile.region.full_name)


@router.get("/megaregions", include_in_schema=False)
def megaregions_page(request: Request, variant: str = "official"):
    """5극3특 한눈에 보기."""
    R.megaregions(variant)  # validates the variant with the house message
    groups = []
    for g in R.megaregions(variant):
        groups.append({**g.to_dict(), "colour": maps.mega_colour(g.id),
                       "sido": [R.get_region(c) for c in g.sido_codes],
                       "sigungu_count": sum(len(R.list_regions("sigungu", sido_code=c)) for c in g.sido_codes)})
    svg, legend = maps.megaregion_sido_map(variant, title=f"5극3특 ({variant})")
    return render_page(request, "regions/megaregions.html",
                       MegaregionsContext(variant, R.VARIANTS, groups, svg, legend), title="5극3특 권역")


# ---- JSON API -------------------------------------------------------------------------------------


@router.get("/api/v1/regions", tags=["regions"], response_model=S.RegionSearchPublic)
def api_search(q: str = Query(..., description="지역 이름 (예: 포항시 북구, 강릉, 양덕동)"),
               limit: int = Query(20, ge=1, le=200, description="최대 결과 수")):
    """이름으로 지역 후보 찾기."""
    return api_response({"query": q, "results": R.search_regions(q, limit=limit)})


@router.get("/api/v1/regions/resolve", tags=["regions"], response_model=S.RegionPublic)
def api_resolve(q: str = Query(..., description="지역 이름")):
    """이름을 지역 하나로 확정 (모호하면 409와 후보, 없으면 404와 추천)."""
    return api_response(R.resolve_region(q))


@router.get("/api/v1/regions/at", tags=["regions"], response_model=S.PointRegionPublic)
def api_at(lat: float = Query(..., ge=-90, le=90, description="위도 (WGS84)"),
           lon: float = Query(..., ge=-180, le=180, description="경도 (WGS84)")):
    """좌표가 속한 시도·시군구·일반구·읍면동."""
    return api_response(R.region_at(lat, lon))


@router.get("/api/v1/regions/lookup", tags=["regions"], response_model=S.RegionAnswerPublic)
def api_lookup(q: str | None = Query(None, description="지역 이름 (예: 포항시 북구)"),
               code: str | None = Query(None, description="행안부 지역 코드 (2·5·8·10자리)"),
               lat: float | None = Query(None, description="위도 (WGS84), lon과 함께", json_schema_extra=_LAT_RANGE),
               lon: float | None = Query(None, description="경도 (WGS84), lat과 함께", json_schema_extra=_LON_RANGE)):
    """지역 하나 찾기 (이름·코드·좌표): 지역, 상위 지역, 두 구분의 5극3특 권역 — `moduai region --json`과 같은 문서."""
    return api_response(lookup_region(q, lat, lon, code))


@router.get("/api/v1/regions/{code}", tags=["regions"], response_model=S.RegionProfilePublic)
def api_region(code: str):
    """지역 개요: 상위·하위 지역, 5극3특, 주요 지표와 출처."""
    return api_response(region_profile(code))


@router.get("/api/v1/regions/{code}/boundary", tags=["regions"], response_model=S.BoundaryFeature)
def api_boundary(code: str):
    """GeoJSON 경계 (WGS84)."""
    region = R.get_region(code)
    rings = R.boundary_of(code)
    return api_response({"type": "Feature", "properties": region.to_dict(),
                         "geometry": {"type": "MultiPolygon", "coordinates": [[ring] for ring in rings]}})


@router.get("/api/v1/megaregions", tags=["regions"], response_model=S.MegaregionListPublic)
def api_megaregions(variant: Literal[R.VARIANTS] = Query("official", description="5극3특 구분")):
    """5극3특 권역 (official 또는 seed-blog)."""
    return api_response(megaregion_list(variant))

