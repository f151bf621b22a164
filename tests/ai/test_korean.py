"""Particles after words with and without 받침, sentence split, keywords — checked by hand."""

from __future__ import annotations

import pytest

from moduai.ai.korean import (
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
