"""지원사업 matching on real 기업마당 announcements: today's ranking vs the relevance ranking, judged by hand.

    PYTHONPATH=src python3 benchmarks/programs_matching_eval.py            # P@10 and nDCG@10, old vs new
    PYTHONPATH=src python3 benchmarks/programs_matching_eval.py --pool     # pooled items still to judge

Data: the 1,864 unique announcements of ``tests/fixtures/programs/bizinfo_announcements_2025.csv.gz`` (the
same file as ``../shared/data/programs``), the 43 profiles of ``benchmarks/data/programs_profiles.yaml``, and
the judgments of ``benchmarks/data/programs_qrels.yaml``, made with the guide in ``benchmarks/README.md``
("지원사업 매칭 평가").  Today's ranking is the code of commit ``BASELINE_COMMIT`` (before this work), run
from a ``git archive`` of that commit in a subprocess, so "old" is exactly what the platform did.

Per profile the top 10 of each ranking are the eligible + "확인 필요" lists in order (closed announcements
excluded, as the pages do).  P@10 counts grade ≥ 1; nDCG@10 uses gain 2^grade − 1 with the ideal order of
every judged announcement of that profile.  Unjudged items in a top 10 are counted and reported (0 when
the pool is complete).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests/fixtures/programs/bizinfo_announcements_2025.csv.gz"
PROFILES = ROOT / "benchmarks/data/programs_profiles.yaml"
JUDGMENTS = ROOT / "benchmarks/data/programs_judgments.yaml"
QRELS = ROOT / "benchmarks/data/programs_qrels.yaml"  # written by --write-qrels: the grades, for review
BASELINE_COMMIT = "b650c84"
K = 10

RANK_SCRIPT = r"""
import csv, datetime as dt, gzip, io, json, sys, yaml
from moduai.programs.importer import map_bizinfo_record
from moduai.programs.matching import match_programs
from moduai.programs.profile import profile_from_dict
data, profiles_path, ranking = sys.argv[1], sys.argv[2], sys.argv[3]
rows = csv.DictReader(io.TextIOWrapper(gzip.open(data), encoding="utf-8-sig", newline=""))
seen, programs = set(), []
for i, rec in enumerate(rows):
    p = map_bizinfo_record(rec, i)[0]
    if p is not None and p.slug not in seen:
        seen.add(p.slug)
        programs.append(p)
spec = yaml.safe_load(open(profiles_path, encoding="utf-8"))
today = spec["today"]
out = {}
for prof in spec["profiles"]:
    kw = {} if ranking == "baseline" else {"ranking": ranking}
    res = match_programs(profile_from_dict(prof["profile"]), programs, today=today, **kw)
    out[prof["id"]] = [m.slug for m in (res.eligible + res.unknown)[:10]]
json.dump({"programs": len(programs), "top": out}, sys.stdout, ensure_ascii=False)
"""


def run_ranking(src: Path, ranking: str) -> tuple[dict[str, list[str]], float, int]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", RANK_SCRIPT, str(DATA), str(PROFILES), ranking], env=env,
                         capture_output=True, text=True, check=True, cwd=src.parent)
    doc = json.loads(out.stdout)
    return doc["top"], time.perf_counter() - t0, doc["programs"]


def baseline_src(tmp: Path) -> Path:
    """The package source of BASELINE_COMMIT, unpacked into ``tmp``."""
    blob = subprocess.run(["git", "archive", BASELINE_COMMIT, "src"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(tmp, filter="data")
    return tmp / "src"


GYEONGGI_NORTH = ("가평군", "고양시", "구리시", "남양주시", "동두천시", "양주시", "연천군", "의정부시", "파주시", "포천시")


def _place_codes(name: str) -> set[str]:
    # deferred-free: the region spine turns the judge's place names into codes
    from moduai.programs.places import sido_code_for_name
    from moduai.regions import resolve_region

    if name in ("경기북부", "경기남부"):
        north = {resolve_region(f"경기 {n}").code for n in GYEONGGI_NORTH}
        if name == "경기북부":
            return north
        return {"41"} | {"!" + c for c in north}
    sido = sido_code_for_name(name)
    if sido:
        return {sido}
    return {resolve_region(name).code}


def in_region(rec: dict, where: list[str], region: str) -> bool:
    """Whether an applicant in ``region`` (5 digits) may apply, reading the title prefix, 소관 and ``where``."""
    from moduai.programs.places import sido_code_for_name

    if where:
        codes: set[str] = set()
        for name in where:
            codes |= _place_codes(name)
    else:
        m = re.match(r"\s*\[([^\]]+)\]", rec["title"])
        names = re.split(r"[ㆍ·,]", m[1]) if m else []
        codes = {c for n in names if (c := sido_code_for_name(n.strip()))}
        if not codes and not m and (c := sido_code_for_name(rec["author"])):
            codes = {c}
        if not codes:
            return True  # 전국
    if any(c.startswith("!") and region[:4] == c[1:5] for c in codes):
        return False
    return any(region == c or region[:2] == c or (len(c) == 5 and region[:4] == c[:4]) for c in codes
               if not c.startswith("!"))


def profile_tags(prof: dict, sectors: list[str]) -> set[str]:
    """What the applicant is, as the requirement tags of the judgments (benchmarks/README.md)."""
    p = prof["profile"]
    tags = set(sectors)
    tags.add("pre" if p.get("business_status") == "예비" else "biz")
    years = p.get("business_age_years")
    if p.get("business_status") == "기존" and years is not None:
        tags |= {f"startup{n}" for n in (1, 3, 7, 10) if years < n}
    groups = set(p.get("groups") or [])
    tags |= {t for g, t in (("소상공인", "sb"), ("농업인", "agri"), ("제조기업", "mfg"), ("여성", "women"),
                            ("사회적기업", "social")) if g in groups}
    if p.get("age") is not None:
        tags |= {f"youth{n}" for n in (38, 39, 44) if p["age"] <= n}
    if p.get("employees") is not None:
        tags |= {f"emp{n}" for n in (5, 10) if p["employees"] >= n}
    return tags


GENERIC = re.compile(r"^(biz|startup\d+|emp\d+|youth\d+)$")


def grade(ann: dict, rec: dict, prof: dict, sectors: list[str]) -> int:
    """0 not open to the applicant, 1 open but generic, 2 open and aimed at what the applicant is."""
    if ann["who"] == "none" or not in_region(rec, ann.get("where") or [], prof["profile"]["region_code"]):
        return 0
    tags = profile_tags(prof, sectors)
    best = 0
    for alt in ann["who"].split("|"):
        need = set(alt.split("+"))
        if "pre" not in need:
            need.add("biz")  # "… 기업" means a registered business unless 예비창업자 are named
        if need <= tags:
            specific = [t for t in need if not GENERIC.match(t)]
            youth_group = "청년" in (prof["profile"].get("groups") or []) and any(t.startswith("youth") for t in need)
            best = max(best, 2 if specific or youth_group else 1)
    return best


def load_qrels(profiles: list[dict], sectors: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Grades for every (profile, judged announcement) pair, from the judgments and the guide's rules."""
    if not JUDGMENTS.exists():
        return {}
    anns = yaml.safe_load(JUDGMENTS.read_text(encoding="utf-8"))["announcements"]
    texts = announcement_texts()
    return {prof["id"]: {slug: grade(ann, texts[slug], prof, sectors.get(prof["id"], [])) for slug, ann in anns.items()}
            for prof in profiles}


def precision(top: list[str], grades: dict[str, int]) -> float:
    return sum(1 for s in top[:K] if grades.get(s, 0) >= 1) / K


def ndcg(top: list[str], grades: dict[str, int]) -> float:
    dcg = sum((2 ** grades.get(s, 0) - 1) / math.log2(i + 2) for i, s in enumerate(top[:K]))
    ideal = sorted(grades.values(), reverse=True)[:K]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def announcement_texts() -> dict[str, dict[str, str]]:
    """slug → the text a judge reads (title with its [시도] prefix, 지원대상, 소관, summary)."""
    out = {}
    with gzip.open(DATA, "rt", encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh):
            out.setdefault(f"bizinfo-{rec['id']}", rec)
    return out


def print_pool(old: dict[str, list[str]], new: dict[str, list[str]], qrels: dict[str, dict[str, int]],
               profiles: list[dict]) -> None:
    # deferred-free: strip_html is the importer's own HTML → text
    from moduai.programs.importer import strip_html

    texts = announcement_texts()
    judged = set(yaml.safe_load(JUDGMENTS.read_text(encoding="utf-8"))["announcements"]) if JUDGMENTS.exists() else set()
    todo = defaultdict(list)
    for prof in profiles:
        pid = prof["id"]
        for slug in dict.fromkeys(old[pid] + new[pid]):
            if slug not in judged:
                todo[slug].append(pid)
    print(f"# {len(todo)} announcements to judge ({sum(map(len, todo.values()))} pairs)")
    for slug, pids in sorted(todo.items()):
        rec = texts[slug]
        body = (strip_html(rec["description"]) or "").replace("\n", " ")
        print(f"\n## {slug} | {rec['title']} | 대상 {rec['trgetNm']} | {rec['author']} / {rec['excInsttNm']} | "
              f"접수 {rec['apply_start']}~{rec['apply_end']} (공고 {rec['pubDate']})")
        print(f"   {body[:420]}")
        print(f"   profiles: {', '.join(pids)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pool", action="store_true", help="print pooled announcements without a judgment")
    ap.add_argument("--json", action="store_true", help="also print the rankings as JSON")
    ap.add_argument("--write-qrels", action="store_true", help="write the per-profile grades of the pooled items")
    args = ap.parse_args()
    spec = yaml.safe_load(PROFILES.read_text(encoding="utf-8"))
    profiles = spec["profiles"]
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        base = baseline_src(Path(tmp))
        # Interleave: baseline, new, baseline again (timing noise on a shared machine shows as a spread).
        old, t_old, n_programs = run_ranking(base, "baseline")
        new, t_new, _ = run_ranking(ROOT / "src", "relevance")
        old2, t_old2, _ = run_ranking(base, "baseline")
    assert old == old2, "the baseline ranking is not deterministic"
    qrels = load_qrels(profiles, spec.get("judge_sectors", {}))
    if args.write_qrels:
        QRELS.write_text("# Generated by benchmarks/programs_matching_eval.py --write-qrels from programs_judgments.yaml.\n"
                         + yaml.safe_dump({"qrels": {pid: {s: g for s, g in sorted(gr.items()) if s in set(old[pid] + new[pid])}
                                                     for pid, gr in qrels.items()}}, allow_unicode=True, sort_keys=False),
                         encoding="utf-8")
    if args.pool:
        print_pool(old, new, qrels, profiles)
        return
    rows = []
    unjudged = 0
    for prof in profiles:
        pid, grades = prof["id"], qrels.get(prof["id"], {})
        unjudged += sum(1 for s in dict.fromkeys(old[pid] + new[pid]) if s not in grades)
        rows.append((prof["group"], pid, precision(old[pid], grades), precision(new[pid], grades),
                     ndcg(old[pid], grades), ndcg(new[pid], grades)))
    print(f"지원사업 매칭 평가 — {len(profiles)} profiles, {n_programs} real 기업마당 announcements, "
          f"today {spec['today']}, pooled pairs {sum(len(set(old[p['id']] + new[p['id']])) for p in profiles)}, unjudged in top 10: {unjudged}")
    print(f"{'group':<14}{'n':>3}  {'P@10 old':>9} {'P@10 new':>9}  {'nDCG old':>9} {'nDCG new':>9}")
    groups = defaultdict(list)
    for r in rows:
        groups[r[0]].append(r)
    for name, rs in [*groups.items(), ("all", rows)]:
        mean = [sum(r[i] for r in rs) / len(rs) for i in range(2, 6)]
        print(f"{name:<14}{len(rs):>3}  {mean[0]:>9.3f} {mean[1]:>9.3f}  {mean[2]:>9.3f} {mean[3]:>9.3f}")
    mean = [sum(r[i] for r in rows) / len(rows) for i in range(2, 6)]
    print(f"ratios new/old: P@10 ×{mean[1] / mean[0]:.2f}, nDCG@10 ×{mean[3] / mean[2]:.2f}" if mean[0] and mean[2]
          else "ratios: baseline scored 0")
    better = sum(1 for r in rows if r[3] > r[2])
    worse = sum(1 for r in rows if r[3] < r[2])
    print(f"profiles with higher P@10: {better}, lower: {worse}, equal: {len(rows) - better - worse}")
    print(f"ranking time (1 run, {len(profiles)} profiles, incl. loading): baseline {t_old:.1f}s / {t_old2:.1f}s, "
          f"new {t_new:.1f}s; load average before {load0[0]:.2f}, after {os.getloadavg()[0]:.2f} "
          f"({os.cpu_count()} CPUs)")
    for r in rows:
        print(f"  {r[1]:<26} P@10 {r[2]:.1f} → {r[3]:.1f}   nDCG {r[4]:.2f} → {r[5]:.2f}")
    if args.json:
        print(json.dumps({"old": old, "new": new}, ensure_ascii=False))


if __name__ == "__main__":
    main()
