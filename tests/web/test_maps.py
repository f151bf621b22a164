"""The map builder returns its projection; labels are placed with it (no parsing of the SVG)."""

from __future__ import annotations

import math
import re

from moduai.web.svgmap import MapFeature, MapLabel, MapPoint, draw_map, svg_map

SQUARE = MapFeature("sq", "네모", [[[127.0, 37.0], [128.0, 37.0], [128.0, 38.0], [127.0, 38.0], [127.0, 37.0]]])


def test_projection_matches_the_numbers_written_on_the_svg():
    drawing = draw_map([SQUARE], width=208, pad=4)
    p = drawing.projection
    # by hand: lat0 = 37.5°, span_x = 1° · cos 37.5°, scale = (208 − 8) / span_x
    coslat = math.cos(math.radians(37.5))
    assert p.coslat == coslat and p.lon0 == 127.0 and p.lat_top == 38.0 and p.pad == 4
    assert abs(p.scale - 200 / coslat) < 1e-9
    attrs = dict(re.findall(r'data-(lon0|lattop|scale|coslat|pad)="([^"]+)"', str(drawing.svg)))
    assert float(attrs["scale"]) == p.scale and float(attrs["coslat"]) == p.coslat
    # corners: top-left at (pad, pad); bottom-right at (pad + 200, pad + scale · 1°)
    assert p.xy(127.0, 38.0) == (4, 4)
    x, y = p.xy(128.0, 37.0)
    assert abs(x - 204) < 1e-9 and abs(y - (4 + 200 / coslat)) < 1e-9


def test_labels_sit_between_regions_and_points_at_the_projected_place():
    drawing = draw_map([SQUARE], points=[MapPoint(127.5, 37.5)], width=208, pad=4,
                       labels=[MapLabel(127.5, 37.5, "가운데 <동>", "dong-label"), MapLabel(127.0, 38.0, "1", dy=4)])
    s = str(drawing.svg)
    assert s.index("</path>") < s.index("<text") < s.index('<circle class="pt"')
    x, y = drawing.projection.xy(127.5, 37.5)
    assert f'<text class="dong-label" x="{x:.1f}" y="{y:.1f}" text-anchor="middle">가운데 &lt;동&gt;</text>' in s
    assert '<text class="map-label" x="4.0" y="8.0" text-anchor="middle">1</text>' in s  # dy shifts down 4 px


def test_svg_map_is_the_drawing_svg_and_an_empty_map_says_so():
    assert svg_map([SQUARE], width=208) == draw_map([SQUARE], width=208).svg
    empty = draw_map([])
    assert empty.projection is None and "지도에 그릴 경계가 없습니다" in str(empty.svg)
