"""The platform's tools as data (``tools.yaml``) and the code that runs each one and words its answer.

Every answer is composed from a tool result by a template; :func:`check_faithful` refuses an answer that
holds a number not found in the tool result (so a template, or a model, cannot invent a figure).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

from moduai.commerce.report import build_commerce_report
from moduai.data.population import decline_index, population_decline_areas
from moduai.errors import Ambiguous, InputError, NotFound
from moduai.grants import allocate
from moduai.impact.study import decline_study
from moduai.korean import josa, won
from moduai.marketing.calendar import upcoming_posts
from moduai.programs.service import search
from moduai.regions import get_region, megaregion_of, resolve_region
from moduai.results import to_jsonable

TOOLS_FILE = Path(__file__).with_name("tools.yaml")


@dataclass(frozen=True)
class Tool:
    name: str
    label: str
    description: str
    keywords: tuple[str, ...]
    parameters: dict
    examples: tuple[str, ...]

    def schema(self) -> dict:
        """OpenAI-style function-calling description (what an LLM router is given)."""
        return {"type": "function", "function": {"name": self.name, "description": self.description,
                                                 "parameters": self.parameters}}


@lru_cache(maxsize=1)
def load_tools() -> tuple[Tool, ...]:
    raw = yaml.safe_load(TOOLS_FILE.read_text(encoding="utf-8"))
    return tuple(Tool(t["name"], t["label"], t["description"], tuple(t.get("keywords", ())), t["parameters"],
                      tuple(t.get("examples", ()))) for t in raw)


def get_tool(name: str) -> Tool:
    for t in load_tools():
        if t.name == name:
            return t
    raise NotFound(f"도구 '{name}'이 없습니다.", field="tool")


@dataclass
class ToolResult:
    tool: str
    arguments: dict
    answer: str
    link: str
    sources: list[str]
    data: Any
    facts: dict[str, Any] = field(default_factory=dict)


def _region(place: str, *, level: str | None = None):

    if not place:
        raise InputError("어느 지역인지 알려 주세요 (예: 해남군, 포항시 북구).", field="place")
    try:
        r = get_region(place) if place.isdigit() else resolve_region(place)
    except Ambiguous as exc:
        labels = {c.get("label") if isinstance(c, dict) else str(c) for c in exc.candidates}
        if len(labels) != 1:  # 세종특별자치시 is both a 시도 and its only 시군구: one place, two levels
            raise
        r = get_region(exc.candidates[0]["code"])
    if level == "sigungu" and r.level != "sigungu":
        if r.level in ("gu", "emd") and r.sigungu_code:
            return get_region(r.sigungu_code)
        raise Ambiguous(f"'{r.full_name}'은 시군구가 아닙니다. 시군구 이름으로 알려 주세요.", field="place")
    return r


def _region_lookup(args: dict) -> ToolResult:

    r = _region(args["place"])
    mega = megaregion_of(r.code)
    answer = (f"{r.full_name}의 행정코드(행안부)는 {r.code}이고, 5극3특에서는 {mega.name}({mega.kind})에 속합니다.")
    return ToolResult("region_lookup", {"place": r.full_name}, answer, f"/regions/{r.code}",
                      ["regions-spine"], {"region": r.to_dict(), "megaregion": mega.name},
                      {"code": r.code})


def _commerce_report(args: dict) -> ToolResult:

    radius = int(args.get("radius_m") or 500)
    rep = build_commerce_report(place=args["place"], category=args["category"], radius_m=radius)
    lines = [s for s in rep.summary][:3]
    synthetic = (f" 이 주변 점포의 {rep.synthetic_share * 100:.0f}%는 실제 자료가 없어 만든 합성 자료입니다."
                 if rep.synthetic else "")
    answer = (f"{rep.place_query or args['place']} 반경 {radius:,}m, {rep.category.get('name', args['category'])} 기준입니다. "
              + " ".join(lines) + synthetic)
    link = "/commerce/report?" + urlencode({"place": args["place"], "category": args["category"], "radius": radius})
    return ToolResult("commerce_report", {"place": args["place"], "category": args["category"], "radius_m": radius},
                      answer, link, list(rep.sources), {"summary": rep.summary, "synthetic_share": rep.synthetic_share,
                                                         "radius_m": radius, "category": rep.category})


def _decline_index(args: dict) -> ToolResult:

    r = _region(args["place"], level="sigungu")
    year = int(args.get("year") or 2024)
    d = decline_index(r.code, year)
    area = {a.code: a for a in population_decline_areas()}.get(r.code)
    kind = area.kind if area else None
    designation = (f" {josa(r.full_name, '은/는')} {area.designated_year}년에 {kind}으로 지정되었습니다." if area
                   else " 인구감소지역·관심지역으로 지정되지 않았습니다.")
    answer = (f"{r.full_name}의 {year}년 지방소멸위험지수는 {d.index:.3f}, '{d.grade}' 단계입니다 "
              f"(20–39세 여성 {d.women_20_39:,.0f}명 ÷ 65세 이상 {d.residents_65_plus:,.0f}명)." + designation)
    return ToolResult("decline_index", {"place": r.full_name, "year": year}, answer, f"/balance/region/{r.code}",
                      [d.source, "population-decline-areas"], d.to_dict() | {"designation": kind, "designated_year": area.designated_year if area else None},
                      {"index": f"{d.index:.3f}"})


def _programs_search(args: dict) -> ToolResult:

    query = " ".join(x for x in (args.get("place") or "", args["query"]) if x).strip()
    res = search(query, limit=5)
    if not res.hits:
        answer = f"'{query}'에 맞는 지원사업을 찾지 못했습니다. 낱말을 바꿔 보세요."
    else:
        items = " · ".join(f"{h.name} ({h.agency}, {h.period_text})" for h in res.hits[:3])
        sample = " 표본 예시 사업이 섞여 있습니다." if any(h.is_sample for h in res.hits[:3]) else ""
        answer = f"{josa(repr(query), '으로/로')} 찾은 지원사업 가운데 앞의 것들입니다: {items}.{sample}"
    return ToolResult("programs_search", {"query": args["query"], "place": args.get("place")}, answer,
                      "/programs/search?" + urlencode({"q": query}), list(res.sources), to_jsonable(res))


def _marketing_calendar(args: dict, today: dt.date | None = None) -> ToolResult:

    today = today or dt.date.today()
    note = ""
    try:
        events = upcoming_posts(args.get("category") or None, today=today, days=60)[:3]
    except InputError:  # the calendar knows fewer 업종 than the taxonomy: use its general calendar, and say so
        events = upcoming_posts(None, today=today, days=60)[:3]
        note = f" ('{args.get('category')}'은 달력 업종에 없어 일반 업종 기준입니다.)"
    if not events:
        answer = "앞으로 두 달 안에 맞는 시즌·기념일이 없습니다."
    else:
        answer = "다가오는 홍보 시기입니다: " + "; ".join(
            f"{e.name}({e.date.month}월 {e.date.day}일, {e.post_on.month}월 {e.post_on.day}일쯤 게시) — {e.idea}"
            for e in events) + "." + note
    return ToolResult("marketing_calendar", {"category": args.get("category")}, answer,
                      "/marketing/calendar" + (f"?category={args['category']}" if args.get("category") else ""),
                      ["marketing-calendar"], to_jsonable(events))


def _grants_allocation(args: dict) -> ToolResult:

    r = _region(args["place"], level="sigungu")
    scheme = args.get("scheme") or "pogwal-2026"
    res = allocate(scheme, budget=args.get("budget") or None)
    row = next((x for x in res.rows if x.code == r.code), None)
    if row is None:
        answer = f"{josa(r.full_name, '은/는')} '{res.scheme['name']}'의 배분 대상이 아닙니다 (대상 {len(res.rows)}곳)."
        facts: dict = {}
    else:
        per = f"{row.per_capita_krw:,.0f}"
        answer = (f"'{res.scheme['name']}' 모의실험(예시 가정, 총 {won(res.budget_krw)})에서 {josa(r.full_name, '은/는')} "
                  f"{row.cls} 단계로 {won(row.amount_krw)}을 받습니다 (1인당 {per}원).")
        facts = {"amount": won(row.amount_krw), "budget": won(res.budget_krw), "per_capita": per}
    link = "/grants/simulate?" + urlencode({"scheme": scheme, "budget": args.get("budget") or ""}) + f"#r{r.code}"
    return ToolResult("grants_allocation", {"place": r.full_name, "scheme": scheme, "budget": args.get("budget")},
                      answer, link, list(res.sources), {"row": to_jsonable(row) if row else None,
                                                        "scheme": to_jsonable(res.scheme)}, facts)


def _impact_study(args: dict) -> ToolResult:

    outcome = args.get("outcome") or "residents_20_39"
    s = decline_study(outcome)
    return ToolResult("impact_study", {"outcome": outcome}, s.reading, f"/impact/study?outcome={outcome}",
                      list(s.sources), {"estimate": to_jsonable(s.estimate), "pretrend_p": s.event_study.pretrend_p_value,
                                        "reading": s.reading})


RUNNERS = {"region_lookup": _region_lookup, "commerce_report": _commerce_report, "decline_index": _decline_index,
           "programs_search": _programs_search, "marketing_calendar": _marketing_calendar,
           "grants_allocation": _grants_allocation, "impact_study": _impact_study}


def validate_arguments(name: str, args: dict) -> dict:
    """Arguments checked against the tool's JSON Schema (what an LLM proposes is checked the same way)."""
    # deferred: jsonschema is only needed when a call is validated
    import jsonschema

    tool = get_tool(name)
    try:
        jsonschema.validate(args, tool.parameters)
    except jsonschema.ValidationError as exc:
        where = ".".join(str(p) for p in exc.absolute_path) or (exc.validator_value[0] if exc.validator == "required" else "")
        raise InputError(f"'{tool.label}' 도구의 인자가 올바르지 않습니다 ({where}).", field=str(where) or "arguments") from None
    return args


def run_tool(name: str, args: dict, *, today: dt.date | None = None) -> ToolResult:
    validate_arguments(name, args)
    if name == "marketing_calendar":
        return _marketing_calendar(args, today)
    return RUNNERS[name](args)


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


# Names that contain digits but are not figures (they are the names of things).
LABEL_PHRASES = ("5극3특", "20–39세", "65세 이상")


def numbers_in(text: str) -> set[str]:
    for phrase in LABEL_PHRASES:
        text = text.replace(phrase, " ")
    return {m.group(0).replace(",", "").rstrip(".") for m in _NUMBER.finditer(text)}


def check_faithful(answer: str, result: ToolResult) -> list[str]:
    """Numbers of ``answer`` that appear nowhere in the tool result (its data, arguments and formatted
    facts); an empty list means every figure is the tool's."""
    pool = json.dumps(to_jsonable({"data": result.data, "arguments": result.arguments, "facts": result.facts}),
                      ensure_ascii=False)
    allowed = numbers_in(pool)
    # a value may be printed rounded: 0.588… → 0.588, 140080.3 → 140,080
    for raw in list(allowed):
        try:
            v = float(raw)
        except ValueError:
            continue
        allowed.update({f"{v:.0f}", f"{v:.1f}", f"{v:.2f}", f"{v:.3f}", f"{v * 100:.0f}"})
    return sorted(n for n in numbers_in(answer) if n not in allowed)
