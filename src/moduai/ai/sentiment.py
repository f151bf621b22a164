"""Korean sentiment: a compact logistic-regression model over character n-grams, plus clause scoring.

The model (``data/sentiment_nsmc_char.json.gz``) is trained offline by ``scripts/train_sentiment.py`` on
the CC0 NSMC movie reviews (200,000 rows, balanced).  Prediction needs only NumPy: the featurizer below is
the same function the training script hands to scikit-learn's ``TfidfVectorizer(analyzer=...)``, and the
file stores the vocabulary, IDF weights, coefficients and intercept, so

    p(positive) = σ(b + Σ_j w_j · x_j),   x = l2-normalised (1 + log tf) · idf   (sublinear tf)

reproduces scikit-learn's ``predict_proba`` to floating-point precision.

Movie reviews are not shop reviews (domain shift: "맛", "친절", "주차" barely occur in NSMC), so the shop
review analysis combines this score with a domain lexicon, and learns in-domain weights of the same format
from the owners' own star-rated imports when there are enough (:func:`fit_char_model`,
:mod:`moduai.marketing.review_learning`); ``benchmarks/marketing_review_sentiment.py`` measures both.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("data") / "sentiment_nsmc_char.json.gz"
NGRAM_RANGE = (1, 3)
_REPEAT = re.compile(r"(.)\1{2,}")
_SPACE = re.compile(r"\s+")
_KEEP = re.compile(r"[^0-9a-zA-Z가-힣ㄱ-ㅎㅏ-ㅣ?!.~^ ]")


def normalize(text: str) -> str:
    """Lower-case, keep Hangul/Latin/digits and a few expressive marks, squeeze runs (ㅋㅋㅋㅋ → ㅋㅋ)."""
    text = _KEEP.sub(" ", str(text).lower())
    text = _REPEAT.sub(r"\1\1", text)
    return _SPACE.sub(" ", text).strip()


def char_ngrams(text: str) -> list[str]:
    """Character 1–3-grams inside space-padded words (like scikit-learn's ``char_wb``) on :func:`normalize`."""
    out: list[str] = []
    lo, hi = NGRAM_RANGE
    for word in normalize(text).split(" "):
        if not word:
            continue
        w = f" {word} "
        for n in range(lo, hi + 1):
            if len(w) < n:
                break
            out.extend(w[i:i + n] for i in range(len(w) - n + 1))
    return out


@dataclass
class SentimentModel:
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    meta: dict

    def logit(self, text: str) -> float:
        counts: dict[int, int] = {}
        for g in char_ngrams(text):
            j = self.vocabulary.get(g)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            return self.intercept
        idx = np.fromiter(counts.keys(), dtype=np.int64)
        tf = np.fromiter(counts.values(), dtype=np.float64)
        x = (1.0 + np.log(tf)) * self.idf[idx]
        norm = math.sqrt(float(x @ x))
        if norm == 0:
            return self.intercept
        return float(self.intercept + (x / norm) @ self.coef[idx])

    def proba(self, text: str) -> float:
        """P(positive) for ``text``."""
        z = self.logit(text)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> SentimentModel:
    """The shipped model (read once per process)."""
    return read_model(path)


def read_model(path: Path) -> SentimentModel:
    """A model file in the shipped format, read afresh (a locally learnt model changes between calls)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        raw = json.load(fh)
    vocab = {g: i for i, g in enumerate(raw["vocabulary"])}
    return SentimentModel(vocab, np.asarray(raw["idf"], dtype=np.float64), np.asarray(raw["coef"], dtype=np.float64),
                          float(raw["intercept"]), raw.get("meta", {}))


def fit_char_model(texts: list[str], positive: list[int] | np.ndarray, *, C: float = 1.0,
                   class_weight: str | None = "balanced", min_df: int = 2, meta: dict | None = None) -> SentimentModel:
    """Fit the shipped format on ``texts`` (``positive`` 1/0): :func:`char_ngrams` → sublinear TF-IDF →
    L2 logistic regression.  The result predicts with NumPy only (:meth:`SentimentModel.logit`)."""
    # deferred: scikit-learn takes ≈1 s to import and only learning needs it, never prediction
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, min_df=min_df, dtype=np.float64)
    x = vec.fit_transform(texts)
    clf = LogisticRegression(C=C, class_weight=class_weight, max_iter=2000).fit(x, np.asarray(positive))
    inv = sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])
    return SentimentModel({g: i for g, i in inv}, np.asarray(vec.idf_, dtype=np.float64),
                          np.asarray(clf.coef_[0], dtype=np.float64), float(clf.intercept_[0]), dict(meta or {}))


def write_model(model: SentimentModel, path: Path) -> Path:
    """Write ``model`` as gzipped JSON (vocabulary, IDF, coefficients, intercept, meta; no pickle), atomically."""
    inv = sorted(model.vocabulary.items(), key=lambda kv: kv[1])
    payload = {"vocabulary": [g for g, _ in inv], "idf": [round(float(v), 6) for v in model.idf],
               "coef": [round(float(v), 6) for v in model.coef], "intercept": round(model.intercept, 6),
               "meta": model.meta}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False, separators=(",", ":"))
    tmp.replace(path)
    return path


def positive_probability(text: str) -> float:
    """P(positive) from the shipped NSMC model."""
    return load_model().proba(text)
