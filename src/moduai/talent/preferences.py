"""Preferences from data: trainees' lists (given, or produced by weights) and companies' published criteria.

Trainee file (CSV or XLSX, Korean headers; templates from :func:`write_templates`):

======================  =========================================================================
훈련생ID                 required, unique
거주지역                 시도/시군구 name or 행안부 code ("광주 북구", "29")
희망분야                 free text, compared with the slot's 분야 (exact match after trimming)
성적                     0–100, used by companies' criteria
지망                     slot ids separated by ';' or ',' (best first) — if given, weights are ignored
가중치_지역 … _원격        0–10 each: how much the trainee values a slot in her own 시도, in her 분야,
                         its pay (per 100만원 above the lowest), remote work; used when 지망 is empty
======================  =========================================================================

Slot file: 자리ID, 기업명, 지역, 분야, 월급(만원), 원격(예/아니오), 정원, and the company's published
criteria 성적가중치, 지역가점 (points for a trainee living in the slot's 시도), 분야가점 (points for the same
분야).  Company score = 성적가중치 × 성적 + 지역가점 × [same 시도] + 분야가점 × [same 분야].

A trainee's weighted list keeps her best ``max_choices`` slots with a positive score; equal scores are
ordered by a slot lottery from the seed (documented in :mod:`moduai.talent.matching`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from moduai.errors import ImportRejected, RowError
from moduai.korean import josa
from moduai.talent.matching import (
    MatchingProblem,
    MatchResult,
    MatchSummary,
    TraineeExplanation,
    build_problem,
    explain_trainee,
    run_matching,
)
from moduai.talent.matching import sido_of as _sido
from moduai.talent.retention import synthetic_placements
from moduai.talent.synthetic import synthetic_tables
from moduai.talent.tables import read_table

TRAINEE_COLUMNS = ["훈련생ID", "거주지역", "희망분야", "성적", "지망", "가중치_지역", "가중치_분야", "가중치_급여", "가중치_원격"]
SLOT_COLUMNS = ["자리ID", "기업명", "지역", "분야", "월급(만원)", "원격", "정원", "성적가중치", "지역가점", "분야가점"]
WEIGHT_COLUMNS = {"가중치_지역": "region", "가중치_분야": "field", "가중치_급여": "pay", "가중치_원격": "remote"}
MAX_CHOICES = 10
MAX_ROWS = 100_000


def _num(v: str, lo: float, hi: float) -> float | None:
    s = str(v).strip().replace(",", "")
    if s == "":
        return None
    try:
        x = float(s)
    except ValueError:
        return math.nan
    return x if lo <= x <= hi else math.nan


def parse_slots(df: pd.DataFrame) -> pd.DataFrame:
    """Validate the slot table; every bad row is reported (nothing is half-read)."""
    missing = [c for c in ("자리ID", "지역", "정원") if c not in df.columns]
    if missing:
        raise ImportRejected(f"자리 파일에 필수 열 {josa(', '.join(missing), '이/가')} 없습니다. 열 이름을 양식과 같게 "
                             "적어 주세요.", detail="template: moduai talent demo")
    if len(df) > MAX_ROWS:
        raise ImportRejected(f"자리는 {MAX_ROWS:,}행까지 받습니다. 받은 행: {len(df):,}.")
    errors: list[RowError] = []
    rows = []
    seen = set()
    for n, r in enumerate(df.to_dict("records"), start=2):
        sid = str(r.get("자리ID", "")).strip()
        if not sid:
            errors.append(RowError(n, "자리ID가 비었습니다."))
            continue
        if sid in seen:
            errors.append(RowError(n, f"자리ID '{sid}'가 두 번 나옵니다.", sid))
            continue
        seen.add(sid)
        try:
            sido = _sido(r.get("지역", ""))
        except Exception:  # noqa: BLE001 - any lookup failure is this row's error
            errors.append(RowError(n, f"지역 '{r.get('지역', '')}'을(를) 찾을 수 없습니다 (예: '광주 북구', '29').", str(r.get("지역"))))
            continue
        cap = _num(r.get("정원", ""), 0, 10_000)
        if cap is None or math.isnan(cap) or cap != int(cap):
            errors.append(RowError(n, f"정원은 0–10,000 정수여야 합니다. 받은 값: '{r.get('정원', '')}'.", str(r.get("정원"))))
            continue
        vals = {}
        for col, lo, hi, default in (("월급(만원)", 0, 10_000, 0), ("성적가중치", 0, 100, 1), ("지역가점", 0, 1000, 0),
                                     ("분야가점", 0, 1000, 0)):
            v = _num(r.get(col, ""), lo, hi)
            if v is not None and math.isnan(v):
                errors.append(RowError(n, f"{col}은(는) {lo}–{hi} 숫자여야 합니다. 받은 값: '{r.get(col)}'.", str(r.get(col))))
                break
            vals[col] = default if v is None else v
        else:
            remote = str(r.get("원격", "")).strip() in ("예", "Y", "y", "1", "true", "O", "o", "가능")
            rows.append({"slot_id": sid, "company": str(r.get("기업명", "")).strip(), "sido_code": sido,
                         "field": str(r.get("분야", "")).strip(), "pay": vals["월급(만원)"], "remote": remote,
                         "capacity": int(cap), "w_score": vals["성적가중치"], "bonus_region": vals["지역가점"],
                         "bonus_field": vals["분야가점"]})
    if errors:
        raise ImportRejected(f"자리 파일 {len(errors)}행에 문제가 있어 아무것도 읽지 않았습니다. 행마다 고쳐 다시 올려 주세요.", errors)
    if not rows:
        raise ImportRejected("자리 파일에 자리가 한 줄도 없습니다.")
    return pd.DataFrame(rows)


def parse_trainees(df: pd.DataFrame, slot_ids: set[str]) -> pd.DataFrame:
    """Validate the trainee table against the slots; every bad row is reported."""
    missing = [c for c in ("훈련생ID", "거주지역") if c not in df.columns]
    if missing:
        raise ImportRejected(f"훈련생 파일에 필수 열 {josa(', '.join(missing), '이/가')} 없습니다. 열 이름을 양식과 "
                             "같게 적어 주세요.", detail="template: moduai talent demo")
    if len(df) > MAX_ROWS:
        raise ImportRejected(f"훈련생은 {MAX_ROWS:,}행까지 받습니다. 받은 행: {len(df):,}.")
    errors: list[RowError] = []
    rows = []
    seen = set()
    for n, r in enumerate(df.to_dict("records"), start=2):
        tid = str(r.get("훈련생ID", "")).strip()
        if not tid or tid in seen:
            errors.append(RowError(n, "훈련생ID가 비었거나 두 번 나옵니다.", tid))
            continue
        seen.add(tid)
        try:
            sido = _sido(r.get("거주지역", ""))
        except Exception:  # noqa: BLE001
            errors.append(RowError(n, f"거주지역 '{r.get('거주지역', '')}'을(를) 찾을 수 없습니다.", str(r.get("거주지역"))))
            continue
        score = _num(r.get("성적", ""), 0, 100)
        if score is not None and math.isnan(score):
            errors.append(RowError(n, f"성적은 0–100 숫자여야 합니다. 받은 값: '{r.get('성적')}'.", str(r.get("성적"))))
            continue
        choices = [c.strip() for c in re.split(r"[;,]", str(r.get("지망", ""))) if c.strip()]
        unknown = [c for c in choices if c not in slot_ids]
        if unknown:
            errors.append(RowError(n, f"지망의 자리 {', '.join(unknown[:3])}이(가) 자리 파일에 없습니다.", ";".join(unknown)))
            continue
        if len(set(choices)) != len(choices):
            errors.append(RowError(n, "지망에 같은 자리가 두 번 있습니다."))
            continue
        weights = {}
        for col, key in WEIGHT_COLUMNS.items():
            w = _num(r.get(col, ""), 0, 10)
            if w is not None and math.isnan(w):
                errors.append(RowError(n, f"{col}은(는) 0–10 숫자여야 합니다. 받은 값: '{r.get(col)}'.", str(r.get(col))))
                break
            weights[key] = w or 0.0
        else:
            if not choices and not any(weights.values()):
                errors.append(RowError(n, "지망도 가중치도 없습니다. 지망(자리ID를 ;로)이나 가중치_* 중 하나를 채워 주세요."))
                continue
            rows.append({"trainee_id": tid, "sido_code": sido, "field": str(r.get("희망분야", "")).strip(),
                         "score": 0.0 if score is None else score, "choices": choices, **{f"w_{k}": v for k, v in weights.items()}})
    if errors:
        raise ImportRejected(f"훈련생 파일 {len(errors)}행에 문제가 있어 아무것도 읽지 않았습니다. 행마다 고쳐 다시 올려 주세요.", errors)
    if not rows:
        raise ImportRejected("훈련생 파일에 훈련생이 한 줄도 없습니다.")
    return pd.DataFrame(rows)


def lists_from_weights(trainees: pd.DataFrame, slots: pd.DataFrame, *, seed: int = 0,
                       max_choices: int = MAX_CHOICES) -> dict[str, list[str]]:
    """Each trainee's list: given 지망, or her best slots by weights (score > 0), ties by a seeded slot lottery.

    utility = w_region·[slot in her 시도] + w_field·[same 분야] + w_pay·(pay − lowest pay)/100 + w_remote·[remote]
    """
    lottery = np.random.default_rng(seed + 1).permutation(len(slots))
    pay = (slots["pay"].to_numpy(float) - slots["pay"].min()) / 100.0
    out = {}
    for r in trainees.itertuples(index=False):
        if r.choices:
            out[r.trainee_id] = list(r.choices)[:max_choices] if max_choices else list(r.choices)
            continue
        u = (r.w_region * (slots["sido_code"].to_numpy() == r.sido_code) + r.w_field * (slots["field"].to_numpy() == r.field)
             + r.w_pay * pay + r.w_remote * slots["remote"].to_numpy())
        order = np.lexsort((lottery, -u))
        out[r.trainee_id] = [slots["slot_id"].iat[j] for j in order[:max_choices] if u[j] > 0]
    return out


def company_scores(trainees: pd.DataFrame, slots: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Each slot's published score of each trainee (see the module doc)."""
    out = {}
    ts = trainees.set_index("trainee_id")
    for s in slots.itertuples(index=False):
        out[s.slot_id] = (s.w_score * ts["score"] + s.bonus_region * (ts["sido_code"] == s.sido_code)
                          + s.bonus_field * (ts["field"] == s.field)).to_dict()
    return out


@dataclass
class MatchInput:
    problem: MatchingProblem
    trainees: pd.DataFrame
    slots: pd.DataFrame
    synthetic: bool
    notes: list[str] = field(default_factory=list)


def problem_from_tables(trainees_df: pd.DataFrame, slots_df: pd.DataFrame, *, seed: int = 0,
                        synthetic: bool = False) -> MatchInput:
    slots = parse_slots(slots_df)
    trainees = parse_trainees(trainees_df, set(slots.slot_id))
    lists = lists_from_weights(trainees, slots, seed=seed)
    slot_dict = {s.slot_id: {"capacity": s.capacity, "region": s.sido_code} for s in slots.itertuples(index=False)}
    problem = build_problem(lists, slot_dict, company_scores(trainees, slots), seed=seed, synthetic=synthetic)
    return MatchInput(problem, trainees, slots, synthetic)


def match_files(trainees, slots, caps: dict | None = None, floors: dict | None = None, *, seed: int = 0,
                synthetic: bool | None = None):
    """Read the two files (paths or bytes), build preferences, run the matching; returns (MatchResult, MatchInput)."""
    tdf, sdf = read_table(trainees, "훈련생"), read_table(slots, "자리")
    syn = bool(synthetic) or ("합성" in " ".join(tdf.columns) or tdf.get("합성", pd.Series(dtype=str)).astype(str).eq("예").any())
    mi = problem_from_tables(tdf, sdf, seed=seed, synthetic=syn)
    return run_matching(mi.problem, caps, floors), mi


def write_templates(folder: Path) -> list[Path]:
    """Empty Korean CSV and XLSX templates with one example row each (the example row says 예시)."""
    folder.mkdir(parents=True, exist_ok=True)
    t = pd.DataFrame([{"훈련생ID": "예시-001", "거주지역": "광주 북구", "희망분야": "인공지능", "성적": 82, "지망": "",
                       "가중치_지역": 5, "가중치_분야": 3, "가중치_급여": 2, "가중치_원격": 0}], columns=TRAINEE_COLUMNS)
    s = pd.DataFrame([{"자리ID": "예시-S01", "기업명": "(예시) 광주AI기업", "지역": "광주 북구", "분야": "인공지능",
                       "월급(만원)": 280, "원격": "아니오", "정원": 3, "성적가중치": 1, "지역가점": 10, "분야가점": 5}],
                     columns=SLOT_COLUMNS)
    out = []
    for name, df in (("훈련생_양식", t), ("자리_양식", s)):
        csv = folder / f"{name}.csv"
        df.to_csv(csv, index=False, encoding="utf-8-sig")
        xlsx = folder / f"{name}.xlsx"
        df.to_excel(xlsx, index=False)
        out += [csv, xlsx]
    return out


@dataclass
class MatchReport:
    """One matching run as the CLI and the API return it: summary, optional explanation, labels."""

    result: MatchSummary
    explanation: TraineeExplanation | None
    synthetic: bool
    label: str | None
    sources: list[str] = field(default_factory=list)


def match_report(trainees, slots, caps: dict | None = None, floors: dict | None = None, *, seed: int = 0,
                 explain: str | None = None, synthetic: bool | None = None,
                 include_placements: bool = True) -> tuple[MatchReport, MatchResult]:
    """Read, build preferences, match, and explain one trainee (``explain`` = 훈련생ID) if asked."""
    result, mi = match_files(trainees, slots, caps, floors, seed=seed, synthetic=synthetic)
    if not include_placements:
        result.placements = []
    expl = explain_trainee(result, explain) if explain else None
    label = "합성 자료 (실제 사람·기업 아님)" if result.synthetic else None
    return MatchReport(result, expl, result.synthetic, label, result.sources), result


@dataclass
class DemoFiles:
    folder: str
    files: list[str]
    synthetic: bool = True
    label: str = "합성 자료 (실제 사람·기업 아님)"
    sources: list[str] = field(default_factory=lambda: ["talent-synthetic-cohort", "kdt-course-runs"])


def write_demo(folder: Path, n_trainees: int = 300, n_slots: int = 60, *, seed: int = 0) -> DemoFiles:
    """Sample (합성) trainees, slots and placements files plus the empty templates, in ``folder``."""

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    t, s = synthetic_tables(n_trainees, n_slots, seed=seed)
    paths = [folder / "합성_훈련생.csv", folder / "합성_자리.csv", folder / "합성_배정이력.csv"]
    t.to_csv(paths[0], index=False, encoding="utf-8-sig")
    s.to_csv(paths[1], index=False, encoding="utf-8-sig")
    synthetic_placements(n_trainees, seed=seed).to_csv(paths[2], index=False, encoding="utf-8-sig")
    paths += write_templates(folder / "양식")
    return DemoFiles(str(folder), [str(p) for p in paths])
