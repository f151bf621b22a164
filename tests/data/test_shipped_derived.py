"""The derived tables shipped in the package (``moduai/data/derived``, built by ``scripts/build_derived.py``):
each one is current (its file is found under today's key of its inputs and code) and equals the fresh
computation on the real rows; a fresh home reads them instead of computing; a stale or damaged copy is never
read.  When a test here fails after a change to a source or its code, rebuild: ``PYTHONPATH=src python
scripts/build_derived.py``."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from moduai.commerce import generator as G
from moduai.data import census as C
from moduai.data import frame_cache as FC
from moduai.data import population as P

POPULATION = [  # (name, key files, fresh computation from the raw files)
    ("mois_age_sex", (P.MOIS_FILE,), P._parse_mois_age_sex),
    ("kosis_age_sex-0", (P.ATLAS_FILE,), lambda: P._parse_kosis_age_sex(False)),
    ("age_sex-auto", (P.MOIS_FILE, P.ATLAS_FILE), lambda: P._compute_age_sex_table("auto")),
    ("age_sex-mois", (P.MOIS_FILE, P.ATLAS_FILE), lambda: P._compute_age_sex_table("mois")),
    ("decline_index-auto", (P.MOIS_FILE, P.ATLAS_FILE), lambda: P._compute_decline_index_table("auto")),
    ("repeated_years-kosis", (P.ATLAS_FILE,), lambda: P._pairs_frame(P._repeated_years("kosis"))),
    ("repeated_years-mois", (P.MOIS_FILE,), lambda: P._pairs_frame(P._repeated_years("mois"))),
]


def _clear_population_caches() -> None:
    for f in (P.mois_age_sex, P.kosis_age_sex, P._age_sex_table, P.decline_index_table, P.repeated_years,
              P._resident_totals):
        f.cache_clear()


@pytest.fixture
def fresh_only(tmp_path, monkeypatch):
    """Compute from the raw files: no shipped copy, an empty home, no table remembered by this process."""
    monkeypatch.setattr(FC, "SHIPPED_DIR", tmp_path / "none")
    _clear_population_caches()
    C.census_values.cache_clear()
    yield
    _clear_population_caches()
    C.census_values.cache_clear()


def test_the_shipped_folder_holds_only_what_the_code_reads_today():
    """Every shipped file is found under today's key (none stale, none left over from an older build)."""
    expected = {f"frames/{name}-{P._cache_key(*files)}.parquet" for name, files, _ in POPULATION}
    expected.add(f"frames/dong_demand-{_dong_key()}.parquet")
    expected.add(f"frames/census_unit_population-{_unit_population_key()}.parquet")
    shipped = {p.relative_to(FC.SHIPPED_DIR).as_posix() for p in FC.SHIPPED_DIR.rglob("*.parquet")}
    frames = {s for s in shipped if s.startswith("frames/")}
    assert frames == expected
    census = {s for s in shipped if s.startswith("census/")}
    assert len(census) >= 20
    for s in census:
        measure = s.removeprefix("census/").rsplit("-", 1)[0]
        assert C._disk_cache_path(measure).name == s.removeprefix("census/"), f"{s} is stale: rebuild"
    units = {s for s in shipped if s.startswith("commerce/")}
    folder = f"commerce/synthetic-{G.GENERATOR_VERSION}-s{G.DEFAULT_SEED}-{G.shipped_units_key()}/"
    assert units and all(s.startswith(folder) for s in units), "generated units are stale: rebuild"


@pytest.mark.parametrize(("name", "files", "fresh"), POPULATION, ids=[p[0] for p in POPULATION])
def test_shipped_population_tables_equal_the_fresh_parse(name, files, fresh):
    shipped = FC.shipped_file("frames", f"{name}-{P._cache_key(*files)}.parquet")
    assert shipped is not None, f"no current shipped copy of {name}: rebuild"
    stored = pd.read_parquet(shipped)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(FC, "SHIPPED_DIR", shipped.parent.parent.parent / "none")
        _clear_population_caches()
        expected = fresh()
    _clear_population_caches()
    pd.testing.assert_frame_equal(stored, expected)  # values, dtypes, order
    # the MOIS file repeats no year (the atlas does: 군위군 2015–2023, 미추홀구 2015–2018)
    assert len(expected) == 0 if name == "repeated_years-mois" else len(expected) > 10


def _dong_key() -> str:
    from moduai.commerce import demand

    return demand._dong_key(C.census_parquet_path().with_name("boundaries.gpkg"))


def test_shipped_dong_columns_equal_the_fresh_computation():
    """The 읍면동 census columns and 행안부 codes behind the commerce report (load_dong_demand)."""
    import numpy as np
    import pyogrio
    import shapely

    from moduai.commerce import demand

    shipped = FC.shipped_file("frames", f"dong_demand-{_dong_key()}.parquet")
    assert shipped is not None, "no current shipped copy of dong_demand: rebuild"
    bounds = pyogrio.read_dataframe(C.census_parquet_path().with_name("boundaries.gpkg"), layer="adm3_2020")
    code = bounds["adm3_code"].astype(str).to_numpy()
    reps = shapely.point_on_surface(np.asarray(bounds.geometry.values, dtype=object))
    fresh = demand._dong_columns(C.census_parquet_path(), code, shapely.get_x(reps), shapely.get_y(reps))
    assert len(fresh) > 3000 and fresh["residents"].sum() > 45e6  # 2020 census: 51.8 M residents
    pd.testing.assert_frame_equal(pd.read_parquet(shipped), fresh)
    demand.load_dong_demand.cache_clear()
    d = demand.load_dong_demand()
    assert np.array_equal(d.residents, fresh["residents"].to_numpy())
    assert list(d.sigungu_code) == list(fresh["sigungu_code"])


def _unit_population_key() -> str:
    from pathlib import Path

    return FC.content_key([Path(G.__file__)], C.census_file_digest())


def test_shipped_unit_population_equals_the_former_inline_read():
    """The generator's 2020 residents per 읍면동 (census_units' ``pop``), shipped, equal what it computed inline
    before (the former code, kept here as the reference)."""
    shipped = FC.shipped_file("frames", f"census_unit_population-{_unit_population_key()}.parquet")
    assert shipped is not None, "no current shipped copy of census_unit_population: rebuild"
    c = pd.read_parquet(C.census_parquet_path(), columns=["year", "type", "class1", "class2", "adm3_code", "value"],
                        filters=[("year", "==", 2020), ("type", "==", "population"),
                                 ("class1", "==", "all households"), ("class2", "==", "total")])
    c = c[c["adm3_code"].notna()]
    code = c["adm3_code"].astype("int64")
    code7 = code.where(code < 10**7, code // 10).astype(str)
    reference = c.assign(code7=code7).groupby("code7")["value"].max()
    got = pd.read_parquet(shipped)
    assert list(got["code7"]) == list(reference.index) and got["pop"].tolist() == reference.tolist()
    assert 45e6 < got["pop"].sum() < 60e6
    G.census_units.cache_clear()
    units = G.census_units()
    assert units["pop"].tolist() == units["adm3_code"].map(reference).fillna(0.0).astype(float).tolist()


def test_shipped_census_values_equal_the_fresh_computation():
    files = sorted((FC.SHIPPED_DIR / "census").glob("*.parquet"))
    assert files
    for f in files:
        measure = f.name.rsplit("-", 1)[0]
        pd.testing.assert_frame_equal(pd.read_parquet(f), C._compute_census_values(measure), obj=measure)


def test_shipped_generated_units_equal_a_fresh_generation():
    files = sorted(FC.SHIPPED_DIR.glob("commerce/*/*.parquet"))
    assert {f.stem for f in files} >= {"11060"}  # 동대문구: the embedded default report (회기동)
    for f in files:
        fresh = G.generate_unit(f.stem, G.DEFAULT_SEED)
        assert len(fresh) > 1000
        pd.testing.assert_frame_equal(pd.read_parquet(f), fresh, obj=f.stem)


def test_shipped_pysal_figures_equal_pysal_on_the_balance_page_inputs(monkeypatch):
    """Every PySAL figure the /balance page asks for is shipped, and equals PySAL run on the same input."""
    from moduai.balance import dashboard, disparity

    asked = []
    real = disparity.cached_numbers

    def recording(name, key, compute):
        asked.append((name, key, compute))
        return real(name, key, compute)

    def no_pysal(*_a):
        raise AssertionError("PySAL ran although its figures are shipped")

    monkeypatch.setattr(disparity, "cached_numbers", recording)
    monkeypatch.setattr(disparity, "_pysal_fresh", no_pysal)
    from moduai.balance.groups import VARIANTS
    from moduai.balance.indicators import indicators

    dashboard._balance_dashboard.cache_clear()
    disparity._trend.cache_clear()
    dashboard.balance_dashboard()
    # every choice of the /balance form (indicator × year × 5극3특 variant × level) and of /balance/megaregions
    for ind in indicators():
        for variant in VARIANTS:
            for level in disparity.DISPARITY_LEVELS:
                for year in dashboard.balance_dashboard(ind.id, None, variant, level).year_options:
                    dashboard.balance_dashboard(ind.id, year, variant, level)
            for year in dashboard.balance_dashboard(ind.id).year_options:
                dashboard.megaregion_dashboard(ind.id, year, variant)
    dashboard._balance_dashboard.cache_clear()
    disparity._trend.cache_clear()
    monkeypatch.undo()
    assert len({key for _n, key, _c in asked}) >= 250
    for name, key, compute in asked:
        shipped = FC.shipped_file("numbers", f"{name}-{key}.json")
        assert shipped is not None
        fresh = compute()  # PySAL itself, on the recorded input
        assert json.loads(shipped.read_text(encoding="utf-8")) == fresh


def test_a_fresh_home_reads_the_shipped_tables_without_computing(monkeypatch):
    def fail(*_a, **_k):
        raise AssertionError("computed although a current copy is shipped")

    _clear_population_caches()
    C.census_values.cache_clear()
    for mod, name in ((P, "_parse_mois_age_sex"), (P, "_parse_kosis_age_sex"), (P, "_compute_age_sex_table"),
                      (P, "_compute_decline_index_table"), (C, "_compute_census_values"), (G, "generate_unit")):
        monkeypatch.setattr(mod, name, fail)
    assert round(P.decline_index("00", 2024).index, 3) == 0.588  # the docstring's figure
    assert len(C.census_values("population")) > 200
    assert len(C.census_values("gva")) > 200  # /balance/region/<code>: the industry mix of any region
    assert len(G.load_unit("11060")) > 1000
    _clear_population_caches()
    C.census_values.cache_clear()


def test_a_stale_or_damaged_shipped_copy_is_never_read(tmp_path, monkeypatch, fresh_only):
    monkeypatch.setattr(FC, "SHIPPED_DIR", tmp_path / "derived")
    (tmp_path / "derived" / "frames").mkdir(parents=True)
    shipped = pd.DataFrame({"a": [1, 2]})
    shipped.to_parquet(tmp_path / "derived" / "frames" / "t-k1.parquet", index=False)
    calls = []

    def compute():
        calls.append(1)
        return pd.DataFrame({"a": [7]})

    pd.testing.assert_frame_equal(FC.cached_frame("t", "k1", compute), shipped)  # current key: read
    assert calls == []
    pd.testing.assert_frame_equal(FC.cached_frame("t", "k2", compute), pd.DataFrame({"a": [7]}))  # stale: computed
    assert calls == [1]
    (tmp_path / "derived" / "frames" / "t-k3.parquet").write_bytes(b"not parquet")
    pd.testing.assert_frame_equal(FC.cached_frame("t", "k3", compute), pd.DataFrame({"a": [7]}))  # damaged
    assert calls == [1, 1]
    # a changed source byte changes the key: the shipped MOIS table is then not found
    other = tmp_path / P.MOIS_FILE.name
    other.write_bytes(P.MOIS_FILE.read_bytes() + b"\n")
    assert P._cache_key(other) != P._cache_key(P.MOIS_FILE)
