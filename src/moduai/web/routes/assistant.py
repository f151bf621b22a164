"""모두의 AI 도우미 page and /api/v1/ask (thin: parse, call the assistant, render)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from moduai.results import to_jsonable
from moduai.web.errors import page_message
from moduai.web.schemas import assistant as AS
from moduai.web.templating import render_page

if TYPE_CHECKING:
    from moduai.assistant import Answer, Conversation

# The assistant reaches every domain (pandas, shapely, pyproj, …): it is imported on the first question, not
# when the app starts (moduai.web.app builds every router before the first page can answer).

router = APIRouter()
_feedback_lock = threading.Lock()


ARG_LABELS = {"place": "지역", "category": "업종", "radius_m": "반경(m)", "year": "연도", "budget": "예산",
              "scheme": "배분 방식", "outcome": "결과 변수", "query": "검색어"}


@dataclass
class AskContext:
    answers: list[Answer] = field(default_factory=list)
    history: str = "[]"
    feedback_saved: bool = False
    arg_labels: dict[str, str] = field(default_factory=lambda: dict(ARG_LABELS))
    source_titles: dict[str, str] = field(default_factory=dict)


def _titles(answers: list[Answer]) -> dict[str, str]:
    from moduai.data.catalog import get_dataset

    out = {}
    for a in answers:
        for c in a.calls:
            for sid in c.sources:
                try:
                    out[sid] = get_dataset(sid).title
                except Exception:  # noqa: BLE001 - an id without a catalog entry shows as itself
                    out[sid] = sid
    return out


def _conversation(history: str) -> tuple[Conversation, list[dict]]:
    """The page carries its own short history (no server session): the last tool and arguments."""
    from moduai.assistant import Conversation  # deferred: the assistant imports every domain

    try:
        items = json.loads(history)[-5:] if history else []
    except ValueError:
        items = []
    conv = Conversation()
    for it in items:
        if isinstance(it, dict) and it.get("tool"):
            conv.last_tool, conv.last_arguments = it["tool"], dict(it.get("arguments") or {})
        if isinstance(it, dict) and it.get("pending"):
            conv.pending_tool = it["pending"]
    return conv, [i for i in items if isinstance(i, dict)]


@router.get("/ask", include_in_schema=False)
def ask_page(request: Request):
    """도우미 첫 화면."""
    return render_page(request, "assistant/ask.html", AskContext(), title="모두의 AI 도우미")


@router.post("/ask", include_in_schema=False)
async def ask_post(request: Request, question: str = Form(..., max_length=500), history: str = Form("[]")):
    """질문에 답합니다."""
    from moduai.assistant import ask  # deferred: the assistant imports every domain

    conv, items = _conversation(history)
    answer = await run_in_threadpool(ask, question, conv)
    if answer.kind in ("error", "clarify"):  # a refused call's message, as every page shows one (no code names)
        answer.text = page_message(answer.text)
    items.append({"q": question, "tool": conv.last_tool if answer.calls else None,
                  "arguments": conv.last_arguments if answer.calls else {},
                  "pending": conv.pending_tool if answer.kind == "clarify" else None})
    ctx = AskContext([answer], json.dumps(items[-5:], ensure_ascii=False), source_titles=_titles([answer]))
    return render_page(request, "assistant/ask.html", ctx, title="모두의 AI 도우미")


@router.post("/ask/feedback", include_in_schema=False)
def ask_feedback(request: Request, question: str = Form(..., max_length=500), tool: str = Form("", max_length=60),
                 verdict: str = Form(..., pattern="^(맞음|틀림)$")):
    """'이 답이 맞나요?' — 평가 자료로 모읍니다 (질문, 고른 도구, 판단; 개인정보는 가려서)."""
    from moduai.config import get_settings
    from moduai.marketing.masking import mask_text

    path = get_settings().home / "assistant_feedback.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"q": mask_text(question), "tool": tool, "verdict": verdict}, ensure_ascii=False)
    with _feedback_lock, open(path, "a", encoding="utf-8") as fh:  # one short append per request
        fh.write(line + "\n")
    return render_page(request, "assistant/ask.html", AskContext(feedback_saved=True), title="모두의 AI 도우미")


class AskIn(BaseModel):
    question: str = Field(..., min_length=1, max_length=500)
    history: list[dict] = Field(default_factory=list, max_length=5,
                                description="앞 대화의 [{tool, arguments}] (이어 묻기용, 선택)")


@router.post("/api/v1/ask", tags=["assistant"], operation_id="assistant_ask", response_model=AS.AnswerPublic)
def api_ask(body: AskIn):
    """한국어 질문 → 도구 호출, 답, 출처 (CLI `moduai ask "…" --json`과 같은 문서)."""
    from moduai.assistant import ask  # deferred: the assistant imports every domain

    conv, _ = _conversation(json.dumps(body.history))
    return to_jsonable(ask(body.question, conv))
