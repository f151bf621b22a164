"""Do placements keep young people in the region?  1- and 3-year retention in region, by program and region.

Input: one row per placement (CSV/XLSX, Korean headers)::

    훈련생ID, 프로그램, 배정지역, 배정일, 상태확인일, 재직(예/아니오), 현재지역, 변동일 (optional)

*Retained in region at horizon h* (1 or 3 years after 배정일) = still employed **and** living/working in the
시도 of the placement at 배정일 + h.  Each placement is, for each horizon, one of:

* **retained** — 재직=예, 현재지역 in the placement's 시도, and 상태확인일 ≥ 배정일 + h;
* **not retained** — the change (퇴사 or 지역 이동) happened by 배정일 + h: 변동일 ≤ 배정일 + h, or, with no
  변동일, the status check itself was on or before 배정일 + h;
* **not yet known** (censored) — otherwise (e.g. checked 8 months after placement).  These are left out
  of the rate, never counted as staying or leaving; their number is reported.

Rates carry 95 % Wilson intervals.  The hubs issue's one-ID records can feed the same table when they
reach main; until then this works on a file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from moduai.errors import ImportRejected, RowError
from moduai.regions import get_region, megaregion_of
from moduai.talent.matching import sido_of
from moduai.talent.outcomes import wilson_interval
from moduai.talent.synthetic import calibration
from moduai.talent.tables import read_table

REQUIRED = ["훈련생ID", "프로그램", "배정지역", "배정일", "상태확인일", "재직", "현재지역"]
YES = {"예", "Y", "y", "yes", "1", "재직", "O", "o", "true", "True"}
NO = {"아니오", "아니요", "N", "n", "no", "0", "퇴사", "X", "x", "false", "False"}
HORIZONS = (1, 3)


def _date(v) -> dt.date | None:
    s = str(v).strip().replace(".", "-").replace("/", "-")
    if not s:
        return None
    return dt.date.fromisoformat(s[:10])


def _plus_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year + years, day=28)


def parse_placements(df: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise ImportRejected(f"배정 파일에 필수 열 {', '.join(missing)}이(가) 없습니다. 필요한 열: {', '.join(REQUIRED)}, 변동일(선택).")
    errors: list[RowError] = []
    rows = []
    for n, r in enumerate(df.to_dict("records"), start=2):
        try:
            start, check = _date(r["배정일"]), _date(r["상태확인일"])
            change = _date(r.get("변동일", ""))
        except ValueError:
            errors.append(RowError(n, "날짜는 YYYY-MM-DD로 써 주세요 (배정일·상태확인일·변동일)."))
            continue
        if start is None or check is None:
            errors.append(RowError(n, "배정일과 상태확인일은 비울 수 없습니다."))
            continue
        if check < start or (change and (change < start or change > check)):
            errors.append(RowError(n, "날짜 순서가 맞지 않습니다: 배정일 ≤ 변동일 ≤ 상태확인일이어야 합니다."))
            continue
        emp = str(r["재직"]).strip()
        if emp not in YES | NO:
            errors.append(RowError(n, f"재직은 '예' 또는 '아니오'입니다. 받은 값: '{emp}'.", emp))
            continue
        try:
            placed_sido = sido_of(r["배정지역"])
            now_sido = sido_of(r["현재지역"]) if str(r["현재지역"]).strip() else None
        except Exception:  # noqa: BLE001 - the row's region cannot be read
            errors.append(RowError(n, f"지역 '{r['배정지역']}' 또는 '{r['현재지역']}'을(를) 찾을 수 없습니다."))
            continue
        rows.append({"trainee_id": str(r["훈련생ID"]).strip(), "program": str(r["프로그램"]).strip() or "(없음)",
                     "sido_code": placed_sido, "start": start, "check": check, "change": change,
                     "retained_now": emp in YES and now_sido == placed_sido})
    if errors:
        raise ImportRejected(f"배정 파일 {len(errors)}행에 문제가 있어 아무것도 계산하지 않았습니다.", errors)
    if not rows:
        raise ImportRejected("배정 파일에 행이 없습니다.")
    return pd.DataFrame(rows)


def status_at(row, years: int) -> str:
    """'retained' | 'left' | 'unknown' at 배정일 + years (rules in the module doc)."""
    h = _plus_years(row.start, years)
    if row.retained_now:
        return "retained" if row.check >= h else "unknown"
    if row.change is not None:
        return "left" if row.change <= h else ("retained" if row.check >= h else "unknown")
    return "left" if row.check <= h else "unknown"


@dataclass
class RetentionRow:
    key: str
    label: str
    placements: int
    observed_1y: int
    retained_1y: int
    rate_1y: float | None
    low_1y: float | None
    high_1y: float | None
    unknown_1y: int
    observed_3y: int
    retained_3y: int
    rate_3y: float | None
    low_3y: float | None
    high_3y: float | None
    unknown_3y: int


@dataclass
class RetentionResult:
    by_program: list[RetentionRow]
    by_region: list[RetentionRow]
    by_megaregion: list[RetentionRow]
    total: RetentionRow
    rules: list[str]
    sources: list[str] = field(default_factory=list)


def _rows(df: pd.DataFrame, key: str, label: str) -> list[RetentionRow]:
    out = []
    for k, g in df.groupby(key, sort=True):
        vals = {}
        for y in HORIZONS:
            st = g[f"s{y}"]
            obs, ret = int((st != "unknown").sum()), int((st == "retained").sum())
            lo, hi = wilson_interval(ret, obs)
            vals[y] = (obs, ret, ret / obs if obs else None, lo, hi, int((st == "unknown").sum()))
        out.append(RetentionRow(str(k), str(g[label].iloc[0]), len(g), *vals[1], *vals[3]))
    return out


def retention(source: Path | str | bytes | pd.DataFrame) -> RetentionResult:
    """1- and 3-year retention in region by program, 시도 and 5극3특 from a placements file."""

    raw = source if isinstance(source, pd.DataFrame) else read_table(source, "배정")
    df = parse_placements(raw)
    for y in HORIZONS:
        df[f"s{y}"] = [status_at(r, y) for r in df.itertuples(index=False)]
    df["sido"] = df.sido_code.map(lambda c: get_region(c).name)
    df["mega_id"] = df.sido_code.map(lambda c: megaregion_of(c).id)
    df["mega"] = df.sido_code.map(lambda c: megaregion_of(c).name)
    df["all"] = "전체"
    rules = [
        "지역 잔류 = 배정일로부터 1년(3년) 뒤에도 재직 중이고 배정 시도에 있음.",
        "상태 확인이 그 시점 전이라 아직 알 수 없는 배정은 비율에서 빼고 '미확인'으로 따로 셉니다 (잔류로도 이탈로도 세지 않음).",
        "변동일(퇴사·이동일)이 없으면 상태확인일을 변동 시점의 상한으로 씁니다.",
    ]
    synthetic = "합성" in raw.columns and raw["합성"].astype(str).eq("예").any()
    total = _rows(df, "all", "all")[0]
    return RetentionResult(_rows(df, "program", "program"), _rows(df, "sido_code", "sido"), _rows(df, "mega_id", "mega"),
                           total, rules + (["합성 자료입니다."] if synthetic else []),
                           ["talent-synthetic-cohort"] if synthetic else [])


def synthetic_placements(n: int = 400, *, seed: int = 0, as_of: dt.date = dt.date(2025, 12, 31)) -> pd.DataFrame:
    """A 합성 placements file (for the demo): placed 2020–2025, leaving hazard higher outside 수도권 in year 1."""


    cal = calibration()
    rng = np.random.default_rng(seed)
    sido = rng.choice(cal.sido_codes, size=n, p=cal.sido_weights)
    start = [dt.date(2020, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, (as_of - dt.date(2020, 1, 1)).days, n)]
    programs = rng.choice(["지역 AI 부트캠프", "산업 인턴십", "KDT 연계 채용"], size=n)
    rows = []
    for i in range(n):
        hazard = 0.25 if sido[i] in ("11", "28", "41") else 0.35
        stay_days = int(rng.exponential(365 / hazard))  # mean stay 4 years (수도권), ≈ 2.9 years elsewhere
        change = start[i] + dt.timedelta(days=stay_days)
        left = change <= as_of
        moved = left and rng.random() < 0.5
        now = ("11" if sido[i] != "11" else "41") if moved else sido[i]
        rows.append({"훈련생ID": f"T{i + 1:05d}", "프로그램": programs[i], "배정지역": get_region(sido[i]).name,
                     "배정일": start[i].isoformat(), "상태확인일": as_of.isoformat(), "재직": "아니오" if left and not moved else "예",
                     "현재지역": get_region(now).name, "변동일": change.isoformat() if left else "", "합성": "예"})
    return pd.DataFrame(rows)
