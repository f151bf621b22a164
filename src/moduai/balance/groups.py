"""Groupings of regions for disparity decompositions and group values: 5극3특 (two variants) and 시도.

5극3특 comes from the region spine (``moduai.regions.megaregions``); a 시군구 belongs to the group of its
시도.  Group values of an indicator are Σ numerator ÷ Σ denominator over the group's 시도 (never an
average of the members' ratios), so they equal the figure one would compute for the whole area.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from moduai.balance.indicators import get_indicator, indicator_components, value_from_components
from moduai.errors import DataUnavailable, InputError
from moduai.regions import list_regions, megaregions

GROUPINGS = {"5극3특": "megaregion", "megaregion": "megaregion", "시도": "sido", "sido": "sido"}
VARIANTS = ("official", "seed-blog")


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    kind: str  # '극' | '특' | '시도'
    sido_codes: tuple[str, ...]


def check_grouping(by: str, variant: str = "official") -> tuple[str, str]:
    """Normalise the ``by`` and ``variant`` parameters (raising the house-style InputError)."""
    if by not in GROUPINGS:
        raise InputError(
            f"묶음 기준(by)은 '5극3특' 또는 '시도'여야 합니다. 받은 값: '{by}'.",
            field="by", detail="by must be one of 5극3특, megaregion, 시도, sido",
        )
    if variant not in VARIANTS:
        raise InputError(
            f"5극3특 구분(variant)은 {', '.join(VARIANTS)} 중 하나여야 합니다. 받은 값: '{variant}'.",
            field="variant",
        )
    return GROUPINGS[by], variant


def groups(by: str = "5극3특", variant: str = "official") -> list[Group]:
    """The groups of a grouping, in display order (극 before 특; 시도 by code)."""
    kind, variant = check_grouping(by, variant)
    if kind == "megaregion":
        return [Group(g.id, g.name, g.kind, tuple(g.sido_codes)) for g in megaregions(variant)]

    return [Group(r.code, r.short_name or r.name, "시도", (r.code,)) for r in list_regions("sido")]


def group_of_sido(by: str = "5극3특", variant: str = "official") -> dict[str, Group]:
    """시도 code → its group."""
    return {s: g for g in groups(by, variant) for s in g.sido_codes}


def assign_groups(codes: list[str] | pd.Index, by: str = "5극3특", variant: str = "official") -> pd.Series:
    """Group id of each 시군구/시도 code (by its first two digits = 행안부 시도 code)."""
    lookup = group_of_sido(by, variant)
    return pd.Series([lookup[str(c)[:2]].id for c in codes], index=list(codes), name="group")


def group_values(indicator_id: str, by: str = "5극3특", variant: str = "official") -> pd.DataFrame:
    """Indicator values of each group and year: ``group, name, kind, year, value, num, den, n_sido``.

    Only indicators with components (counts, ratios of counts, changes) can be grouped; a rate the census
    gives only as a rate (합계출산율) raises :class:`DataUnavailable` with the reason.
    """
    ind = get_indicator(indicator_id)
    if not ind.aggregable:
        raise DataUnavailable(
            f"'{ind.label}'은(는) 원자료가 시군구별 비율이라 권역·시도 값으로 합칠 수 없습니다. "
            "시군구 단위 격차(지니·타일 등)는 볼 수 있습니다.", field="indicator",
        )
    comp = indicator_components(indicator_id)
    sido = comp[comp.level == "sido"]
    rows = []
    for g in groups(by, variant):
        part = sido[sido.code.isin(g.sido_codes)]
        for year, yr in part.groupby("year"):
            if set(yr.code) != set(g.sido_codes):
                continue  # a group value needs every member 시도
            num, den = float(yr.num.sum()), float(yr.den.sum())
            rows.append({"group": g.id, "name": g.name, "kind": g.kind, "year": int(year),
                         "value": float(value_from_components(ind, num, den)), "num": num, "den": den,
                         "n_sido": len(g.sido_codes)})
    return pd.DataFrame(rows, columns=["group", "name", "kind", "year", "value", "num", "den", "n_sido"])
