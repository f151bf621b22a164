"""Residents by age and sex per 시도/시군구/일반구, 2015–2025, and the 지방소멸위험지수.

Two real sources, bundled in ``moduai/data/population/`` (licence and origin in its README.md):

* ``mois`` — 행정안전부 주민등록 연령별 인구현황, year-end 2022–2024, 시도 + 시군구 + 일반구.  Read with
  its traps handled: CP949, quoted numbers with thousands commas; both the old and the new codes appear
  (강원 42→51, 전북 45→52, 군위 47720→27720) with empty/zero values in the years that do not apply — each
  row is re-keyed to today's code and only years with residents are kept; 출장소 rows (all zero) are
  dropped; 세종 appears as 36 and 36110 (same figures); there is no 전국 row (we sum the 17 시도).
  일반구 rows are already included in their 시: never sum 시 and 구.
* ``kosis`` — KOSIS DT_1B04005N via the kr-pop-atlas JSON, 2015–2025 for 17 시도 and 229 시군구 (no 일반구).
  Its 2026–2031 values are the atlas author's projections and are never returned as data.

Both count 21 five-year bands (0–4 … 95–99, 100+).  The two agree within 0.01 on the 지방소멸위험지수
of every 시군구 in 2024.

지방소멸위험지수 (이상호, 한국고용정보원 2016, after 増田寛也 2014) = women aged 20–39 ÷ residents aged 65+.
Below 0.5 is 소멸위험, below 0.2 소멸고위험.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from moduai.data.frame_cache import cached_frame, content_key
from moduai.errors import DataUnavailable, InputError
from moduai.regions import to_current_code
from moduai.regions.spine import history_state

DATA_DIR = Path(__file__).with_name("population")
MOIS_FILE = DATA_DIR / "mois_age_sex_by_sigungu_2022_2024.csv"
ATLAS_FILE = DATA_DIR / "kosis_age_sex_by_sigungu_2015_2031_atlas.json"
DECLINE_FILE = DATA_DIR / "population_decline_areas.json"

AGE_BANDS = tuple(range(0, 101, 5))  # lower bounds; 100 means "100 and over"
MOIS_YEARS = (2022, 2023, 2024)
ATLAS_ACTUAL_YEARS = tuple(range(2015, 2026))
SOURCES = {"mois": "population-mois-age", "kosis": "population-kosis-atlas"}
RISK_THRESHOLDS = ((0.2, "소멸고위험"), (0.5, "소멸위험진입"), (1.0, "주의"), (1.5, "보통"))


def current_code(code: str) -> str:
    """Today's 행안부 code for a code of the 2022–2024 file (강원 42→51, 전북 45→52, 군위 47720→27720):
    the unit is the same, so its figures continue under today's code (the region spine's history)."""
    return to_current_code(code)


def _cache_key(*files: Path, extra: str = "") -> str:
    """Key of a table derived from ``files``: their bytes, this module's code and the region recodes in force
    today (the MOIS table is re-keyed to today's codes)."""
    return content_key([*files, Path(__file__)], history_state(), extra)


def _band_of(label: str) -> int | None:
    if label.startswith("100"):
        return 100
    m = re.match(r"(\d+)~(\d+)세", label)
    return int(m.group(1)) if m else None


@lru_cache(maxsize=1)
def mois_age_sex() -> pd.DataFrame:
    """Tidy MOIS table: ``code, level, year, sex ('M'|'F'), age, value`` on today's codes (2022–2024).

    Parsed once per installation and kept on disk (:mod:`moduai.data.frame_cache`)."""
    return cached_frame("mois_age_sex", _cache_key(MOIS_FILE), _parse_mois_age_sex)


def _parse_mois_age_sex() -> pd.DataFrame:
    raw = pd.read_csv(MOIS_FILE, encoding="cp949", thousands=",", dtype={"행정구역": str}).copy()
    raw["code10"] = raw["행정구역"].str.extract(r"\((\d{10})\)")[0]
    raw["name"] = raw["행정구역"].str.replace(r"\s*\(\d+\)\s*$", "", regex=True).str.strip()
    raw = raw[~raw["name"].str.contains("출장소")]
    rows = []
    pat = re.compile(r"(\d{4})년_(남|여)_거주자_(.+)$")
    for col in raw.columns:
        m = pat.match(col)
        if not m:
            continue
        band = _band_of(m.group(3))
        if band is None:
            continue
        year, sex = int(m.group(1)), "M" if m.group(2) == "남" else "F"
        part = pd.DataFrame({"code10": raw["code10"], "name": raw["name"], "year": year, "sex": sex, "age": band,
                             "value": pd.to_numeric(raw[col], errors="coerce")})
        rows.append(part)
    long = pd.concat(rows, ignore_index=True).dropna(subset=["value"])
    # a code "applies" in a year when its residents are > 0 (old/new codes carry zeros or blanks otherwise)
    totals = long.groupby(["code10", "year"])["value"].transform("sum")
    long = long[totals > 0]
    c10 = long["code10"]
    is_sido = c10.str[2:] == "00000000"
    is_sigungu_total = c10.str[5:] == "00000"
    long = long.assign(
        code=[current_code(c[:2]) if s else current_code(c[:5]) for c, s in zip(c10, is_sido, strict=True)],
        level="sido",
    )
    long.loc[~is_sido & is_sigungu_total, "level"] = "sigungu"
    long = long[is_sido | is_sigungu_total]
    # 일반구 by name: '경기도 수원시 장안구' (시도, 시, 구); 증평군 43745 ends in 5 but is a 군
    sig = long["level"] == "sigungu"
    parts = long["name"].str.split()
    is_gu = sig & (parts.str.len() >= 3) & parts.str[1].str.endswith("시") & parts.str[-1].str.endswith("구")
    long.loc[is_gu, "level"] = "gu"
    # 세종 appears as 36 (시도) and 36110 (its only 시군구): both kept, they are different levels
    long = long.drop_duplicates(["code", "level", "year", "sex", "age"])
    out = long[["code", "level", "year", "sex", "age", "value"]].reset_index(drop=True)
    nation = (out[out.level == "sido"].groupby(["year", "sex", "age"], as_index=False)["value"].sum()
              .assign(code="00", level="nation"))
    return pd.concat([out, nation[out.columns]], ignore_index=True)


@lru_cache(maxsize=1)
def _atlas() -> dict:
    return json.loads(ATLAS_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=2)
def kosis_age_sex(include_projections: bool = False) -> pd.DataFrame:
    """Tidy KOSIS atlas table: ``code, level, year, sex, age, value, projected`` (2015–2025 actual only).

    With ``include_projections=True`` the atlas author's 2026–2031 projections are added, each row with
    ``projected=True``; they are model output, not data.  Kept on disk like :func:`mois_age_sex`.
    """
    return cached_frame(f"kosis_age_sex-{int(include_projections)}", _cache_key(ATLAS_FILE),
                        lambda: _parse_kosis_age_sex(include_projections))


def _parse_kosis_age_sex(include_projections: bool) -> pd.DataFrame:
    atlas = _atlas()
    start = int(atlas["meta"]["start"])
    last_actual = int(atlas["meta"]["last"])
    rows = []

    def add(code: str, level: str, series: dict) -> None:
        for sex_key, sex in (("m", "M"), ("f", "F")):
            for i, bands in enumerate(series[sex_key]):
                year = start + i
                if year > last_actual and not include_projections:
                    continue
                for age, v in zip(AGE_BANDS, bands, strict=True):
                    rows.append((code, level, year, sex, age, float(v), year > last_actual))

    for sido_code, series in atlas["national"]["pyrSeries"].items():
        add(sido_code, "sido", series)
    for sido in atlas["sido"]:
        for code, series in sido["pyrSeries"].items():
            add(code, "sigungu", series)
    df = pd.DataFrame(rows, columns=["code", "level", "year", "sex", "age", "value", "projected"])
    nation = (df[df.level == "sido"].groupby(["year", "sex", "age", "projected"], as_index=False)["value"].sum()
              .assign(code="00", level="nation"))
    return pd.concat([df, nation[df.columns]], ignore_index=True)


def age_sex_table(source: str = "auto") -> pd.DataFrame:
    """Residents by age band and sex with a ``source`` column.

    ``source``: ``'mois'`` (2022–2024, incl. 일반구), ``'kosis'`` (2015–2025, 시도/시군구), or ``'auto'`` —
    MOIS where it has the year, KOSIS for the other years (so 일반구 exist only for 2022–2024).
    Built once per installation and kept on disk; each call gets its own copy.
    """
    if source not in ("auto", "mois", "kosis"):
        raise InputError(
            f"인구 자료 출처(source)는 'auto', 'mois', 'kosis' 중 하나여야 합니다. 받은 값: '{source}'.",
            field="source",
        )
    return _age_sex_table(source).copy()


@lru_cache(maxsize=3)
def _age_sex_table(source: str) -> pd.DataFrame:
    return cached_frame(f"age_sex-{source}", _cache_key(MOIS_FILE, ATLAS_FILE),
                        lambda: _compute_age_sex_table(source))


def _compute_age_sex_table(source: str) -> pd.DataFrame:
    if source == "mois":
        return drop_repeated(mois_age_sex(), repeated_years("mois")).assign(source="mois")
    if source == "kosis":
        return drop_repeated(kosis_age_sex(), repeated_years("kosis")).drop(columns="projected").assign(source="kosis")
    k = drop_repeated(kosis_age_sex(), repeated_years("kosis")).drop(columns="projected")
    k = k[~k.year.isin(MOIS_YEARS)].assign(source="kosis")
    m = drop_repeated(mois_age_sex(), repeated_years("mois"))
    return pd.concat([k, m.assign(source="mois")], ignore_index=True)


def registered_residents(level: str, year: int) -> pd.Series:
    """Year-end registered residents per unit of ``level`` in ``year`` (the sum of :func:`age_sex_table`
    ``'auto'`` over age and sex), indexed by code; empty when the year is not in the table."""
    totals = _resident_totals()
    key = (level, int(year))
    if key not in totals:
        return pd.Series([], dtype=float, name="value", index=pd.Index([], name="code", dtype=object))
    return totals[key].copy()


@lru_cache(maxsize=1)
def _resident_totals() -> dict[tuple[str, int], pd.Series]:
    """One group-by instead of a scan of the 118k-row age table per (level, year) asked."""
    t = _age_sex_table("auto")
    return {(str(level), int(year)): g.droplevel([0, 1])
            for (level, year), g in t.groupby(["level", "year", "code"])["value"].sum().groupby(level=[0, 1])}


def drop_repeated(frame: pd.DataFrame, pairs: frozenset[tuple[str, int]]) -> pd.DataFrame:
    """``frame`` without the rows of the (code, year) pairs in ``pairs`` (see :func:`repeated_years`)."""
    if not pairs:
        return frame
    key = pd.MultiIndex.from_arrays([frame["code"].astype(str), frame["year"].astype(int)])
    return frame[~key.isin(list(pairs))].reset_index(drop=True)


@dataclass(frozen=True)
class DeclineIndex:
    """지방소멸위험지수 of one unit and year, with its parts."""

    code: str
    year: int
    women_20_39: float
    residents_65_plus: float
    index: float
    grade: str
    source: str  # dataset id

    def to_dict(self) -> dict:
        return {"code": self.code, "year": self.year, "women_20_39": self.women_20_39,
                "residents_65_plus": self.residents_65_plus, "index": self.index, "grade": self.grade,
                "source": self.source}


def risk_grade(index: float) -> str:
    """한국고용정보원 grades: <0.2 소멸고위험, <0.5 소멸위험진입, <1.0 주의, <1.5 보통, else 소멸저위험."""
    for bound, label in RISK_THRESHOLDS:
        if index < bound:
            return label
    return "소멸저위험"


@lru_cache(maxsize=4)
def decline_index_table(source: str = "auto") -> pd.DataFrame:
    """지방소멸위험지수 for every unit and year the source has: ``code, level, year, women_20_39,
    residents_65_plus, index, source``.  Kept on disk like :func:`mois_age_sex`."""
    if source not in ("auto", "mois", "kosis"):
        age_sex_table(source)  # raises the Korean message naming the field
    return cached_frame(f"decline_index-{source}", _cache_key(MOIS_FILE, ATLAS_FILE),
                        lambda: _compute_decline_index_table(source))


def _compute_decline_index_table(source: str) -> pd.DataFrame:
    t = age_sex_table(source)
    women = t[(t.sex == "F") & t.age.between(20, 35)].groupby(["code", "level", "year", "source"])["value"].sum()
    old = t[t.age >= 65].groupby(["code", "level", "year", "source"])["value"].sum()
    df = pd.concat([women.rename("women_20_39"), old.rename("residents_65_plus")], axis=1).reset_index()
    df = df[df.residents_65_plus > 0]
    df["index"] = df.women_20_39 / df.residents_65_plus
    return df.sort_values(["level", "code", "year"]).reset_index(drop=True)


def decline_index(code: str, year: int, source: str = "auto") -> DeclineIndex:
    """The 지방소멸위험지수 of one 전국('00')/시도/시군구/일반구 code in one year (year-end residents).

    Examples
    --------
    >>> round(decline_index("00", 2024).index, 3)
    0.588
    """
    t = decline_index_table(source)
    hit = t[(t.code == code) & (t.year == int(year))]
    if hit.empty:
        years = sorted(set(t[t.code == code].year))
        if not years:
            raise DataUnavailable(f"지역 코드 '{code}'의 연령별 인구 자료가 없습니다.", field="code")
        raise DataUnavailable(
            f"{year}년 '{code}'의 연령별 인구가 없어 지방소멸위험지수를 계산할 수 없습니다. 있는 연도: "
            f"{', '.join(map(str, years))}.", field="year",
        )
    r = hit.iloc[0]
    return DeclineIndex(code, int(year), float(r.women_20_39), float(r.residents_65_plus), float(r["index"]),
                        risk_grade(float(r["index"])), SOURCES[r.source])


@dataclass(frozen=True)
class DeclineArea:
    code: str
    name: str
    kind: str  # '인구감소지역' | '관심지역'
    designated_year: int


@lru_cache(maxsize=1)
def population_decline_areas() -> list[DeclineArea]:
    """The 89 인구감소지역 and 18 관심지역 (행정안전부 2021 지정; 군위군 under 대구 27720)."""
    raw = json.loads(DECLINE_FILE.read_text(encoding="utf-8"))["designation"]
    year = int(raw.get("designated_year", 2021))
    return [DeclineArea(code, v["name"], v["type"], year) for code, v in sorted(raw["codes"].items())]


@lru_cache(maxsize=1)
def fiscal_independence() -> pd.DataFrame:
    """재정자립도(세입과목 개편 전, %) per 시군구 from the decline-area file (KOSIS e-지방지표 DT_1YL20921).

    세종·제주시·서귀포시 carry their 시도 figure there (noted in ``note``).
    """
    raw = json.loads(DECLINE_FILE.read_text(encoding="utf-8"))["budget"]["by_code"]
    rows = []
    for code, v in raw.items():
        if v.get("fiscal_independence_pct") is None:
            continue
        rows.append({"code": code, "year": int(v.get("fiscal_year") or 0), "value": float(v["fiscal_independence_pct"]),
                     "note": "시도 단위 값으로 대체" if str(v.get("level", "")).startswith("시도") else ""})
    return pd.DataFrame(rows)


@lru_cache(maxsize=2)
def repeated_years(source: str = "kosis") -> frozenset[tuple[str, int]]:
    """(code, year) pairs whose whole age-by-sex table equals the previous year's, value for value.

    Real year-end registers never repeat all 42 cells of a 시군구; the KOSIS atlas holds one table for
    군위군 in every year 2015–2023 and one for 미추홀구 in 2015–2018. Every year of such a run is returned:
    which of them, if any, is the real year cannot be told from the file, so callers drop them all.
    :func:`age_sex_table` and :func:`decline_index_table` (what pages, the composite and the grant inputs
    read) leave them out; the raw loaders keep them so that studies can report what was dropped."""
    file = ATLAS_FILE if source == "kosis" else MOIS_FILE
    pairs = cached_frame(f"repeated_years-{source}", _cache_key(file),
                         lambda: _pairs_frame(_repeated_years(source)))
    return frozenset(zip(pairs["code"], pairs["year"].astype(int).tolist(), strict=True))


def _repeated_years(source: str) -> frozenset[tuple[str, int]]:
    t = kosis_age_sex() if source == "kosis" else mois_age_sex()
    return repeated_runs(t, ["sex", "age"])


def _pairs_frame(pairs: frozenset[tuple[str, int]]) -> pd.DataFrame:
    rows = sorted(pairs)
    return pd.DataFrame({"code": pd.Series([c for c, _ in rows], dtype=object),
                         "year": pd.Series([y for _, y in rows], dtype="int64")})


def repeated_runs(frame: pd.DataFrame, cell_columns: list[str], *, key: str = "code", year: str = "year",
                  value: str = "value", step: int | None = 1) -> frozenset[tuple[str, int]]:
    """(key, year) pairs of a long series whose every cell equals the previous year's (a copied year).

    Works on any loaded series in long form (one row per key, year and cell); a series with a single
    cell per year (a rate) repeats by chance more often, so give it the cells that make a year a table.
    With ``step=1`` years must follow each other (a gap breaks the run); ``step=None`` compares consecutive
    observations whatever their distance (a census every five years)."""
    piv = frame.pivot_table(index=[key, year], columns=cell_columns or None, values=value).sort_index()
    out: set[tuple[str, int]] = set()
    for code, g in piv.groupby(level=0):
        years = [y for _, y in g.index]
        values = g.to_numpy()
        for i in range(1, len(values)):
            follows = step is None or years[i] == years[i - 1] + step
            if follows and (values[i] == values[i - 1]).all():
                out.update({(str(code), int(years[i - 1])), (str(code), int(years[i]))})
    return frozenset(out)
