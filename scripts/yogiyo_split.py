"""The fixed development / held-out split of the Yogiyo 한식 reviews, by restaurant (no shop in both parts).

Usage::

    python scripts/yogiyo_split.py [--data ../shared/data/reviews/yogiyo_korean_food_reviews_aspect_stars.csv]

Restaurants (업체명, the file's only shop id) are shuffled with a fixed seed and taken in that order into
the held-out part until it holds at least 30 % of the rows; the rest is the development part.  The result
is written to ``benchmarks/data/yogiyo_split.json`` and read by ``benchmarks/marketing_review_sentiment.py``,
which trains the installation's learner on the development part only and reports on the held-out part.
Held-out restaurants never touch training, lexicon tuning or threshold choice.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
_REL = Path("shared") / "data" / "reviews" / "yogiyo_korean_food_reviews_aspect_stars.csv"
# ../shared beside the checkout (a git worktree one level deeper finds ../../shared).
DEFAULT_DATA = next((p / _REL for p in (ROOT.parent, ROOT.parent.parent) if (p / _REL).exists()), ROOT.parent / _REL)
SPLIT_PATH = ROOT / "benchmarks" / "data" / "yogiyo_split.json"
SEED = 20261207
HELD_OUT_SHARE = 0.30


def load_yogiyo(path: Path = DEFAULT_DATA) -> pd.DataFrame:
    """The file with ``mean`` (of 맛/양/배달 stars) and ``text`` (상세리뷰, whitespace squeezed)."""
    df = pd.read_csv(path, dtype={"업체명": str, "상세리뷰": str}, keep_default_na=False)
    df["text"] = df["상세리뷰"].map(lambda s: " ".join(str(s).split()))
    df["mean"] = df[["맛", "양", "배달"]].mean(axis=1)
    return df[df["text"] != ""].reset_index(drop=True)


def load_split(path: Path = SPLIT_PATH) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args()
    df = load_yogiyo(args.data)
    counts = df["업체명"].value_counts()
    names = sorted(counts.index)
    order = np.random.default_rng(SEED).permutation(len(names))
    held, n = [], 0
    for i in order:
        if n >= HELD_OUT_SHARE * len(df):
            break
        held.append(names[i])
        n += int(counts[names[i]])
    dev = [x for x in names if x not in held]
    out = {"seed": SEED, "held_out_share_target": HELD_OUT_SHARE, "key": "업체명",
           "source": "hyeryn/AI_SPARK data/reviewA_korean.csv @199ed0fe (no licence stated; text not shipped)",
           "rows": {"dev": int(df["업체명"].isin(dev).sum()), "held_out": int(df["업체명"].isin(held).sum())},
           "dev": sorted(dev), "held_out": sorted(held)}
    SPLIT_PATH.parent.mkdir(parents=True, exist_ok=True)
    SPLIT_PATH.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
