"""K-Digital Training course runs (고용24/HRD-Net listings, 2021–2025): read, clean, put on the region spine.

One row per course run (회차).  Traps of the raw file, handled here:

* money columns are strings with thousands commas and spaces (``" 9,140,160 "``) → :func:`parse_money`;
* rates are strings like ``"76%"``, and ``"#DIV/0!"`` where nobody enrolled → :func:`parse_rate` (None);
* runs that had not ended, or whose follow-up had not come due, carry ``0`` / ``"0%"``: that is *not
  measured*, not "no jobs".  The data cut-off is decided from the file (:func:`data_cutoff`): the latest
  end date of a run with a recorded 3-month employment count, plus 3 months, at month end.  For this file:
  2025-09-30 + 3 months → **2025-12-31** (the compilation is named ``result_kdtdata_202512``).  Then

  - 수료 is known when ``end ≤ cut-off``;
  - the 3-month outcome is measured when ``end + 3 months ≤ cut-off``;
  - the 6-month outcome is measured when ``end + 6 months ≤ cut-off`` (so runs ending after 2025-06-30
    have no 6-month rate; their 6-month counts in the file are partial and never used).

* 지역 ("서울 관악구", "경기 수원시") is mapped to the spine: 시도 code, 시군구 code (229 units; a 일반구 goes to
  its 시), the 5극3특 group (official variant) and 수도권 (서울·인천·경기).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from moduai.errors import DataUnavailable, InputError
from moduai.regions import SERIES_BASE, get_region, megaregion_of, megaregions, resolve_region

DATA_FILE = Path(__file__).with_name("data") / "kdt_course_runs_2021_2025.csv.gz"
SOURCE_ID = "kdt-course-runs"
CAPITAL_SIDO = ("11", "28", "41")
CUTOFF_RULE = ("자료 기준일 = 3개월 취업인원이 기록된 가장 늦은 과정종료일 + 3개월(월말). 종료일이 기준일보다 늦으면 "
               "수료 미확정, 종료일 + 3개월(6개월)이 기준일보다 늦으면 그 취업률은 '미측정'이며 0%로 세지 않습니다.")

RAW_COLUMNS = {
    "고유값": "run_id", "과정명": "course", "훈련과정 ID": "course_id", "회차": "round", "훈련기관": "institution",
    "총 훈련일수": "days", "총 훈련시간": "hours", "과정시작일": "start", "과정종료일": "end", "NCS명": "ncs_name",
    "NCS코드": "ncs_code", "훈련비": "fee", "정원": "capacity", "수강신청 인원": "applicants", "수료인원": "graduates_raw",
    "수료율": "completion_rate_raw", "만족도": "satisfaction", "취업인원 (3개월)": "emp3_raw", "취업률 (3개월)": "rate3_raw",
    "취업인원 (6개월)": "emp6_raw", "취업률 (6개월)": "rate6_raw", "지역": "region_text", "주소": "address",
    "선도기업": "lead_company", "파트너기관": "partner",
}


def parse_money(value) -> int | None:
    """'" 9,140,160 "' → 9140160; blanks and '-' → None.

    >>> parse_money(" 9,140,160 "), parse_money("0"), parse_money(" - ")
    (9140160, 0, None)
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    s = re.sub(r"[\s,원]", "", str(value))
    if s in ("", "-"):
        return None
    if not re.fullmatch(r"-?\d+(\.\d+)?", s):
        raise InputError(f"금액 '{value}'을(를) 숫자로 읽을 수 없습니다. 숫자와 쉼표만 써 주세요.", field="money")
    return int(round(float(s)))


def parse_rate(value) -> float | None:
    """'76%' → 0.76; '#DIV/0!', '', None → None; 0.76 stays 0.76; 76 (a bare percent) → 0.76.

    >>> parse_rate("76%"), parse_rate("#DIV/0!"), parse_rate("0%")
    (0.76, None, 0.0)
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    s = str(value).strip().replace(",", "")
    if not s or s.startswith("#"):
        return None
    pct = s.endswith("%")
    try:
        v = float(s.rstrip("%").strip())
    except ValueError:
        return None
    return v / 100 if pct or v > 1 else v


def parse_date(value) -> dt.date | None:
    """'2021-01-04', '2021.01.04', '20210104' → date; blanks → None."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    s = re.sub(r"[./]", "-", str(value).strip())
    if re.fullmatch(r"\d{8}", s):
        s = f"{s[:4]}-{s[4:6]}-{s[6:]}"
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise InputError(f"날짜 '{value}'을(를) 읽을 수 없습니다. 'YYYY-MM-DD' 형식으로 써 주세요.", field="date") from None


def _month_end_after(d: pd.Timestamp, months: int) -> pd.Timestamp:
    return (d + pd.DateOffset(months=months)) + pd.offsets.MonthEnd(0)


def data_cutoff(raw: pd.DataFrame) -> dt.date:
    """The date the listing reflects: latest end date with a recorded 3-month employment count + 3 months."""
    end = pd.to_datetime(raw["과정종료일"])
    emp3 = pd.to_numeric(raw["취업인원 (3개월)"], errors="coerce")
    with_outcome = end[emp3 > 0]
    if with_outcome.empty:
        raise DataUnavailable("3개월 취업인원이 있는 회차가 없어 자료 기준일을 정할 수 없습니다.", field="file")
    return _month_end_after(with_outcome.max(), 3).date()


def read_raw(path: Path | str | None = None) -> pd.DataFrame:
    """The file exactly as published (all columns as text except the counts pandas reads as numbers)."""
    p = Path(path) if path else DATA_FILE
    if not p.exists():
        raise DataUnavailable(f"K-디지털 트레이닝 파일이 없습니다: {p}", field="path")
    return pd.read_csv(p, encoding="utf-8-sig", dtype={"NCS코드": str, "고유값": str, "훈련과정 ID": str})


@lru_cache(maxsize=256)
def _spine(region_text: str) -> tuple[str, str, str, str, str, bool]:
    """(시도 code, 시도 name, 시군구 code, 시군구 full name, 5극3특 id, 수도권?) for '서울 관악구'."""

    # course runs of 2023–2025 name the units of their time (인천 서구 before its 2026 split): the series base
    r = resolve_region(region_text, on=SERIES_BASE)
    sido = get_region(r.sido_code)
    sigungu_code = r.sigungu_code or r.code
    sg = get_region(sigungu_code)
    mega = megaregion_of(r.sido_code)
    return r.sido_code, sido.name, sigungu_code, sg.full_name, mega.id, r.sido_code in CAPITAL_SIDO


@lru_cache(maxsize=1)
def _mega_names() -> dict[str, str]:

    return {g.id: g.name for g in megaregions()}


def clean_runs(raw: pd.DataFrame, cutoff: dt.date | None = None) -> pd.DataFrame:
    """Typed runs with spine codes and measured/not-measured flags (see the module docstring)."""
    missing = [c for c in RAW_COLUMNS if c not in raw.columns and c not in ("선도기업", "파트너기관", "주소")]
    if missing:
        raise InputError(f"K-디지털 트레이닝 파일에 열 {', '.join(missing)}이(가) 없습니다.", field="columns")
    cut = pd.Timestamp(cutoff or data_cutoff(raw))
    df = raw.rename(columns=RAW_COLUMNS)[[v for k, v in RAW_COLUMNS.items() if k in raw.columns]].copy()
    df["start"] = pd.to_datetime(df["start"])
    df["end"] = pd.to_datetime(df["end"])
    df["fee"] = df["fee"].map(parse_money)
    for c in ("capacity", "applicants", "graduates_raw"):
        df[c] = pd.to_numeric(df[c], errors="coerce").fillna(0).astype(int)
    for c in ("emp3_raw", "emp6_raw"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    df["completion_rate_listed"] = df["completion_rate_raw"].map(parse_rate)
    df["rate3_listed"] = df["rate3_raw"].map(parse_rate)
    df["rate6_listed"] = df["rate6_raw"].map(parse_rate)
    df["year"] = df["start"].dt.year
    df["ended"] = df["end"] <= cut
    df["measured3"] = (df["end"] + pd.DateOffset(months=3) <= cut) & df["emp3_raw"].notna()
    df["measured6"] = (df["end"] + pd.DateOffset(months=6) <= cut) & df["emp6_raw"].notna()
    df["graduates"] = df["graduates_raw"].where(df["ended"])  # NaN = still in training at the cut-off
    df["emp3"] = df["emp3_raw"].where(df["measured3"])  # NaN = not measured (never 0)
    df["emp6"] = df["emp6_raw"].where(df["measured6"])
    spine = pd.DataFrame([_spine(t) for t in df["region_text"]],
                         columns=["sido_code", "sido", "sigungu_code", "sigungu", "mega_id", "capital"], index=df.index)
    df = pd.concat([df, spine], axis=1)
    df["mega"] = df["mega_id"].map(_mega_names())
    df["capital_label"] = np.where(df["capital"], "수도권", "비수도권")
    df["lead_company"] = df.get("lead_company", pd.Series(index=df.index, dtype=object))
    df.attrs["cutoff"] = cut.date()
    return df.drop(columns=["completion_rate_raw", "rate3_raw", "rate6_raw"])


@lru_cache(maxsize=2)
def _load(path: str | None) -> pd.DataFrame:
    return clean_runs(read_raw(path))


def load_runs(path: Path | str | None = None) -> pd.DataFrame:
    """The bundled (or given) file, cleaned; a copy, so callers may change it.  ``attrs['cutoff']`` is the date."""
    df = _load(str(path) if path else None)
    out = df.copy()
    out.attrs["cutoff"] = df.attrs["cutoff"]
    return out
