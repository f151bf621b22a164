"""Region pages (/regions, /regions/{code}, /megaregions) and the regions API (/api/v1/regions…)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from moduai import regions as R
from moduai.balance.profile import RegionProfile, region_profile
from moduai.results import to_jsonable
from moduai.web import maps
from moduai.web.templating import render_page

router = APIRouter()

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
    ctx = RegionSearchContext(query=q, sido=R.list_regions("sido"))
    if q:
        try:
            hits = R.search_regions(q)
        except Exception as exc:  # InputError for malformed text: show it on the page
            ctx.message = getattr(exc, "message", str(exc))
            hits = []
        if len(hits) == 1 and request.query_params.get("format") != "json":
            return RedirectResponse(f"/regions/{hits[0].code}", status_code=303)
        ctx.results = hits
        if not hits and not ctx.message:
            ctx.suggestions = R.suggest_names(q)
            ctx.message = f"'{q}'에 맞는 지역이 없습니다."
    ctx.map_svg, ctx.legend = maps.megaregion_sido_map()
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


@router.get("/api/v1/regions", tags=["regions"])
def api_search(q: str = Query(..., description="지역 이름 (예: 포항시 북구, 강릉, 양덕동)"), limit: int = 20):
    """이름으로 지역 후보 찾기."""
    return {"query": q, "results": [r.to_dict() for r in R.search_regions(q, limit=limit)]}


@router.get("/api/v1/regions/resolve", tags=["regions"])
def api_resolve(q: str):
    """이름을 지역 하나로 확정 (모호하면 409와 후보, 없으면 404와 추천)."""
    return R.resolve_region(q).to_dict()


@router.get("/api/v1/regions/at", tags=["regions"])
def api_at(lat: float, lon: float):
    """좌표가 속한 시도·시군구·일반구·읍면동."""
    return R.region_at(lat, lon).to_dict()


@router.get("/api/v1/regions/{code}", tags=["regions"])
def api_region(code: str):
    """지역 개요: 상위·하위 지역, 5극3특, 주요 지표와 출처."""
    return to_jsonable(region_profile(code))


@router.get("/api/v1/regions/{code}/boundary", tags=["regions"])
def api_boundary(code: str):
    """GeoJSON 경계 (WGS84)."""
    region = R.get_region(code)
    rings = R.boundary_of(code)
    return {"type": "Feature", "properties": region.to_dict(),
            "geometry": {"type": "MultiPolygon", "coordinates": [[ring] for ring in rings]}}


@router.get("/api/v1/megaregions", tags=["regions"])
def api_megaregions(variant: str = "official"):
    """5극3특 권역 (official 또는 seed-blog)."""
    return {"variant": variant, "groups": [g.to_dict() for g in R.megaregions(variant)]}

