"""The planner view's map: 시군구 of the hubs' 시도 shaded by the number of supported firms (inline SVG)."""

from __future__ import annotations

from functools import lru_cache

from moduai.hubs.schemas import PlannerOverview
from moduai.web.svgmap import PALETTE, MapFeature, legend_html, quantile_bins, svg_map


@lru_cache(maxsize=32)
def _light_rings(sido: str) -> dict[str, list]:
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


def planner_map(overview: PlannerOverview) -> tuple[str, str]:
    """(svg, legend html) of supported firms by 시군구 over the 시도 of the visible hubs; ('', '') if none."""
    from moduai.regions import get_region

    sidos = sorted({h["region_code"][:2] for h in overview.hubs})
    if not sidos:
        return "", ""
    values = {a.code: float(a.supported) for a in overview.by_sigungu}
    feats_in = [(code, rings) for s in sidos for code, rings in _light_rings(s).items()]
    colours, legend = quantile_bins([values.get(c) for c, _ in feats_in], PALETTE[1::2], fmt="{:,.0f}")
    feats = []
    for (code, rings), colour in zip(feats_in, colours, strict=True):
        name = get_region(code).full_name
        v = values.get(code)
        feats.append(MapFeature(code, name, rings, colour,
                                tooltip=f"{name}: 지원 기업 {int(v):,}곳" if v is not None else f"{name}: 기록 없음"))
    legend.title = "지원 기업 수 (곳, 본점 기준)"
    return str(svg_map(feats, width=520, title="시군구별 지원 기업")), str(legend_html(legend))
