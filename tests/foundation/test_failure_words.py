"""``errors.failure_words``: the one table that names a failed call to another server in Korean (never by the
exception's class name), and ``http_status_words`` for an HTTP status."""

from __future__ import annotations

import json

import httpx
import pytest

from moduai.errors import _FAILURE_WORDS, failure_words, http_status_words
from tests.helpers_text import english_in


def _raised(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the test wants whatever was raised
        return exc
    raise AssertionError("nothing raised")


def test_the_socket_error_under_an_httpx_error_is_the_one_named():
    def refused():
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except OSError as exc:
            raise httpx.ConnectError("[Errno 111] Connection refused") from exc

    assert failure_words(_raised(refused)) == "연결 거부: 서버가 꺼져 있거나 주소·포트가 틀림"
    assert failure_words(httpx.ConnectError("x")) == "서버에 연결할 수 없음"  # no cause: the general words


@pytest.mark.parametrize("exc, words", [
    (httpx.ConnectTimeout("x"), "연결 시간 초과: 서버에 제시간에 연결하지 못함"),
    (httpx.PoolTimeout("x"), "연결 대기 시간 초과"),
    (TimeoutError(), "시간 초과"),
    (httpx.RemoteProtocolError("x"), "연결이 도중에 끊김"),
    (httpx.UnsupportedProtocol("x"), "서버 주소 형식이 올바르지 않음"),
    (_raised(lambda: json.loads("<html>")), "답의 형식이 올바르지 않음: JSON이 아님"),
    (_raised(lambda: {}["choices"]), "답의 형식이 올바르지 않음: 필요한 항목이 없음"),
    (ZeroDivisionError(), "알 수 없는 오류"),
], ids=["connect-timeout", "pool", "timeout", "dropped", "scheme", "json", "missing-key", "other"])
def test_kinds(exc, words):
    assert failure_words(exc) == words


@pytest.mark.parametrize("status, words", [(404, "주소를 찾을 수 없음, 상태 코드 404"),
                                           (503, "서비스를 잠시 쓸 수 없음, 상태 코드 503"),
                                           (599, "서버 오류, 상태 코드 599"), (418, "요청 거절, 상태 코드 418")])
def test_an_http_status_in_korean(status, words):
    assert http_status_words(status) == words
    resp = httpx.Response(status, request=httpx.Request("GET", "http://x"))
    assert failure_words(_raised(resp.raise_for_status)) == words


def test_every_word_is_korean():
    texts = [w for _, w in _FAILURE_WORDS] + [http_status_words(s) for s in (400, 401, 403, 408, 413, 429, 500, 502, 504)]
    assert english_in(texts) == []
