"""5극3특 mega-regions as data (``data/megaregions.yaml``), in two variants.

``official`` (default): 수도권·동남권·대경권·중부권(충청권)·호남권 + 강원·전북·제주 특별자치도.
``seed-blog``: 수도권·충청권·호남권·영남권·강원권 + 제주·세종 (see the YAML for each 시도's place and why).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from moduai.errors import InputError, NotFound
from moduai.regions.spine import get_region

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the same documents, ~10× faster to parse

VARIANTS = ("official", "seed-blog")
VARIANT_LABELS = {"official": "정부안", "seed-blog": "공개 요약"}
_YAML = Path(__file__).with_name("data") / "megaregions.yaml"


@dataclass(frozen=True)
class MegaRegion:
    id: str
    name: str
    kind: str  # '극' or '특'
    sido_codes: tuple[str, ...]
    aliases: tuple[str, ...]
    variant: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.kind})"

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "sido_codes": list(self.sido_codes),
                "aliases": list(self.aliases), "variant": self.variant}


def check_variant(variant: str) -> str:
    if variant not in VARIANTS:
        raise InputError(
            f"5극3특 구분(variant)은 {', '.join(f'{VARIANT_LABELS[v]}({v})' for v in VARIANTS)} 중 하나여야 합니다. "
            f"받은 값: '{variant}'.",
            field="variant",
        )
    return variant


@lru_cache(maxsize=1)
def _load() -> dict[str, tuple[MegaRegion, ...]]:
    raw = yaml.load(_YAML.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    out = {}
    for variant in VARIANTS:
        groups = tuple(
            MegaRegion(g["id"], g["name"], g["kind"], tuple(g["sido"]), tuple(g.get("aliases", [])), variant)
            for g in raw[variant]
        )
        members = [c for g in groups for c in g.sido_codes]
        if sorted(members) != sorted(set(members)) or len(members) != 17:
            raise InputError(f"megaregions.yaml '{variant}': 17개 시도가 한 번씩 들어가야 합니다.", field=variant)
        out[variant] = groups
    return out


def megaregions(variant: str = "official") -> list[MegaRegion]:
    """The eight groups of a variant, 극 first."""
    return list(_load()[check_variant(variant)])


def megaregion_of(code: str, variant: str = "official") -> MegaRegion:
    """The group a 시도/시군구/읍면동 code belongs to (by its 시도, after following old codes)."""
    sido = get_region(code).sido_code
    for g in megaregions(variant):
        if sido in g.sido_codes:
            return g
    raise NotFound(f"코드 '{code}'의 5극3특 권역을 찾을 수 없습니다.", field="code")  # pragma: no cover


def find_megaregion(name: str, variant: str = "official") -> MegaRegion:
    """By id, name or alias ('중부권' and '충청권' are the same official group)."""
    key = name.replace(" ", "")
    for g in megaregions(variant):
        if key in {g.id, g.name, *g.aliases}:
            return g
    names = ", ".join(g.name for g in megaregions(variant))
    raise NotFound(f"'{name}' 권역이 없습니다 (5극3특 {VARIANT_LABELS.get(variant, variant)}({variant})). "
                   f"있는 권역: {names}", field="megaregion")
