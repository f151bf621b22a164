"""StoreSet queries equal brute force on the real 회기동 rows; the embedded default is honest about synthesis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod, Transformer

from moduai.commerce import generator, snapshots, store
from moduai.commerce.spatial import haversine_m, to_lonlat, to_xy
from moduai.errors import InputError, NotFound

HOEGI = "sangga/seoul_dongdaemun_hoegidong_2026q1.csv"


@pytest.fixture(scope="module")
def raw(fixture_data):
    """The 회기동 CSV read by pandas with EPSG:5179 metres computed by a separate pyproj transformer."""
    df = pd.read_csv(fixture_data / HOEGI, dtype=str, encoding="utf-8-sig")
    lon, lat = df["경도"].astype(float).to_numpy(), df["위도"].astype(float).to_numpy()
    t = Transformer.from_crs("EPSG:4326", "EPSG:5179", always_xy=True)
    x, y = t.transform(lon, lat)
    return df.assign(lon=lon, lat=lat, x=x, y=y)


@pytest.fixture(scope="module")
def hoegi():
    return snapshots.get_store_set(store.HOEGIDONG_SNAPSHOT)


CENTRES = [(127.0563, 37.5912), (127.0540, 37.5890), (127.0600, 37.5950), (127.0490, 37.5930)]


@pytest.mark.parametrize("radius", [50, 150, 300, 500, 1000])
@pytest.mark.parametrize("centre", CENTRES)
def test_radius_counts_equal_brute_force(hoegi, raw, centre, radius):
    x0, y0 = to_xy(*centre)
    brute = np.flatnonzero(np.hypot(raw["x"] - x0, raw["y"] - y0) <= radius)
    got = hoegi.within(x0, y0, radius)
    assert got.tolist() == brute.tolist()
    # independent distances: the WGS84 ellipsoid geodesic (pyproj.Geod) and a spherical haversine.
    # EPSG:5179 plane distances are within 0.1 % of the geodesic in Korea (TM scale factor 0.9996);
    # the sphere is within 0.5 %. Only stores in that band around the circle may be counted differently.
    geod = Geod(ellps="GRS80")
    n = len(raw)
    _, _, gd = geod.inv(np.full(n, centre[0]), np.full(n, centre[1]), raw["lon"].to_numpy(), raw["lat"].to_numpy())
    hav = haversine_m(centre[0], centre[1], raw["lon"], raw["lat"])
    plane = np.hypot(raw["x"] - x0, raw["y"] - y0).to_numpy()
    far = gd > 20
    assert np.max(np.abs(gd - plane)[far] / gd[far]) < 0.001
    assert np.max(np.abs(hav - gd)[far] / gd[far]) < 0.005
    for other, tol in ((gd, 0.001), (hav, 0.006)):
        band = set(np.flatnonzero(np.abs(other - radius) <= tol * radius))
        assert set(np.flatnonzero(other <= radius)) ^ set(brute) <= band


def test_counts_by_category_equal_pandas(hoegi, raw):
    x0, y0 = to_xy(*CENTRES[0])
    inside = raw[np.hypot(raw["x"] - x0, raw["y"] - y0) <= 300]
    assert hoegi.counts_within(x0, y0, 300, "major").to_dict() == inside["상권업종대분류코드"].value_counts().to_dict()
    assert hoegi.counts_within(x0, y0, 300, "minor").to_dict() == inside["상권업종소분류코드"].value_counts().to_dict()
    with pytest.raises(InputError):
        hoegi.counts_within(x0, y0, 300, "section")


def test_nearest_equals_sorting_every_distance(hoegi, raw):
    x0, y0 = to_xy(*CENTRES[1])
    d = np.hypot(raw["x"] - x0, raw["y"] - y0).to_numpy()
    pos, dist = hoegi.nearest(x0, y0, 10)
    assert pos.tolist() == np.argsort(d, kind="stable")[:10].tolist()
    np.testing.assert_allclose(dist, np.sort(d)[:10], rtol=0, atol=1e-6)
    cafe = (raw["상권업종소분류코드"] == "I21201").to_numpy()
    pos, dist = hoegi.nearest(x0, y0, 5, mask=cafe)
    order = np.flatnonzero(cafe)[np.argsort(d[cafe], kind="stable")][:5]
    assert pos.tolist() == order.tolist()
    assert (raw["상권업종소분류코드"].iloc[pos] == "I21201").all()
    with pytest.raises(ValueError):
        hoegi.nearest(x0, y0, 3, mask=cafe[:-1])


def test_in_polygon_equals_shapely_contains(hoegi, raw):
    x0, y0 = to_xy(*CENTRES[0])
    poly = shapely.Polygon([(x0 - 300, y0 - 200), (x0 + 250, y0 - 250), (x0 + 100, y0 + 300), (x0 - 200, y0 + 150)])
    brute = np.flatnonzero(shapely.contains_xy(poly, raw["x"].to_numpy(), raw["y"].to_numpy()))
    assert hoegi.in_polygon(poly).tolist() == brute.tolist()
    with pytest.raises(InputError) as e:
        hoegi.in_polygon(shapely.box(127.0, 37.5, 127.1, 37.6))
    assert "EPSG:5179" in e.value.message


def test_bad_radius_and_k(hoegi):
    for r in (0, -5, float("nan")):
        with pytest.raises(InputError):
            hoegi.within(960000, 1954000, r)
    with pytest.raises(InputError):
        hoegi.nearest(960000, 1954000, 0)


def test_xy_round_trip():
    x, y = to_xy(129.343, 36.019)
    lon, lat = to_lonlat(x, y)
    assert abs(lon - 129.343) < 1e-9 and abs(lat - 36.019) < 1e-9


def test_unknown_snapshot_lists_the_known_ones():
    with pytest.raises(NotFound) as e:
        snapshots.get_store_set("1999Q1")
    assert "default" in e.value.message and "gangwon-sample" in e.value.message


def test_embedded_snapshots_say_what_they_are():
    infos = {i.id: i for i in snapshots.list_snapshots()}
    assert infos["default"].synthetic and infos["default"].real_rows == 963
    assert "sangga-synthetic" in infos["default"].sources
    assert not infos["hoegidong-2026Q1"].synthetic and infos["hoegidong-2026Q1"].rows == 963
    assert not infos["gangwon-sample"].synthetic and infos["gangwon-sample"].rows == 200
    assert "부분 표본" in infos["gangwon-sample"].coverage


def test_default_keeps_real_hoegidong_and_generates_around_it():
    s = snapshots.get_store_set()
    x0, y0 = to_xy(*CENTRES[0])
    pos = s.within(x0, y0, 500)
    f = s.frame
    real = f[~f["synthetic"]]
    assert len(real) == 963 and set(real["dataset"]) == {"sangga-hoegidong-2026q1"}
    syn = f[f["synthetic"]]
    assert len(syn) > 10_000 and set(syn["dataset"]) == {"sangga-synthetic"}
    assert syn["store_id"].str.startswith("SY").all() and syn["name"].str.startswith("[합성]").all()
    # nothing is generated inside the complete real 행정동
    g = generator.census_units()
    hoegi_poly = g.loc[g["full_name"] == "서울특별시 동대문구 회기동", "geometry"].iloc[0]
    assert not shapely.contains_xy(hoegi_poly, syn["x"].to_numpy(), syn["y"].to_numpy()).any()
    assert (syn["adm_dong_name"] != "회기동").all()
    assert f["synthetic"].iloc[pos].any() and (~f["synthetic"].iloc[pos]).any()
    assert s.snapshot.rows == len(f) and s.snapshot.synthetic_rows == len(syn)


def test_default_serves_pohang_with_synthetic_rows_and_stable_masks():
    s = snapshots.get_store_set()
    x0, y0 = to_xy(129.343, 36.019)  # 포항시청
    pos = s.within(x0, y0, 500)
    f = s.frame
    assert len(pos) > 0 and f["synthetic"].iloc[pos].all()
    assert set(f["sigungu_code"].iloc[pos]) <= {"47111", "47113"}
    mask = f["minor_code"].eq("I21201").to_numpy()
    idx, dist = s.nearest(x0, y0, 5, mask=mask)  # the mask stays valid: within() already covered NEAREST_COVER_M
    assert (f["minor_code"].iloc[idx] == "I21201").all() and np.all(np.diff(dist) >= 0)
    brute = np.hypot(f["x"].to_numpy()[mask] - x0, f["y"].to_numpy()[mask] - y0)
    np.testing.assert_allclose(dist, np.sort(brute)[:5])


@pytest.mark.parametrize("level, column", [("major", "상권업종대분류코드"), ("mid", "상권업종중분류코드"),
                                           ("minor", "상권업종소분류코드")])
def test_fast_counts_equal_the_series_path_and_pandas_on_real_rows(hoegi, raw, level, column):
    """code_counts_within (arrays, no pandas per call) gives every code's count; the Series path agrees."""
    rng = np.random.default_rng(14)
    for lon, lat in CENTRES:
        x0, y0 = to_xy(lon, lat)
        for dx, dy, radius in zip(rng.normal(0, 150, 5), rng.normal(0, 150, 5), (50, 120, 300, 500.0, 800),
                                  strict=True):
            x, y = x0 + dx, y0 + dy
            counts, labels = hoegi.code_counts_within(x, y, radius, level)
            fast = {str(lab): int(c) for lab, c in zip(labels, counts, strict=True) if c}
            inside = raw[np.hypot(raw["x"] - x, raw["y"] - y) <= radius]
            assert fast == inside[column].value_counts().to_dict()
            assert fast == hoegi.counts_within(x, y, radius, level).to_dict()
            # the Series itself: largest first, ties by code, the level's column as the index name, int counts
            vc = inside[column].value_counts()
            want = pd.Series(vc.to_numpy(dtype=np.int64), index=pd.Index(vc.index.to_numpy(dtype=object),
                                                                          name=f"{level}_code"), name="count")
            want = want.iloc[np.lexsort((want.index.to_numpy(dtype=str), -want.to_numpy()))]
            pd.testing.assert_series_equal(hoegi.counts_within(x, y, radius, level), want)
            assert int(counts.sum()) == len(hoegi.within(x, y, radius))
    for bad in (0, -5, float("nan"), float("inf"), True):  # the declared check, as on the slow path
        with pytest.raises(InputError):
            hoegi.code_counts_within(x0, y0, bad, level)
    assert (hoegi.code_counts_within(x0, y0, "300", level)[0] == hoegi.code_counts_within(x0, y0, 300, level)[0]).all()
    far = hoegi.counts_within(x0 + 50_000, y0, 300, level)  # no store there: an empty Series, still named
    assert far.empty and far.index.name == f"{level}_code" and far.name == "count"
