"""The 2023 상권업종 taxonomy (10 대 / 75 중 / 247 소분류) and the old → 2023 crosswalk.

Public API (the analysis modules code against these names):

- :func:`resolve_category` ``(text) -> Category``: accepts a 2023 code (``I2``, ``I212``, ``I21201``), an
  old pre-2023 code (``Q``, ``Q01``, ``Q01A01`` → mapped through the crosswalk), an official name
  (``"카페"``, ``"비알코올 음료점업"``, ``"음식점업"``) or a common word from the alias table
  (``data/upjong_aliases.yaml``: ``"커피"``, ``"치킨"``, ``"편의점"``, ``"미용실"``, ``"빵집"`` …).
  Unknown text raises :class:`~moduai.errors.InputError` with suggestions
  (``'카패'를 찾을 수 없습니다. 혹시 '카페'?``).
- :func:`minor_codes_under` ``(code) -> list[str]``: the 소분류 codes under a 대/중/소 code;
  :func:`list_categories` ``(level)``, :func:`taxonomy_frame` (the 247-row table).
- :func:`map_old_code` ``(old_minor_code, ksic_code=None) -> OldCodeMapping``: how the importer turns an old
  소분류 code into a 2023 소분류 code (or why it cannot).

Codes are those of 소상공인시장진흥공단 상가(상권)정보 (the 2023 revision); the 대분류 letter is the KSIC
section (G 소매, I 숙박·음식, L 부동산, M 전문·과학·기술, N 사업시설관리, P 교육, Q 보건, R 여가, S 수리·개인).

Crosswalk rule where the issue was silent: an old code listed with several 2023 targets (``분리`` rows and
9 old codes in total) goes to the target whose 대분류 letter equals the row's KSIC section letter
(표준산업분류코드 ``G47…`` → ``G2…``), else to the first target in the publisher's sheet order. Old codes
whose only rows are ``제외`` have no 2023 equivalent and are rejected by the importer with that reason.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from moduai.errors import InputError
from moduai.korean import josa, to_jamo

DATA_DIR = Path(__file__).with_name("data")
CODES_CSV = DATA_DIR / "upjong_codes_2023.csv"
CROSSWALK_CSV = DATA_DIR / "upjong_old_to_2023_crosswalk.csv"
ALIASES_YAML = DATA_DIR / "upjong_aliases.yaml"

LEVELS = ("major", "mid", "minor")

_NEW_CODE = re.compile(r"^[A-Z]\d(\d{2}(\d{2})?)?$")  # I2, I212, I21201
_OLD_CODE = re.compile(r"^[A-Z](\d{2}([A-Z]\d{2})?)?$")  # Q, Q01, Q01A01


@dataclass(frozen=True)
class Category:
    """One node of the 2023 taxonomy, with its path from the 대분류 down.

    ``matched_by`` says how the input was understood ('code', 'old_code', 'name', 'alias') and
    ``input`` keeps what the user typed, so a report can say "'커피' → 카페 (I21201)".
    """

    level: str
    code: str
    name: str
    major_code: str
    major_name: str
    mid_code: str | None = None
    mid_name: str | None = None
    minor_code: str | None = None
    minor_name: str | None = None
    matched_by: str = "code"
    input: str | None = None
    note: str | None = None

    @property
    def path(self) -> tuple[str, ...]:
        """Names from the 대분류 down to this node."""
        return tuple(n for n in (self.major_name, self.mid_name, self.minor_name) if n)

    @property
    def label(self) -> str:
        """``"음식점업 > 비알코올 음료점업 > 카페"``."""
        return " > ".join(self.path)

    def to_dict(self) -> dict:
        return {
            "level": self.level, "code": self.code, "name": self.name, "label": self.label,
            "major_code": self.major_code, "major_name": self.major_name,
            "mid_code": self.mid_code, "mid_name": self.mid_name,
            "minor_code": self.minor_code, "minor_name": self.minor_name,
            "matched_by": self.matched_by, "input": self.input, "note": self.note,
        }


@dataclass(frozen=True)
class OldCodeMapping:
    """Result of mapping an old 소분류 code: ``new_code`` is None when it cannot be mapped (see ``reason``)."""

    old_code: str
    new_code: str | None
    crosswalk_type: str | None
    reason: str | None = None
    alternatives: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------------------------- loading
@lru_cache(maxsize=1)
def taxonomy_frame() -> pd.DataFrame:
    """The 247 소분류 rows: major_code, major_name, mid_code, mid_name, minor_code, minor_name."""
    df = pd.read_csv(CODES_CSV, dtype=str, encoding="utf-8").fillna("")
    df.columns = ["major_code", "major_name", "mid_code", "mid_name", "minor_code", "minor_name"]
    return df.apply(lambda s: s.str.strip())


@lru_cache(maxsize=1)
def crosswalk_frame() -> pd.DataFrame:
    """The 889-row old → 2023 crosswalk as published (old_code is empty for 추가 rows)."""
    df = pd.read_csv(CROSSWALK_CSV, dtype=str, encoding="utf-8")
    df["sheet_row"] = df["sheet_row"].astype(int)
    return df


@lru_cache(maxsize=1)
def _nodes() -> dict[str, Category]:
    nodes: dict[str, Category] = {}
    for r in taxonomy_frame().itertuples(index=False):
        nodes.setdefault(r.major_code, Category("major", r.major_code, r.major_name, r.major_code, r.major_name))
        nodes.setdefault(
            r.mid_code,
            Category("mid", r.mid_code, r.mid_name, r.major_code, r.major_name, r.mid_code, r.mid_name),
        )
        nodes[r.minor_code] = Category(
            "minor", r.minor_code, r.minor_name, r.major_code, r.major_name, r.mid_code, r.mid_name,
            r.minor_code, r.minor_name,
        )
    return nodes


def _norm(text: str) -> str:
    """Compare names without spaces, case or the different middle dots (· ㆍ ‧)."""
    t = unicodedata.normalize("NFC", str(text)).strip().lower()
    t = re.sub(r"[\s·ㆍ‧・,]", "", t)
    return t


@lru_cache(maxsize=1)
def _alias_yaml() -> dict:
    """The alias file as written (read once per process; suggestions show its words as typed)."""
    return yaml.safe_load(ALIASES_YAML.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    raw = _alias_yaml()
    out: dict[str, str] = {}
    nodes = _nodes()
    for word, code in (raw.get("aliases") or {}).items():
        code = str(code).strip()
        if code not in nodes:
            raise InputError(
                f"업종 별칭 표({ALIASES_YAML.name})의 '{word}'가 없는 코드 '{code}'를 가리킵니다.",
                field="aliases", detail="alias points to an unknown 2023 code",
            )
        out[_norm(str(word))] = code
    return out


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Normalised official name → code; the most specific level wins when a name repeats."""
    out: dict[str, str] = {}
    for level in LEVELS:  # major first, so minor names overwrite identical mid names
        for c in _nodes().values():
            if c.level == level:
                out[_norm(c.name)] = c.code
    return out


@lru_cache(maxsize=1)
def _old_minor_targets() -> dict[str, list[tuple[str, str]]]:
    """old 소분류 code → [(new_code or '', crosswalk_type)] in sheet order."""
    cw = crosswalk_frame().sort_values("sheet_row")
    out: dict[str, list[tuple[str, str]]] = {}
    for r in cw.itertuples(index=False):
        if isinstance(r.old_code, str) and r.old_code:
            out.setdefault(r.old_code, []).append((r.new_code if isinstance(r.new_code, str) else "", r.crosswalk_type))
    return out


@lru_cache(maxsize=1)
def _old_group_targets() -> dict[str, str]:
    """old 대(Q)/중(Q01) code → the 2023 대/중 code most of its 소분류 go to."""
    votes: dict[str, Counter] = {}
    for old, targets in _old_minor_targets().items():
        for new, _kind in targets:
            if not new:
                continue
            votes.setdefault(old[:1], Counter())[new[:2]] += 1
            votes.setdefault(old[:3], Counter())[new[:4]] += 1
    return {old: c.most_common(1)[0][0] for old, c in votes.items()}


@lru_cache(maxsize=1)
def _old_names() -> dict[str, str]:
    cw = crosswalk_frame().dropna(subset=["old_code"])
    out = {}
    for r in cw.itertuples(index=False):
        out[r.old_code] = f"{r.old_major_name} > {r.old_middle_name} > {r.old_small_name}"
    return out


# ------------------------------------------------------------------------------------------ public API
def list_categories(level: str | None = None) -> list[Category]:
    """Every category of ``level`` ('major' 10, 'mid' 75, 'minor' 247), or all 332 in code order."""
    if level is not None and level not in LEVELS:
        raise InputError(f"'level'은 major, mid, minor 중 하나여야 합니다. 받은 값: {level!r}.", field="level")
    return sorted((c for c in _nodes().values() if level is None or c.level == level), key=lambda c: c.code)


def minor_codes_under(code: str) -> list[str]:
    """The 2023 소분류 codes under a 대/중/소 code (a 소분류 code gives itself); old codes are mapped first."""
    cat = resolve_category(code)
    return sorted(c.code for c in _nodes().values() if c.level == "minor" and c.code.startswith(cat.code))


def map_old_code(old_code: str, ksic_code: str | None = None) -> OldCodeMapping:
    """Map an old (pre-2023) 소분류 code to a 2023 소분류 code through the publisher's crosswalk.

    Several targets: prefer the one whose 대분류 letter equals the KSIC section letter of the row
    (``ksic_code``), else the first in sheet order. Only ``제외`` rows: no mapping, with the reason.
    """
    old = str(old_code).strip().upper()
    targets = _old_minor_targets().get(old)
    if not targets:
        return OldCodeMapping(old, None, None, reason=f"구 업종코드 '{old}'가 개편 대응표에 없습니다")
    usable = [(new, kind) for new, kind in targets if new]
    if not usable:
        name = _old_names().get(old, old)
        return OldCodeMapping(
            old, None, "제외", reason=f"구 업종 '{old}'({name})는 2023 개편에서 제외되어 새 분류가 없습니다"
        )
    chosen = usable[0]
    if len(usable) > 1 and ksic_code:
        section = str(ksic_code).strip()[:1].upper()
        for new, kind in usable:
            if new[:1] == section:
                chosen = (new, kind)
                break
    return OldCodeMapping(old, chosen[0], chosen[1], alternatives=tuple(n for n, _ in usable if n != chosen[0]))


def _with_input(cat: Category, matched_by: str, text: str, note: str | None = None) -> Category:
    return Category(
        cat.level, cat.code, cat.name, cat.major_code, cat.major_name, cat.mid_code, cat.mid_name,
        cat.minor_code, cat.minor_name, matched_by=matched_by, input=text, note=note,
    )


def suggest_categories(text: str, limit: int = 5) -> list[str]:
    """Names and aliases closest to ``text`` (compared letter by letter in jamo), best first."""
    key = to_jamo(_norm(text))
    words: dict[str, str] = {}
    for c in _nodes().values():
        words.setdefault(to_jamo(_norm(c.name)), c.name)
    for word in _alias_yaml().get("aliases") or {}:
        words.setdefault(to_jamo(_norm(str(word))), str(word))
    hits = difflib.get_close_matches(key, list(words), n=limit, cutoff=0.6)
    if not hits:  # substring matches help for long official names ("음료" → "비알코올 음료점업")
        norm = _norm(text)
        hits = [k for k, v in words.items() if norm and norm in _norm(v)][:limit]
    return [words[h] for h in hits]


def resolve_category(text: str) -> Category:
    """Understand what a user means by an 업종: a code (new or old), an official name or a common word.

    Parameters
    ----------
    text : str
        ``"I21201"``, ``"I212"``, ``"I2"``, ``"Q01A01"`` (old, mapped), ``"카페"``, ``"커피"``,
        ``"비알코올 음료점업"``, ``"치킨"`` ….

    Returns
    -------
    Category
        The 2023 node with its path; ``matched_by`` says how the text was understood.

    Raises
    ------
    InputError
        Empty or unknown text, with up to five suggestions in ``candidates``.

    Examples
    --------
    >>> resolve_category("커피").code
    'I21201'
    >>> resolve_category("Q01A01").code
    'I20101'
    """
    if text is None or not str(text).strip():
        raise InputError(
            "업종('category')을 입력해 주세요. 예: 카페, 치킨, 편의점, 미용실, I21201.",
            field="category", detail="empty category",
        )
    raw = str(text).strip()
    nodes = _nodes()
    upper = raw.upper()
    if upper in nodes:
        return _with_input(nodes[upper], "code", raw)
    if _OLD_CODE.match(upper):
        if upper in _old_minor_targets():
            m = map_old_code(upper)
            if m.new_code is None:
                raise InputError(f"{m.reason}. 2023 업종 이름이나 코드로 다시 입력해 주세요.", field="category",
                                 detail=f"old code {upper} is 제외 in the 2023 crosswalk")
            note = f"구 업종코드 {upper} → {m.new_code} ({m.crosswalk_type})"
            return _with_input(nodes[m.new_code], "old_code", raw, note)
        if upper in _old_group_targets():
            new = _old_group_targets()[upper]
            return _with_input(nodes[new], "old_code", raw, f"구 업종코드 {upper} → {new} (하위 소분류 대부분이 옮겨 간 곳)")
    key = _norm(raw)
    names = _names()
    if key in names:
        return _with_input(nodes[names[key]], "name", raw)
    aliases = _aliases()
    if key in aliases:
        return _with_input(nodes[aliases[key]], "alias", raw)
    if _NEW_CODE.match(upper):
        raise InputError(
            f"업종 코드 '{raw}'는 2023 상권업종분류에 없습니다. 예: I2(음식점업), I212(비알코올 음료점업), I21201(카페).",
            field="category", detail=f"unknown 2023 code {raw!r}",
        )
    suggestions = suggest_categories(raw)
    hint = f" 혹시 {', '.join(repr(s) for s in suggestions[:3])}?" if suggestions else ""
    raise InputError(
        f"업종 {josa(repr(raw), '을/를')} 찾을 수 없습니다.{hint} 업종 이름(카페, 치킨, 편의점 …)이나 코드(I21201)를 입력해 주세요.",
        field="category", detail=f"unknown category {raw!r}", candidates=suggestions,
    )
