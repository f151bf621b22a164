"""The HTTP backend against a fake chat-completions server on 127.0.0.1, and the offline fallback."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from moduai.ai.llm import OfflineDraft, backend_status, generate
from moduai.config import load_settings
from moduai.errors import DataUnavailable

DRAFT = OfflineDraft(("{shop}이 {item}을 준비했어요.",), {"shop": "빵집", "item": "커피"})


class _Handler(BaseHTTPRequestHandler):
    mode = "ok"
    seen: list[dict] = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_POST(self):  # noqa: N802 - http.server API
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        type(self).seen.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        mode = type(self).mode
        if mode == "slow":
            time.sleep(1.5)
        if mode == "error":
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b"overloaded")
            return
        if mode == "malformed":
            payload = b'{"choices": []}'
        elif mode == "notjson":
            payload = b"<html>proxy error</html>"
        else:
            payload = json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": "  서버가 쓴 문구입니다.  "}}]},
                ensure_ascii=False,
            ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def fake_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.seen = []
    yield server, f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def _settings(url: str | None, timeout: str = "0.5"):
    env = {"MODUAI_HOME": "/tmp/x", "MODUAI_LLM_TIMEOUT": timeout, "MODUAI_LLM_MODEL": "qwen-test",
           "MODUAI_LLM_API_KEY": "sk-test"}
    if url:
        env["MODUAI_LLM_BASE_URL"] = url
    return load_settings(env)


def test_offline_when_nothing_configured():
    res = generate("아무 요청", offline=DRAFT, settings=_settings(None))
    assert res.backend == "offline" and not res.fell_back
    assert res.text == "빵집이 커피를 준비했어요."
    assert backend_status(_settings(None))["backend"] == "offline"


def test_offline_without_a_draft_is_a_clear_error():
    with pytest.raises(DataUnavailable, match="MODUAI_LLM_BASE_URL"):
        generate("아무 요청", settings=_settings(None))


def test_http_backend_sends_a_chat_completion(fake_server):
    _server, url = fake_server
    _Handler.mode = "ok"
    res = generate("소개글을 써 주세요", offline=DRAFT, settings=_settings(url))
    assert res.backend == "openai-compatible" and not res.fell_back
    assert res.text == "서버가 쓴 문구입니다."
    req = _Handler.seen[-1]
    assert req["path"] == "/v1/chat/completions"
    assert req["body"]["model"] == "qwen-test"
    assert req["body"]["messages"][-1] == {"role": "user", "content": "소개글을 써 주세요"}
    assert req["auth"] == "Bearer sk-test"
    assert "sk-test" not in json.dumps(backend_status(_settings(url)))


@pytest.mark.parametrize(
    ("mode", "reason_part"),
    [("slow", "0.5초 안에 답하지"), ("error", "서비스를 잠시 쓸 수 없음, 상태 코드 503"), ("malformed", "형식이 올바르지"), ("notjson", "형식이 올바르지")],
)
def test_failures_fall_back_and_say_so(fake_server, mode, reason_part):
    _server, url = fake_server
    _Handler.mode = mode
    t0 = time.perf_counter()
    res = generate("소개글", offline=DRAFT, settings=_settings(url))
    assert time.perf_counter() - t0 < 1.4  # the timeout was honoured, not the server's 1.5 s
    assert res.fell_back and res.backend == "offline"
    assert reason_part in res.reason and "오프라인" in res.reason
    assert res.text == "빵집이 커피를 준비했어요."


def test_unreachable_server_falls_back():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = generate("x", offline=DRAFT, settings=_settings(f"http://127.0.0.1:{port}/v1"))
    assert res.fell_back and "연결할 수 없습니다" in res.reason
