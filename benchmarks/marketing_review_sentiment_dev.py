"""Issue 15, development restaurants only: the shipped review classifier scored out of fold, by shop.

The tuning tool of ``benchmarks/marketing_review_sentiment.py`` (which scores the held-out restaurants and
must be run once per fixed rule): it never reads the held-out part.  The development restaurants
(benchmarks/data/yogiyo_split.json) are dealt into the learner's own 5 shop folds
(``review_learning._folds``); for each fold the installation's learner (``fit_review_model``, which chooses
its own decision parameters out of fold on its training part) learns from the other four, and
``classify_review`` with that model reads the held fold.  The rule is therefore scored nested: neither the
weights nor β, θ, θ_long saw the shops they are scored on.

Truth as in the held-out benchmark: review = mean of 맛/양/배달 stars (≥ 4 positive, ≤ 2 negative, between
left out); aspect = that aspect's own stars (≤ 2 negative, ≥ 4 positive, 3 left out; neutral = disagreement).

Run:  python benchmarks/marketing_review_sentiment_dev.py
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from yogiyo_split import load_split, load_yogiyo  # noqa: E402

from moduai.marketing import review_learning  # noqa: E402
from moduai.marketing import review_sentiment as rs  # noqa: E402


def main() -> None:
    print(f"load average at start: {os.getloadavg()}")
    split = load_split()
    df = load_yogiyo()
    dev = df[df["업체명"].isin(split["dev"])].reset_index(drop=True)
    assert not set(dev["업체명"]) & set(split["held_out"])
    folds = review_learning._folds(dev["업체명"].tolist(), len(dev))
    labels, decisions, chosen = [None] * len(dev), [0.0] * len(dev), []
    aspects: list[tuple[str, int, str]] = []
    t0, c0 = time.perf_counter(), time.process_time()
    for k in range(review_learning.FOLDS):
        train, test = dev[folds != k], np.flatnonzero(folds == k)
        model = review_learning.fit_review_model(train["text"].tolist(), train["mean"].tolist(),
                                                 train["업체명"].tolist())
        m = model.meta
        chosen.append((k, m["lexicon_weight"], m["threshold"], m["long_threshold"], m["oof_accuracy"]))
        for i in test:
            r = rs.classify_review(dev["text"][i], model=model)
            labels[i], decisions[i] = r.label, r.review_logit
            pol = rs.aspect_polarities(r)
            for a in ("맛", "양", "배달"):
                if a in pol:
                    aspects.append((a, int(dev[a][i]), pol[a]))
        print(f"fold {k}: β {m['lexicon_weight']} θ {m['threshold']} θ_long {m['long_threshold']} "
              f"(inner out-of-fold accuracy {m['oof_accuracy']}); {time.process_time() - c0:.0f}s CPU so far", flush=True)
    print(f"{time.perf_counter() - t0:.0f}s wall, {time.process_time() - c0:.0f}s CPU, load {os.getloadavg()[0]:.1f}")

    mean = dev["mean"].to_numpy()
    idx = [i for i in range(len(dev)) if mean[i] >= 4 or mean[i] <= 2]
    truth = ["positive" if mean[i] >= 4 else "negative" for i in idx]
    strict = [labels[i] for i in idx]
    two = ["positive" if decisions[i] >= 0 else "negative" for i in idx]

    def f1(pred):
        out = []
        for lab in ("positive", "negative"):
            tp = sum(t == lab and p == lab for t, p in zip(truth, pred))
            fp = sum(t != lab and p == lab for t, p in zip(truth, pred))
            fn = sum(t == lab and p != lab for t, p in zip(truth, pred))
            out.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
        return sum(out) / 2

    n_neg = truth.count("negative")
    print(f"\nDEVELOPMENT restaurants, out of fold by shop: {len(dev):,} reviews, {len(idx):,} clear "
          f"({n_neg} negative); majority accuracy {1 - n_neg / len(idx):.4f}")
    for name, pred in (("strict (복합 wrong)", strict), ("2-class (복합 → sign)", two)):
        acc = sum(a == b for a, b in zip(truth, pred)) / len(idx)
        rec = sum(t == p == "negative" for t, p in zip(truth, pred)) / max(1, n_neg)
        print(f"  {name:<22} accuracy {acc:.4f}  macro-F1 {f1(pred):.4f}  recall− {rec:.3f}  "
              f"복합 {pred.count('mixed')}")
    print(f"  labels on clear reviews: {dict(Counter(strict))}")
    for a in ("맛", "양", "배달"):
        rows = [("negative" if s <= 2 else "positive", p) for asp, s, p in aspects if asp == a and s != 3]
        agree = sum(t == p for t, p in rows) / len(rows)
        print(f"  aspect {a}: {len(rows):,} mentions, agreement {agree:.4f}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
