"""Places as the programs domain needs them: 시도/시군구 names and 5극3특 groups for 행안부 codes.

Everything here is read from the platform's region spine (:mod:`moduai.regions`); this module only
shapes it for eligibility rules: ``SIDO`` (code → full and short name), ``MEGAREGIONS`` (the official
5극3특 keyed by the names rule files use: 수도권 … 호남권, and 강원 / 전북 / 제주 for the 3특) and the aliases
people write in announcements (충청권, 부울경, 강원도 …).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from moduai import regions
from moduai.errors import InputError, NotFound


def _megaregion_key(group: regions.MegaRegion) -> str:
    """Rule files name a 특 by its short name (강원, 전북, 제주), a 극 by its own name."""
    return group.name if group.kind == "극" else group.aliases[0]


SIDO: dict[str, tuple[str, str]] = {r.code: (r.name, r.short_name) for r in regions.list_regions("sido")}
MEGAREGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    _megaregion_key(g): (g.kind, g.sido_codes) for g in regions.megaregions("official")
}
MEGAREGION_ALIASES: dict[str, str] = {
    alias: _megaregion_key(g)
    for g in regions.megaregions("official")
    for alias in (g.name, *g.aliases)
    if alias != _megaregion_key(g)
}


def _sido_only_aliases() -> dict[str, str]:
    """Other names of a 시도 (강원도, 전라북도, 세종시 …) that name no other place ('광주시' is left out)."""
    out = {}
    for sido in regions.list_regions("sido"):
        for form in regions.names.sido_forms(sido.code):
            if form in SIDO[sido.code] or not any("가" <= ch <= "힣" for ch in form):
                continue
            if [r.code for r in regions.search_regions(form)] == [sido.code]:
                out[form] = sido.code
    return out


SIDO_ALIASES: dict[str, str] = _sido_only_aliases()


@dataclass(frozen=True)
class Place:
    """A resolved place: its 행안부 code, level and Korean name."""

    code: str
    level: str  # 'sido' | 'sigungu' | 'gu'
    name: str
    sido_code: str


def normalise_code(code: str) -> str:
    """Today's code for an old one (강원 42 → 51, 전북 45 → 52, 군위 47720 → 27720), via the spine's history."""
    return _current_code(str(code).strip(), dt.date.today())


@lru_cache(maxsize=8192)
def _current_code(code: str, on: dt.date) -> str:
    # a match checks region codes ~5 times per announcement; walking the history each time was a tenth of it
    return regions.to_current_code(code, on=on)


def megaregion_of_sido(sido_code: str) -> str | None:
    """The 5극3특 group (official variant) a 시도 belongs to."""
    for name, (_kind, members) in MEGAREGIONS.items():
        if sido_code in members:
            return name
    return None


def canonical_megaregion(name: str) -> str | None:
    name = name.strip()
    if name in MEGAREGIONS:
        return name
    return MEGAREGION_ALIASES.get(name)


def sido_code_for_name(name: str) -> str | None:
    """'경기' / '경기도' / '강원도' → '41' / '41' / '51'; ``None`` if not a 시도 name."""
    name = name.strip()
    for code, (full, short) in SIDO.items():
        if name in (full, short):
            return code
    return SIDO_ALIASES.get(name)


@lru_cache(maxsize=4096)
def place_name(code: str) -> str:
    """Korean name for a 행안부 code: '51' → '강원특별자치도', '51150' → '강원특별자치도 강릉시'."""
    code = normalise_code(code)
    if len(code) == 2 and code in SIDO:
        return SIDO[code][0]
    try:
        return regions.get_region(code).full_name
    except (NotFound, InputError):  # unknown code: say it with the 시도
        pass
    sido = SIDO.get(code[:2])
    return f"{sido[0]} ({code})" if sido else code


@lru_cache(maxsize=4096)
def short_place_name(code: str) -> str:
    """The last part of a place name: '51150' → '강릉시', '51' → '강원특별자치도'."""
    full = place_name(code)
    if len(normalise_code(code)) == 2:
        return full
    try:
        return regions.get_region(normalise_code(code)).name
    except (NotFound, InputError):
        return full.split(" ")[-1]


def resolve_place(text: str) -> Place:
    """A 시도 or 시군구 from a name or code ('강릉', '강릉시', '51150', '경기').

    Raises :class:`moduai.errors.NotFound` / :class:`moduai.errors.Ambiguous` from the region spine.
    """
    text = text.strip()
    if text.isdigit():
        code = normalise_code(text)
        if len(code) == 2:
            if code in SIDO:
                return Place(code, "sido", SIDO[code][0], code)
            raise NotFound(f"시도 코드 '{text}'가 없습니다. 행안부 2자리 코드(예: 11 서울, 51 강원)를 쓰세요.",
                           field="region")
        return Place(code, "sigungu" if len(code) == 5 else "gu", place_name(code), code[:2])
    sido = sido_code_for_name(text)
    if sido:
        return Place(sido, "sido", SIDO[sido][0], sido)
    region = regions.resolve_region(text)
    if region.level not in ("sido", "sigungu", "gu"):
        # 읍면동: eligibility is decided at 시군구 level; the first five digits are the 시군구/구 code.
        code = normalise_code(region.code)[:5]
        return Place(code, "gu" if code[-1] != "0" else "sigungu", place_name(code), code[:2])
    return Place(region.code, region.level, getattr(region, "full_name", region.name), region.sido_code)


@lru_cache(maxsize=1)
def _unambiguous_place_names() -> dict[str, str]:
    """시도/시군구/일반구 names and short names that name exactly one place → its code.

    Free text is matched against this table only (no fuzzy lookups per word: a query word such as
    '창업' must not cost a similarity search over every 읍면동 name, nor turn into '오창읍').
    """
    names: dict[str, set[str]] = {}
    for code, (full, short) in SIDO.items():
        for n in (full, short):
            names.setdefault(n, set()).add(code)
    for alias, code in SIDO_ALIASES.items():
        names.setdefault(alias, set()).add(code)
    for level in ("sigungu", "gu"):
        for region in regions.list_regions(level=level):
            for n in {region.name, region.short_name, region.full_name}:
                if n and len(n) >= 2:
                    names.setdefault(n, set()).add(region.code)
    table = {n: next(iter(codes)) for n, codes in names.items() if len(codes) == 1}
    # A 시도 name wins over a 시 of the same short name ('제주' is 제주특별자치도, not 제주시; '세종' is 36).
    for code, (full, short) in SIDO.items():
        table[full] = table[short] = code
    return table


_SUFFIXES = ("에서의", "에서는", "에서", "에는", "지역", "으로", "의", "에", "로")


def find_places_in_text(text: str) -> list[Place]:
    """Place names mentioned in free text ('강릉에서 카페 창업' → 강릉시), best effort, no errors.

    Only names that identify one place count ('중구' does not; '강릉', '포항시 남구' do).  5극3특
    group names are left to the caller, except 강원/전북/제주, which are also 시도.
    """
    table = _unambiguous_place_names()
    words = text.replace(",", " ").split()
    found: list[Place] = []
    seen: set[str] = set()
    candidates = [" ".join(words[i:i + 2]) for i in range(len(words) - 1)] + words
    for raw in candidates:
        token = raw
        for suffix in _SUFFIXES:
            if token.endswith(suffix) and len(token) > len(suffix) + 1:
                token = token[: -len(suffix)]
                break
        code = table.get(token)
        # Skip a place already covered: its 시도, its 시 (47110 for 47111) or the same 시's other name.
        if code is None or any(code.startswith(c) or c.startswith(code) or (len(c) == len(code) == 5
                                                                             and c[:4] == code[:4]) for c in seen):
            continue
        seen.add(code)
        level = "sido" if len(code) == 2 else ("sigungu" if code.endswith("0") else "gu")
        found.append(Place(code, level, place_name(code), code[:2]))
    return found
