"""Slot filling for Korean questions: places (the region spine and 읍면동), 업종 (the commerce taxonomy, the
platform's one mapping of 업종 words), radius, year, budget, age and study outcome."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from moduai.ai.korean import get_kiwi
from moduai.commerce.taxonomy import resolve_category
from moduai.errors import Ambiguous, InputError, NotFound
from moduai.regions import search_regions

PARTICLES = ("에서는", "에서도", "에서", "에는", "으로", "이랑", "한테", "까지", "부터", "에도", "은", "는", "이", "가", "을",
             "를", "에", "의", "도", "로", "랑", "야", "요")
SHOP_SUFFIXES = ("집", "점", "가게", "전문점", "매장")
STOP = {"우리", "근처", "주변", "시장", "역", "앞", "동네", "지역", "장사", "가게", "창업", "지원", "사업", "얼마", "정도"}


@dataclass
class Slots:
    places: list = field(default_factory=list)          # Region objects, most specific first
    place_text: str | None = None
    ambiguous_place: tuple[str, list[str]] | None = None
    category: str | None = None
    category_code: str | None = None
    radius_m: int | None = None
    year: int | None = None
    budget: str | None = None
    age: int | None = None
    outcome: str | None = None
    scheme: str | None = None
    words: list[str] = field(default_factory=list)
    nouns: list[str] = field(default_factory=list)
    own_place: bool = False  # "우리 군" with no place named: ask which


def _strip(word: str) -> str:
    w = re.sub(r"[?!.,~…ㅋㅎ]+$", "", word)
    for p in PARTICLES:
        if w.endswith(p) and len(w) - len(p) >= 2:
            return w[: -len(p)]
    return w


def _category(word: str) -> tuple[str, str] | None:

    candidates = [word] + [word[: -len(s)] for s in SHOP_SUFFIXES if word.endswith(s) and len(word) > len(s)]
    for c in candidates:
        if len(c) < 2 or c in STOP:
            continue
        try:
            cat = resolve_category(c)
        except (NotFound, InputError, Ambiguous):
            continue
        return c, cat.code
    return None


def _inside(inner, outer) -> bool:
    """Is region ``inner`` the same as or inside ``outer`` (by 행안부 code prefix)?"""
    prefix = outer.code if outer.level != "sigungu" else outer.code
    if outer.level == "sido":
        return inner.code.startswith(outer.code)
    return inner.code.startswith(prefix) or (getattr(inner, "sigungu_code", None) or "") == outer.code \
        or inner.parent_code == outer.code


def _place(words: list[str], verbs: set[str]) -> tuple[list, str | None, tuple[str, list[str]] | None]:

    found: list = []
    text = None
    ambiguous = None
    i = 0
    while i < len(words):
        hit = None
        for span in (2, 1):  # "포항 양덕동" before "양덕동"
            if i + span > len(words):
                continue
            phrase = " ".join(words[i:i + span])
            if phrase in STOP or len(phrase) < 2 or any(w in verbs for w in words[i:i + span]):
                continue
            try:
                regs = search_regions(phrase)
            except (InputError, NotFound):
                regs = []
            if regs:
                hit = (phrase, regs, span)
                break
        if hit is None:
            i += 1
            continue
        phrase, regs, span = hit
        if found:
            # a later name counts only when it narrows the place already found ("포항 … 양덕동")
            regs = [r for r in regs if _inside(r, found[0])]
            if not regs:
                i += span
                continue
        levels = {r.level for r in regs}
        same = [r for r in regs if r.level == regs[0].level]
        if len(same) > 1 and len(levels) == 1 and not found:
            ambiguous = (phrase, [r.full_name for r in same])
        found = regs[:1] if len(same) == 1 or found else same
        text = phrase if text is None else f"{text} {phrase}"
        i += span
    if found and ambiguous and len(found) == 1:
        ambiguous = None
    return found, text, ambiguous


def _verb_words(question: str) -> set[str]:
    """Surface words that Kiwi reads as a verb or adjective ("내면" in "국밥집 내면" is 내다 + -면, not 내면)."""

    out = set()
    for word in re.split(r"\s+", question):
        w = _strip(word)
        toks = get_kiwi().tokenize(word)
        if toks and toks[0].tag in ("VV", "VA", "VX", "XSV"):
            out.add(w)
            out.add(word)
    return out


def extract(question: str) -> Slots:

    q = question.strip()
    if not q:
        raise InputError("질문이 비어 있습니다. 예: '포항 양덕동에 카페 내면 어때?'", field="question")
    if len(q) > 500:
        raise InputError("질문은 500자 이하로 써 주세요.", field="question")
    s = Slots()
    raw_words = [_strip(w) for w in re.split(r"\s+", q) if w]
    s.words = [w for w in raw_words if w]
    verbs = _verb_words(q)
    s.places, s.place_text, s.ambiguous_place = _place(s.words, verbs)
    s.own_place = bool(re.search(r"우리\s*(군|시|구|동네|지역|마을|읍|면|도)", q)) and not s.places
    s.nouns = [t.form for t in get_kiwi().tokenize(q) if t.tag in ("NNG", "NNP", "SL")]
    place_words = set((s.place_text or "").split())
    for w in s.words:
        if w in place_words:
            continue
        cat = _category(w)
        if cat:
            s.category, s.category_code = cat
            break
    if s.category is None:  # Kiwi nouns catch 업종 glued to other words ("국밥집내면")
        for tok in get_kiwi().tokenize(q):
            if tok.tag.startswith("NN") and tok.form not in place_words:
                cat = _category(tok.form)
                if cat:
                    s.category, s.category_code = cat
                    break
    m = re.search(r"(\d+(?:\.\d+)?)\s*(km|킬로|키로|㎞)", q, re.I)
    if m:
        s.radius_m = int(float(m.group(1)) * 1000)
    else:
        m = re.search(r"(\d{2,4})\s*(m|미터|메타)(?![a-z])", q, re.I)
        if m:
            s.radius_m = int(m.group(1))
    m = re.search(r"(20[12]\d)(?:\s*년|(?![\d.]))", q)
    if m:
        s.year = int(m.group(1))
    m = re.search(r"(\d+(?:\.\d+)?)\s*조", q)
    if m:
        s.budget = f"{m.group(1)}조"
    m = re.search(r"(\d{2})\s*(세|살)", q)
    if m:
        s.age = int(m.group(1))
    s.outcome = "population" if re.search(r"총\s*인구|전체\s*인구|인구\s*전체", q) else None
    if any(w in q.replace(" ", "") for w in ("지방소멸대응기금", "소멸대응기금", "소멸기금")):
        s.scheme = {2022: "sobyeol-fund-2022", 2024: "sobyeol-fund-2024"}.get(s.year or 0, "sobyeol-fund-2025")
    return s
