"""Offline maps as inline SVG, drawn on the server: no tiles, no CDN, readable without JavaScript.

Projection: equirectangular around the map's mean latitude (x = lon·cos φ₀, y = −lat), which keeps
shapes right at the scale of a 시도 or a 시군구.  The <svg> carries ``data-lon0/lat0/scale/coslat`` so a
few lines of page JS can turn a click back into lon/lat (see ``static/mapclick.js``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

# Sequential palette (light → dark green-blue), colour-blind safe (ColorBrewer GnBu 7).
PATH_CACHE_MAX = 4096  # entries of a caller's path_cache (≈ 230 시군구 × a few frames in practice)
PALETTE = ["#f0f9e8", "#ccebc5", "#a8ddb5", "#7bccc4", "#4eb3d3", "#2b8cbe", "#08589e"]


@dataclass
class MapFeature:
    code: str
    label: str
    rings: list[list[list[float]]]
    fill: str = "#cfd8e3"
    href: str | None = None
    tooltip: str | None = None
    css_class: str = "region"


@dataclass
class MapPoint:
    lon: float
    lat: float
    radius_px: float = 3.0
    fill: str = "#1d4e89"
    label: str | None = None
    css_class: str = "pt"


@dataclass
class MapCircle:
    lon: float
    lat: float
    radius_m: float
    stroke: str = "#b42318"


@dataclass
class MapLabel:
    """A text label at a point, drawn above the regions and under the points (dy shifts it down, px)."""

    lon: float
    lat: float
    text: str
    css_class: str = "map-label"
    dy: float = 0.0


@dataclass(frozen=True)
class Projection:
    """The map's lon/lat → pixel projection (the same numbers the <svg> carries as ``data-*``)."""

    lon0: float
    lat_top: float
    scale: float
    coslat: float
    pad: float

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.pad + (lon - self.lon0) * self.coslat * self.scale, self.pad + (self.lat_top - lat) * self.scale)


@dataclass
class MapDrawing:
    """What the map builder returns: the SVG and the projection it used (to place anything else on it)."""

    svg: Markup
    projection: Projection | None

    def __html__(self) -> str:
        return str(self.svg)

    def __str__(self) -> str:
        return str(self.svg)


@dataclass
class Legend:
    title: str
    items: list[tuple[str, str]] = field(default_factory=list)  # (colour, label)


def quantile_bins(values: Sequence[float | None], palette: Sequence[str] = PALETTE, *, higher_is_better: bool = True,
                  fmt: str = "{:,.1f}") -> tuple[list[str], Legend]:
    """Colours for values by quantile class (missing values grey) and the matching legend items."""
    present = sorted(v for v in values if v is not None and not math.isnan(v))
    k = len(palette)
    if not present:
        return ["#e5e7eb"] * len(values), Legend("", [])
    cuts = [present[min(len(present) - 1, int(round(i * (len(present) - 1) / k)))] for i in range(k + 1)]
    pal = list(palette) if higher_is_better else list(reversed(palette))
    colours = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            colours.append("#e5e7eb")
            continue
        idx = sum(1 for c in cuts[1:-1] if v > c)
        colours.append(pal[min(idx, k - 1)])
    items = [(pal[i], f"{fmt.format(cuts[i])} – {fmt.format(cuts[i + 1])}") for i in range(k)]
    return colours, Legend("", items)


def svg_map(features: Sequence[MapFeature], *, points: Sequence[MapPoint] = (), circles: Sequence[MapCircle] = (),
            width: int = 640, title: str = "지도", focus_code: str | None = None, pad: int = 8,
            bbox_from: Sequence[MapFeature] | None = None, labels: Sequence[MapLabel] = (),
            path_cache: dict | None = None) -> Markup:
    """An accessible inline SVG map of ``features`` (and points/circles on top)."""
    return draw_map(features, points=points, circles=circles, width=width, title=title, focus_code=focus_code,
                    pad=pad, bbox_from=bbox_from, labels=labels, path_cache=path_cache).svg


def draw_map(features: Sequence[MapFeature], *, points: Sequence[MapPoint] = (), circles: Sequence[MapCircle] = (),
             width: int = 640, title: str = "지도", focus_code: str | None = None, pad: int = 8,
             bbox_from: Sequence[MapFeature] | None = None, labels: Sequence[MapLabel] = (),
             path_cache: dict | None = None) -> MapDrawing:
    """:func:`svg_map` plus the :class:`Projection` it chose; ``labels`` go between the regions and the points.

    ``path_cache``: a dict the caller keeps for features whose rings never change for a given code (the
    shipped boundaries): each feature's projected path text is kept under (code, projection) and reused by
    the next map with the same frame — the same text, without projecting ≈ 20,000 points again."""
    frame = list(bbox_from or features)
    xs = [p[0] for f in frame for ring in f.rings for p in ring]
    ys = [p[1] for f in frame for ring in f.rings for p in ring]
    for c in circles:
        dlat = c.radius_m / 110_540
        dlon = c.radius_m / (111_320 * math.cos(math.radians(c.lat)))
        xs += [c.lon - dlon, c.lon + dlon]
        ys += [c.lat - dlat, c.lat + dlat]
    if not xs:
        return MapDrawing(Markup('<p class="warn">지도에 그릴 경계가 없습니다.</p>'), None)
    lat0 = (min(ys) + max(ys)) / 2
    coslat = math.cos(math.radians(lat0))
    span_x = max((max(xs) - min(xs)) * coslat, 1e-9)
    span_y = max(max(ys) - min(ys), 1e-9)
    scale = (width - 2 * pad) / span_x
    height = int(span_y * scale + 2 * pad)
    lon0, lat_top = min(xs), max(ys)
    projection = Projection(lon0, lat_top, scale, coslat, pad)
    proj = projection.xy

    out = [
        # a map of links is a group of links (a role="img" may not hold focusable parts: axe nested-interactive)
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="{"group" if any(f.href for f in features) else "img"}" '
        f'aria-label="{html.escape(title)}" data-lon0="{lon0}" data-lattop="{lat_top}" data-scale="{scale}" '
        f'data-coslat="{coslat}" data-pad="{pad}"><title>{html.escape(title)}</title>'
    ]
    ordered = sorted(features, key=lambda f: f.code == focus_code)  # focus drawn last, on top
    for f in ordered:
        d = None if path_cache is None else path_cache.get((f.code, projection))
        if d is None:
            d = " ".join(
                "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (proj(*p) for p in ring)) + " Z" for ring in f.rings
            )
            if path_cache is not None:
                if len(path_cache) >= PATH_CACHE_MAX:
                    path_cache.clear()
                path_cache[(f.code, projection)] = d
        cls = f.css_class + (" focus" if f.code == focus_code else "")
        tip = html.escape(f.tooltip or f.label)
        path = f'<path class="{cls}" d="{d}" fill="{f.fill}" data-code="{f.code}"><title>{tip}</title></path>'
        if f.href:
            path = f'<a href="{html.escape(f.href)}" aria-label="{html.escape(f.label)}">{path}</a>'
        out.append(path)
    for lb in labels:
        x, y = proj(lb.lon, lb.lat)
        out.append(f'<text class="{lb.css_class}" x="{x:.1f}" y="{y + lb.dy if lb.dy else y:.1f}" text-anchor="middle">'
                   f"{html.escape(lb.text)}</text>")
    for c in circles:
        x, y = proj(c.lon, c.lat)
        r = c.radius_m / 110_540 * scale
        out.append(f'<circle class="radius" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="none" stroke="{c.stroke}" '
                   f'stroke-width="2" stroke-dasharray="6 4"/>')
    for p in points:
        x, y = proj(p.lon, p.lat)
        tip = f"<title>{html.escape(p.label)}</title>" if p.label else ""
        out.append(f'<circle class="{p.css_class}" cx="{x:.1f}" cy="{y:.1f}" r="{p.radius_px}" fill="{p.fill}">{tip}</circle>')
    out.append("</svg>")
    return MapDrawing(Markup("".join(out)), projection)


def legend_html(legend: Legend) -> Markup:
    items = "".join(f'<span><i style="background:{c}"></i> {html.escape(lbl)}</span>' for c, lbl in legend.items)
    title = f"<strong>{html.escape(legend.title)}</strong> " if legend.title else ""
    return Markup(f'<div class="legend">{title}{items}</div>')
