"""Shop-review sentiment and aspects, read on Kiwi morphemes: positive / negative / mixed per review.

Three parts:

- **Lexicon on morphemes** (``review_lexicon.yaml``): each cue is tokenised by Kiwi once and matched as a
  sequence of morpheme forms in the clause, so "빠르다" matches 빨라/빨랐 and 뷰 never fires inside 리뷰.
  A cue followed in its clause by 않/못/없/포기/아니, or preceded by 안/못/전혀, reads the other way
  ("청결 포기", "잡내 없어요"); an intensifier right before a cue (너무, 진짜, 완전 …) counts it 1.5×.
- **Model** (:func:`active_model`): the installation's own in-domain model when one has been learnt from the
  owners' star-rated imports (:mod:`moduai.marketing.review_learning`, stored under ``MODUAI_HOME``), else the
  shipped NSMC movie-review model (CC0) with its own β and θ (:data:`NSMC_PARAMS`).  No model trained on
  data without a licence ships in the package.
- **Decision**: a review is positive when ``(logit(review) − θ)·evidence + β·lexicon_sum ≥ 0``
  (``evidence`` = :func:`evidence_weight`, < 1 only for reviews under 20 characters), else negative.  A learnt
  model may also have chosen ``θ_long``: a review of at least 20 characters is then read by the model alone,
  ``logit ≥ θ_long`` (the lexicon still reads short reviews and every clause).  β, θ, θ_long are chosen out of
  fold when the local model is learnt and stored in its meta.  It is *mixed* only when one clause that names
  an aspect carries a real positive opinion (lexicon ≥ 1) and another clause naming an aspect carries a real
  negative one (≤ −1): harmless clauses ("수고하세요", "다음엔 사진을 찍어야겠습니다") carry no cue, and a
  complaint the customer let pass (:func:`aspect_readings`: "배달이 좀 늦었지만 맛있어요") is no opposite
  opinion, so neither makes a review mixed.

Aspects (``aspects.yaml``) are matched the same way; each aspect takes the polarity of the clause that names
it, or the review's polarity when that clause carries no opinion; a conceded or softened complaint about
맛/양/배달 in a positive review reads positive, marked ``conceded`` (see :func:`aspect_readings`).
``benchmarks/marketing_review_sentiment.py`` measures all of this on held-out restaurants
(``benchmarks/marketing_review_sentiment_dev.py`` on the development ones, out of fold).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from moduai.ai.korean import split_sentences, tokenize
from moduai.ai.sentiment import SentimentModel, load_model, positive_probability, read_model
from moduai.config import get_settings

DATA = Path(__file__).with_name("data") / "review_lexicon.yaml"
ASPECTS = Path(__file__).with_name("data") / "aspects.yaml"
METHODS = ("model", "lexicon", "combined")
LABELS = ("positive", "negative", "mixed")
LABELS_KO = {"positive": "긍정", "negative": "부정", "mixed": "복합"}
CLAUSE_THRESHOLD = 0.25  # |clause score| at or above which a clause has an opinion of its own
OPINION = 1.0  # lexicon sum a clause needs to make a review mixed (one full cue)
NEGATED_NEGATIVE = 0.5  # "안 짜요", "잡내 없어요": weak praise
INTENSIFIED = 1.5
EVIDENCE_CHARS = 20
#: Where an installation keeps the weights it learnt from its owners' star-rated reviews (under MODUAI_HOME).
LOCAL_MODEL = Path("models") / "review_sentiment_char.json.gz"
#: β (lexicon weight) and θ (threshold) of the decision with the shipped NSMC model, used while no local model
#: exists.  Chosen on the development restaurants of the benchmark split (two numbers; no weights from that
#: data ship) by the learner's own rule (:func:`moduai.marketing.review_learning.choose_decision`): the best
#: accuracy, then macro-F1, among the pairs that read its specification sentences right.
NSMC_PARAMS = {"lexicon_weight": 2.0, "threshold": -2.75}
_STOP_EC = frozenset({"고", "는데", "은데", "ㄴ데", "지만", "어서", "아서", "니까", "으니까", "면서", "으면서", "는데요"})
# A clause that ends in a concessive ending ("배달이 좀 늦었지만", "오래 걸렸는데") concedes a point the rest of
# the review outweighs; a softener (좀, 조금, 살짝 …, "늦긴 했지만") makes a complaint mild.
_CONCESSIVE = re.compile(r"(지만|는데|은데|던데|ㄴ데|데)\W*$")
_MILD = re.compile(r"좀|조금|살짝|약간|쪼금|쬐금|쫌|다소|긴\s*했|기는\s*했")
# Aspects whose conceded complaints read positive (checked against each aspect's own stars on the development
# restaurants of the benchmark split; the other aspects have no stars to check against).
CONCEDABLE = frozenset({"맛", "양", "배달"})
# An aspect word that is part of another thing: 배달비, 배달료, 배달팁 are the price of delivery, not delivery.
_NOT_ASPECT = {("배달",): frozenset({"비", "료", "팁"})}


@dataclass(frozen=True)
class Cue:
    text: str
    forms: tuple[str, ...]
    tags: tuple[str | None, ...]
    polarity: int  # +1 | -1
    weight: float


@dataclass(frozen=True)
class Lexicon:
    cues: tuple[Cue, ...]  # longest first, negative before positive on ties
    negations_after: frozenset[str]
    negations_before: frozenset[str]
    intensifiers: frozenset[str]
    contrast: re.Pattern[str]


@dataclass(frozen=True)
class Tok:
    form: str
    tag: str


def _tokens(text: str) -> list[Tok]:
    """Kiwi morphemes, lower-cased; a root + 하 (깨끗/XR 하/XSA) is one adjective 깨끗하/VA, as Kiwi writes
    it for the dictionary form, so "깨끗하다" matches "깨끗해요"."""
    out: list[Tok] = []
    for m in tokenize(text):
        if out and out[-1].tag == "XR" and m.tag in ("XSA", "XSV") and m.form == "하":
            out[-1] = Tok(out[-1].form + "하", "VA")
            continue
        out.append(Tok(m.form.lower(), m.tag))
    return out


@lru_cache(maxsize=4096)
def _clause_tokens(clause: str) -> list[Tok]:
    """:func:`_tokens` of a clause, kept for the aspect and cue passes over the same clause (read-only)."""
    return _tokens(clause)


def _cue_pattern(text: str) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """Morpheme forms (and tags where written as form/TAG) of one cue; trailing endings dropped."""
    text = text.strip()
    if "+" in text or "/" in text:
        parts = [p.strip() for p in text.split("+")]
        forms, tags = [], []
        for p in parts:
            form, _, tag = p.partition("/")
            forms.append(form.lower())
            tags.append(tag or None)
        return tuple(forms), tuple(tags)
    toks = _tokens(text)
    while len(toks) > 1 and (toks[-1].tag.startswith("E") or toks[-1].tag.startswith("S")):
        toks.pop()
    if not toks:
        toks = [Tok(text.lower(), "")]
    return tuple(t.form for t in toks), tuple(None for _ in toks)


def _parse_cues(groups: list[str], polarity: int) -> list[Cue]:
    out = []
    for g in groups:
        for raw in g.split("|"):
            raw = raw.strip()
            if not raw:
                continue
            text, weight = raw, 1.0
            if ":" in raw and raw.rsplit(":", 1)[1].replace(".", "").isdigit():  # "늦은 시간:0" = no opinion
                text, w = raw.rsplit(":", 1)
                weight = float(w)
            forms, tags = _cue_pattern(text)
            out.append(Cue(text, forms, tags, polarity, weight))
    return out


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    cues = _parse_cues(raw["positive"], +1) + _parse_cues(raw["negative"], -1)
    seen: dict[tuple, Cue] = {}
    for c in cues:  # a pattern listed twice keeps its first (the same morphemes cannot be both)
        seen.setdefault((c.forms, c.tags), c)
    negators = frozenset(raw["negations_after"])
    # Cues that are themselves negators (포기) come last, so "청결 포기" reads as negated 청결 first.
    ordered = sorted(seen.values(), key=lambda c: (len(c.forms) == 1 and c.forms[0] in negators, -len(c.forms),
                                                   c.polarity))
    markers = sorted(raw["contrast_markers"], key=len, reverse=True)
    return Lexicon(tuple(ordered), frozenset(raw["negations_after"]), frozenset(raw["negations_before"]),
                   frozenset(raw["intensifiers"]),
                   re.compile("(" + "|".join(re.escape(m) for m in markers) + r")\s*"))


@lru_cache(maxsize=1)
def load_aspects() -> dict[str, tuple[tuple[tuple[str, ...], tuple[str | None, ...]], ...]]:
    raw = yaml.safe_load(ASPECTS.read_text(encoding="utf-8"))
    return {aspect: tuple(_cue_pattern(str(c)) for c in cues) for aspect, cues in raw.items()}


def _skippable(tok: Tok, lex: Lexicon) -> bool:
    """Particles, 님, and adverbs other than negators may sit between a cue's morphemes (가격이 또 올랐다)."""
    return (tok.tag.startswith("J") or tok.tag in ("XSN", "SN")
            or (tok.tag == "MAG" and tok.form not in lex.negations_before))


def _match_at(toks: list[Tok], i: int, forms, tags, used: set[int], lex: Lexicon) -> int | None:
    """End index (exclusive) when the cue matches starting at ``i``, else None (2 skips between morphemes)."""
    j = i
    for k, (form, tag) in enumerate(zip(forms, tags)):
        if k > 0:
            skips = 0
            while j < len(toks) and toks[j].form != form and skips < 2 and _skippable(toks[j], lex):
                j += 1
                skips += 1
        if j >= len(toks) or j in used or toks[j].form != form or (tag and not toks[j].tag.startswith(tag)):
            return None
        j += 1
    return j


def _find(toks: list[Tok], forms, tags, used: set[int], lex: Lexicon,
          present: frozenset[str] | None = None) -> list[tuple[int, int]]:
    if present is not None and not all(f in present for f in forms):
        return []  # a cue whose morphemes are not all in the clause cannot match (skips most cues at once)
    out = []
    i = 0
    while i < len(toks):
        end = _match_at(toks, i, forms, tags, used, lex)
        if end is not None:
            out.append((i, end))
            i = end
        else:
            i += 1
    return out


@dataclass
class CueHit:
    cue: str
    polarity: int  # after negation
    weight: float
    negated: bool


def _negated(toks: list[Tok], start: int, end: int, lex: Lexicon, used: set[int]) -> int | None:
    """Index of the negator that flips the cue at [start, end), or None."""
    for b in range(start - 1, max(-1, start - 3), -1):
        if toks[b].form in lex.negations_before and toks[b].tag in ("MAG", "MAJ"):
            return b
        if not (toks[b].tag == "MAG" and toks[b].form in lex.intensifiers):
            break
    for a in range(end, min(len(toks), end + 5)):
        t = toks[a]
        if t.tag.startswith("S") and t.tag not in ("SN", "SL", "SH"):
            break
        if t.tag == "EC" and t.form in _STOP_EC:
            break
        if t.form in lex.negations_after and t.tag[:1] in ("V", "N", "M") and a not in used:
            return a
    return None


def lexicon_hits(clause: str) -> list[CueHit]:
    """Cues found in ``clause`` with their polarity after negation (see module docstring)."""
    lex = load_lexicon()
    toks = _clause_tokens(" ".join(clause.split()))
    present = frozenset(t.form for t in toks)
    used: set[int] = set()
    hits: list[tuple[int, CueHit]] = []
    for cue in lex.cues:
        for start, end in _find(toks, cue.forms, cue.tags, used, lex, present):
            if any(k in used for k in range(start, end)):
                continue
            neg = _negated(toks, start, end, lex, used)
            weight = cue.weight
            if start > 0 and toks[start - 1].form in lex.intensifiers and toks[start - 1].tag in ("MAG", "XPN", "NNG"):
                weight *= INTENSIFIED
            polarity = cue.polarity
            if neg is not None:
                used.add(neg)
                polarity = -polarity
                if cue.polarity < 0:
                    weight *= NEGATED_NEGATIVE
            used.update(range(start, end))
            hits.append((start, CueHit(cue.text, polarity, weight, neg is not None)))
    return [h for _, h in sorted(hits, key=lambda x: x[0])]


def lexicon_counts(clause: str) -> tuple[int, int]:
    """(positive, negative) cue counts in ``clause`` after negation."""
    hits = lexicon_hits(clause)
    return sum(h.polarity > 0 for h in hits), sum(h.polarity < 0 for h in hits)


def lexicon_sum(clause: str) -> float:
    return sum(h.polarity * h.weight for h in lexicon_hits(clause))


def aspects_in(clause: str) -> list[str]:
    """Aspects named in ``clause`` (morpheme match: 리뷰 does not name 분위기, 시간이 does not name 맛)."""
    lex = load_lexicon()
    toks = _clause_tokens(" ".join(clause.split()))
    present = frozenset(t.form for t in toks)
    out = []
    for aspect, patterns in load_aspects().items():
        for forms, tags in patterns:
            spans = _find(toks, forms, tags, set(), lex, present)
            stop = _NOT_ASPECT.get(forms)
            if stop:
                spans = [(a, b) for a, b in spans if b >= len(toks) or toks[b].form not in stop]
            if spans:
                out.append(aspect)
                break
    return out


def split_clauses(text: str) -> list[str]:
    """Sentences, each further split after contrast markers ("맛은 좋은데 | 비싸요")."""
    lex = load_lexicon()
    out: list[str] = []
    for sent in split_sentences(text) or [text]:
        pieces = lex.contrast.split(sent)
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


def lexicon_review_sum(text: str) -> float:
    """Σ of the lexicon over a review's clauses (the β term of the decision)."""
    return sum(lexicon_sum(c) for c in split_clauses(text))


@dataclass
class ClauseScore:
    text: str
    model: float  # 2·P(positive) − 1 of the in-domain model on the clause
    lexicon: float  # tanh(Σ weighted cues)
    score: float
    lexicon_sum: float = 0.0
    cues: list[str] = field(default_factory=list)
    aspects: list[str] = field(default_factory=list)
    concessive: bool = False  # ends in 지만/는데 …: a point the rest of the review may outweigh
    mild: bool = False  # softened (좀, 조금, 살짝, "늦긴 했지만")


@dataclass
class SentimentResult:
    label: str  # positive | negative | mixed
    label_ko: str
    score: float  # mean clause score, −1…1
    clauses: list[ClauseScore]
    review_logit: float = 0.0  # logit(review) + β·lexicon − θ: ≥ 0 positive


def evidence_weight(text: str) -> float:
    """How much the n-gram model's review-level score counts: min(1, characters / EVIDENCE_CHARS).

    A five-character review ("불친절해요") gives a character n-gram model almost nothing but its prior (and
    the n-grams of 친절), while the lexicon reads it exactly; from EVIDENCE_CHARS characters on the model counts
    in full.  EVIDENCE_CHARS was fixed at 20 before measuring (development reviews: median 25 characters)."""
    return min(1.0, len("".join(text.split())) / EVIDENCE_CHARS)


def local_model_path() -> Path:
    """The installation's learnt review model: ``$MODUAI_HOME/models/review_sentiment_char.json.gz``."""
    return get_settings().home / LOCAL_MODEL


@lru_cache(maxsize=2)
def _read_local(path: str, mtime_ns: int, size: int) -> SentimentModel:
    return read_model(Path(path))  # keyed by mtime and size: a re-learnt file is read again


def active_model() -> SentimentModel:
    """The local model when the installation has learnt one, else the shipped NSMC model (with
    :data:`NSMC_PARAMS`)."""
    path = local_model_path()
    try:
        st = path.stat()
    except FileNotFoundError:
        return load_model()
    return _read_local(str(path), st.st_mtime_ns, st.st_size)


def active_model_key() -> str:
    """Changes whenever :func:`active_model` would return another model (for caches of analyses)."""
    try:
        st = local_model_path().stat()
    except FileNotFoundError:
        return "nsmc"
    return f"local:{st.st_mtime_ns}:{st.st_size}"


def model_source(model: SentimentModel) -> str:
    """'local' for a model learnt from this installation's reviews, else 'nsmc'."""
    return "local" if model.meta.get("kind") == "shop-review-local" else "nsmc"


def _params(model: SentimentModel) -> tuple[float, float]:
    meta = model.meta if model_source(model) == "local" else NSMC_PARAMS
    return float(meta.get("lexicon_weight", 1.0)), float(meta.get("threshold", 0.0))


def _long_threshold(model: SentimentModel) -> float | None:
    """θ of the learnt model alone for reviews of at least EVIDENCE_CHARS characters, when it chose one."""
    value = model.meta.get("long_threshold") if model_source(model) == "local" else None
    return None if value is None else float(value)


def score_clause(clause: str, method: str = "combined", model_: SentimentModel | None = None) -> ClauseScore:
    hits = [h for h in lexicon_hits(clause) if h.weight > 0]  # weight-0 cues only keep words from matching
    lsum = sum(h.polarity * h.weight for h in hits)
    lex = math.tanh(lsum)
    m = model_ or active_model()
    # The clause's own model reading is the model's log-odds without θ: θ corrects the *review-level* prior
    # (chosen for accuracy on ~98 % positive reviews, θ ≈ −3) and would make every clause look positive.
    model = 0.0 if method == "lexicon" else math.tanh(m.logit(clause) / 2)
    if method == "model":
        s = model
    elif method == "lexicon":
        s = lex
    else:
        s = model if not hits else 0.7 * lex + 0.3 * model
    concessive = bool(_CONCESSIVE.search(clause))
    return ClauseScore(clause, round(model, 4), round(lex, 4), round(s, 4), round(lsum, 3),
                       [h.cue if h.polarity > 0 else f"-{h.cue}" for h in hits], aspects_in(clause),
                       concessive, bool(_MILD.search(clause)))


def classify_review(text: str, method: str = "combined", model: SentimentModel | None = None) -> SentimentResult:
    """Positive / negative / mixed for one review (see module docstring for the rule); ``model`` defaults to
    :func:`active_model`."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    model = model or active_model()
    clauses = [score_clause(c, method, model) for c in split_clauses(text)]
    beta, theta = _params(model)
    lsum = sum(c.lexicon_sum for c in clauses)
    long_theta = _long_threshold(model)
    if method == "lexicon":
        decision = lsum
    else:
        logit = model.logit(text)
        z = logit - theta
        ev = evidence_weight(text)
        if method == "model":
            decision = z
        elif long_theta is not None and ev >= 1.0:
            decision = logit - long_theta  # a long review: the learnt model reads it whole
        else:
            decision = z * ev + beta * lsum
    label = "positive" if decision >= 0 else "negative"
    if method != "model":
        # a complaint the customer let pass (see aspect_readings) is not an opposite opinion of its own
        opinions = [c.lexicon_sum for c in clauses if c.aspects and not _conceded(c, decision)]
        if opinions and max(opinions) >= OPINION and min(opinions) <= -OPINION:
            label = "mixed"
    mean = sum(c.score for c in clauses) / len(clauses)
    return SentimentResult(label, LABELS_KO[label], round(mean, 4), clauses, round(decision, 4))


def _conceded(c: ClauseScore, decision: float, aspect: str | None = None) -> bool:
    """A complaint conceded (-지만, -는데) or softened (좀, 조금 …) in a review whose decision is positive,
    about ``aspect`` or, without one, about :data:`CONCEDABLE` aspects only."""
    if not (c.lexicon_sum < 0 and (c.concessive or c.mild) and decision >= 0):
        return False
    return aspect in CONCEDABLE if aspect else bool(c.aspects) and set(c.aspects) <= CONCEDABLE


@dataclass(frozen=True)
class AspectReading:
    polarity: str  # positive | negative | neutral
    conceded: bool = False  # a complaint conceded in a review that is positive on the whole (see below)


def aspect_readings(result: SentimentResult) -> dict[str, AspectReading]:
    """aspect → its reading, from the clause that names it (the most opinionated one); a clause with no
    opinion of its own takes the review's polarity (neutral for a mixed review).

    A complaint conceded ("배달이 늦었지만 맛있어요", "오래 걸렸는데 …") or softened ("배달이 조금 늦었어요")
    in a review whose decision is positive is what the customer let pass: it reads *positive* (on the
    development restaurants such clauses mostly come with 4–5★ for that very aspect; only for
    :data:`CONCEDABLE`) and is marked ``conceded``, so a reply still apologises for it and never thanks for it."""
    best: dict[str, ClauseScore | None] = {}
    for c in result.clauses:
        for a in c.aspects:
            if not c.cues:  # a clause without any opinion word says nothing of its own
                best.setdefault(a, None)
            elif best.get(a) is None or abs(c.score) > abs(best[a].score):
                best[a] = c
    fallback = {"positive": "positive", "negative": "negative"}.get(result.label, "neutral")
    order = list(load_aspects())
    out = {}
    for a in sorted(best, key=order.index):
        c = best[a]
        if c is None:
            out[a] = AspectReading(fallback)
        elif a in CONCEDABLE and _conceded(c, result.review_logit, a):
            out[a] = AspectReading("positive", conceded=True)
        else:
            s = c.score
            out[a] = AspectReading("positive" if s >= CLAUSE_THRESHOLD else "negative" if s <= -CLAUSE_THRESHOLD
                                   else fallback)
    return out


def aspect_polarities(result: SentimentResult) -> dict[str, str]:
    """aspect → positive | negative | neutral (:func:`aspect_readings` without the concession mark)."""
    return {a: r.polarity for a, r in aspect_readings(result).items()}


__all__ = ["LABELS", "load_lexicon", "LABELS_KO", "METHODS", "AspectReading", "active_model", "active_model_key",
           "aspect_polarities", "aspect_readings", "aspects_in",
           "classify_review", "local_model_path", "model_source",
           "lexicon_counts", "lexicon_hits", "lexicon_review_sum", "positive_probability", "score_clause",
           "split_clauses"]
