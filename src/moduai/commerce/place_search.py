"""Places a 상권 report can start from, found by what people type (the /commerce search box).

The region spine finds every 법정 읍면동, 리, 시군구, old name and address (:func:`moduai.regions.find_places`);
census 행정동 names the spine does not know ("양덕1동", "역삼1동") are added after them.  Every hit carries a
``place`` a report resolves without searching again (a 행안부 code, or a census full name).
"""

from __future__ import annotations

from dataclasses import dataclass

from moduai.commerce.demand import load_dong_demand, search_dongs
from moduai.commerce.spatial import to_lonlat
from moduai.errors import InputError
from moduai.regions import find_places as find_spine_places
from moduai.regions import suggest_places


@dataclass
class PlaceHit:
    label: str  # full name, e.g. '서울특별시 동대문구 회기동'
    lat: float
    lon: float
    kind: str  # '읍면동' | '리' | '시군구' | '일반구' | '시도' | '행정동'
    place: str  # what a report takes as ``place``: a 행안부 code or a census 행정동 full name
    note: str = ""


@dataclass
class PlaceHits:
    query: str
    hits: list[PlaceHit]
    note: str = ""
    suggestions: list[PlaceHit] | None = None  # close names when nothing matched, each a working place


def find_places(q: str, *, limit: int = 30, dong_limit: int = 15) -> PlaceHits:
    """Spine places for ``q`` (with their points), then census 행정동 whose full name contains every word."""
    try:
        found = find_spine_places(q, limit=limit)
    except InputError:
        return PlaceHits(q, [], "지역 이름을 한글로 적어 주세요. 예: '양덕동', '포항시 남구 대잠동'.")
    hits = [PlaceHit(c.label, c.lat, c.lon, c.level_label, c.code, c.note) for c in found.candidates]
    seen = {h.label for h in hits}
    d = load_dong_demand()
    for i in search_dongs(q, limit=dong_limit):
        name = str(d.name[i])
        if name in seen:
            continue
        lo, la = to_lonlat(d.cx[i], d.cy[i])
        hits.append(PlaceHit(name, float(la), float(lo), "행정동", name))
    sugg = None
    if not hits:
        sugg = [PlaceHit(c.label, c.lat, c.lon, c.level_label, c.code) for c in suggest_places(q)]
    return PlaceHits(q, hits, found.note, sugg)
