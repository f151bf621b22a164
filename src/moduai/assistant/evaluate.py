"""Route accuracy, argument accuracy and answer faithfulness on a labelled question set.

A question counts for route accuracy when the router picks the expected tool (for questions whose right
move is to ask back — "우리 군 …", "교동 …" with several 교동 — the router must pick the tool *and* ask).
Argument accuracy is over the correctly routed questions: the place resolves to the expected region,
the 업종 to the expected code, and radius, year, budget, scheme and outcome equal what the question says
(unstated ones must be left to the tool's default). Faithfulness: the answer holds no number that is
not in its tool result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from moduai.assistant.slots import extract
from moduai.assistant.tools import check_faithful, run_tool
from moduai.commerce.taxonomy import resolve_category


@dataclass
class EvalReport:
    router: str
    split: str
    questions: int
    route_accuracy: float
    argument_accuracy: float
    faithfulness: float | None
    misses: list[dict] = field(default_factory=list)


def load_questions(path: str | Path, split: str | None = None) -> list[dict]:
    items = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [q for q in items if split is None or q["split"] == split]


def _args_ok(item: dict, route) -> bool:

    if item.get("clarify"):
        return bool(route.clarify)
    if route.clarify:
        return False
    a = route.arguments
    if "place" in item and a.get("place") != item["place"]:
        return False
    if "category" in item:
        try:
            if resolve_category(a.get("category", "")).code != item["category"]:
                return False
        except Exception:  # noqa: BLE001 - an unresolvable category is simply wrong
            return False
    for key in ("radius_m", "year", "budget", "scheme", "outcome"):
        if item.get(key) != a.get(key):
            return False
    return True


def evaluate(router, questions: list[dict], *, run_tools: bool = False, split: str = "test") -> EvalReport:

    routed = args_ok = faithful = answered = 0
    misses = []
    for item in questions:
        slots = extract(item["q"])
        route = router.route(item["q"], slots)
        ok_route = route.tool == item["tool"]
        ok_args = ok_route and _args_ok(item, route)
        routed += ok_route
        args_ok += ok_args
        if not (ok_route and ok_args):
            misses.append({"q": item["q"], "expected": item["tool"], "got": route.tool, "arguments": route.arguments,
                           "clarify": route.clarify})
        if run_tools and ok_route and not route.clarify:
            try:
                res = run_tool(route.tool, route.arguments)
            except Exception:  # noqa: BLE001 - a refused call has no answer to check
                continue
            answered += 1
            faithful += not check_faithful(res.answer, res)
    n = len(questions)
    return EvalReport(router.name, split, n, routed / n, args_ok / max(routed, 1),
                      faithful / answered if answered else None, misses)
