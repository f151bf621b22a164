"""Draft machine rules read from a real announcement's own text, each with its span and a confidence.

A 기업마당 listing has no eligibility rules, only words: the title, the portal's 지원대상 category
(``trgetNm``), the 소관/수행기관 and an HTML summary whose first "☞" paragraph is the 지원대상 and the
second the 지원내용.  :func:`extract_drafts` turns those words into *draft* criteria in the rule
language of :mod:`moduai.programs.criteria` — 사업 상태 (예비/기존), 업력, 나이, 지원 대상 (청년, 농업인,
소상공인 …), 지역 (every named 시군구, not the 시도) and 업종/분야 — deterministically, with regular
expressions and the keyword tables of ``data/draft_rules.yaml``.

Every criterion carries the field and the ``(start, end)`` character offsets of the words it came from
(into :attr:`DraftRules.texts`), and a confidence from the field it was read in.  Below the table's
threshold a criterion stays "확인 필요": shown with its span, never evaluated.  An operator confirms or
edits drafts; confirmed criteria become the program's rule set (:func:`confirmed_rules`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from moduai import regions
from moduai.programs.catalog import Program

DRAFT = "draft"
NEEDS_CHECK = "needs_check"
CONFIRMED = "confirmed"
REJECTED = "rejected"  # an operator said this reading is wrong (stored with who, when and why)
DRAFT_STATUS_LABELS = {DRAFT: "초안", NEEDS_CHECK: "확인 필요", CONFIRMED: "확정", REJECTED: "거절됨"}
# what an operator reads in the review table (the ids stay in the YAML they confirm)
CRITERION_LABELS = {"status": "사업 상태", "business_age": "업력", "age": "나이", "target": "지원 대상",
                    "youth": "청년 대상", "region_sigungu": "지역(시군구)", "industry": "업종·분야"}
PARAM_LABELS = {"allowed": "허용", "under_years": "미만(년)", "at_least_years": "이상(년)", "min": "최소", "max": "최대",
                "any_of": "다음 중 하나", "sigungu": "시군구 코드", "ksic_prefixes": "KSIC 코드", "keywords": "근거 낱말"}
FIELD_LABELS = {"title": "공고명", "trgetNm": "지원대상 분류", "target_section": "지원대상 문단",
                "description": "공고 요약", "agency": "소관·수행기관"}


@lru_cache(maxsize=1)
def tables() -> dict[str, Any]:
    """The keyword tables (``data/draft_rules.yaml``), read once."""
    text = resources.files("moduai.programs").joinpath("data/draft_rules.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=256)
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass
class DraftCriterion:
    """One criterion read from the announcement, with the words it came from."""

    id: str
    type: str
    params: dict[str, Any]
    field: str  # title | trgetNm | target_section | description
    start: int  # offsets into DraftRules.texts[field]
    end: int
    text: str  # the span itself
    confidence: float
    status: str = DRAFT  # draft | needs_check | confirmed | rejected

    @property
    def status_label(self) -> str:
        return DRAFT_STATUS_LABELS[self.status]

    @property
    def label(self) -> str:
        return CRITERION_LABELS.get(self.id, self.id)

    @property
    def params_ko(self) -> list[tuple[str, Any]]:
        return [(PARAM_LABELS.get(k, k), v) for k, v in self.params.items()]

    @property
    def evaluated(self) -> bool:
        return self.status in (DRAFT, CONFIRMED)

    def rule(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, **self.params}

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "params": self.params, "field": self.field,
                "field_label": FIELD_LABELS[self.field], "span": [self.start, self.end], "text": self.text,
                "confidence": self.confidence, "status": self.status, "status_label": self.status_label}


@dataclass
class DraftRules:
    """Draft criteria of one announcement and the texts their spans point into."""

    slug: str
    texts: dict[str, str]
    criteria: list[DraftCriterion] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)  # 분야 named in the title or 지원대상
    individuals: bool = False  # the 지원대상 names people (근로자, 구직자 …), not businesses
    parsed: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # id → Criterion (matching)

    def by_type(self, ctype: str) -> list[DraftCriterion]:
        return [c for c in self.criteria if c.type == ctype]

    @property
    def evaluated(self) -> list[DraftCriterion]:
        return [c for c in self.criteria if c.evaluated]

    @property
    def needs_check(self) -> list[DraftCriterion]:
        return [c for c in self.criteria if c.status == NEEDS_CHECK]

    def to_dict(self) -> dict[str, Any]:
        return {"slug": self.slug, "criteria": [c.to_dict() for c in self.criteria], "sectors": self.sectors,
                "individuals": self.individuals, "texts": self.texts}

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the announcement texts the drafts were read from: a rejection holds for this text only."""
        return text_fingerprint(self.texts)


def text_fingerprint(texts: dict[str, str]) -> str:
    blob = "\x1f".join(f"{k}\x1e{texts.get(k) or ''}" for k in sorted(texts))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def rejection_key(criterion: DraftCriterion) -> tuple[str, str]:
    """What a rejection names: the criterion and the words it was read from (so one reading, not the type)."""
    return criterion.id, criterion.text


def without_rejected(drafts: DraftRules, rejected: set[tuple[str, str]]) -> DraftRules:
    """A copy of ``drafts`` in which the readings in ``rejected`` (:func:`rejection_key`, for this very text)
    are marked rejected: they are shown as such and neither proposed for confirmation nor evaluated.

    ``drafts`` comes from a cache shared by every caller, so it is copied, never changed."""
    if not rejected or not any(rejection_key(c) in rejected for c in drafts.criteria):
        return drafts
    crits = [dataclasses.replace(c, status=REJECTED) if rejection_key(c) in rejected else c for c in drafts.criteria]
    return dataclasses.replace(drafts, criteria=crits, parsed={})


def target_section(description: str | None) -> tuple[int, int]:
    """(start, end) of the 지원대상 paragraph: from the first "☞" to the next (or the end)."""
    if not description:
        return 0, 0
    first = description.find("☞")
    if first < 0:
        return 0, 0
    nxt = description.find("☞", first + 1)
    return first, (nxt if nxt > 0 else len(description))


@lru_cache(maxsize=256)
def _any_rx(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation of ``patterns``: a single scan finds where the earliest of them starts."""
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error:  # a pattern that cannot sit in an alternation (inline flags): search them one by one
        return None


def _find(patterns: list[str], text: str, lo: int = 0, hi: int | None = None) -> re.Match[str] | None:
    """The earliest match of any of ``patterns`` (the first listed one on a tie), as that pattern's own match.

    One scan of the alternation finds the earliest start (no pattern starts before it, and one starts there);
    the patterns are then tried in order at that position only. Searching each pattern over the whole text
    (the same answer) made draft extraction the largest cost of a first match over all announcements.
    """
    hi = len(text) if hi is None else hi
    joined = _any_rx(tuple(patterns))
    if joined is None:
        best = None
        for pat in patterns:
            m = _rx(pat).search(text, lo, hi)
            if m and (best is None or m.start() < best.start()):
                best = m
        return best
    first = joined.search(text, lo, hi)
    if first is None:
        return None
    for pat in patterns:
        m = _rx(pat).match(text, first.start(), hi)
        if m:
            return m
    return None  # unreachable: some pattern matched at first.start()


def _fields(program: Program) -> dict[str, str]:
    return {"title": program.name or "", "trgetNm": " ".join(program.target), "description": program.description or ""}


@lru_cache(maxsize=1)
def _sigungu_names() -> dict[str, dict[str, set[str]]]:
    """시도 code → {시군구 name or short name → codes} from the region spine (one table, no fuzzy lookups)."""
    out: dict[str, dict[str, set[str]]] = {}
    for region in regions.list_regions(level="sigungu"):
        for name in {region.name, region.short_name}:
            if name and len(name) >= 2:
                out.setdefault(region.sido_code, {}).setdefault(name, set()).add(region.code)
    return out


def _resolve_in(sido: set[str], token: str) -> str | None:
    """The one 시군구 named ``token`` in the given 시도 (all 시도 when none are given), else None."""
    names = _sigungu_names()
    codes = {c for s in (sido or names) for c in names.get(s, {}).get(token, ())}
    return next(iter(codes)) if len(codes) == 1 else None


_PLACE_WORD = re.compile(r"[가-힣]{2,6}")
_LIST_AFTER = re.compile(r"\s*(?:[,ㆍ·/]|지역|소재|관내|에\s*소재)")


def _places(texts: dict[str, str], sec: tuple[int, int], sido: set[str]) -> list[tuple[str, str, int, int]]:
    """(code, field, start, end) of every 시군구 named at the head of the title or in the 지원대상 paragraph."""
    found: list[tuple[str, str, int, int]] = []
    seen: set[str] = set()

    def add(code: str | None, fld: str, s: int, e: int) -> None:
        if code and code not in seen:
            seen.add(code)
            found.append((code, fld, s, e))

    # Title head: "연천군ㆍ포천시ㆍ동두천시 2025년 …" or "수원시 …" — names joined by ㆍ · , / and spaces.
    title = texts["title"]
    pos = 0
    for m in re.finditer(r"[가-힣]{1,6}(?:시|군|구)(?=[ㆍ·,/\s])", title[:60]):
        if title[pos:m.start()].strip(" ㆍ·,/"):
            break  # only the leading run of place names
        code = _resolve_in(sido, m.group())
        if code is None:
            break
        add(code, "title", m.start(), m.end())
        pos = m.end()
    # 지원대상 paragraph: "창원시에 주사무소…", "충주, 제천, 음성, 단양 지역 중소기업".
    desc = texts["description"]
    lo, hi = sec
    for m in _PLACE_WORD.finditer(desc, lo, hi):
        word = m.group()
        for suffix in ("에서", "지역", "소재", "관내", "에", "의", "내"):
            if word.endswith(suffix) and len(word) > len(suffix) + 1:
                word = word[: -len(suffix)]
                break
        code = None
        if word[-1] in "시군구":
            code = _resolve_in(sido, word)
        elif len(word) == 2 and sido and _LIST_AFTER.match(desc, m.start() + len(word)):
            code = _resolve_in(sido, word)  # a bare short name in a list: "충주, 제천 …"
        if code:
            add(code, "target_section", m.start(), m.start() + len(word))
    return found


def extract_drafts(program: Program) -> DraftRules:
    """Draft criteria for one real announcement (see the module docstring)."""
    return _extract_cached(program.slug, program.name or "", tuple(program.target), program.description or "",
                           tuple(sorted(program.region_sido)) if not program.region_scope.get("nationwide") else ())


@lru_cache(maxsize=8192)
def _extract_cached(slug: str, title: str, target: tuple[str, ...], description: str,
                    sido: tuple[str, ...]) -> DraftRules:
    t = tables()
    conf = t["field_confidence"]
    texts = {"title": title, "trgetNm": " ".join(target), "description": description}
    rules = DraftRules(slug, texts)
    sec = target_section(description)
    crits = rules.criteria

    def add(cid: str, ctype: str, params: dict[str, Any], fld: str, s: int, e: int, c: float) -> None:
        src = texts["description"] if fld in ("target_section", "description") else texts[fld]
        crits.append(DraftCriterion(cid, ctype, params, fld, s, e, src[s:e], round(c, 2)))

    def search_fields(patterns: list[str]) -> tuple[str, re.Match[str]] | None:
        """The first match in the 지원대상 paragraph, else the title, else the rest of the description."""
        for fld, text, lo, hi in (("target_section", description, *sec), ("title", title, 0, None),
                                  ("description", description, 0, None)):
            if fld == "target_section" and sec == (0, 0):
                continue
            m = _find(patterns, text, lo, hi)
            if m:
                return fld, m
        return None

    # --- 사업 상태: 예비창업자 and/or registered businesses -----------------------------------------
    pre = search_fields(t["pre_founder"])
    sec_text = description[sec[0]:sec[1]]
    people = _find(t["individuals"], sec_text) if sec_text else None
    business = _find(t["registered_business"], sec_text) if sec_text else None
    rules.individuals = bool(people and not business)
    if pre:
        fld, m = pre
        allowed = ["예비"]
        # "예비창업자 및 창업 3년 이내 기업": both stages.
        if fld == "target_section" and business:
            allowed = ["예비", "기존"]
        elif fld != "target_section" and sec_text and business:
            allowed = ["예비", "기존"]
        add("status", "business_status", {"allowed": allowed}, fld, m.start(), m.end(), conf[fld])
    elif business and not rules.individuals:
        s = sec[0] + business.start()
        add("status", "business_status", {"allowed": ["기존"]}, "target_section", s, sec[0] + business.end(),
            conf["target_section"])
    elif not sec_text and target:
        add("status", "business_status", {"allowed": ["기존"]}, "trgetNm", 0, len(texts["trgetNm"]), conf["trgetNm"])

    # --- 업력 ---------------------------------------------------------------------------------------
    hit = search_fields(t["business_age_under"])
    if hit:
        fld, m = hit
        add("business_age", "business_age", {"under_years": int(m.group(1))}, fld, m.start(), m.end(), conf[fld])
    else:
        hit = search_fields(t["business_age_at_least"])
        if hit:
            fld, m = hit
            add("business_age", "business_age", {"at_least_years": int(m.group(1))}, fld, m.start(), m.end(),
                conf[fld])

    # --- 나이 ---------------------------------------------------------------------------------------
    hit = search_fields(t["age_range"])
    if hit:
        fld, m = hit
        lo_age, hi_age = int(m.group(1)), int(m.group(2))
        if "미만" in m.group():
            hi_age -= 1
        if 14 <= lo_age < hi_age <= 99:
            add("age", "age_range", {"min": lo_age, "max": hi_age}, fld, m.start(), m.end(), conf[fld])
    else:
        hit = search_fields(t["age_max"])
        if hit:
            fld, m = hit
            top = int(m.group(1)) - (1 if m.group(2) == "미만" else 0)
            add("age", "age_range", {"max": top}, fld, m.start(), m.end(), conf[fld])
        elif hit := search_fields(t["age_min"]):
            fld, m = hit
            add("age", "age_range", {"min": int(m.group(1))}, fld, m.start(), m.end(), conf[fld])

    # --- 지원 대상 (groups) --------------------------------------------------------------------------
    # Only groups that restrict: found in the 지원대상 paragraph (or the title) and not the generic
    # "중소기업" when a narrower group is also named.
    named: list[tuple[str, str, re.Match[str]]] = []
    for group, patterns in t["groups"].items():
        hit = search_fields(patterns)
        if hit and hit[0] in ("target_section", "title"):
            named.append((group, *hit))
    narrow = [n for n in named if n[0] not in ("중소기업", "청년")]
    chosen = narrow or [n for n in named if n[0] == "중소기업"]
    if chosen and not rules.individuals:
        accepts: list[str] = []
        for group, _f, _m in chosen:
            for g in t["group_accepts"].get(group, [group]):
                if g not in accepts:
                    accepts.append(g)
        group, fld, m = min(chosen, key=lambda n: (n[1] != "target_section", n[2].start()))
        c = conf[fld] if fld == "target_section" else conf[fld] - 0.1
        add("target", "target_group", {"any_of": accepts}, fld, m.start(), m.end(), c)
    youth = next((n for n in named if n[0] == "청년"), None)
    if youth and not any(c.type == "age_range" for c in crits):
        # 청년 without a stated age: the usual 만 19–39세 is a guess until someone checks the notice.
        _g, fld, m = youth
        add("youth", "target_group", {"any_of": ["청년"]}, fld, m.start(), m.end(), 0.6)

    # --- 지역: every named 시군구 -----------------------------------------------------------------------
    places = _places(texts, sec, set(sido))
    if places:
        first = min(places, key=lambda p: (p[1] != "title", p[2]))
        fld = first[1]
        same = [p for p in places if p[1] == fld]
        start, end = min(p[2] for p in same), max(p[3] for p in same)
        add("region_sigungu", "region", {"sigungu": [p[0] for p in same]}, fld, start, end,
            0.9 if fld == "title" else conf[fld])

    # --- 업종/분야 ------------------------------------------------------------------------------------
    for name, sector in t["sectors"].items():
        hit = search_fields(sector["words"])
        if hit and hit[0] in ("target_section", "title"):
            rules.sectors.append(name)
    if rules.sectors and not rules.individuals:
        hit = None
        for name in rules.sectors:
            h = search_fields(t["sectors"][name]["words"])
            if h and h[0] == "target_section":
                hit = (name, *h)
                break
        if hit:
            name, fld, m = hit
            prefixes = list(t["sectors"][name]["ksic"])
            # A sector word in the 지원대상 paragraph hints at the 업종, but "AI 활용 희망 기업" is no 업종
            # limit: it stays "확인 필요" until someone reads the notice.
            add("industry", "industry", {"ksic_prefixes": prefixes, "keywords": [m.group()]}, fld, m.start(),
                m.end(), 0.6)

    threshold = float(t["threshold"])
    for c in crits:
        c.status = DRAFT if c.confidence >= threshold else NEEDS_CHECK
    return rules


def confirmed_rules(drafts: DraftRules, accept: list[str], *, effective_from, edits: dict[str, dict] | None = None,
                    author: str | None = None) -> dict[str, Any]:
    """A rule-set mapping from the draft criteria an operator accepted (ids), with their edits applied.

    The result is the rule-set YAML shape of :mod:`moduai.programs.rules` (note: "운영자 확인 …"), so a
    confirmed draft is an ordinary dated rule version."""
    edits = edits or {}
    criteria = []
    for c in drafts.criteria:
        if c.id in accept:
            criteria.append({**c.rule(), **edits.get(c.id, {})})
    note = f"{CONFIRMED_NOTE} ({author})" if author else CONFIRMED_NOTE
    return {"version": 1, "effective_from": effective_from, "note": note, "criteria": criteria}


CONFIRMED_NOTE = "운영자 확인: 공고문에서 읽은 초안 조건을 확인함"
