"""Train the shop-review sentiment model on the development restaurants of the Yogiyo reviews.

Usage::

    python scripts/train_review_sentiment.py [--data ../shared/data/reviews/yogiyo_korean_food_reviews_aspect_stars.csv]

Weak labels: the mean of each review's 맛/양/배달 stars — positive when ≥ 4, negative when < 3 (reviews in
between are left out of training).  Only the development restaurants of ``benchmarks/data/yogiyo_split.json``
are read; the held-out restaurants never touch training or the choice of any parameter.

Features: character 1–3-grams within words (:func:`moduai.ai.sentiment.char_ngrams`), sublinear TF-IDF;
model: L2 logistic regression, balanced class weights, C = 1 (chosen by 5-fold restaurant-grouped
cross-validation on the development part; see docs/notes/issue-15-marketing.md).  The file stores vocabulary,
IDF, coefficients and intercept as JSON (no pickle), like ``sentiment_nsmc_char.json.gz``.

Then the two review-level parameters of :func:`moduai.marketing.review_sentiment.classify_review` (the lexicon
weight β and the decision threshold θ) are chosen on out-of-fold logits of the development part (grouped by
restaurant): the best macro-F1 among the pairs that read issue 15's specification sentences (SPEC) right;
they are written into the model's ``meta``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from yogiyo_split import DEFAULT_DATA, load_split, load_yogiyo  # noqa: E402

from moduai.ai.sentiment import REVIEW_MODEL_PATH, char_ngrams, load_model  # noqa: E402

C = 1.0
POSITIVE_MIN, NEGATIVE_BELOW = 4.0, 3.0
# Specification sentences (issue 15's reported errors; not from the Yogiyo file): 1 positive, 0 negative.
SPEC = [("인생 짬뽕", 1), ("사장님 너무 따숩으심", 1), ("1청결 포기 2친절함 포기 3가격 포기", 0),
        ("잡내가 살짝 있어요", 0), ("웨이팅이 너무 길어요", 0), ("배달이 30분만에 왔어요!!", 1),
        ("직원이 불친절했어요. 다시 안 갈래요", 0), ("맛있게 잘 먹었습니다 수고하세요", 1)]


def fit(texts: list[str], y: np.ndarray) -> tuple[TfidfVectorizer, LogisticRegression]:
    vec = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, min_df=2, dtype=np.float64)
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    clf.fit(vec.fit_transform(texts), y)
    return vec, clf


def training_rows(df):
    keep = (df["mean"] >= POSITIVE_MIN) | (df["mean"] < NEGATIVE_BELOW)
    d = df[keep]
    return d, (d["mean"] >= POSITIVE_MIN).astype(int).to_numpy()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=REVIEW_MODEL_PATH)
    args = ap.parse_args()
    t0 = time.perf_counter()
    split = load_split()
    df = load_yogiyo(args.data)
    dev = df[df["업체명"].isin(split["dev"])].reset_index(drop=True)
    assert not dev["업체명"].isin(split["held_out"]).any()
    train, y = training_rows(dev)
    print(f"dev rows {len(dev):,}; training rows {len(train):,} (negative {int((y == 0).sum())})")

    # Out-of-fold logits (5 folds of restaurants) for choosing β and θ.
    names = sorted(dev["업체명"].unique())
    oof = np.zeros(len(dev))
    for k in range(5):
        fold = set(names[k::5])
        tr_mask = ~train["업체명"].isin(fold).to_numpy()
        vec, clf = fit(train["text"][tr_mask].tolist(), y[tr_mask])
        te = dev["업체명"].isin(fold).to_numpy()
        oof[te] = clf.decision_function(vec.transform(dev["text"][te].tolist()))
    vec, clf = fit(train["text"].tolist(), y)
    print(f"trained in {time.perf_counter() - t0:.1f}s, {len(vec.vocabulary_):,} features")

    inv = sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])
    payload = {
        "vocabulary": [g for g, _ in inv],
        "idf": [round(float(v), 5) for v in vec.idf_],
        "coef": [round(float(v), 5) for v in clf.coef_[0]],
        "intercept": round(float(clf.intercept_[0]), 6),
        "meta": {
            "trained_on": ("Yogiyo 한식 delivery reviews (hyeryn/AI_SPARK data/reviewA_korean.csv @199ed0fe), "
                           f"development restaurants only ({', '.join(split['dev'])}); no review text is stored"),
            "labels": "mean of 맛/양/배달 stars: >= 4 positive, < 3 negative (3–4 left out)",
            "features": "char_wb 1-3 grams, sublinear tf-idf, l2, min_df 2", "C": C, "class_weight": "balanced",
            "training_rows": int(len(train)), "split_seed": split["seed"],
        },
    }
    _write(args.out, payload)
    load_model.cache_clear()

    # β, θ on out-of-fold logits (development part only).
    from moduai.marketing.review_sentiment import evidence_weight, lexicon_review_sum  # as shipped

    ev = ((dev["mean"] >= 4) | (dev["mean"] <= 2)).to_numpy()
    truth = (dev["mean"][ev] >= 4).astype(int).to_numpy()
    lex = np.array([lexicon_review_sum(t) for t in dev["text"][ev]])
    w = np.array([evidence_weight(t) for t in dev["text"][ev]])
    z = oof[ev]
    grid = []
    for beta in (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0):
        for theta in np.arange(-3.0, 3.01, 0.25):
            theta = round(float(theta), 2)
            pred = ((z - theta) * w + beta * lex >= 0).astype(int)
            grid.append((f1_score(truth, pred, average="macro"), float((pred == truth).mean()), beta, float(theta)))
    grid.sort(key=lambda g: (-g[0], -g[1], abs(g[3])))
    by_beta = {}
    for g in grid:
        by_beta.setdefault(g[2], g)
    for beta, g in sorted(by_beta.items()):
        print(f"  beta {beta}: best theta {g[3]:+.2f}  macro-F1 {g[0]:.4f} acc {g[1]:.4f}")
    # Rule fixed before any held-out measurement: the best dev macro-F1 among (β, θ) that read the
    # specification sentences of issue 15 right.  The development part holds only ~50 clear negatives, and
    # many 4–5★ reviews carry a real complaint ("배달이 늦었지만 맛있어요"), so dev alone would let the
    # model's prior for "positive" swallow short complaints such as "웨이팅이 너무 길어요".
    spec_z = clf.decision_function(vec.transform([t for t, _ in SPEC]))
    spec_l = np.array([lexicon_review_sum(t) for t, _ in SPEC])
    spec_w = np.array([evidence_weight(t) for t, _ in SPEC])
    spec_y = np.array([lab for _, lab in SPEC])
    ok = [g for g in grid if (((spec_z - g[3]) * spec_w + g[2] * spec_l >= 0).astype(int) == spec_y).all()]
    print(f"  {len(ok)} of {len(grid)} (β, θ) pairs read all {len(SPEC)} specification sentences right")
    best = ok[0] if ok else grid[0]
    payload["meta"].update({"lexicon_weight": best[2], "threshold": round(best[3], 2),
                            "dev_oof_macro_f1": round(best[0], 4), "dev_oof_accuracy": round(best[1], 4)})
    _write(args.out, payload)
    print(f"chosen beta {best[2]} theta {best[3]:+.2f}; wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")

    load_model.cache_clear()
    model = load_model(args.out)
    sample = dev["text"].tolist()[:300]
    ours = np.array([model.logit(t) for t in sample])
    theirs = clf.decision_function(vec.transform(sample))
    print(f"max |numpy - sklearn| logit on 300 rows: {np.abs(ours - theirs).max():.2e}")


def _write(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False, separators=(",", ":"))
    tmp.replace(path)


if __name__ == "__main__":
    main()
