"""The offline generator's phrase bank: 업종 nouns by taxonomy code, and seasonal tone phrases (YAML data).

Seasonal phrases set a tone ("따뜻한 봄날") and never add products, seats, events or services; an 업종
word typed by an owner is understood by the platform's one mapping (``moduai.commerce.taxonomy``, used by
:mod:`moduai.marketing.copy`), and :func:`category_for_code` turns its code into the noun used in copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from moduai.errors import InputError
from moduai.korean import josa

PHRASEBANK_PATH = Path(__file__).with_name("data") / "phrasebank.yaml"
SEASONS = ("봄", "여름", "가을", "겨울")


@dataclass(frozen=True)
class Category:
    """One 업종 of the phrase bank."""

    key: str
    noun: str
    aliases: tuple[str, ...]
    codes: tuple[str, ...]
    season_phrases: dict[str, tuple[str, ...]]  # tone only: safe in customer-facing copy
    menu: tuple[str, ...] = ()  # calendar ideas for the owner, never copy
    season_ideas: dict[str, tuple[str, ...]] | None = None  # calendar ideas for the owner, never copy


def season_of(month: int) -> str:
    """봄 (3–5), 여름 (6–8), 가을 (9–11), 겨울 (12–2)."""
    if not 1 <= month <= 12:
        raise InputError(f"계절 기준 달(month)은 1~12 사이여야 합니다. 받은 값: {month}.", field="month")
    return SEASONS[((month - 3) % 12) // 3]


@lru_cache(maxsize=1)
def load_phrasebank() -> dict[str, Category]:
    raw = yaml.safe_load(PHRASEBANK_PATH.read_text(encoding="utf-8"))
    tone = raw.get("season_tone") or {}
    missing = [s for s in SEASONS if s not in tone]
    if missing:
        raise InputError(f"phrasebank.yaml에 계절 문구가 없습니다: {', '.join(missing)}", field="season_tone")
    out: dict[str, Category] = {}
    for key, entry in raw["categories"].items():
        out[key] = Category(
            key=key, noun=entry["noun"], aliases=tuple(entry.get("aliases") or [key]),
            codes=tuple(str(c) for c in entry.get("codes") or []),
            season_phrases={s: tuple(tone[s]) for s in SEASONS},
            menu=tuple(entry.get("menu") or []),
            season_ideas={s: tuple((entry.get("season") or {}).get(s) or tone[s]) for s in SEASONS},
        )
    return out


def category_for_code(code: str | None) -> Category:
    """The phrase-bank category whose code prefix is the longest prefix of ``code`` (일반 when none)."""
    bank = load_phrasebank()
    best: tuple[int, Category] | None = None
    for cat in bank.values():
        for prefix in cat.codes:
            if code and code.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), cat)
    return best[1] if best else bank["일반"]


def _norm(text: str) -> str:
    return "".join(text.split()).lower()


def resolve_category(text: str | None) -> Category:
    """Fallback for words the taxonomy does not know: the phrase-bank category by alias; raises InputError."""
    bank = load_phrasebank()
    if not text or not text.strip():
        return bank["일반"]
    needle = _norm(text)
    for cat in bank.values():
        if needle in {_norm(a) for a in cat.aliases} or needle == _norm(cat.key):
            return cat
    best: tuple[int, Category] | None = None
    for cat in bank.values():
        for alias in cat.aliases:
            a = _norm(alias)
            if len(a) >= 2 and a in needle and (best is None or len(a) > best[0]):
                best = (len(a), cat)
    if best:
        return best[1]
    allowed = ", ".join(bank)
    raise InputError(
        f"'업종' 값 {josa(repr(text), '을/를')} 알 수 없습니다. 가능한 값: {allowed}. 가장 가까운 업종을 골라 주세요.",
        field="category", detail=f"unknown category {text!r}",
    )
