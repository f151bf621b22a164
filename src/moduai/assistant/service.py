"""Ask a question: route it, run the tool, answer from the tool's result, keep slots for follow-ups."""

from __future__ import annotations

import datetime as dt

from moduai.assistant.results import Answer, Conversation, ToolCall
from moduai.assistant.router import FOLLOW_UP_WORDS, Route, _keyword_hits, default_router
from moduai.assistant.slots import extract
from moduai.assistant.tools import check_faithful, get_tool, load_tools, run_tool
from moduai.errors import Ambiguous, ModuaiError


def _follow_up(question: str, route: Route, conv: Conversation, slots) -> Route:
    """'그럼 반경 1km면?' reuses the last tool and its arguments, overriding what the new question says."""

    q = question.strip()
    no_keywords = not any(_keyword_hits(t, q) for t in load_tools())
    if conv.pending_tool and no_keywords and len(q) <= 20 and (slots.places or slots.category):
        # the answer to our clarifying question ("서울 중구", "카페")
        conv.last_tool, conv.last_arguments = conv.pending_tool, dict(conv.last_arguments)
    elif not conv.last_tool or not q.startswith(FOLLOW_UP_WORDS):
        return route
    args = dict(conv.last_arguments)
    if slots.radius_m and "radius_m" in get_tool(conv.last_tool).parameters["properties"]:
        args["radius_m"] = max(100, min(3000, slots.radius_m))
    if slots.places:
        args["place"] = slots.places[0].full_name
    if slots.category and "category" in get_tool(conv.last_tool).parameters["properties"]:
        args["category"] = slots.category
    if slots.budget and conv.last_tool == "grants_allocation":
        args["budget"] = slots.budget
    if slots.year and "year" in get_tool(conv.last_tool).parameters["properties"]:
        args["year"] = slots.year
    return Route(conv.last_tool, args, route.confidence, router=route.router, note="앞 질문의 조건을 이어서 썼습니다.")


def ask(question: str, conversation: Conversation | None = None, *, router=None,
        today: dt.date | None = None) -> Answer:
    conv = conversation if conversation is not None else Conversation()
    router = router or default_router()
    slots = extract(question)
    route = router.route(question, slots)
    route = _follow_up(question, route, conv, slots)
    if route.clarify:
        conv.pending_tool = route.tool
        return Answer(question, "clarify", route.clarify, [], route.router, route.note, route.candidates)
    conv.pending_tool = None
    try:
        result = run_tool(route.tool, route.arguments, today=today)
    except Ambiguous as exc:
        return Answer(question, "clarify", exc.message, [], route.router, route.note,
                      [str(c) for c in exc.candidates])
    except ModuaiError as exc:
        return Answer(question, "error", exc.message, [], route.router, route.note)
    bad = check_faithful(result.answer, result)
    text = result.answer if not bad else "계산 결과에 없는 숫자가 답에 섞여 답을 내보내지 않았습니다. 자세히 보기에서 확인하세요."
    conv.last_tool, conv.last_arguments = route.tool, dict(result.arguments | route.arguments)
    tool = get_tool(route.tool)
    return Answer(question, "answer", text, [ToolCall(tool.name, tool.label, result.arguments, result.link, result.sources)],
                  route.router, route.note, unfaithful_numbers=bad)
