"""Train the shipped Korean sentiment model on NSMC (CC0) and write it as compact JSON.

Usage::

    python scripts/train_sentiment.py [--data ../shared/data/reviews/nsmc_balanced_200k.tsv.gz]
                                      [--out src/moduai/ai/data/sentiment_nsmc_char.json.gz]
                                      [--max-features 60000] [--C 2.0]

Data: Naver movie reviews (e9t/nsmc raw crawl, CC0 1.0): 100,000 negative (rating 1–4) and 100,000
positive (9–10) reviews.  Features: character 1–3-grams within words (:func:`moduai.ai.sentiment.char_ngrams`),
sublinear TF-IDF, l2 norm; model: L2 logistic regression (liblinear).  10 % is held out to report accuracy.
Needs scikit-learn at training time only; prediction uses NumPy (moduai.ai.sentiment).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from moduai.ai.sentiment import MODEL_PATH, char_ngrams, load_model

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "reviews" / "nsmc_balanced_200k.tsv.gz"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--max-features", type=int, default=60000)
    ap.add_argument("--C", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=20260101)
    args = ap.parse_args()

    t0 = time.perf_counter()
    # Some reviews contain a bare CR: read with LF as the only line end and no quoting (NSMC has none).
    df = pd.read_csv(args.data, sep="\t", dtype=str, keep_default_na=False, lineterminator="\n",
                     quoting=csv.QUOTE_NONE)
    df["label"] = df["label"].astype(int)
    df = df[df["review"].str.strip() != ""]
    rng = np.random.default_rng(args.seed)
    test_mask = rng.random(len(df)) < 0.10
    train, test = df[~test_mask], df[test_mask]
    print(f"rows {len(df):,} train {len(train):,} held-out {len(test):,}")

    vec = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, min_df=3, max_features=args.max_features,
                          dtype=np.float64)
    xtr = vec.fit_transform(train["review"].tolist())
    print(f"features {xtr.shape[1]:,} in {time.perf_counter() - t0:.1f}s")
    clf = LogisticRegression(C=args.C, solver="liblinear", max_iter=200)
    clf.fit(xtr, train["label"].to_numpy())
    xte = vec.transform(test["review"].tolist())
    acc = float((clf.predict(xte) == test["label"].to_numpy()).mean())
    print(f"held-out NSMC accuracy {acc:.4f} ({time.perf_counter() - t0:.1f}s)")

    inv = sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])
    payload = {
        "vocabulary": [g for g, _ in inv],
        "idf": [round(float(v), 5) for v in vec.idf_],
        "coef": [round(float(v), 5) for v in clf.coef_[0]],
        "intercept": round(float(clf.intercept_[0]), 6),
        "meta": {
            "trained_on": "NSMC raw (e9t/nsmc @cc0670e8), balanced 200k, CC0 1.0",
            "features": "char_wb 1-3 grams, sublinear tf-idf, l2", "C": args.C,
            "max_features": args.max_features, "held_out_accuracy": round(acc, 4),
            "held_out_rows": int(len(test)), "seed": args.seed,
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False, separators=(",", ":"))
    tmp.replace(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")

    # The NumPy predictor must agree with scikit-learn on held-out rows (rounding to 5 decimals aside).
    load_model.cache_clear()
    model = load_model(args.out)
    sample = test["review"].tolist()[:500]
    ours = np.array([model.proba(t) for t in sample])
    theirs = clf.predict_proba(vec.transform(sample))[:, 1]
    print(f"max |numpy - sklearn| on 500 held-out rows: {np.abs(ours - theirs).max():.2e}")


if __name__ == "__main__":
    main()
