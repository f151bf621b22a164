"""Places a 상권 report can start from, found by name: census 읍면동 and 시군구/일반구 (the /commerce search box)."""

from __future__ import annotations

from dataclasses import dataclass

from moduai.commerce.demand import load_dong_demand, search_dongs
from moduai.commerce.trade_area import to_lonlat
from moduai.regions import search_regions


@dataclass
class PlaceHit:
    label: str  # full name, e.g. '서울특별시 동대문구 회기동'
    lat: float
    lon: float
    kind: str  # '읍면동' | '시군구'
    place: str | None = None  # for 읍면동: the name a report takes as ``place`` (centred on its busiest spot)


def find_places(q: str, *, dong_limit: int = 15, region_limit: int = 5) -> list[PlaceHit]:
    """읍면동 whose name contains every word of ``q``, then matching 시군구·일반구 (with their centre points)."""
    d = load_dong_demand()
    hits = []
    for i in search_dongs(q, limit=dong_limit):
        lo, la = to_lonlat(d.cx[i], d.cy[i])
        hits.append(PlaceHit(str(d.name[i]), float(la), float(lo), "읍면동", str(d.name[i]).split(" ", 1)[-1]))
    try:
        for reg in search_regions(q, limit=region_limit):
            if getattr(reg, "level", "") in ("sigungu", "gu") and reg.lat:
                hits.append(PlaceHit(reg.full_name, reg.lat, reg.lon, "시군구"))
    except Exception:  # noqa: BLE001 - the search box must still answer with 읍면동 only
        pass
    return hits
