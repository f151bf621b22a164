"""Finding regions by the names people type.

Handles "포항", "포항시 북구", "포항시북구", "경북 포항시", "경상북도 포항시 남구", "양덕동", "강원도" (→ 강원특별자치도),
"Pohang-si"; returns every candidate when a name is ambiguous ("중구", "고성", "양덕동") and, on a miss,
suggestions by Hangul jamo similarity ("'포함시'를 찾을 수 없습니다. 혹시 '포항시'?").
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import yaml

from moduai.errors import Ambiguous, InputError, NotFound
from moduai.korean import josa, to_jamo
from moduai.regions.spine import Region, _table, ancestors, get_region, successors

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the same documents, ~10× faster to parse

_LEVEL_RANK = {"sido": 0, "sigungu": 1, "gu": 2, "emd": 3}
_SIDO_YAML = Path(__file__).with_name("data") / "sido.yaml"
_MAX_QUERY = 100


# What ``normalize`` drops: every character ``re``'s ``\s`` matches (str.isspace) plus ·,.-_/().  A translate
# table instead of a regex: the name lookups call it for every form of every region.
_DROP = str.maketrans("", "", "".join(chr(c) for c in (*range(0x9, 0xE), *range(0x1C, 0x21), 0x85, 0xA0, 0x1680,
                                                          *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F,
                                                          0x3000)) + "·,.-_/()")


def normalize(text: str) -> str:
    """Drop spaces and punctuation, lower-case Latin letters: '경북 포항시' → '경북포항시'."""
    return text.translate(_DROP).lower()


@lru_cache(maxsize=1)
def _sido_forms() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in yaml.load(_SIDO_YAML.read_text(encoding="utf-8"), Loader=_YAML_LOADER):
        out[s["code"]] = [s["name"], s["short"], s["en"], *s.get("aliases", [])]
    return out


def sido_forms(code: str) -> list[str]:
    """How a 시도 is written: official name, short name, English name and aliases (data/sido.yaml)."""
    return list(_sido_forms()[code])


def _own_forms(r: Region) -> list[str]:
    """How a region's own name is written, alone."""
    if r.level == "sido":
        return _sido_forms()[r.code]
    forms = [r.name, r.short_name]
    if r.name_en:
        forms.append(r.name_en)
    if r.level == "gu":  # "포항시 북구" → also "포항 북구", and "북구" alone
        city, gu = r.name.split(" ", 1)
        stem = re.sub(r"시$", "", city)
        forms += [f"{stem} {gu}", gu]
    return forms


def _ancestor_forms(r: Region) -> list[list[str]]:
    return [_own_forms(a) for a in ancestors(r)]


def _lineages(r: Region) -> list[list[list[str]]]:
    """Ancestor forms of ``r`` in every dated version (운서동: under 중구 until 2026-06, 영종구 after)."""
    out = [_ancestor_forms(r)]
    if r.level == "emd":
        later = get_region(r.code, on=_FAR_FUTURE)
        if later.parent_code != r.parent_code:
            out.append([_own_forms(a) for a in ancestors(later)])
    return out


_FAR_FUTURE = dt.date(2100, 1, 1)


@lru_cache(maxsize=1)
def _own_index() -> dict[str, tuple[str, ...]]:
    """normalised own form → region codes (about 20 k keys; cheap to build in each process)."""
    idx: dict[str, set[str]] = defaultdict(set)
    for r in _table().values():
        for f in _own_forms(r):
            idx[normalize(f)].add(r.code)
    return {k: tuple(sorted(v)) for k, v in idx.items()}


@lru_cache(maxsize=4096)
def _ancestor_keys(code: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Per dated lineage (운서동: under 중구, then 영종구), the normalised forms of each ancestor, 시도 first."""
    return tuple(tuple(tuple({normalize(f) for f in forms} - {""}) for forms in lineage)
                 for lineage in _lineages(_table()[code]))


def _prefix_names_ancestors(prefix: str, levels: tuple[tuple[str, ...], ...], start: int = 0) -> bool:
    """Whether ``prefix`` is a form of some ancestors, in order, each at most once ('경북포항시' for 북구)."""
    if not prefix:
        return True
    for j in range(start, len(levels)):
        for f in levels[j]:
            if prefix.startswith(f) and _prefix_names_ancestors(prefix[len(f):], levels, j + 1):
                return True
    return False


def _lookup(key: str) -> set[str]:
    """Region codes a normalised key names: an own form, optionally preceded by ancestor forms.

    The same answer as a table of every (ancestor forms + own form) key — 131 k keys, ≈ 1 s to build in
    each process — found instead by splitting the key: each suffix that is an own form, then the rest
    checked against that region's ancestors.
    """
    own = _own_index()
    out: set[str] = set()
    for i in range(len(key) + 1):
        for code in own.get(key[i:], ()):
            if code not in out and any(_prefix_names_ancestors(key[:i], levels) for levels in _ancestor_keys(code)):
                out.add(code)
    return out


def _tokens_match(r: Region, tokens: list[str]) -> bool:
    """Every query token but the last names an ancestor (or part of the region's own name)."""
    pool = {normalize(f) for lineage in _lineages(r) for forms in lineage for f in forms}
    pool |= {normalize(f) for f in _own_forms(r)}
    return all(t in pool for t in tokens)


def _sorted(codes) -> list[Region]:
    t = _table()
    return sorted((t[c] for c in codes), key=lambda r: (_LEVEL_RANK[r.level], r.code))


def _validate(query: str) -> str:
    if not isinstance(query, str):
        raise TypeError("query must be a string")
    q = query.strip()
    if not q or len(q) > _MAX_QUERY or not re.search(r"[가-힣A-Za-z]", q):
        raise InputError(
            f"지역 이름을 한글이나 영문으로 입력해 주세요 (1~{_MAX_QUERY}자). 받은 값: '{query[:40]}'. "
            "예: '포항시 북구', '강릉', '양덕동'.",
            field="query",
        )
    return q


def search_regions(query: str, limit: int = 20) -> list[Region]:
    """All regions the text can mean, broadest level first (시도, 시군구, 일반구, 읍면동)."""
    q = _validate(query)
    hits = _lookup(normalize(q))
    if not hits:
        tokens = [normalize(t) for t in q.split() if t.strip()]
        if len(tokens) > 1:
            last = tokens[-1]
            cands = _lookup(last)
            hits = {c for c in cands if _tokens_match(_table()[c], tokens[:-1])}
    return _sorted(hits)[:limit]


@lru_cache(maxsize=1)
def _suggestion_pool() -> dict[str, list[str]]:
    """jamo form of each plain name → display names (names only, not every prefixed form)."""
    pool: dict[str, list[str]] = defaultdict(list)
    for r in _table().values():
        for f in {r.name, *(_sido_forms()[r.code][:1] if r.level == "sido" else [])}:
            if f and f not in pool[to_jamo(normalize(f))]:
                pool[to_jamo(normalize(f))].append(f)
    return pool


def suggest_names(query: str, n: int = 3) -> list[str]:
    """Closest known names by jamo similarity ('포함시' → '포항시')."""
    q = normalize(query.split()[-1] if query.split() else query)
    pool = _suggestion_pool()
    keys = difflib.get_close_matches(to_jamo(q), list(pool), n=n, cutoff=0.6)
    out: list[str] = []
    for k in keys:
        for name in pool[k]:
            if name not in out:
                out.append(name)
    return out[:n]


def _as_of(hits: list[Region], on: dt.date | None) -> list[Region]:
    """Hits as of ``on`` (default today): units not yet created are dropped, retired ones (인천 중구 after
    2026-06-30) give way to their successors, 읍면동 carry the parent of that day."""
    out: list[Region] = []
    for h in hits:
        if h.valid_on(on):
            out.append(get_region(h.code, on=on))
        elif h.valid_to and (on or dt.date.today()).isoformat() > h.valid_to:
            out += [s for s in successors(h.code) if s.valid_on(on)]
    seen: set[str] = set()
    return [r for r in out if not (r.code in seen or seen.add(r.code))]


def resolve_region(query: str, on: dt.date | None = None) -> Region:
    """Exactly one region for the text as of ``on`` (default today), or a Korean error with candidates.

    Raises
    ------
    Ambiguous
        Several regions match; ``candidates`` lists them (code and full name).
    NotFound
        Nothing matches; the message offers the closest names.
    """
    found = search_regions(query, limit=50)
    hits = _as_of(found, on)
    if len(hits) == 1:
        return hits[0]
    retired = [h for h in found if h.valid_to and (on or dt.date.today()).isoformat() > h.valid_to]
    if len(retired) == 1 and len(hits) > 1 and {s.code for s in successors(retired[0].code)} == {h.code for h in hits}:
        r = retired[0]
        raise Ambiguous(
            f"{josa(r.full_name, '은/는')} {r.valid_to}까지 있던 구입니다. 지금은 "
            f"{josa(', '.join(h.full_name for h in hits), '으로/로')} 나뉘었으니 하나를 골라 주세요.",
            field="query",
            candidates=[{"code": h.code, "label": h.full_name, "level": h.level_label, "href": h.href} for h in hits],
        )
    if len(hits) > 1:
        # A name that is a 시도's own short name ("광주", "강원") prefers the 시도 only if it is the sole 시도 hit
        # AND the query is exactly that 시도 form; otherwise the user must choose.
        sido_hits = [h for h in hits if h.level == "sido"]
        if len(sido_hits) == 1 and normalize(query) in {normalize(f) for f in _sido_forms()[sido_hits[0].code]}:
            if not any(normalize(query) == normalize(h.name) for h in hits if h.level != "sido"):
                return sido_hits[0]
        raise Ambiguous(
            f"'{query}'에 해당하는 지역이 {len(hits)}곳입니다. 시도나 시군구를 앞에 붙여 주세요 "
            f"(예: '{hits[0].full_name}').",
            field="query",
            candidates=[{"code": h.code, "label": h.full_name, "level": h.level_label, "href": h.href} for h in hits],
        )
    sugg = suggest_names(query)
    hint = f" 혹시 {', '.join(f'{s!r}' for s in sugg)}?" if sugg else " 시도·시군구·읍면동 이름을 확인해 주세요."
    raise NotFound(
        f"{josa(repr(query.strip()), '을/를')} 찾을 수 없습니다.{hint}",
        field="query",
        candidates=[{"label": s} for s in sugg],
    )


_ADDRESS_NOISE = re.compile(r"(\d|번지$|로$|길$|^산$|번길$|층$|호$|빌딩$|아파트$)")


def geocode_text(text: str) -> tuple[Region, list[str]]:
    """The most specific region named in address-like text, and the words it could not use.

    "강원 강릉시 교동 123-4" → (강릉시 교동, ["123-4"]); "서울 동대문구 회기동 경희대로 26" → (회기동,
    ["경희대로", "26"]).  Road names and house numbers are not geocoded (no road data ships offline), so
    the answer is the 읍면동 centroid at best; callers should say so.
    """
    q = _validate(text)
    tokens = [t for t in re.split(r"[\s,]+", q) if t]
    keep = [t for t in tokens if not _ADDRESS_NOISE.search(t)]
    ignored = [t for t in tokens if _ADDRESS_NOISE.search(t)]
    # Longest run of leading useful words that still names one region; drop words from the end otherwise.
    for end in range(len(keep), 0, -1):
        try:
            hits = search_regions(" ".join(keep[:end]), limit=50)
        except InputError:
            continue
        if len(hits) == 1:
            return hits[0], ignored + keep[end:]
        if len(hits) > 1:
            resolve_region(" ".join(keep[:end]))  # raises Ambiguous with the candidates
    return resolve_region(q), []  # raises NotFound with suggestions
