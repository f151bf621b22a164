"""Faithful copy: extract the claims a generated text makes and refuse any the owner never gave.

A *claim* is a number (prices, counts, distances, dates) or a noun naming a thing (a dish, a seat, a
facility, an event, a service).  A claim is *supported* when it appears in the inputs — the profile, the
event, the 상권 lead sentence — or, for ordinary nouns, in the template frame written for this project
(``copy_templates.yaml``: 가게, 손님, 가격대 …).  Words of ``claim_words.yaml`` (products, seats, offers,
seasonal events) are supported only by the inputs, never by the frame.  The same check runs on the offline
generator and on a language model's text (:mod:`moduai.marketing.copy`), so neither can write
"벚꽃 시즌 한정 소금빵" or "테라스 자리" for a shop that never said so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from moduai.ai.korean import tokenize
from moduai.ai.phrasebank import load_phrasebank

DATA_DIR = Path(__file__).with_name("data")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SLOT = re.compile(r"\{\w+\}")
_NOUN_TAGS = ("NNG", "NNP", "SL")
_PARTICLE_END = frozenset("의은는이가을를에도와과로")
_LIST_MARK = re.compile(r"(?m)^\s*\d+\.\s")  # "1. 강점" in a numbered list is not a claim


@dataclass(frozen=True)
class Claim:
    kind: str  # number | claim_word | noun
    text: str


@lru_cache(maxsize=1)
def claim_words() -> frozenset[str]:
    raw = yaml.safe_load((DATA_DIR / "claim_words.yaml").read_text(encoding="utf-8"))
    return frozenset(w for words in raw.values() for w in words)


def _squash(text: str) -> str:
    return re.sub(r"[\s#]", "", text).lower()


def extract_claims(text: str) -> list[Claim]:
    """Numbers and nouns of ``text`` (Kiwi nouns; words of ``claim_words.yaml`` marked as such)."""
    out: list[Claim] = []
    seen: set[tuple[str, str]] = set()
    for m in _NUMBER.finditer(_LIST_MARK.sub(" ", text)):
        c = Claim("number", m.group(0).replace(",", ""))
        if (c.kind, c.text) not in seen:
            seen.add((c.kind, c.text))
            out.append(c)
    words = claim_words()
    squashed = _squash(text)
    for w in sorted(words):
        if w in squashed and ("claim_word", w) not in seen:
            seen.add(("claim_word", w))
            out.append(Claim("claim_word", w))
    for m in tokenize(text.replace("#", " ")):
        if m.tag in _NOUN_TAGS and ("noun", m.form) not in seen:
            seen.add(("noun", m.form))
            out.append(Claim("noun", m.form))
    return out


@lru_cache(maxsize=1)
def frame_text() -> str:
    """The copy templates' own words (slots removed) and the seasonal tone phrases, spaces removed."""
    raw = yaml.safe_load((DATA_DIR / "copy_templates.yaml").read_text(encoding="utf-8"))
    texts: list[str] = []
    for value in raw.values():
        if isinstance(value, list):
            texts += [str(v) for v in value]
        elif isinstance(value, dict):
            texts += [str(v) for v in value.values()]
    for cat in load_phrasebank().values():
        texts.append(cat.noun)
        texts += [p for phrases in cat.season_phrases.values() for p in phrases]
    return " | ".join(_SLOT.sub(" | ", t).replace("[[", " | ").replace("]]", " | ") for t in texts)


@lru_cache(maxsize=1)
def frame_nouns() -> frozenset[str]:
    """Nouns of :func:`frame_text` (Kiwi)."""
    return frozenset(m.form for m in tokenize(frame_text()) if m.tag in _NOUN_TAGS)


def unsupported_claims(text: str, inputs: list[str]) -> list[Claim]:
    """Claims of ``text`` that neither the ``inputs`` nor (for ordinary nouns) the template frame support."""
    source = _squash(" ".join(i for i in inputs if i))
    source_digits = {m.group(0).replace(",", "") for m in _NUMBER.finditer(" ".join(inputs))}
    frame = _squash(frame_text())
    words = claim_words()
    out = []
    for c in extract_claims(text):
        if c.kind == "number":
            ok = c.text in source_digits
        elif c.kind == "claim_word":
            ok = c.text in source
        else:
            word = c.text.lower()
            stem = word[:-1] if len(word) > 1 and word[-1] in _PARTICLE_END else word  # "우동의" (Kiwi NNP)
            ok = any(w in source or (w in frame and w not in words) for w in {word, stem})
        if not ok:
            out.append(c)
    return out
