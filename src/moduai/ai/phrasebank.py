"""The offline generator's phrase bank: 업종 (category) aliases, menu words and seasonal phrases (YAML data)."""

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
    menu: tuple[str, ...]
    season_phrases: dict[str, tuple[str, ...]]


def season_of(month: int) -> str:
    """봄 (3–5), 여름 (6–8), 가을 (9–11), 겨울 (12–2)."""
    if not 1 <= month <= 12:
        raise InputError(f"'month' 값은 1~12여야 합니다. 받은 값: {month}.", field="month")
    return SEASONS[((month - 3) % 12) // 3]


@lru_cache(maxsize=1)
def load_phrasebank() -> dict[str, Category]:
    raw = yaml.safe_load(PHRASEBANK_PATH.read_text(encoding="utf-8"))
    out: dict[str, Category] = {}
    for key, entry in raw["categories"].items():
        seasons = entry.get("season") or {}
        missing = [s for s in SEASONS if s not in seasons]
        if missing:
            raise InputError(f"phrasebank.yaml '{key}'에 계절 문구가 없습니다: {', '.join(missing)}", field=key)
        out[key] = Category(
            key=key, noun=entry["noun"], aliases=tuple(entry.get("aliases") or [key]),
            menu=tuple(entry.get("menu") or []), season_phrases={s: tuple(seasons[s]) for s in SEASONS},
        )
    return out


def _norm(text: str) -> str:
    return "".join(text.split()).lower()


def resolve_category(text: str | None) -> Category:
    """The phrase-bank category for a free-text 업종 ("브런치 카페" → 카페); raises InputError if unknown."""
    bank = load_phrasebank()
    if not text or not text.strip():
        return bank["일반"]
    needle = _norm(text)
    for cat in bank.values():
        if needle in {_norm(a) for a in cat.aliases} or needle == _norm(cat.key):
            return cat
    # Partial match ("동네 빵집" contains 빵집) — longest alias wins so 브런치카페 beats 카페.
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
