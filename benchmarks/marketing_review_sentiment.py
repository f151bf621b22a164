"""Shop-review sentiment and aspect polarity on HELD-OUT restaurants of real delivery reviews (issue 15).

Data: ../shared/data/reviews/yogiyo_korean_food_reviews_aspect_stars.csv (9,211 real 한식 reviews, separate
맛/양/배달 stars; no licence stated, so its text is not shipped).  Split by restaurant with a fixed seed
(benchmarks/data/yogiyo_split.json, written by scripts/yogiyo_split.py); only the held-out part is scored.

Review sentiment: truth from the mean of the three stars, ≥ 4 positive, ≤ 2 negative (reviews between are
reported apart).  A "mixed" answer counts as wrong for accuracy (strict).  Methods, interleaved per review:
- majority            : always the majority class of the development part (positive)
- old                 : the classifier before issue 15 (benchmarks/baselines/review_sentiment_v1.py: NSMC model
                        + substring lexicon per clause)
- tfidf-lr            : plain scikit-learn TfidfVectorizer(char_wb 1–3) + LogisticRegression() trained on the
                        development part (labels as above), threshold 0.5
- tfidf-lr-balanced   : the same with class_weight="balanced"
- nsmc+lexicon        : what an installation without a learnt model runs (morpheme lexicon + the shipped CC0
                        NSMC model, β and θ of ``review_sentiment.NSMC_PARAMS``)
- local-model         : the installation's learnt model alone (logit ≥ θ)
- local               : the classifier with the learnt model (model + lexicon; long reviews by the model alone
                        when the learner chose θ_long; mixed only on opposite aspect opinions, a conceded
                        complaint not counting)
- local-2class        : the same, each 복합 answer replaced by the sign of its review-level decision

"Learnt model": ``review_learning.fit_review_model`` — the very learner an installation runs on its owners'
star-rated imports — trained here on the development restaurants (each review's single rating = the mean of
its 맛/양/배달 stars), as an installation whose owners imported those reviews would have it.  Nothing is
written to MODUAI_HOME; the model is passed to ``classify_review`` directly.

Aspect polarity: for reviews whose text names 맛 / 양 / 배달 (each method's own detector), agreement of the
aspect's polarity with that aspect's stars (≤ 2 negative, ≥ 4 positive; 3★ left out).  A neutral answer
counts as disagreement.

Run:  python benchmarks/marketing_review_sentiment.py
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
sys.path.insert(0, str(ROOT))
from benchmarks.baselines import review_sentiment_v1 as old  # noqa: E402
from yogiyo_split import load_split, load_yogiyo  # noqa: E402

from moduai.ai.sentiment import load_model  # noqa: E402
from moduai.marketing import review_learning  # noqa: E402
from moduai.marketing import review_sentiment as new  # noqa: E402

LABELS = ("positive", "negative")


def truth_label(mean: float) -> str | None:
    return "positive" if mean >= 4 else "negative" if mean <= 2 else None


def macro_f1(truth: list[str], pred: list[str]) -> float:
    f1s = []
    for lab in LABELS:
        tp = sum(t == lab and p == lab for t, p in zip(truth, pred))
        fp = sum(t != lab and p == lab for t, p in zip(truth, pred))
        fn = sum(t == lab and p != lab for t, p in zip(truth, pred))
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(f1s) / len(f1s)


def recall(truth, pred, lab):
    n = sum(t == lab for t in truth)
    return sum(t == lab and p == lab for t, p in zip(truth, pred)) / n if n else float("nan")


def star_polarity(stars: int) -> str | None:
    return "negative" if stars <= 2 else "positive" if stars >= 4 else None


def main() -> None:
    # deferred: scikit-learn only for the baseline
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    print(f"load average at start: {os.getloadavg()}")
    split = load_split()
    df = load_yogiyo()
    dev = df[df["업체명"].isin(split["dev"])]
    held = df[df["업체명"].isin(split["held_out"])].reset_index(drop=True)
    assert not set(dev["업체명"]) & set(held["업체명"])
    dev_clear = dev[(dev["mean"] >= 4) | (dev["mean"] <= 2)]
    y_dev = np.where(dev_clear["mean"] >= 4, "positive", "negative")
    majority = Counter(y_dev).most_common(1)[0][0]
    baselines = {}
    t0 = time.perf_counter()
    for name, cw in (("tfidf-lr", None), ("tfidf-lr-balanced", "balanced")):
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
        clf = LogisticRegression(class_weight=cw, max_iter=2000).fit(vec.fit_transform(dev_clear["text"]), y_dev)
        baselines[name] = (vec, clf)
    print(f"baselines trained on {len(dev_clear):,} development reviews in {time.perf_counter() - t0:.1f}s")
    t0, c0 = time.perf_counter(), time.process_time()
    local = review_learning.fit_review_model(dev["text"].tolist(), dev["mean"].tolist(), dev["업체명"].tolist())
    print(f"local learner on {len(dev):,} development reviews: {time.perf_counter() - t0:.1f}s wall, "
          f"{time.process_time() - c0:.1f}s CPU, load {os.getloadavg()[0]:.1f}; chosen β {local.meta['lexicon_weight']}"
          f" θ {local.meta['threshold']} θ_long {local.meta.get('long_threshold')} "
          f"(out-of-fold accuracy {local.meta['oof_accuracy']}, "
          f"macro-F1 {local.meta['oof_macro_f1']})")
    nsmc = load_model()

    new.classify_review("워밍업 맛있어요", model=local)  # Kiwi and the models load outside the timings
    new.classify_review("워밍업 맛있어요", model=nsmc)
    old.classify_review("워밍업 맛있어요")
    theta = float(local.meta["threshold"])
    methods = ("majority", "old", "tfidf-lr", "tfidf-lr-balanced", "nsmc+lexicon", "local-model", "local",
               "local-2class")
    aspects = {"old": [], "nsmc+lexicon": [], "local": []}  # (aspect, stars, polarity)
    preds: dict[str, list[str]] = {m: [] for m in methods}
    secs = Counter()
    for _, row in held.iterrows():
        text = row["text"]
        preds["majority"].append(majority)
        t = time.perf_counter()
        r_old = old.classify_review(text)
        preds["old"].append(r_old.label)
        secs["old"] += time.perf_counter() - t
        for name, (vec, clf) in baselines.items():
            t = time.perf_counter()
            preds[name].append(str(clf.predict(vec.transform([text]))[0]))
            secs[name] += time.perf_counter() - t
        t = time.perf_counter()
        preds["local-model"].append("positive" if local.logit(text) >= theta else "negative")
        secs["local-model"] += time.perf_counter() - t
        pols = {"old": old.aspect_polarities(r_old)}
        for name, model in (("nsmc+lexicon", nsmc), ("local", local)):
            t = time.perf_counter()
            r_new = new.classify_review(text, model=model)
            pols[name] = new.aspect_polarities(r_new)
            preds[name].append(r_new.label)
            secs[name] += time.perf_counter() - t
        # 2-class view: a 복합 answer replaced by the sign of the review-level decision
        preds["local-2class"].append("positive" if r_new.review_logit >= 0 else "negative")
        for name, pol in pols.items():
            for a in ("맛", "양", "배달"):
                if a in pol:
                    aspects[name].append((a, int(row[a]), pol[a]))

    truth = [truth_label(m) for m in held["mean"]]
    idx = [i for i, t in enumerate(truth) if t is not None]
    tt = [truth[i] for i in idx]
    n_pos, n_neg = tt.count("positive"), tt.count("negative")
    print(f"\nHELD-OUT restaurants ({', '.join(split['held_out'])}): {len(held):,} reviews; "
          f"{len(tt):,} with a clear mean (positive {n_pos:,}, negative {n_neg:,}); "
          f"{len(held) - len(tt)} between 2 and 4 reported apart")
    print("\nReview sentiment (mixed counts as wrong)")
    print(f"{'method':<20}{'accuracy':>9}{'×majority':>10}{'macro-F1':>9}{'recall+':>8}{'recall-':>8}{'mixed':>7}"
          f"{'ms/review':>10}")
    acc_major = None
    for m in methods:
        pp = [preds[m][i] for i in idx]
        acc = sum(a == b for a, b in zip(tt, pp)) / len(tt)
        acc_major = acc_major or acc
        ms = 1000 * secs[m] / len(held) if m not in ("majority", "local-2class") else 0.0
        print(f"{m:<20}{acc:>9.4f}{acc / acc_major:>10.3f}{macro_f1(tt, pp):>9.4f}{recall(tt, pp, 'positive'):>8.3f}"
              f"{recall(tt, pp, 'negative'):>8.3f}{pp.count('mixed'):>7}{ms:>10.2f}")
    mid = [i for i, t in enumerate(truth) if t is None]
    print("\nMiddle reviews (2 < mean < 4), what each method says:")
    for m in ("old", "tfidf-lr", "nsmc+lexicon", "local"):
        c = Counter(preds[m][i] for i in mid)
        print(f"  {m:<18} {dict(c)}")
    taste_high = [i for i in range(len(held)) if held["맛"][i] >= 4]
    for m in ("old", "nsmc+lexicon", "local"):
        share = sum(preds[m][i] == "mixed" for i in taste_high) / len(taste_high)
        print(f"  {m}: share of 4–5★-for-taste reviews called 복합: {share:.3f} of {len(taste_high):,}")

    print("\nAspect polarity vs the aspect's own stars (neutral counts as disagreement)")
    print(f"{'method':<13}{'aspect':<6}{'mentions':>9}{'agree':>8}{'agree-neg':>10}{'agree-pos':>10}{'4-5★ called neg':>16}")
    for m in aspects:
        for a in ("맛", "양", "배달"):
            rows = [(star_polarity(s), p) for asp, s, p in aspects[m] if asp == a and star_polarity(s)]
            if not rows:
                continue
            agree = sum(t == p for t, p in rows) / len(rows)
            negs = [(t, p) for t, p in rows if t == "negative"]
            poss = [(t, p) for t, p in rows if t == "positive"]
            an = sum(t == p for t, p in negs) / len(negs) if negs else float("nan")
            ap = sum(t == p for t, p in poss) / len(poss) if poss else float("nan")
            called_neg = sum(p == "negative" for _, p in poss) / len(poss) if poss else float("nan")
            print(f"{m:<13}{a:<6}{len(rows):>9}{agree:>8.4f}{an:>10.3f}{ap:>10.3f}{called_neg:>16.3f}")
    print(f"\nload average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
