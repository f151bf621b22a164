"""Tiny Korean text helpers with no model behind them (particles for messages).

For tokenising, keywords and generation use :mod:`moduai.ai` (Kiwi); this module only picks 조사 so that
messages read naturally: ``josa("포항시", "을/를")`` → "포항시를", ``josa("빵", "이/가")`` → "빵이".
"""

from __future__ import annotations

_PAIRS = {"을/를": ("을", "를"), "이/가": ("이", "가"), "은/는": ("은", "는"), "과/와": ("과", "와"),
          "으로/로": ("으로", "로"), "이라/라": ("이라", "라")}


def has_batchim(word: str) -> bool | None:
    """True if the last Hangul syllable has a final consonant; None if the word ends in no Hangul."""
    for ch in reversed(word.strip().strip("'\"”’)")):
        o = ord(ch) - 0xAC00
        if 0 <= o < 11172:
            return o % 28 != 0
        if ch.isdigit():  # read digits aloud: 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔 have 받침
            return ch in "013678"
        if ch.isalpha():
            return None
    return None


def josa(word: str, pair: str) -> str:
    """``word`` followed by the right particle of ``pair`` ('을/를', '이/가', '은/는', '과/와', '으로/로')."""
    with_b, without_b = _PAIRS[pair]
    b = has_batchim(word)
    if pair == "으로/로" and b:
        last = word.strip()[-1]
        o = ord(last) - 0xAC00
        if 0 <= o < 11172 and o % 28 == 8:  # ㄹ 받침 takes 로 (서울로)
            return word + "로"
    if b is None:
        return f"{word}{with_b}({without_b})"
    return word + (with_b if b else without_b)
