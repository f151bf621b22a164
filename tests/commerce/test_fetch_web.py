"""The /commerce/data page offers the 상가정보 API fetch only when the server has a key; operators run it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.commerce import sdsc_replay as replay
from tests.helpers_auth import login_as
from tests.helpers_web import post

HOEGI = "11230710"


@pytest.fixture
def client():
    from moduai.web.app import create_app

    return TestClient(create_app())


@pytest.fixture
def server(fixture_data, monkeypatch):
    from moduai.config import get_settings

    state = replay.start(replay.api_items(fixture_data / "sangga" / "seoul_dongdaemun_hoegidong_2026q1.csv"))
    monkeypatch.setenv("MODUAI_DATA_GO_KR_KEY", replay.GOOD_KEY)
    monkeypatch.setenv("MODUAI_DATA_GO_KR_URL", state.base_url)
    get_settings.cache_clear()
    yield state
    state.server.shutdown()
    state.server.server_close()
    get_settings.cache_clear()


def test_no_key_no_form(client, monkeypatch):
    monkeypatch.delenv("MODUAI_DATA_GO_KR_KEY", raising=False)
    login_as(client, "operator")
    page = client.get("/commerce/data")
    assert page.status_code == 200
    assert 'id="fetch-form"' not in page.text


def test_operator_fetches_a_dong(client, server):
    login_as(client, "operator")
    page = client.get("/commerce/data")
    assert 'id="fetch-form"' in page.text
    r = post(client, "/commerce/data/fetch", page="/commerce/data", data={"dong": HOEGI})
    assert r.status_code == 200, r.text
    assert 'id="fetch-report"' in r.text and "963" in r.text and "202603" in r.text
    assert "963행을 저장했고 0행을 거부했습니다" in r.text
    from moduai.commerce import snapshots

    info = {s.id: s for s in snapshots.list_snapshots()}["2026Q1"]
    assert info.rows == 963 and not info.synthetic
    assert replay.GOOD_KEY not in r.text
    # the fetch job also built the snapshot's analysis files (the first report opens them)
    from moduai.commerce import snapshot_files, store

    assert snapshot_files.structures_ready(store.snapshot_path("2026Q1"))
    assert 'data-structures="built"' in r.text


def test_expired_key_is_shown_in_korean(client, server, monkeypatch):
    from moduai.config import get_settings

    monkeypatch.setenv("MODUAI_DATA_GO_KR_KEY", replay.EXPIRED_KEY)
    get_settings.cache_clear()
    login_as(client, "operator")
    r = post(client, "/commerce/data/fetch", page="/commerce/data", data={"dong": HOEGI})
    assert r.status_code == 422
    assert 'id="import-error"' in r.text and "활용 기간이 끝났습니다" in r.text
    assert 'value="11230710"' in r.text  # what the operator typed stays in the form


def test_bad_number_is_a_field_error(client, server):
    login_as(client, "operator")
    r = post(client, "/commerce/data/fetch", page="/commerce/data", data={"lat": "abc", "lon": "127", "radius": "300"})
    assert r.status_code == 422 and "숫자를 적어 주세요" in r.text
    assert server.log == []


def test_member_may_not_fetch(client, server):
    login_as(client, "member")
    r = client.post("/commerce/data/fetch", data={"dong": HOEGI})
    assert r.status_code in (403, 404)
    assert server.log == []
