"""Korean text utilities shared by every module: one cached Kiwi, tokens, nouns, keywords, sentences, 조사.

Kiwi (``kiwipiepy``) loads in about 1.3 s and takes about 530 MB, so the process keeps exactly one
instance (:func:`get_kiwi`), with the platform's domain words added once.

Particle choice (``커피를`` / ``빵을``, ``카페가`` / ``빵집이``) follows the 받침 of the last syllable, by the
rule table below.  For Hangul-final words and the particles Kiwi tags, the rule gives exactly what Kiwi's own
``join`` gives (checked for every syllable by the tests), so a 조사 never loads Kiwi; the copula forms
(``이에요``/``예요``, ``이라서``/``라서``) that Kiwi's template gets wrong (it writes "카페에요") and words ending in
digits or Latin letters have always used the rule, so the result is right for "Cafe 9" as well as for "빵집".
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from moduai.korean import RIEUL
from moduai.korean import final_consonant as final_consonant  # re-exported: callers of moduai.ai.korean
from moduai.korean import has_batchim as has_batchim

# Words Kiwi splits badly out of the box (소상공인 → 소/XPN + 상공인).  NNP keeps shop words whole.
DOMAIN_WORDS: tuple[tuple[str, str], ...] = (
    ("소상공인", "NNG"), ("브런치카페", "NNG"), ("브런치", "NNG"), ("디저트카페", "NNG"),
    ("베이커리", "NNG"), ("빵집", "NNG"), ("스마트스토어", "NNG"), ("플레이스", "NNG"),
    ("인스타그램", "NNP"), ("카카오채널", "NNP"), ("상권", "NNG"), ("배달앱", "NNG"),
    ("재방문", "NNG"), ("포장", "NNG"), ("가성비", "NNG"), ("노키즈존", "NNG"), ("웨이팅", "NNG"),
)

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _build_kiwi():
    # deferred: kiwipiepy loads a morphological analyser; only Korean text analysis needs it
    from kiwipiepy import Kiwi

    kiwi = Kiwi()
    for word, tag in DOMAIN_WORDS:
        kiwi.add_user_word(word, tag, 0.0)
    # Kiwi loads its language model on the first analysis (≈ 1.6 CPU s, ≈ 180 MB): here, under the lock, so the
    # serve warm-up pays it instead of the first review analysis, assistant question or copy check
    kiwi.tokenize("리뷰")
    return kiwi


def get_kiwi():
    """The process-wide Kiwi instance (built on first use, domain words added).  Built under a lock: a caller
    that arrives while the serve warm-up is building it waits for that one instead of building a second."""
    with _lock:
        return _build_kiwi()


class WordSpans:
    """A caller's own words, kept whole by the shared Kiwi: pass the object as ``pretokenized=`` to
    ``get_kiwi().tokenize``, and each occurrence of a word in the text is one morpheme with ``tag``.

    Why not ``add_user_word``: a word added to the shared dictionary changes every other caller's tokens (and
    a blocklist cannot undo it, because it also blocks Kiwi's built-in morpheme of the same form), and a
    second Kiwi with its own words costs ≈ 430 MB more (docs/notes/onekiwi.md).  Spans given per call touch
    only that call.  Longer words win where two overlap; matches do not overlap.
    """

    def __init__(self, words: Iterable[str], tag: str = "NNP") -> None:
        self.words = tuple(words)
        self.tag = tag
        # no words, no pattern: an empty alternation would match the empty string at every position
        self._pattern = re.compile("|".join(sorted(map(re.escape, self.words), key=len, reverse=True))) \
            if self.words else None

    def __call__(self, text: str) -> list[tuple[int, int, str]]:
        if self._pattern is None:
            return []
        return [(m.start(), m.end(), self.tag) for m in self._pattern.finditer(text)]


# ---------------------------------------------------------------------------------------------- 받침

# particle written in a template → (form after a consonant, form after a vowel, Kiwi tag or None)
PARTICLES: dict[str, tuple[str, str, str | None]] = {}
for _pair, _tag in (
    (("이", "가"), "JKS"), (("을", "를"), "JKO"), (("은", "는"), "JX"), (("과", "와"), "JC"),
    (("이랑", "랑"), "JKB"), (("아", "야"), "JKV"),
):
    for _form in _pair:
        PARTICLES[_form] = (_pair[0], _pair[1], _tag)
# Copula and endings Kiwi's template gets wrong after vowels ("카페에요"): rule only.
for _pair in (("이에요", "예요"), ("이라서", "라서"), ("이라", "라"), ("이었", "였"), ("이나", "나"),
              ("이든", "든"), ("이면", "면"), ("이고", "고"), ("이지만", "지만"), ("이죠", "죠"), ("이다", "다")):
    for _form in _pair:
        PARTICLES[_form] = (_pair[0], _pair[1], None)
PARTICLES["으로"] = PARTICLES["로"] = ("으로", "로", "JKB")


def particle_for(word: str, particle: str) -> str:
    """The right form of ``particle`` after ``word``: ``particle_for("빵", "를") == "을"``.

    ``으로/로`` takes ``로`` after ㄹ (서울로).  Unknown endings (symbols) keep the written form.
    """
    if particle not in PARTICLES:
        raise ValueError(f"unknown particle {particle!r}; known: {sorted(PARTICLES)}")
    after_consonant, after_vowel, tag = PARTICLES[particle]
    jong = final_consonant(word)
    if jong is None:
        return particle
    # The 받침 rule below is what Kiwi's ``join`` answers for every Hangul syllable and tagged particle
    # (tests/ai/test_korean.py checks all 11,172 × 14), so no Kiwi (≈1.3 s, 530 MB) is loaded for a 조사.
    if after_consonant == "으로":
        return "로" if jong in (0, RIEUL) else "으로"
    return after_consonant if jong else after_vowel


# A one-syllable particle counts only when no Hangul follows it, so "{lead}이번 주" keeps 이번 (not a particle).
_SINGLE = sorted((p for p in PARTICLES if len(p) == 1), key=len, reverse=True)
_MULTI = sorted((p for p in PARTICLES if len(p) > 1), key=len, reverse=True)
_SLOT = re.compile(
    r"\{(\w+)\}((?:" + "|".join(map(re.escape, _MULTI)) + r")|(?:" + "|".join(map(re.escape, _SINGLE))
    + r")(?![가-힣]))?"
)


def fill_template(template: str, **slots: object) -> str:
    """Fill ``{name}`` slots and fix the particle written right after each slot.

    >>> fill_template("{item}을 좋아하는 {who}에게 {gift}를 추천합니다", item="커피", who="손님", gift="빵")
    '커피를 좋아하는 손님에게 빵을 추천합니다'

    Unknown slot names raise ``KeyError`` (a phrase-bank typo must not reach a customer).
    """

    def _sub(m: re.Match[str]) -> str:
        value = str(slots[m.group(1)])
        particle = m.group(2)
        if not particle or not value or value[-1].isspace():
            # A value ending in a space (a whole sentence such as {lead}) takes no particle.
            return value + (particle or "")
        return value + particle_for(value, particle)

    return _SLOT.sub(_sub, template)


# ---------------------------------------------------------------------------------------- analysis
@dataclass(frozen=True)
class Morph:
    form: str
    tag: str
    start: int
    length: int


def tokenize(text: str) -> list[Morph]:
    """Morphemes of ``text`` (Kiwi tags, e.g. NNG noun, VA adjective, JKO object particle)."""
    return [Morph(t.form, t.tag, t.start, t.len) for t in get_kiwi().tokenize(text)]


_NOUN_TAGS = ("NNG", "NNP", "SL")


def nouns(text: str, *, min_len: int = 1) -> list[str]:
    """Nouns in order of appearance (common, proper and Latin words)."""
    return [m.form for m in tokenize(text) if m.tag in _NOUN_TAGS and len(m.form) >= min_len]


def keywords(texts: list[str] | str, *, top: int = 10, stopwords: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    """The ``top`` most frequent nouns of two or more characters across ``texts``, with counts.

    Ties are broken by first appearance so the output is deterministic.
    """
    if isinstance(texts, str):
        texts = [texts]
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(n for n in nouns(text, min_len=2) if n not in stopwords)
    return counts.most_common(top)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` by Kiwi's ``split_into_sents`` (handles missing final punctuation)."""
    text = text.strip()
    if not text:
        return []
    return [s.text.strip() for s in get_kiwi().split_into_sents(text) if s.text.strip()]


def char_count(text: str) -> int:
    """Length as a reader counts it (characters, emoji and spaces included) — channel limits use this."""
    return len(text)
