"""Fixtures for the commerce analyses: the real 회기동 and 강원 rows as store sets.

``read_official_csv`` is a deliberately tiny, independent reader of the published 39-column files (not
the importer under test elsewhere): it maps the Korean columns to the store columns and projects
coordinates with pyproj, so analysis tests do not depend on the import pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree

COLUMN_MAP = {
    "상가업소번호": "store_id", "상호명": "name", "지점명": "branch",
    "상권업종대분류코드": "major_code", "상권업종대분류명": "major_name",
    "상권업종중분류코드": "mid_code", "상권업종중분류명": "mid_name",
    "상권업종소분류코드": "minor_code", "상권업종소분류명": "minor_name", "표준산업분류코드": "ksic_code",
    "시도코드": "sido_code", "시도명": "sido_name", "시군구코드": "sigungu_code", "시군구명": "sigungu_name",
    "행정동코드": "adm_dong_code", "행정동명": "adm_dong_name", "법정동코드": "legal_dong_code",
    "법정동명": "legal_dong_name", "지번주소": "jibun_address", "도로명주소": "road_address",
    "층정보": "floor", "경도": "lon", "위도": "lat",
}


def read_official_csv(path: Path, snapshot: str) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    f = raw[list(COLUMN_MAP)].rename(columns=COLUMN_MAP)
    f["lon"] = f["lon"].astype(float)
    f["lat"] = f["lat"].astype(float)
    x, y = Transformer.from_crs(4326, 5179, always_xy=True).transform(f["lon"].to_numpy(), f["lat"].to_numpy())
    f["x"], f["y"] = x, y
    f["synthetic"] = False
    f["snapshot"] = snapshot
    return f.reset_index(drop=True)


@dataclass
class Snap:
    id: str
    label: str
    rows: int
    synthetic: bool = False
    sources: list[str] = field(default_factory=list)


class FrameStoreSet:
    """A store set over a frame, brute force where the real one uses an index (fine for ≤ 1,000 rows)."""

    def __init__(self, frame: pd.DataFrame, snap_id: str, sources: list[str]):
        self.frame = frame.reset_index(drop=True)
        self.snapshot = Snap(snap_id, snap_id, len(frame), bool(frame["synthetic"].any()), sources)
        self._tree = cKDTree(np.c_[self.frame["x"], self.frame["y"]])

    def within(self, x, y, radius_m):
        return np.sort(np.asarray(self._tree.query_ball_point([x, y], radius_m), dtype=np.int64))

    def nearest(self, x, y, k, mask=None):
        d = np.hypot(self.frame["x"].to_numpy() - x, self.frame["y"].to_numpy() - y)
        if mask is not None:
            d = np.where(mask, d, np.inf)
        order = np.argsort(d)[:k]
        order = order[np.isfinite(d[order])]
        return order, d[order]

    def in_polygon(self, poly):
        pts = shapely.points(self.frame["x"].to_numpy(), self.frame["y"].to_numpy())
        return np.flatnonzero(shapely.contains(poly, pts) | shapely.touches(poly, pts))


@dataclass(frozen=True)
class Cat:
    level: str
    code: str
    name: str


@pytest.fixture(scope="session")
def hoegi_frame(fixture_data) -> pd.DataFrame:
    return read_official_csv(fixture_data / "sangga" / "seoul_dongdaemun_hoegidong_2026q1.csv", "hoegi-2026q1")


@pytest.fixture(scope="session")
def gangwon_frame(fixture_data) -> pd.DataFrame:
    return read_official_csv(fixture_data / "sangga" / "gangwon_first200.csv", "gangwon-sample")


@pytest.fixture(scope="session")
def hoegi_stores(hoegi_frame) -> FrameStoreSet:
    return FrameStoreSet(hoegi_frame, "sangga-hoegidong-2026q1", ["sangga-hoegidong-2026q1"])


@pytest.fixture(scope="session")
def gangwon_stores(gangwon_frame) -> FrameStoreSet:
    return FrameStoreSet(gangwon_frame, "sangga-gangwon-sample", ["sangga-gangwon-sample"])


CAFE = Cat("minor", "I21201", "카페")
