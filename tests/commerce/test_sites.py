"""Site ranking on the real 강원 rows: catchment counts by brute force over H3, weights as data."""

from __future__ import annotations

import h3
import numpy as np
import pytest

from moduai.commerce.sites import default_site_settings, rank_sites
from moduai.errors import InputError
from tests.commerce.conftest import FrameStoreSet


def test_catchment_counts_and_score_parts(gangwon_stores, gangwon_frame):
    r = rank_sites("원주시", "I2", stores=gangwon_stores, top=5)  # 음식점업 (대분류)
    assert r.region_code == "51130"
    f = gangwon_frame[gangwon_frame["sigungu_code"] == "51130"]
    cells = np.array([h3.latlng_to_cell(la, lo, r.resolution) for la, lo in zip(f["lat"], f["lon"], strict=True)])
    food = (f["major_code"] == "I2").to_numpy()
    share = food.sum() / len(f)
    assert r.category_share_in_region == pytest.approx(share)
    for c in r.cells:
        disk = set(h3.grid_disk(c.h3_cell, r.ring))
        inside = np.array([x in disk for x in cells])
        assert c.competitors == int((inside & food).sum())
        assert c.stores == int(inside.sum())
        assert c.expected == pytest.approx(inside.sum() * share)
        assert c.score == pytest.approx(sum(c.contributions.values()))
        assert all(0 <= v <= 1 for v in c.parts.values())
    assert [c.score for c in r.cells] == sorted((c.score for c in r.cells), reverse=True)
    # churn left out without a previous snapshot, the other weights re-normalised from the YAML file
    w = default_site_settings()["weights"]
    assert "churn" not in r.weights and r.note
    assert r.weights["demand"] == pytest.approx(w["demand"] / (w["demand"] + w["competition"] + w["gap"]))


def test_demand_adds_up_to_the_region(gangwon_stores):
    # with ring 0 each cell is its own catchment: the cells' residents add up to the 시군구's census total
    from moduai.commerce.demand import load_dong_demand

    r = rank_sites("강릉시", "카페", stores=gangwon_stores, top=100, ring=0, resolution=7)
    d = load_dong_demand()
    total = d.residents[d.sigungu_code == "51150"].sum()
    assert 0 < sum(c.residents for c in r.cells) <= total + 1e-6
    assert r.candidates >= len(r.cells)


def test_churn_part_uses_survival(gangwon_frame):
    before = FrameStoreSet(gangwon_frame, "2025Q3", [])
    closed = gangwon_frame.index % 3 == 0
    after = FrameStoreSet(gangwon_frame[~closed], "2025Q4", [])
    r = rank_sites("원주시", "I2", stores=after, previous_stores=before, top=100)
    assert "churn" in r.weights and sum(r.weights.values()) == pytest.approx(1.0)
    f = gangwon_frame[(gangwon_frame["sigungu_code"] == "51130") & (gangwon_frame["major_code"] == "I2")]
    cells = [h3.latlng_to_cell(la, lo, r.resolution) for la, lo in zip(f["lat"], f["lon"], strict=True)]
    alive = ~(f.index % 3 == 0)
    checked = 0
    for c in r.cells:
        disk = set(h3.grid_disk(c.h3_cell, r.ring))
        inside = np.array([x in disk for x in cells])
        if inside.sum() == 0:
            assert c.survival_rate is None
        else:
            assert c.survival_rate == pytest.approx(alive[inside].mean())
            checked += 1
    assert checked >= 1


@pytest.mark.parametrize(
    "kw,field",
    [({"weights": {"demand": -1}}, "weights.demand"), ({"weights": {"foo": 1}}, "weights"),
     ({"resolution": 12}, "resolution"), ({"top": 0}, "top")],
)
def test_bad_site_parameters(gangwon_stores, kw, field):
    with pytest.raises(InputError) as e:
        rank_sites("원주시", "카페", stores=gangwon_stores, **kw)
    assert e.value.field == field


@pytest.fixture(scope="module")
def mixed_stores(hoegi_frame, gangwon_frame):
    """회기동's real rows + the 강원 rows, a third of 원주's marked generated: one snapshot, three datasets."""
    import pandas as pd

    g = gangwon_frame.copy()
    g["dataset"] = "sangga-gangwon-sample"
    wonju = np.flatnonzero(g["sigungu_code"].to_numpy() == "51130")
    fake = wonju[::3]
    g.loc[fake, "synthetic"] = True
    g.loc[fake, "dataset"] = "sangga-synthetic"
    h = hoegi_frame.copy()
    h["dataset"] = "sangga-hoegidong-2026q1"
    frame = pd.concat([h, g], ignore_index=True)
    return FrameStoreSet(frame, "default", ["sangga-hoegidong-2026q1", "sangga-gangwon-sample", "sangga-synthetic"]), \
        len(fake) / len(wonju)


def test_sites_say_synthetic_and_cite_only_the_rows_used(mixed_stores):
    st, share = mixed_stores
    r = rank_sites("원주시", "I2", stores=st, top=10)
    assert r.synthetic and r.synthetic_share == pytest.approx(share)
    assert "합성" in r.data_note and f"{share:.0%}" in r.data_note
    assert all("합성" in c.reason for c in r.cells)
    # 원주's answer cites the 강원 rows and the generated ones, never 회기동's file
    assert "sangga-hoegidong-2026q1" not in r.sources
    assert {"sangga-gangwon-sample", "sangga-synthetic"} <= set(r.sources)


def test_sites_real_data_has_no_synthetic_note(gangwon_stores):
    r = rank_sites("원주시", "I2", stores=gangwon_stores, top=5)
    assert not r.synthetic and r.synthetic_share == 0 and r.data_note is None


def test_cells_without_any_store_are_not_candidates(gangwon_stores, gangwon_frame):
    # the 강원 sample holds ~200 stores: most of 원주's inhabited cells have none around them
    r = rank_sites("원주시", "I2", stores=gangwon_stores, top=100)
    assert all(c.stores > 0 for c in r.cells)
    assert r.excluded_no_stores > 0
    # by brute force: candidate cells = inhabited cells with ≥ 1 store in their disk; every store's cell
    # disk (ring 1) covers exactly those, so the candidates are at most the cells within 1 ring of a store
    f = gangwon_frame[gangwon_frame["sigungu_code"] == "51130"]
    near = set()
    for la, lo in zip(f["lat"], f["lon"], strict=True):
        near |= set(h3.grid_disk(h3.latlng_to_cell(la, lo, r.resolution), r.ring))
    assert r.candidates <= len(near)
    assert {c.h3_cell for c in r.cells} <= near


def test_border_cells_are_said(gangwon_stores):
    # 강릉's stores along the coast and the 시 border: some candidates' ring-1 disks leave the 시군구
    r = rank_sites("강릉시", "I2", stores=gangwon_stores, top=100)
    border = [c for c in r.cells if c.at_border]
    assert border and r.border_note and "강릉" in r.border_note and f"{len(border)}곳" in r.border_note
    for c in r.cells:
        assert ("경계 너머" in c.reason) == c.at_border
        # a full ring-1 disk is 7 cells; a border cell's disk has some outside the 시군구's cell set
        assert len(h3.grid_disk(c.h3_cell, r.ring)) == 7


def test_percentile_ranks_equal_scipy_rankdata_average_with_ties():
    """The page ranks without importing scipy.stats; its average ranks must be SciPy's, ties included."""
    from scipy.stats import rankdata

    from moduai.commerce.sites import _average_ranks, _percentile

    rng = np.random.default_rng(7)
    cases = [rng.integers(0, 5, 200).astype(float), rng.normal(size=57), np.array([3.0, 1.0, 3.0, 2.0, 1.0]),
             np.array([1, 1, 2, 2, 2, 9]), np.array([0.5, np.nan, 0.1])]
    for v in cases:
        np.testing.assert_array_equal(_average_ranks(v), rankdata(v, method="average"))
    # by hand: [3, 1, 3, 2, 1] → ranks 4.5, 1.5, 4.5, 3, 1.5 → (r - 1) / 4
    assert _percentile(np.array([3.0, 1.0, 3.0, 2.0, 1.0])).tolist() == [0.875, 0.125, 0.875, 0.5, 0.125]
    assert _percentile(np.array([2.0, 2.0])).tolist() == [0.5, 0.5]
