"""The assistant page and API: same document as the CLI, clarifying questions, feedback stored masked."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from moduai.cli import app as cli_app
from moduai.web.app import create_app


def test_page_api_and_cli(tmp_path):
    c = TestClient(create_app())
    assert c.get("/ask").status_code == 200
    r = c.post("/ask", data={"question": "해남군 지방소멸위험지수 알려줘", "history": "[]"})
    assert r.status_code == 200 and "자세히 보기" in r.text and "/balance/region/46820" in r.text
    api = c.post("/api/v1/ask", json={"question": "해남군 지방소멸위험지수 알려줘"}).json()
    out = CliRunner().invoke(cli_app, ["ask", "해남군 지방소멸위험지수 알려줘", "--json"])
    assert json.loads(out.stdout) == api
    r = c.post("/ask", data={"question": "중구 소멸위험 어때", "history": "[]"})
    assert "되묻기" in r.text


def test_feedback_is_stored_masked():
    from moduai.config import get_settings

    c = TestClient(create_app())
    r = c.post("/ask/feedback", data={"question": "010-1234-5678 김민수 해남 소멸위험", "tool": "decline_index",
                                      "verdict": "맞음"})
    assert r.status_code == 200
    line = (get_settings().home / "assistant_feedback.jsonl").read_text(encoding="utf-8")
    assert "1234-5678" not in line and "decline_index" in line
    assert c.post("/ask/feedback", data={"question": "x", "verdict": "글쎄"}).status_code == 422
