"""Coordinates for 상권 analysis: WGS84 longitude/latitude ↔ EPSG:5179 (Korea 2000 / Unified CS) metres.

Every distance and area in ``moduai.commerce`` is measured in EPSG:5179 metres, never in degrees
(GeoPandas' ``check_geographic_crs`` guard-rail). Public helpers:

- :func:`to_xy` ``(lon, lat) -> (x, y)`` and :func:`to_lonlat` ``(x, y) -> (lon, lat)``; both accept scalars
  or NumPy arrays and are vectorised (pyproj, ``always_xy=True``).
- :data:`KOREA_LON`, :data:`KOREA_LAT`: the bounding box used by the importer to reject rows.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import Transformer

from moduai.regions.point import KOREA_BBOX

# The region spine's box (mainland, Jeju, Ulleung-do, Dokdo 131.87°E; Marado 33.11°N), as ranges.
KOREA_LON = (KOREA_BBOX[0], KOREA_BBOX[2])
KOREA_LAT = (KOREA_BBOX[1], KOREA_BBOX[3])

EPSG_WGS84 = 4326
EPSG_KOREA = 5179


@lru_cache(maxsize=1)
def _forward() -> Transformer:
    return Transformer.from_crs(EPSG_WGS84, EPSG_KOREA, always_xy=True)


@lru_cache(maxsize=1)
def _inverse() -> Transformer:
    return Transformer.from_crs(EPSG_KOREA, EPSG_WGS84, always_xy=True)


def to_xy(lon, lat):
    """WGS84 (lon, lat) in degrees → EPSG:5179 (x, y) in metres; scalars or arrays."""
    x, y = _forward().transform(np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64"))
    if np.ndim(x) == 0:
        return float(x), float(y)
    return np.asarray(x), np.asarray(y)


def to_lonlat(x, y):
    """EPSG:5179 (x, y) in metres → WGS84 (lon, lat) in degrees; scalars or arrays."""
    lon, lat = _inverse().transform(np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64"))
    if np.ndim(lon) == 0:
        return float(lon), float(lat)
    return np.asarray(lon), np.asarray(lat)


def in_korea(lon, lat) -> np.ndarray:
    """Boolean mask: inside the Korean bounding box (vectorised; NaN → False)."""
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    with np.errstate(invalid="ignore"):
        return (lon >= KOREA_LON[0]) & (lon <= KOREA_LON[1]) & (lat >= KOREA_LAT[0]) & (lat <= KOREA_LAT[1])


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres (R = 6,371,008.8 m); an independent check on EPSG:5179 distances."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype="float64")) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * np.arcsin(np.sqrt(a))
