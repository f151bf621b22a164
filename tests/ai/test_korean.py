"""Particles after words with and without 받침, sentence split, keywords — checked by hand."""

from __future__ import annotations

import pytest

from moduai.ai.korean import (
    WordSpans,
    fill_template,
    final_consonant,
    has_batchim,
    keywords,
    nouns,
    particle_for,
    split_sentences,
)


@pytest.mark.parametrize(
    ("word", "particle", "expected"),
    [
        ("커피", "을", "커피를"), ("빵", "를", "빵을"),
        ("카페", "이", "카페가"), ("빵집", "가", "빵집이"),
        ("카페", "은", "카페는"), ("빵집", "는", "빵집은"),
        ("카페", "과", "카페와"), ("빵", "와", "빵과"),
        ("서울", "으로", "서울로"), ("부산", "로", "부산으로"), ("카페", "으로", "카페로"),
        ("카페", "이에요", "카페예요"), ("빵집", "예요", "빵집이에요"),
        ("카페", "이라서", "카페라서"), ("빵집", "라서", "빵집이라서"),
        ("Cafe 9", "을", "Cafe 9를"), ("매장 1", "이", "매장 1이"), ("BREW", "이", "BREW가"),
        ("치킨", "이랑", "치킨이랑"), ("떡볶이", "이랑", "떡볶이랑"),
    ],
)
def test_particles_follow_the_final_consonant(word, particle, expected):
    assert word + particle_for(word, particle) == expected


def test_final_consonant_reads_hangul_and_digits():
    assert final_consonant("빵") == 21  # ㅇ
    assert final_consonant("서울") == 8  # ㄹ
    assert final_consonant("커피") == 0
    assert has_batchim("3") and not has_batchim("2")
    assert final_consonant("!!") is None


def test_fill_template_matches_kiwi_reference_sentence():
    out = fill_template("{a}을 좋아하는 {b}에게 {c}를 추천합니다", a="커피", b="손님", c="빵")
    assert out == "커피를 좋아하는 손님에게 빵을 추천합니다"
    assert fill_template("{shop}이 문을 열었어요", shop="모두 카페") == "모두 카페가 문을 열었어요"
    assert fill_template("{shop}이 문을 열었어요", shop="회기동 빵집") == "회기동 빵집이 문을 열었어요"
    with pytest.raises(KeyError):
        fill_template("{missing}을", shop="x")


def test_sentences_keywords_and_nouns():
    sents = split_sentences("커피가 맛있어요. 근데 좀 비싸요! 다음에 또 올게요")
    assert sents == ["커피가 맛있어요.", "근데 좀 비싸요!", "다음에 또 올게요"]
    assert split_sentences("   ") == []
    assert "소상공인" in nouns("소상공인을 위한 브런치카페 안내")  # domain word kept whole
    kw = keywords(["커피 맛이 좋아요", "커피 가격이 좋아요", "빵 맛도 좋아요"], top=2)
    assert kw[0] == ("커피", 2)


def test_hangul_after_a_slot_is_not_a_particle():
    # "{lead}이번 주": 이 starts the next word, it is not the subject particle.
    assert fill_template("{lead}이번 주 추천", lead="카페가 있어요. ") == "카페가 있어요. 이번 주 추천"
    assert fill_template("{x}이번", x="빵") == "빵이번"
    assert fill_template("{x}이었어요", x="카페") == "카페였어요"
    assert fill_template("{x}이 좋아", x="카페") == "카페가 좋아"


def _kiwi_particle(word: str, particle: str) -> str:
    """The particle as the former ``particle_for`` chose it for a Hangul-final word: Kiwi's ``join`` of the
    last word (as a noun) and the tagged particle, the 받침 rule only when Kiwi rewrote the word."""
    from moduai.ai.korean import PARTICLES, RIEUL, get_kiwi

    after_consonant, after_vowel, tag = PARTICLES[particle]
    last = word.rstrip().split()[-1]
    joined = get_kiwi().join([(last, "NNG"), (after_consonant, tag)])
    if joined.startswith(last):
        return joined[len(last):]
    jong = final_consonant(word)
    if after_consonant == "으로":
        return "로" if jong in (0, RIEUL) else "으로"
    return after_consonant if jong else after_vowel


def test_particle_rule_equals_kiwi_join_for_every_syllable():
    """particle_for no longer loads Kiwi: for every Hangul syllable and every particle Kiwi tags, the 받침 rule
    must give what Kiwi's join gave (the independent reference)."""
    from moduai.ai.korean import PARTICLES

    tagged = [p for p, (_, _, tag) in PARTICLES.items() if tag is not None]
    assert len(tagged) == 14
    differ = [(chr(c), p) for c in range(0xAC00, 0xD7A4) for p in tagged
              if particle_for(chr(c), p) != _kiwi_particle(chr(c), p)]
    assert differ == []


def test_particle_rule_equals_kiwi_join_for_real_words():
    """Multi-syllable words the pages fill in: every region name of the spine and every phrase-bank noun/menu."""
    from moduai.ai.korean import DOMAIN_WORDS, PARTICLES
    from moduai.ai.phrasebank import load_phrasebank
    from moduai.regions import list_regions

    words = {r.name for level in ("sido", "sigungu", "gu") for r in list_regions(level)}
    words |= {w for w, _ in DOMAIN_WORDS}
    for cat in load_phrasebank().values():
        words |= {cat.noun, *cat.menu}
    words = {w for w in words if w and "\uac00" <= w.rstrip()[-1] <= "\ud7a3"}
    assert len(words) > 250
    tagged = [p for p, (_, _, tag) in PARTICLES.items() if tag is not None]
    differ = [(w, p) for w in sorted(words) for p in tagged if particle_for(w, p) != _kiwi_particle(w, p)]
    assert differ == []


def test_fill_template_does_not_load_kiwi():
    import subprocess
    import sys

    code = ("import sys; from moduai.ai.korean import fill_template; "
            "assert fill_template('{a}을 {b}와', a='커피', b='빵') == '커피를 빵과'; "
            "print('kiwipiepy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_word_spans_mark_every_occurrence_longest_first():
    spans = WordSpans(["스마트", "스마트팜"], "NNP")
    # 스마트팜과 스마트 공장: 스마트팜 at 0–4 (the longer word wins over 스마트), 스마트 at 6–9
    assert spans("스마트팜과 스마트 공장") == [(0, 4, "NNP"), (6, 9, "NNP")]
    assert spans("청년 창업") == []
    assert WordSpans([])("스마트팜") == []  # not a zero-length span at every position
