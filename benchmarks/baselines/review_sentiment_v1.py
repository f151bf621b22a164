"""FROZEN COPY of moduai.marketing.review_sentiment before issue 15 (the "old classifier" of
benchmarks/marketing_review_sentiment.py), with its lexicon and substring aspects.  Not used by the package.

Shop-review sentiment: positive / negative / mixed, from the NSMC model and a shop-domain lexicon.

A review is split into clauses (Kiwi sentences, then contrast markers such as "-지만", "-는데", "근데").
Each clause gets

- ``model``: 2·P(positive) − 1 from :mod:`moduai.ai.sentiment` (range −1…1), and
- ``lexicon``: (positive cues − negative cues) squashed by tanh (``review_lexicon.yaml``; negated positive
  cues — "친절하지 않아요" — count as negative).

``method`` picks how clauses are scored: ``"model"``, ``"lexicon"`` or ``"combined"`` (w·model + (1−w)·lexicon
when the lexicon has a cue, the model alone otherwise).  A review is *mixed* when one clause scores ≥ +τ and
another ≤ −τ; else the sign of its clauses' sum.  τ and w were chosen on a separate dev set (see
:data:`MIXED_THRESHOLD`).  ``benchmarks/marketing_sentiment.py`` compares the methods on the test set.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from moduai.ai.korean import split_sentences
from moduai.ai.sentiment import positive_probability

DATA = Path(__file__).with_name("review_lexicon_v1.yaml")
ASPECTS = Path(__file__).with_name("aspects_v1.yaml")
# Chosen on the separate dev set (tests/marketing/data/shop_reviews_dev.csv, 90 reviews) by grid search
# τ ∈ {0.10 … 0.40}, w ∈ {0.25, 0.5, 0.75}; ties broken toward the prior τ = 0.25.  The 240-review test set
# was not used for the choice (benchmarks/marketing_sentiment.py --tune reprints the grid).
MIXED_THRESHOLD = 0.30
MODEL_WEIGHT = 0.25  # share of the NSMC model in a clause's combined score when the lexicon has a cue
PRIOR_PARAMETERS = {"tau": 0.25, "model_weight": 0.5}  # fixed before any measurement
METHODS = ("model", "lexicon", "combined")
LABELS = ("positive", "negative", "mixed")
LABELS_KO = {"positive": "긍정", "negative": "부정", "mixed": "복합"}


@dataclass(frozen=True)
class Lexicon:
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    negations_after: tuple[str, ...]
    negations_before: tuple[str, ...]
    contrast: re.Pattern[str]


def _cues(groups: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for g in groups:
        out += [c.strip() for c in g.split("|") if c.strip()]
    # Longest first so "맛이 없" is matched (and blanked) before "맛".
    return tuple(sorted(set(out), key=len, reverse=True))


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    markers = sorted(raw["contrast_markers"], key=len, reverse=True)
    return Lexicon(_cues(raw["positive"]), _cues(raw["negative"]), tuple(raw["negations_after"]),
                   tuple(raw["negations_before"]),
                   re.compile("(" + "|".join(re.escape(m) for m in markers) + r")\s*"))


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def lexicon_counts(clause: str) -> tuple[int, int]:
    """(positive, negative) cue counts in ``clause``; negative cues first, negated positives count negative."""
    lex = load_lexicon()
    text = _squeeze(clause)
    neg = 0
    for cue in lex.negative:
        while cue in text:
            neg += 1
            text = text.replace(cue, " " * len(cue), 1)
    pos = 0
    for cue in lex.positive:
        start = text.find(cue)
        while start != -1:
            after = text[start + len(cue): start + len(cue) + 6]
            before = text[max(0, start - 5): start]
            negated = any(n in after for n in lex.negations_after) or any(before.endswith(n) for n in lex.negations_before)
            if negated:
                neg += 1
            else:
                pos += 1
            text = text[:start] + " " * len(cue) + text[start + len(cue):]
            start = text.find(cue)
    return pos, neg


def split_clauses(text: str) -> list[str]:
    """Sentences, each further split after contrast markers ("맛은 좋은데 | 비싸요")."""
    lex = load_lexicon()
    out: list[str] = []
    for sent in split_sentences(text) or [text]:
        pieces = lex.contrast.split(sent)
        # re.split with a group keeps the markers: glue each marker to the clause before it.
        buf = ""
        for i, piece in enumerate(pieces):
            buf += piece
            if i % 2 == 1:
                if buf.strip():
                    out.append(buf.strip())
                buf = ""
        if buf.strip():
            out.append(buf.strip())
    return out or [text]


@dataclass
class ClauseScore:
    text: str
    model: float
    lexicon: float
    score: float


@dataclass
class SentimentResult:
    label: str  # positive | negative | mixed
    label_ko: str
    score: float  # mean clause score, −1…1
    clauses: list[ClauseScore]


def score_clause(clause: str, method: str, *, model_weight: float = MODEL_WEIGHT) -> ClauseScore:
    pos, neg = lexicon_counts(clause)
    lex = math.tanh(pos - neg)
    model = 2 * positive_probability(clause) - 1 if method != "lexicon" else 0.0
    if method == "model":
        s = model
    elif method == "lexicon":
        s = lex
    else:
        # No cue at all: trust the model alone rather than averaging with a zero.
        s = model if pos == neg == 0 else model_weight * model + (1 - model_weight) * lex
    return ClauseScore(clause, round(model, 4), round(lex, 4), round(s, 4))


def classify_review(text: str, method: str = "combined", *, tau: float = MIXED_THRESHOLD,
                    model_weight: float = MODEL_WEIGHT) -> SentimentResult:
    """Positive / negative / mixed for one review (see module docstring for the rule)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    clauses = [score_clause(c, method, model_weight=model_weight) for c in split_clauses(text)]
    scores = [c.score for c in clauses]
    total = sum(scores)
    if max(scores) >= tau and min(scores) <= -tau:
        label = "mixed"
    else:
        label = "positive" if total >= 0 else "negative"
    return SentimentResult(label, LABELS_KO[label], round(total / len(scores), 4), clauses)


@lru_cache(maxsize=1)
def _aspects() -> dict[str, tuple[str, ...]]:
    raw = yaml.safe_load(ASPECTS.read_text(encoding="utf-8"))
    return {k: tuple(v) for k, v in raw.items()}


def aspect_polarities(result: SentimentResult) -> dict[str, str]:
    """The old rule: substring cues, polarity of the most extreme clause naming the aspect (±0.25)."""
    best: dict[str, float] = {}
    for clause in result.clauses:
        for aspect, cues in _aspects().items():
            if any(c in clause.text for c in cues):
                if aspect not in best or abs(clause.score) > abs(best[aspect]):
                    best[aspect] = clause.score
    return {a: "positive" if s >= 0.25 else "negative" if s <= -0.25 else "neutral" for a, s in best.items()}
