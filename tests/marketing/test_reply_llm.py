"""Reply drafts rewritten by a (fake, local) language model: priority order, limit, fallback."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from moduai.config import get_settings
from moduai.errors import InputError
from moduai.marketing.reply_llm import polish_replies_with_llm
from moduai.marketing.reviews import analyze_reviews, parse_reviews_csv

CSV = """날짜,평점,내용
2025-01-02,5,빵이 맛있어요
2025-01-03,1,불친절해요
2025-01-04,1,머리카락이 나왔어요
2025-01-05,3,맛은 좋은데 비싸요
""".encode()


def _server(status: int):
    seen: list[str] = []

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            review = body["messages"][-1]["content"].split("리뷰: ")[1].split("\n")[0]
            seen.append(review)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            if status == 200:
                self.wfile.write(json.dumps({"choices": [{"message": {"content": f"모델 답글: {review}"}}]},
                                            ensure_ascii=False).encode())

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, seen


@pytest.fixture
def analysis():
    _t, records = parse_reviews_csv(CSV)
    return analyze_reviews(records, tone="정중", shop="모두 빵집")


def test_needs_a_configured_server(analysis):
    with pytest.raises(InputError, match="MODUAI_LLM_BASE_URL"):
        polish_replies_with_llm(analysis, shop="모두 빵집")


def test_most_urgent_first_within_the_limit(analysis, monkeypatch):
    srv, seen = _server(200)
    try:
        monkeypatch.setenv("MODUAI_LLM_BASE_URL", f"http://127.0.0.1:{srv.server_address[1]}/v1")
        get_settings.cache_clear()
        out = polish_replies_with_llm(analysis, shop="모두 빵집", limit=2)
    finally:
        srv.shutdown()
        srv.server_close()
    assert seen == ["머리카락이 나왔어요", "불친절해요"]  # flagged first, then negative
    by_text = {r.text: r for r in out.reviews}
    assert by_text["머리카락이 나왔어요"].reply == "모델 답글: 머리카락이 나왔어요"
    assert by_text["머리카락이 나왔어요"].reply_backend == "openai-compatible"
    assert by_text["빵이 맛있어요"].reply_backend == "offline" and by_text["빵이 맛있어요"].reply.startswith("고객님")
    assert analysis.reviews[2].reply_backend == "offline"  # the input analysis is not modified


def test_failing_server_is_asked_once_and_every_reply_says_so(analysis, monkeypatch):
    srv, seen = _server(503)
    try:
        monkeypatch.setenv("MODUAI_LLM_BASE_URL", f"http://127.0.0.1:{srv.server_address[1]}/v1")
        get_settings.cache_clear()
        out = polish_replies_with_llm(analysis, shop="모두 빵집", limit=4)
    finally:
        srv.shutdown()
        srv.server_close()
    assert len(seen) == 1
    assert all(r.reply_backend == "offline" and "상태 코드 503" in r.reply_note and "HTTP" not in r.reply_note for r in out.reviews)
    assert [r.reply for r in out.reviews] == [r.reply for r in analysis.reviews]


def test_result_page_offers_and_uses_the_model(db_url, monkeypatch):
    import io

    from fastapi.testclient import TestClient

    from moduai.web.app import create_app
    from tests.helpers_auth import login_as

    client = TestClient(create_app())
    login_as(client, "member")  # review files belong to a signed-in owner
    files = {"file": ("r.csv", io.BytesIO(CSV), "text/csv")}
    loc = client.post("/marketing/reviews", files=files, data={"shop": "모두 빵집"}, follow_redirects=False).headers["location"]
    assert "언어 모델로 급한 리뷰" not in client.get(loc).text  # nothing configured: no button
    srv, seen = _server(200)
    try:
        monkeypatch.setenv("MODUAI_LLM_BASE_URL", f"http://127.0.0.1:{srv.server_address[1]}/v1")
        get_settings.cache_clear()
        page = client.get(loc)
        assert "언어 모델로 급한 리뷰 30건" in page.text
        used = client.get(loc + "&llm=1")
    finally:
        srv.shutdown()
        srv.server_close()
    assert "모델 답글: 머리카락이 나왔어요" in used.text and len(seen) == 4
