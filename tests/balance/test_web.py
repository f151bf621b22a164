"""Balance pages and API: values shown equal the census rows; downloads; errors; Chromium screenshots."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from moduai.data.census import census_raw_rows
from moduai.web.app import create_app
from tests.conftest import screenshot
from tests.helpers_web import with_csrf


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


def _raw(stat, year, type_, class1, class2):
    rows = census_raw_rows(stat, year, type_, class1, class2)
    assert len(rows) == 1
    return float(rows.value.iloc[0])


@pytest.mark.parametrize(("code", "stat"), [("47110", "37010"), ("47113", "37012"), ("46820", "36400")])
def test_region_page_values_equal_census_rows(client, code, stat):
    ctx = client.get(f"/balance/region/{code}?format=json").json()
    rows = {r["id"]: r for r in ctx["rows"]}
    for year in (2010, 2015, 2020):
        assert rows["population"]["values"][str(year)] == _raw(stat, year, "population", "all households", "total")
    pop = _raw(stat, 2020, "population", "all households", "total")
    companies = _raw(stat, 2020, "economy", "company", "total")
    assert rows["companies_per_1000"]["values"]["2020"] == pytest.approx(companies / pop * 1000)
    html = client.get(f"/balance/region/{code}").text
    assert f"{int(pop):,}" in html  # the page shows the census figure with Korean thousands separators


def test_region_page_says_when_decline_index_cannot_be_computed(client):
    ctx = client.get("/balance/region/47110?format=json").json()
    assert "2010년은 연령별 인구 자료가 없어 계산하지 않습니다" in ctx["decline_note"]
    assert [d["year"] for d in ctx["decline"]] == list(range(2015, 2026))
    page = client.get("/balance?indicator=aging_risk_index&year=2010")
    assert page.status_code == 200
    assert "2010년 자료가 없습니다" in page.text and "만들어 내지 않습니다" in page.text


def test_sido_level_dashboard_values_are_group_ratios(client):
    from moduai.data.census import census_value

    ctx = client.get("/balance?indicator=grdp_per_capita&year=2020&level=sido&format=json").json()
    assert ctx["disparity"]["n"] == 17
    top = ctx["top"][0]
    assert top["value"] == pytest.approx(census_value(top["code"], "grdp", 2020) / census_value(top["code"], "population", 2020))


def test_dashboard_context_and_disparity(client):
    ctx = client.get("/balance?indicator=population&year=2020&format=json").json()
    d = ctx["disparity"]
    assert d["n"] == 229
    assert d["total"] == pytest.approx(d["between"] + d["within"], abs=1e-14)
    assert ctx["top"][0]["code"] == "41110" and ctx["top"][0]["value"] == _raw("31010", 2020, "population",
                                                                                 "all households", "total")


def test_downloads_csv_and_xlsx_hold_the_same_values(client):
    csv = client.get("/balance/download/values.csv?indicator=population&year=2020")
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig", dtype={"코드": str})
    assert len(df) == 229
    assert df.set_index("코드").loc["41610", "값"] == 368937
    xl = client.get("/balance/download/values.xlsx?indicator=population&year=2020")
    ws = openpyxl.load_workbook(io.BytesIO(xl.content)).active
    header = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(header)}
    got = {row[col["코드"]]: row[col["값"]] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert got["47110"] == 484021
    idx = client.get("/balance/download/index.csv?method=rank&w_tfr=1")
    assert idx.status_code == 200 and "종합점수" in idx.content.decode("utf-8-sig").splitlines()[0]


def test_api_errors_are_korean(client):
    r = client.get("/api/v1/balance/disparity?indicator=population&year=2025")
    assert r.status_code == 422 and "2025년 자료가 없습니다" in r.json()["error"]["message"]
    r = client.get("/api/v1/balance/disparity?indicator=tfr&year=2010&variant=seed-blog")
    assert r.status_code == 422 and "세종" in r.json()["error"]["message"]
    r = client.get("/api/v1/balance/rank?weights=tfr:1")
    assert r.status_code == 422 and "지표=숫자" in r.json()["error"]["message"]
    page = client.get("/balance?indicator=gdp")
    assert page.status_code == 422 and "지표 &#39;gdp&#39;가 없습니다" in page.text


def test_scenario_saved_from_the_page_persists(db_url):
    from tests.helpers_auth import login_as

    client = with_csrf(TestClient(create_app()))
    anonymous = client.post("/balance/scenarios", data={"name": "x", "w_tfr": "1"}, follow_redirects=False)
    assert anonymous.status_code == 401
    login_as(client, "planner")
    r = client.post("/balance/scenarios", data={"name": "청년 정주", "method": "rank", "year": "2020", "w_tfr": "2",
                                                "d_tfr": "higher_better", "w_vacancy_rate": "1"}, follow_redirects=False)
    assert r.status_code == 303
    listed = client.get("/api/v1/balance/scenarios").json()["scenarios"]
    assert listed[0]["name"] == "청년 정주" and listed[0]["weights"] == {"tfr": 2.0, "vacancy_rate": 1.0}
    ctx = client.get("/balance/index?scenario=청년 정주&format=json").json()
    assert ctx["scenario"] == "청년 정주" and ctx["method"] == "rank"
    dup = client.post("/api/v1/balance/scenarios", json={"name": "청년 정주", "weights": {"tfr": 1}})
    assert dup.status_code == 422 and "이미 있습니다" in dup.json()["error"]["message"]


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("path", "name", "heading"),
    [
        ("/balance?indicator=grdp_per_capita&year=2020", "balance_dashboard", "지역균형 지표"),
        ("/balance/megaregions?indicator=grdp_per_capita&year=2020", "balance_megaregions", "5극3특 권역 비교"),
        ("/balance/index", "balance_index", "종합 균형지수"),
        ("/balance/region/47110", "balance_region_pohang", "경상북도 포항시"),
        ("/balance?indicator=aging_risk_index&year=2024", "balance_decline_2024", "지역균형 지표"),
        ("/balance?indicator=grdp_per_capita&year=2020&level=sido", "balance_sido_level", "지역균형 지표"),
        ("/balance?indicator=aging_risk_index&year=2010", "balance_no_age_data_2010", "지역균형 지표"),
    ],
)
def test_pages_in_chromium(page, live_server, path, name, heading):
    from moduai.db import migrate

    migrate()  # the live server reads this test's settings: give it a migrated database for scenarios
    page.goto(live_server + path, timeout=120_000)
    page.wait_for_selector("h1")
    assert heading in page.inner_text("h1")
    if page.locator(".chart").count():
        page.wait_for_selector(".chart .main-svg", timeout=30_000)  # plotly drew (served locally)
    screenshot(page, name)
    assert page.external_requests == []
