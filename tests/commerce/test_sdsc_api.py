"""`moduai commerce fetch`: the 상가(상권)정보 API fetcher against a local replay server of real rows."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from pyproj import Geod

from moduai.errors import DataUnavailable, InputError
from tests.commerce import sdsc_replay as replay

HOEGI = "11230710"


@pytest.fixture
def hoegi_csv(fixture_data) -> Path:
    return fixture_data / "sangga" / "seoul_dongdaemun_hoegidong_2026q1.csv"


@pytest.fixture
def server(hoegi_csv):
    state = replay.start(replay.api_items(hoegi_csv))
    yield state
    state.server.shutdown()
    state.server.server_close()


@pytest.fixture
def api_env(server, monkeypatch):
    from moduai.config import get_settings

    # the URL-encoded form of the key, as the portal shows it next to the decoded one
    monkeypatch.setenv("MODUAI_DATA_GO_KR_KEY", "TEST%2BKEY%2Fabc%3D%3D")
    monkeypatch.setenv("MODUAI_DATA_GO_KR_URL", server.base_url)
    get_settings.cache_clear()
    yield server
    get_settings.cache_clear()


def _stored(snapshot: str) -> pd.DataFrame:
    from moduai.commerce import store

    return pd.read_parquet(store.snapshot_path(snapshot))


def _published(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _fetch(**kw):
    from moduai.commerce.sdsc_api import fetch_stores

    sleeps: list[float] = []
    kw.setdefault("min_interval_s", 0.0)
    return fetch_stores(sleep=sleeps.append, **kw), sleeps


def test_dong_fetch_pages_and_stores_every_row_like_the_csv_import(api_env, hoegi_csv):
    rows = _published(hoegi_csv)
    report, _ = _fetch(dong=HOEGI, page_size=400)
    # 963 rows in pages of 400: 400 + 400 + 163
    assert len(rows) == 963
    assert report.total_count == 963 and report.rows_received == 963
    assert report.pages == 3 and report.requests == 3 and report.retries == 0
    assert [int(r["pageNo"]) for r in api_env.log] == [1, 2, 3]
    assert all(r["numOfRows"] == "400" and r["divId"] == "adongCd" and r["key"] == HOEGI for r in api_env.log)
    # the encoded key was decoded once (the server compares with the decoded form)
    assert {r["serviceKey"] for r in api_env.log} == {replay.GOOD_KEY}
    assert report.stdr_ym == "202603" and report.snapshot == "2026Q1"
    assert report.rows_ok == 963 and report.rows_rejected == 0
    assert report.sources[0] == "sangga-api"
    got = _stored("2026Q1")
    assert sorted(got["store_id"]) == sorted(r["상가업소번호"] for r in rows)
    assert Counter(got["major_code"]) == Counter(r["상권업종대분류코드"] for r in rows)
    # the same rows imported from the published CSV into another quarter are identical, column by column
    from moduai.commerce.importer import import_sangga_files

    import_sangga_files([hoegi_csv], snapshot="2025Q4")
    direct = _stored("2025Q4").sort_values("store_id").reset_index(drop=True)
    via_api = got.sort_values("store_id").reset_index(drop=True)
    cols = [c for c in direct.columns if c not in ("snapshot",)]
    pd.testing.assert_frame_equal(direct[cols], via_api[cols])


def test_refetch_changes_nothing(api_env):
    first, _ = _fetch(dong=HOEGI)
    again, _ = _fetch(dong=HOEGI)
    assert first.rows_ok == 963 and first.pages == 1
    assert again.imported.already_imported and again.message == "이미 가져옴"
    assert len(_stored("2026Q1")) == 963


def test_radius_fetch_sends_centre_and_keeps_only_the_circle(api_env, hoegi_csv):
    rows = _published(hoegi_csv)
    lat, lon = 37.5898, 127.0579
    report, _ = _fetch(lat=lat, lon=lon, radius_m=250, page_size=50)
    geod = Geod(ellps="WGS84")
    expected = {r["상가업소번호"] for r in rows
                if geod.inv(lon, lat, float(r["경도"]), float(r["위도"]))[2] <= 250}
    assert 20 < len(expected) < 963
    got = set(_stored("2026Q1")["store_id"])
    # the replay server measures on a sphere, the check on the ellipsoid: allow the rows within 1 m of the edge
    edge = {r["상가업소번호"] for r in rows if abs(geod.inv(lon, lat, float(r["경도"]), float(r["위도"]))[2] - 250) < 1}
    assert got ^ expected <= edge
    assert report.pages == -(-report.total_count // 50)
    q = api_env.log[0]
    assert q["radius"] == "250" and float(q["cx"]) == pytest.approx(lon) and float(q["cy"]) == pytest.approx(lat)


def test_major_filter_is_sent_and_only_that_major_stored(api_env, hoegi_csv):
    expected = sum(1 for r in _published(hoegi_csv) if r["상권업종대분류코드"] == "I2")
    report, _ = _fetch(dong=HOEGI, major="i2")
    assert api_env.log[0]["indsLclsCd"] == "I2"
    assert report.rows_ok == expected
    assert set(_stored("2026Q1")["major_code"]) == {"I2"}


@pytest.mark.parametrize("key,code_word", [
    (replay.EXPIRED_KEY, "활용 기간이 끝났습니다"),
    (replay.UNREGISTERED_KEY, "등록되지 않은 서비스 키"),
    (replay.HTTP401_KEY, "서비스 키를 받아들이지 않았습니다"),
])
def test_refused_key_is_a_korean_error_not_retried(api_env, key, code_word):
    with pytest.raises(DataUnavailable) as exc:
        _fetch(dong=HOEGI, service_key=key)
    assert code_word in exc.value.message and "MODUAI_DATA_GO_KR_KEY" in exc.value.message
    assert len(api_env.log) == 1  # a refused key is not retried
    from moduai.commerce import store

    assert not store.snapshot_path("2026Q1").exists()


def test_no_key(monkeypatch):
    from moduai.commerce.sdsc_api import api_configured, fetch_stores
    from moduai.config import get_settings

    monkeypatch.delenv("MODUAI_DATA_GO_KR_KEY", raising=False)
    get_settings.cache_clear()
    assert not api_configured()
    with pytest.raises(DataUnavailable, match="MODUAI_DATA_GO_KR_KEY"):
        fetch_stores(HOEGI)


def test_server_errors_and_rate_limits_are_retried_with_backoff(api_env):
    api_env.faults = [(2, "500"), (2, "limit"), (2, "429")]
    report, sleeps = _fetch(dong=HOEGI, page_size=500, backoff_s=0.5)
    assert report.rows_ok == 963 and report.pages == 2
    assert report.retries == 3 and report.requests == 5
    # exponential back-off 0.5, 1.0, then the server's Retry-After of 3 s
    assert sleeps == [0.5, 1.0, 3.0]


def test_gives_up_after_the_retries_and_stores_nothing(api_env):
    api_env.faults = [(1, "500")] * 3
    with pytest.raises(DataUnavailable, match="3번 시도에도"):
        _fetch(dong=HOEGI, retries=2)
    assert len(api_env.log) == 3
    from moduai.commerce import store

    assert not store.snapshot_path("2026Q1").exists()


def test_timeout_is_retried(api_env):
    api_env.faults = [(1, "slow")]
    report, sleeps = _fetch(dong=HOEGI, timeout_s=0.5, backoff_s=0.1)
    assert report.rows_ok == 963 and report.retries == 1 and sleeps == [0.1]


def test_requests_are_spaced(api_env):
    report, sleeps = _fetch(dong=HOEGI, page_size=300, min_interval_s=0.3, clock=lambda: 100.0)
    assert report.pages == 4
    # every request after the first waits the whole 0.3 s interval (the test clock stands still)
    assert sleeps == pytest.approx([0.3, 0.3, 0.3])


def test_nodata_stores_nothing(api_env):
    report, _ = _fetch(dong="11230720")
    assert report.rows_received == 0 and report.imported is None
    assert "없습니다" in report.message


def test_bad_rows_are_rejected_with_the_csv_rules(api_env):
    api_env.items[5]["lat"] = 0.0  # outside Korea
    api_env.items[7]["indsSclsCd"] = "Z99999"  # unknown 업종
    report, _ = _fetch(dong=HOEGI)
    assert report.rows_ok == 961 and report.rows_rejected == 2
    reasons = sorted(r.reason for r in report.imported.rejected)
    assert any("대한민국 밖" in r for r in reasons) and any("알 수 없는 업종" in r for r in reasons)
    # line numbers point into the written file: header is line 1, so item 5 is line 7
    assert sorted(r.line for r in report.imported.rejected) == [7, 9]


@pytest.mark.parametrize("kw,field", [
    ({"dong": "1123"}, "dong"),
    ({}, "dong"),
    ({"dong": HOEGI, "lat": 37.5, "lon": 127.0, "radius_m": 100}, "dong"),
    ({"lat": 37.5, "lon": 127.0, "radius_m": 2500}, "radius"),
    ({"lat": 37.5, "lon": 127.0, "radius_m": 0}, "radius"),
    ({"lat": 10.0, "lon": 127.0, "radius_m": 100}, "lat"),
    ({"dong": HOEGI, "major": "음식"}, "major"),
])
def test_bad_arguments(api_env, kw, field):
    from moduai.commerce.sdsc_api import fetch_stores

    with pytest.raises(InputError) as exc:
        fetch_stores(**kw)
    assert exc.value.field == field
    assert api_env.log == []


def test_cli_fetch_json(api_env):
    from typer.testing import CliRunner

    from moduai.cli import app

    res = CliRunner().invoke(app, ["commerce", "fetch", "--dong", HOEGI, "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["rows_ok"] == 963 and doc["snapshot"] == "2026Q1" and doc["pages"] == 1
    assert "serviceKey" not in json.dumps(doc) and replay.GOOD_KEY not in res.output


def test_cli_fetch_expired_key_exit_code(api_env, monkeypatch):
    from typer.testing import CliRunner

    from moduai.cli import app
    from moduai.config import get_settings

    monkeypatch.setenv("MODUAI_DATA_GO_KR_KEY", replay.EXPIRED_KEY)
    get_settings.cache_clear()
    res = CliRunner().invoke(app, ["commerce", "fetch", "--dong", HOEGI])
    assert res.exit_code != 0
    assert "활용 기간이 끝났습니다" in " ".join(res.output.split())


# --- a failed call is described in Korean; the exception's class name goes to the log only ------------------

GAVE_UP = ("상가(상권)정보 API가 2번 시도에도 답하지 않았습니다 ({}). "
           "호출 한도를 넘었다면 내일 다시, 아니면 잠시 뒤 다시 시도해 주세요.")


def _raising(exc_type):
    import httpx

    def handler(request):
        raise exc_type("boom", request=request)

    return httpx.MockTransport(handler)


def _refused_url() -> str:
    """A local port nobody listens on: connecting is refused by the operating system."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("how, words, logged", [
    ("ConnectTimeout", "연결 시간 초과: 서버에 제시간에 연결하지 못함", "ConnectTimeout"),
    ("ReadTimeout", "응답 시간 초과: 서버가 제시간에 답하지 않음", "ReadTimeout"),
    ("RemoteProtocolError", "연결이 도중에 끊김", "RemoteProtocolError"),
    ("refused", "연결 거부: 서버가 꺼져 있거나 주소·포트가 틀림", "ConnectError"),
], ids=["connect-timeout", "read-timeout", "dropped", "refused"])
def test_a_failed_connection_is_described_in_korean_not_by_class_name(api_env, caplog, how, words, logged):
    import httpx

    from tests.helpers_text import english_in

    kw = {"base_url": _refused_url()} if how == "refused" else {"transport": _raising(getattr(httpx, how))}
    with caplog.at_level("WARNING", logger="moduai.commerce.sdsc_api"), pytest.raises(DataUnavailable) as exc:
        _fetch(dong=HOEGI, retries=1, backoff_s=0.0, **kw)
    message = exc.value.message
    assert message == GAVE_UP.format(words)
    assert logged not in message and logged not in (exc.value.detail or "")
    assert english_in([message]) == []
    assert caplog.text.count(logged) == 2  # both attempts, by class name, in the log


@pytest.mark.parametrize("fault, words", [("429", "요청이 너무 잦음, 상태 코드 429"),
                                          ("500", "공공데이터포털 서버 내부 오류, 상태 코드 500")],
                         ids=["429", "500"])
def test_status_answers_are_named_in_korean(api_env, fault, words):
    api_env.faults = [(1, fault)] * 2
    with pytest.raises(DataUnavailable) as exc:
        _fetch(dong=HOEGI, retries=1, backoff_s=0.0)
    assert exc.value.message == GAVE_UP.format(words)


def test_a_client_error_status_is_named_in_korean():
    import httpx

    from moduai.commerce.sdsc_api import _parse_page

    resp = httpx.Response(404, text="Not Found", request=httpx.Request("GET", "http://x"))
    with pytest.raises(DataUnavailable) as exc:
        _parse_page(resp)
    assert exc.value.message == ("상가(상권)정보 API가 오류로 답했습니다 (주소를 찾을 수 없음, 상태 코드 404). "
                                 "조회 조건을 확인해 주세요.")


def test_the_fetch_form_and_the_cli_show_the_failure_in_korean(api_env, monkeypatch):
    """The page (form re-shown with its error box) and ``moduai commerce fetch``: a timeout, in Korean."""
    import functools

    import httpx
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from moduai.cli import app as cli
    from moduai.commerce import sdsc_api
    from moduai.web.app import create_app
    from moduai.web.routes import commerce_data
    from tests.helpers_auth import login_as
    from tests.helpers_text import english_in, shown
    from tests.helpers_web import csrf_token

    quick = functools.partial(sdsc_api.fetch_stores, transport=_raising(httpx.ConnectTimeout), retries=1,
                              sleep=lambda s: None)
    monkeypatch.setattr(commerce_data, "fetch_stores", quick)
    monkeypatch.setattr(sdsc_api, "fetch_stores", quick)
    expected = GAVE_UP.format("연결 시간 초과: 서버에 제시간에 연결하지 못함")
    client = TestClient(create_app())
    login_as(client, "admin")
    r = client.post("/commerce/data/fetch", data={"dong": HOEGI, "csrf_token": csrf_token(client)})
    assert r.status_code == 422
    text = shown(r.text)
    assert expected in text and "ConnectTimeout" not in r.text and english_in([text]) == []
    res = CliRunner().invoke(cli, ["commerce", "fetch", "--dong", HOEGI])
    assert res.exit_code == 4
    assert expected in " ".join(res.stderr.split()) and "ConnectTimeout" not in res.stdout
