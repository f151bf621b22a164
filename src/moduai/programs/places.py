"""Places as the programs domain needs them: 시도/시군구 names and 5극3특 groups for 행안부 codes.

The platform's region spine (:mod:`moduai.regions`) is the authority for names and lookups; it is
imported lazily so this domain still works (with 시도-level names only) where the spine is missing.
The 17 시도 and the official 5극3특 grouping are small, fixed facts, kept here so eligibility rules can
be checked without loading boundaries: a 5-digit 시군구 code's first two digits are its 시도.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# 행안부 시도 codes (강원 51 since 2023-06, 전북 52 since 2024-01).
SIDO: dict[str, tuple[str, str]] = {
    "11": ("서울특별시", "서울"), "26": ("부산광역시", "부산"), "27": ("대구광역시", "대구"),
    "28": ("인천광역시", "인천"), "29": ("광주광역시", "광주"), "30": ("대전광역시", "대전"),
    "31": ("울산광역시", "울산"), "36": ("세종특별자치시", "세종"), "41": ("경기도", "경기"),
    "43": ("충청북도", "충북"), "44": ("충청남도", "충남"), "46": ("전라남도", "전남"),
    "47": ("경상북도", "경북"), "48": ("경상남도", "경남"), "50": ("제주특별자치도", "제주"),
    "51": ("강원특별자치도", "강원"), "52": ("전북특별자치도", "전북"),
}
OLD_SIDO_CODES = {"42": "51", "45": "52"}
SIDO_ALIASES = {"강원도": "51", "전라북도": "52", "제주도": "50", "세종시": "36"}

# 5극3특, official variant: five 극 (megaregions) and three 특 (special self-governing provinces).
MEGAREGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "수도권": ("극", ("11", "28", "41")),
    "동남권": ("극", ("26", "31", "48")),
    "대경권": ("극", ("27", "47")),
    "중부권": ("극", ("30", "36", "43", "44")),
    "호남권": ("극", ("29", "46")),
    "강원": ("특", ("51",)),
    "전북": ("특", ("52",)),
    "제주": ("특", ("50",)),
}
MEGAREGION_ALIASES = {"충청권": "중부권", "대구경북권": "대경권", "부울경": "동남권", "강원권": "강원",
                      "전북권": "전북", "제주권": "제주"}


@dataclass(frozen=True)
class Place:
    """A resolved place: its 행안부 code, level and Korean name."""

    code: str
    level: str  # 'sido' | 'sigungu' | 'gu'
    name: str
    sido_code: str


def normalise_code(code: str) -> str:
    """Strip and map pre-2023 강원 (42) / 전북 (45) prefixes to 51 / 52."""
    code = str(code).strip()
    if code[:2] in OLD_SIDO_CODES:
        code = OLD_SIDO_CODES[code[:2]] + code[2:]
    return code


def sido_of(code: str) -> str:
    return normalise_code(code)[:2]


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


def _spine():
    try:
        from moduai import regions  # noqa: PLC0415 - optional until the spine lands
    except ImportError:
        return None
    return regions if hasattr(regions, "get_region") else None


@lru_cache(maxsize=4096)
def place_name(code: str) -> str:
    """Korean name for a 행안부 code: '51' → '강원특별자치도', '51150' → '강원특별자치도 강릉시'."""
    code = normalise_code(code)
    if len(code) == 2 and code in SIDO:
        return SIDO[code][0]
    spine = _spine()
    if spine is not None:
        try:
            region = spine.get_region(code)
            return getattr(region, "full_name", None) or region.name
        except Exception:  # noqa: BLE001 - unknown code: fall back to the code itself
            pass
    sido = SIDO.get(code[:2])
    return f"{sido[0]} ({code})" if sido else code


@lru_cache(maxsize=4096)
def short_place_name(code: str) -> str:
    """The last part of a place name: '51150' → '강릉시', '51' → '강원특별자치도'."""
    full = place_name(code)
    if len(normalise_code(code)) == 2:
        return full
    spine = _spine()
    if spine is not None:
        try:
            return spine.get_region(normalise_code(code)).name
        except Exception:  # noqa: BLE001
            pass
    return full.split(" ")[-1]


def resolve_place(text: str) -> Place:
    """A 시도 or 시군구 from a name or code ('강릉', '강릉시', '51150', '경기').

    Raises :class:`moduai.errors.NotFound` / :class:`moduai.errors.Ambiguous` from the region spine,
    or NotFound when only 시도 names are available.
    """
    from moduai.errors import NotFound

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
    spine = _spine()
    if spine is None:
        raise NotFound(f"'{text}' 지역을 찾을 수 없습니다. 시도 이름(예: 강원) 또는 행안부 코드를 쓰세요.",
                       field="region", detail="moduai.regions is not available; only 시도 names resolve")
    region = spine.resolve_region(text)
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
    spine = _spine()
    if spine is not None:
        for level in ("sigungu", "gu"):
            for region in spine.list_regions(level=level):
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
