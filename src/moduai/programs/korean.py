"""Korean particles (조사) chosen by the last syllable's 받침, so reasons read naturally.

kiwipiepy's ``Kiwi.join`` does the same but costs ≈1.3 s and ≈530 MB to load; the rule engine runs on
every request, so it uses this small check instead (Unicode Hangul syllables are
``0xAC00 + (initial*21 + medial)*28 + final``; ``final == 0`` means no 받침, ``final == 8`` is ㄹ).
"""

from __future__ import annotations

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
# Whether the Korean reading of each final digit ends in a consonant: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGIT_BATCHIM = {"0": True, "1": True, "2": False, "3": True, "4": False, "5": False,
                  "6": True, "7": True, "8": True, "9": False}
_DIGIT_RIEUL = {"1", "7", "8"}  # 일, 칠, 팔 end in ㄹ (→ "로", not "으로")
# Latin letters read with a final consonant when spoken in Korean (L 엘, M 엠, N 엔, R 알).
_LATIN_BATCHIM = set("lmnr")

PAIRS = {"이/가": ("이", "가"), "을/를": ("을", "를"), "은/는": ("은", "는"), "과/와": ("과", "와"),
         "으로/로": ("으로", "로"), "이다/다": ("이다", "다"), "이라/라": ("이라", "라")}


def _last_sound(word: str) -> str | None:
    """The last character that decides the particle, skipping brackets, quotes and spaces."""
    text = word.rstrip()
    depth = 0
    for ch in reversed(text):
        if ch in ")]）」』":
            depth += 1
            continue
        if ch in "([（「『":
            depth = max(0, depth - 1)
            continue
        if depth or ch in "'\"·. ":
            continue
        return ch
    return None


def final_consonant(word: str) -> str | None:
    """'none', 'rieul' (ㄹ) or 'other' for the word's last sound; ``None`` if it cannot be told."""
    ch = _last_sound(word)
    if ch is None:
        return None
    code = ord(ch)
    if _HANGUL_FIRST <= code <= _HANGUL_LAST:
        final = (code - _HANGUL_FIRST) % 28
        return "none" if final == 0 else ("rieul" if final == 8 else "other")
    if ch in _DIGIT_BATCHIM:
        if not _DIGIT_BATCHIM[ch]:
            return "none"
        return "rieul" if ch in _DIGIT_RIEUL else "other"
    if ch.isascii() and ch.isalpha():
        return "other" if ch.lower() in _LATIN_BATCHIM else "none"
    return None


def josa(word: str, pair: str) -> str:
    """``word`` followed by the right particle of ``pair`` ("이/가", "을/를", "은/는", "과/와", "으로/로").

    >>> josa("강릉시", "은/는"), josa("서울", "으로/로"), josa("소상공인", "을/를")
    ('강릉시는', '서울로', '소상공인을')
    """
    with_batchim, without = PAIRS[pair]
    sound = final_consonant(word)
    if sound is None:
        return f"{word}{with_batchim}({without})" if pair != "으로/로" else f"{word}(으)로"
    if pair == "으로/로":
        return word + ("로" if sound in ("none", "rieul") else "으로")
    return word + (without if sound == "none" else with_batchim)


def won(amount: float | int) -> str:
    """A KRW amount in everyday units: 300000000 → '3억 원', 15000000 → '1,500만 원'."""
    amount = int(amount)
    if amount >= 100_000_000:
        eok, rest = divmod(amount, 100_000_000)
        man = rest // 10_000
        return f"{eok:,}억 {man:,}만 원" if man else f"{eok:,}억 원"
    if amount >= 10_000:
        return f"{amount // 10_000:,}만 원"
    return f"{amount:,}원"
