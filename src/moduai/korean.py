"""Korean particles (조사) by rule, with no model behind them: one implementation for the platform.

Messages, rule reasons and templates pick 을/를, 이/가, 은/는, 과/와, (으)로 from the last sound of a word:
a Hangul syllable's 받침 (``0xAC00 + (initial*21 + medial)*28 + final``; final 0 = none, 8 = ㄹ), a digit
read in Sino-Korean (1 일, 3 삼, 9 구), or a Latin ending as spoken (cafe → 카페, book → 북, BREW → 브루).
Bracketed and quoted endings are skipped ("스마트팜(예시)" → 팜).  Kiwi (``moduai.ai.korean``) builds on
this for generated text; this module never loads Kiwi (≈1.3 s, 530 MB), so it is cheap on every request.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from moduai.errors import InputError

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
RIEUL = 8  # jongseong index of ㄹ
# Jongseong index of each digit's Sino-Korean reading: 영(ㅇ) 일(ㄹ) 이 삼(ㅁ) 사 오 육(ㄱ) 칠(ㄹ) 팔(ㄹ) 구.
_DIGIT_FINAL = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}
# Latin endings read with a final consonant (Mall → 몰, book → 북, King → 킹); 'l' reads as ㄹ.
_LATIN_FINAL = re.compile(r"(?:[lmnr]|ng|ck|[bkpt])$", re.IGNORECASE)
_SKIP = set("'\"“”‘’·.,!?  ")

PAIRS = {"이/가": ("이", "가"), "을/를": ("을", "를"), "은/는": ("은", "는"), "과/와": ("과", "와"),
         "으로/로": ("으로", "로"), "이다/다": ("이다", "다"), "이라/라": ("이라", "라")}


def _last_sound(word: str) -> tuple[str, str] | None:
    """The character that decides the particle and the text up to it (brackets, quotes skipped)."""
    depth = 0
    for i in range(len(word) - 1, -1, -1):
        ch = word[i]
        if ch in ")]）」』}>":
            depth += 1
        elif ch in "([（「『{<":
            depth = max(0, depth - 1)
        elif depth == 0 and ch not in _SKIP:
            return ch, word[: i + 1]
    return None


def final_consonant(word: str) -> int | None:
    """Index of the 받침 of the word's last sound (0 none, 8 ㄹ, other > 0); ``None`` if it cannot be told.

    >>> final_consonant("빵"), final_consonant("서울"), final_consonant("커피"), final_consonant("!!")
    (21, 8, 0, None)
    """
    found = _last_sound(word)
    if found is None:
        return None
    ch, text = found
    code = ord(ch)
    if _HANGUL_FIRST <= code <= _HANGUL_LAST:
        return (code - _HANGUL_FIRST) % 28
    if ch in _DIGIT_FINAL:
        return _DIGIT_FINAL[ch]
    if ch.isascii() and ch.isalpha():
        if ch.lower() == "l":
            return RIEUL
        return 1 if _LATIN_FINAL.search(text) else 0
    return None


def has_batchim(word: str) -> bool:
    """True when the word's last sound ends in a consonant (빵 → True, 커피 → False, unknown → False)."""
    return bool(final_consonant(word))


def josa(word: str, pair: str) -> str:
    """``word`` followed by the right particle of ``pair`` ("이/가", "을/를", "은/는", "과/와", "으로/로").

    >>> josa("강릉시", "은/는"), josa("서울", "으로/로"), josa("'포함시'", "을/를")
    ('강릉시는', '서울로', "'포함시'를")
    """
    with_batchim, without = PAIRS[pair]
    jong = final_consonant(word)
    if jong is None:
        return f"{word}{with_batchim}({without})" if pair != "으로/로" else f"{word}(으)로"
    if pair == "으로/로":
        return word + ("로" if jong in (0, RIEUL) else "으로")
    return word + (with_batchim if jong else without)


def number(value: float | int, digits: int = 3) -> str:
    """A number as Korean text shows it: thousands separators, at most ``digits`` decimals with trailing zeros
    dropped, never an exponent: 1000000 → '1,000,000', 1234567.5 → '1,234,567.5', 0.000125 → '0.000125'
    (small values keep three significant digits), -0.5 → '-0.5'; NaN/inf → '—'."""
    v = float(value)
    if not math.isfinite(v):
        return "—"
    if v == 0:
        return "0"
    if abs(v) < 1:  # keep three significant digits of a small value instead of rounding it to 0
        digits = max(digits, -math.floor(math.log10(abs(v))) + 2)
    text = f"{v:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def man_eok(value: float | int) -> str:
    """A large count in 만/억 as people read it: 12,345 → '1.2만', 150,000,000 → '1.5억', 9,999 → '9,999'."""
    v = float(value)
    sign, v = ("-", -v) if v < 0 else ("", v)
    if v >= 1e12:
        return f"{sign}{number(v / 1e12, 1)}조"
    if v >= 1e8:
        return f"{sign}{number(v / 1e8, 1)}억"
    if v >= 1e4:
        return f"{sign}{number(v / 1e4, 1)}만"
    return sign + number(v, 0 if v.is_integer() else 2)


def won(amount: float | int) -> str:
    """A KRW amount in everyday units: 300000000 → '3억 원', 15000000 → '1,500만 원',
    10600000000000 → '10조 6,000억 원'."""
    amount = int(amount)
    if amount < 0:
        return "-" + won(-amount)
    if amount >= 10**12:
        jo, rest = divmod(amount, 10**12)
        eok = rest // 100_000_000
        return f"{jo:,}조 {eok:,}억 원" if eok else f"{jo:,}조 원"
    if amount >= 100_000_000:
        eok, rest = divmod(amount, 100_000_000)
        man = rest // 10_000
        return f"{eok:,}억 {man:,}만 원" if man else f"{eok:,}억 원"
    if amount >= 10_000:
        return f"{amount // 10_000:,}만 원"
    return f"{amount:,}원"


def written_at(stamp: str | None) -> str:
    """An ISO time stamp as a reader's date: ``2026-12-07T06:20:11+00:00`` → ``2026년 12월 7일 15:20 (한국 시간)``
    (a stamp without a zone is taken as written; text that is not a stamp comes back unchanged)."""
    try:
        t = dt.datetime.fromisoformat(str(stamp))
    except (TypeError, ValueError):
        return str(stamp or "")
    if t.tzinfo is not None:
        t = t.astimezone(dt.timezone(dt.timedelta(hours=9)))
    return f"{t.year}년 {t.month}월 {t.day}일 {t:%H:%M}" + (" (한국 시간)" if t.tzinfo is not None else "")


_FLOOR_NUMBER = re.compile(r"(?:(지하?|B)\s*)?(\d+)\s*층?", re.IGNORECASE)


def floor_label(value: str | None) -> str:
    """상가정보 층정보 as people say it: '1' → '1층', '지' → '지하', 'B1'·'지1' → '지하 1층'; empty stays empty and
    anything else ('옥상', '1~2') is kept as written."""
    text = str(value or "").strip()
    if text in ("", "nan", "None"):
        return ""
    if text in ("지", "지하", "B"):
        return "지하"
    m = _FLOOR_NUMBER.fullmatch(text)
    if not m:
        return text
    return f"지하 {int(m.group(2))}층" if m.group(1) else f"{int(m.group(2))}층"


def to_jamo(text: str) -> str:
    """Hangul decomposed into jamo, so '카패' and '카페' (or '포함시' and '포항시') differ by one letter,
    not one syllable — what fuzzy suggestions should compare."""
    return unicodedata.normalize("NFD", text)


_WON_UNITS = {"조": 10**12, "억": 10**8, "천만": 10**7, "백만": 10**6, "만": 10**4, "천": 10**3}
_WON_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(조|억|천만|백만|만|천)?")


def parse_won(text: str | int | float, *, field: str = "금액", label: str | None = None) -> int:
    """The inverse of :func:`won` for what people type: '10.6조' → 10,600,000,000,000, '120억' →
    12,000,000,000, '3억 5천만' → 350,000,000, '1,500,000원' → 1,500,000. Refuses anything else with a
    Korean message naming ``field`` — by ``label`` with the field after it (``예산(budget)``) when given."""

    word = label or field

    def subject(pair: str) -> str:  # "예산(budget)을": the particle follows the Korean name
        return (f"{label}({field})" if label else field) + josa(word, pair)[len(word):]

    if isinstance(text, bool):
        raise InputError(f"{subject('은/는')} 금액이어야 합니다 (예: 120억, 10.6조, 1500000).", field=field)
    if isinstance(text, (int, float)):
        if text < 0 or text != text:
            raise InputError(f"{subject('은/는')} 0 이상의 금액이어야 합니다. 받은 값: {text}.", field=field)
        return int(round(text))
    s = str(text).replace(",", "").replace(" ", "").removesuffix("원")
    pos, total, seen = 0, 0.0, False
    while pos < len(s):
        m = _WON_PART.match(s, pos)
        if not m or m.end() == pos:
            raise InputError(f"{subject('을/를')} 금액으로 읽을 수 없습니다. 받은 값: '{text}'. "
                             "예: 120억, 10.6조, 3억 5천만, 1500000.", field=field)
        total += float(m.group(1)) * _WON_UNITS.get(m.group(2) or "", 1)
        seen, pos = True, m.end()
    if not seen:
        raise InputError(f"{subject('이/가')} 비어 있습니다. 예: 120억, 10.6조.", field=field)
    return int(round(total))
