"""Region API documents (`/api/v1/regions…`, `/api/v1/megaregions`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from moduai.balance.profile import RegionProfile
from moduai.regions import MegaRegion, PointRegion, Region
from moduai.regions.lookup import MegaregionList, RegionAnswer
from moduai.web.schemas.derive import OVERRIDES, PublicModel, public_model


class RegionPublic(PublicModel):
    """A 행안부 region (시도, 시군구, 일반구 or 읍면동)."""

    code: str = Field(description="행안부 코드 (2·5·8·10자리)")
    level: str = Field(description="sido | sigungu | gu | emd")
    level_label: str
    name: str
    full_name: str
    short_name: str
    name_en: str | None = None
    sido_code: str
    parent_code: str | None = None
    sigungu_code: str | None = None
    stat_code: str | None = Field(None, description="통계청 코드")
    lon: float | None = None
    lat: float | None = None


class PointRegionPublic(PublicModel):
    """The 시도·시군구·일반구·읍면동 a point falls in."""

    lat: float
    lon: float
    label: str
    sido: RegionPublic
    sigungu: RegionPublic
    gu: RegionPublic | None = None
    emd: RegionPublic
    snapped_from_sea_m: float = Field(description="바다 위 점을 가장 가까운 경계로 옮긴 거리 (m)")


class MegaRegionPublic(PublicModel):
    """A 5극3특 group."""

    id: str
    name: str
    kind: str = Field(description="'극' 또는 '특'")
    sido_codes: list[str]
    aliases: list[str]
    variant: str


OVERRIDES.update({Region: RegionPublic, PointRegion: PointRegionPublic, MegaRegion: MegaRegionPublic})


class RegionSearchPublic(BaseModel):
    query: str
    results: list[RegionPublic]


class BoundaryGeometry(BaseModel):
    type: str = Field(description="MultiPolygon")
    coordinates: list[list[list[list[float]]]]


class BoundaryFeature(BaseModel):
    """GeoJSON Feature (WGS84) with the region as properties."""

    type: str = Field(description="Feature")
    properties: RegionPublic
    geometry: BoundaryGeometry


RegionAnswerPublic = public_model(RegionAnswer)
MegaregionListPublic = public_model(MegaregionList)
RegionProfilePublic = public_model(RegionProfile)

__all__ = ["Any", "BoundaryFeature", "MegaRegionPublic", "MegaregionListPublic", "PointRegionPublic",
           "RegionAnswerPublic", "RegionProfilePublic", "RegionPublic", "RegionSearchPublic"]
