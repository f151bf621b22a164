"""모두의 AI 도우미: routing on the held-out questions, slots, clarifying questions, follow-ups, faithfulness,
and the LLM router against a local server replaying recorded function calls."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from moduai.assistant import Conversation, KeywordRouter, LLMRouter, OfflineRouter, ask, load_tools
from moduai.assistant.evaluate import evaluate, load_questions
from moduai.assistant.slots import extract
from moduai.assistant.tools import ToolResult, check_faithful

QUESTIONS = Path(__file__).with_name("questions.yaml")


def test_held_out_routing_meets_the_targets_and_beats_keywords():
    qs = load_questions(QUESTIONS, "test")
    assert len(qs) >= 100
    offline = evaluate(OfflineRouter(), qs)
    keyword = evaluate(KeywordRouter(), qs)
    assert offline.route_accuracy >= 0.9, offline.misses
    assert offline.argument_accuracy >= 0.85, offline.misses
    assert offline.route_accuracy > keyword.route_accuracy


def test_question_set_labels_resolve():
    from moduai.commerce.taxonomy import resolve_category
    from moduai.regions import search_regions

    names = {t.name for t in load_tools()}
    for q in load_questions(QUESTIONS):
        assert q["tool"] in names and q["split"] in ("dev", "test")
        if "place" in q:
            assert q["place"] in {r.full_name for r in search_regions(q["place"])}
        if "category" in q:
            assert resolve_category(q["category"]).code == q["category"]


@pytest.mark.parametrize("question,expect", [
    ("포항 양덕동에 카페 내면 어때?", {"place": "경상북도 포항시 북구 양덕동", "category": "카페"}),
    ("영천시에 국밥집 내면 장사 될까?", {"place": "경상북도 영천시", "category": "국밥"}),
    ("회기동 반경 1.5km 치킨", {"radius_m": 1500, "category": "치킨"}),
])
def test_slots(question, expect):
    s = extract(question)
    got = {"place": s.places[0].full_name if s.places else None, "category": s.category, "radius_m": s.radius_m}
    for k, v in expect.items():
        assert got[k] == v


def test_a_verb_is_not_a_place():
    # "내면" is 내다 + -면 here, not 홍천군 내면
    assert [r.full_name for r in extract("영천시에 국밥집 내면 장사 될까?").places] == ["경상북도 영천시"]


def test_ambiguous_place_and_our_county_are_asked_back():
    a = ask("중구 소멸위험 어때", router=OfflineRouter())
    assert a.kind == "clarify" and "서울특별시 중구" in a.candidates and len(a.candidates) == 6
    b = ask("우리 군에 청년 창업 지원 뭐 있어?", router=OfflineRouter())
    assert b.kind == "clarify" and "시군구" in b.text


def test_follow_up_reuses_slots():
    conv = Conversation()
    first = ask("해남군 지방소멸위험지수 알려줘", conv, router=OfflineRouter())
    assert first.calls[0].arguments["year"] == 2024
    again = ask("그럼 2020년은?", conv, router=OfflineRouter())
    assert again.calls[0].name == "decline_index" and again.calls[0].arguments == {"place": "전라남도 해남군", "year": 2020}
    clarify = ask("중구 소멸위험 어때", conv, router=OfflineRouter())
    assert clarify.kind == "clarify"
    answered = ask("서울 중구", conv, router=OfflineRouter())
    assert answered.calls[0].arguments["place"] == "서울특별시 중구"


def test_answers_use_only_tool_numbers():
    from moduai.data.population import decline_index

    a = ask("해남군 지방소멸위험지수 알려줘", router=OfflineRouter())
    d = decline_index("46820", 2024)
    assert f"{d.index:.3f}" in a.text and f"{d.women_20_39:,.0f}" in a.text and not a.unfaithful_numbers
    fake = ToolResult("decline_index", {"place": "x"}, "", "", [], {"index": 0.152})
    assert check_faithful("지수는 0.152입니다", fake) == []
    assert check_faithful("지수는 0.152, 인구 12,345명입니다", fake) == ["12345"]


class _Replay(BaseHTTPRequestHandler):
    responses: list = []
    seen: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Replay.seen.append(body)
        status, payload = _Replay.responses.pop(0)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(payload).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def replay_server():
    srv = HTTPServer(("127.0.0.1", 0), _Replay)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/v1"
    srv.shutdown()


def _call(name, args):
    return (200, {"choices": [{"message": {"role": "assistant", "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": name, "arguments": json.dumps(args, ensure_ascii=False)}}]}}]})


def test_llm_router_uses_recorded_function_calls_and_falls_back(replay_server):
    _Replay.seen.clear()
    _Replay.responses[:] = [
        _call("decline_index", {"place": "전라남도 해남군"}),            # valid
        _call("decline_index", {"year": 2024}),                          # invalid: place missing
        (500, {"error": "down"}),                                        # server error
    ]
    router = LLMRouter(replay_server, "recorded-model")
    a = ask("해남 소멸위험 얼마나 돼", router=router)
    assert a.router == "llm" and a.calls[0].arguments["place"] == "전라남도 해남군"
    sent = _Replay.seen[0]
    assert {t["function"]["name"] for t in sent["tools"]} == {t.name for t in load_tools()}
    b = ask("해남 소멸위험 얼마나 돼", router=router)
    assert b.router == "offline" and b.calls[0].name == "decline_index"
    assert b.note == "언어 모델 호출이 실패해(모델이 고른 도구나 인자가 맞지 않음) 오프라인 방식으로 답했습니다."
    c = ask("해남 소멸위험 얼마나 돼", router=router)
    assert c.router == "offline" and c.kind == "answer"
    assert c.note == "언어 모델 호출이 실패해(서버 내부 오류, 상태 코드 500) 오프라인 방식으로 답했습니다."


@pytest.mark.parametrize("raised, words", [
    ("ConnectTimeout", "연결 시간 초과: 서버에 제시간에 연결하지 못함"),
    ("ReadTimeout", "응답 시간 초과: 서버가 제시간에 답하지 않음"),
    ("ConnectError", "서버에 연결할 수 없음"),
], ids=["connect-timeout", "read-timeout", "connect-error"])
def test_a_failed_model_call_is_described_in_korean_and_logged_by_class_name(monkeypatch, caplog, raised, words):
    import httpx

    from tests.helpers_text import english_in

    def post(url, **kw):
        raise getattr(httpx, raised)("boom", request=httpx.Request("POST", url))

    monkeypatch.setattr(httpx, "post", post)
    with caplog.at_level("WARNING", logger="moduai.assistant"):
        a = ask("해남 소멸위험 얼마나 돼", router=LLMRouter("http://127.0.0.1:9/v1", "m"))
    assert a.router == "offline" and a.calls[0].name == "decline_index"
    assert a.note == f"언어 모델 호출이 실패해({words}) 오프라인 방식으로 답했습니다."
    assert raised not in a.note and english_in([a.note]) == []
    assert raised in caplog.text


def test_the_ask_page_says_why_the_model_was_not_used_in_korean(monkeypatch):
    """A configured model server that refuses the connection: the page's note names the failure in Korean."""
    import re
    import socket

    from fastapi.testclient import TestClient

    from moduai.config import get_settings
    from moduai.web.app import create_app
    from tests.helpers_text import english_in
    from tests.helpers_web import csrf_token

    with socket.socket() as s:  # a local port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("MODUAI_LLM_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("MODUAI_LLM_MODEL", "m")
    get_settings.cache_clear()
    client = TestClient(create_app())
    r = client.post("/ask", data={"question": "해남 소멸위험 얼마나 돼", "history": "[]",
                                  "csrf_token": csrf_token(client)})
    get_settings.cache_clear()
    assert r.status_code == 200
    notes = re.findall(r'<p class="muted">([^<]*)</p>', r.text)
    assert "언어 모델 호출이 실패해(연결 거부: 서버가 꺼져 있거나 주소·포트가 틀림) 오프라인 방식으로 답했습니다." in notes
    assert "ConnectError" not in r.text and english_in(notes) == []
