"""How relevant an announcement is to a profile: its words (분야, 업종, stage, interests) and its draft rules.

Eligibility says who *may* apply; relevance orders what is left by what the applicant would look for.
The score adds

- **text relevance** — BM25-style weights (idf over the candidate programs) of the profile's words in the
  title (×3), the 지원대상 paragraph (×2) and the rest of the summary (×1).  The words are the 업종 word,
  the words of the profile's 분야 (sectors of ``data/draft_rules.yaml``, found from the 업종 word, its
  KSIC code or the interests), the interests and, for 예비창업자, the stage words ("예비창업", "창업" …);
- **draft-rule fit** — a draft criterion read from the announcement that the profile passes adds, one it
  fails subtracts more (an announcement for 중소기업 is a poor suggestion for a 예비창업자);
- **region fit** — a 시군구-specific announcement for the applicant's 시군구 before a 시도-wide one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from moduai.programs.catalog import Program
from moduai.programs.criteria import FAIL, PASS, CriterionResult, ksic_matches
from moduai.programs.drafts import DraftRules, tables, target_section
from moduai.programs.profile import Profile

FIELD_WEIGHTS = {"title": 3.0, "target": 2.0, "description": 1.0}
DRAFT_WEIGHTS = {  # (pass, fail) per draft criterion type
    "business_status": (3.0, -6.0), "target_group": (1.5, -3.0), "age_range": (1.0, -4.0),
    "business_age": (1.0, -3.0), "region": (1.5, -6.0),
}
REGION_WEIGHTS = {"sigungu": 1.5, "sido": 0.5}
SECTOR_BONUS, SECTOR_MISMATCH = 2.0, -1.5
TEXT_CAP, TEXT_SCALE = 6.0, 12.0  # text relevance saturates: many matching words ≠ an eligible applicant


@dataclass
class Relevance:
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ProfileTerms:
    """The words and 분야 a profile is looked up by."""

    words: tuple[str, ...]
    sectors: tuple[str, ...]


def profile_sectors(profile: Profile) -> tuple[str, ...]:
    """분야 (sector names of the keyword table) the profile belongs to."""
    out: list[str] = []
    texts = [t for t in [profile.industry, *profile.interests] if t]
    for name, sector in tables()["sectors"].items():
        hit = any(re.search(w, t, re.IGNORECASE) or t in w for t in texts for w in sector["words"])
        if not hit and profile.ksic_code and len(profile.ksic_code) >= 2:
            hit = any(ksic_matches(profile.ksic_code, str(p)) for p in sector["ksic"] if len(str(p)) > 1)
        if not hit and profile.groups and "농업인" in profile.groups and name == "농업":
            hit = True
        if hit:
            out.append(name)
    return tuple(out)


def profile_terms(profile: Profile) -> ProfileTerms:
    t = tables()
    sectors = profile_sectors(profile)
    words: list[str] = []
    for w in [profile.industry, *profile.interests]:
        if w and w not in words:
            words.append(w)
    for name in sectors:
        for w in t["sectors"][name]["words"]:
            if w not in words:
                words.append(w)
    if profile.business_status:
        words += [w for w in t["stage_words"].get(profile.business_status, []) if w not in words]
    for g in profile.groups or []:
        if g not in words and g not in ("중소기업",):
            words.append(g)
    return ProfileTerms(tuple(words), sectors)


@lru_cache(maxsize=4096)
def _rx(word: str) -> re.Pattern[str]:
    if any(ch in word for ch in "\\[("):
        return re.compile(word, re.IGNORECASE)
    if word.isascii() and word.isalpha():  # 'IT', 'AI': whole words only ('UNIT' is no IT)
        return re.compile(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", re.IGNORECASE)
    return re.compile(re.escape(word), re.IGNORECASE)


@lru_cache(maxsize=8192)
def _parts_of(name: str, target: tuple[str, ...], desc: str) -> dict[str, str]:
    lo, hi = target_section(desc)
    return {"title": name.lower(), "target": (desc[lo:hi] + " " + " ".join(target)).lower(),
            "description": (desc[:lo] + " " + desc[hi:]).lower()}


def _found(word: str, text: str) -> bool:
    """``word`` in lower-cased ``text``: a plain substring test, a regex only for patterns and Latin words."""
    if any(ch in word for ch in "\\[("):
        return _rx(word).search(text) is not None
    if word.isascii():  # a cheap substring test first; the word-boundary regex only when it is there
        return word.lower() in text and _rx(word).search(text) is not None
    return word.lower() in text


class TextIndex:
    """The announcements' texts by field, and for each word looked up so far its document frequency and the
    field weight it reaches in each announcement (title 3, 지원대상 2, rest 1, absent 0).

    A word's row is computed once and reused by every later match over the same announcements: the
    substring and regex tests over 1,864 texts for each of a profile's ~30 words were most of a warm match.
    """

    MAX_WORDS = 20_000  # profile words come from user input: bound the table (rows are rebuilt if dropped)

    def __init__(self, parts: list[dict[str, str]]):
        self.parts = parts
        self.n = len(parts)
        self._joined: list[str] | None = None
        self._rows: dict[str, tuple[int, list[float]]] = {}

    def row(self, word: str) -> tuple[int, list[float]]:
        hit = self._rows.get(word)
        if hit is None:
            if self._joined is None:
                self._joined = [" ".join(p.values()) for p in self.parts]
            df = sum(1 for t in self._joined if _found(word, t))
            hit = (df, [_field_weight(word, p) for p in self.parts])
            if len(self._rows) >= self.MAX_WORDS:
                self._rows.clear()
            self._rows[word] = hit
        return hit


@lru_cache(maxsize=4)
def _text_index(texts: tuple[tuple[str, tuple[str, ...], str], ...]) -> TextIndex:
    return TextIndex([_parts_of(name, target, desc) for name, target, desc in texts])


def text_index(programs: Iterable[Program]) -> TextIndex:
    """The text index of ``programs`` (the same texts in the same order give the same index back)."""
    return _text_index(tuple((p.name, tuple(p.target), p.description or "") for p in programs))


def document_frequencies(programs: Iterable[Program], words: Iterable[str]) -> tuple[int, dict[str, int]]:
    """(number of programs, {word: programs mentioning it}) — the idf of the text score."""
    index = text_index(programs)
    return index.n, {w: index.row(w)[0] for w in words}


def _field_weight(word: str, parts: dict[str, str]) -> float:
    title, target, desc = parts["title"], parts["target"], parts["description"]
    if word.isascii() or any(ch in word for ch in "\\[("):
        return 3.0 if _found(word, title) else 2.0 if _found(word, target) else 1.0 if _found(word, desc) else 0.0
    lw = word.lower()
    return 3.0 if lw in title else 2.0 if lw in target else 1.0 if lw in desc else 0.0


def text_score(position: int, terms: ProfileTerms, index: TextIndex) -> tuple[float, list[str]]:
    """Σ idf × field weight over the profile's words, for the announcement at ``position`` of ``index``."""
    score, hits = 0.0, []
    n = index.n
    for w in terms.words:
        df, weights = index.row(w)
        best = weights[position]
        if best:
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            score += idf * best
            hits.append(w)
    return score, hits


def relevance(program: Program, profile: Profile, terms: ProfileTerms, drafts: DraftRules | None,
              draft_results: list[CriterionResult], index: TextIndex, position: int) -> Relevance:
    """The relevance of one announcement (see the module docstring), with reasons in Korean.

    ``index`` is the text index of the candidate announcements and ``position`` this one's place in it.
    """
    text, hits = text_score(position, terms, index)
    score = TEXT_CAP * (1 - math.exp(-text / TEXT_SCALE))
    reasons = [f"관련 낱말: {', '.join(hits[:5])}"] if hits else []
    for r in draft_results:
        good, bad = DRAFT_WEIGHTS.get(r.type, (0.5, -2.0))
        if r.status == PASS:
            score += good
        elif r.status == FAIL:
            score += bad
            reasons.append(f"공고문 초안 조건상 대상이 아닐 수 있음: {r.condition}")
    if drafts is not None and drafts.sectors and terms.sectors:
        if set(drafts.sectors) & set(terms.sectors):
            score += SECTOR_BONUS
            reasons.append(f"분야 일치: {', '.join(sorted(set(drafts.sectors) & set(terms.sectors)))}")
        else:
            score += SECTOR_MISMATCH
    scope = program.region_scope
    if profile.region_code and scope.get("sigungu"):
        if any(str(c)[:4] == profile.region_code[:4] for c in scope["sigungu"]):
            score += REGION_WEIGHTS["sigungu"]
    elif profile.region_code and scope.get("sido"):
        score += REGION_WEIGHTS["sido"]
    if profile.interests and program.kind in profile.interests:
        score += 1.0
        reasons.append(f"관심 분야 '{program.kind}'")
    return Relevance(round(score, 3), reasons)
