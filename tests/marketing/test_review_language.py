"""Issue 15: sentiment and aspects that read Korean (morphemes, negation, 포기, 신조어) — the exact sentences
the issue reported, real review rows (tests/fixtures/reviews/yogiyo_sample_300.csv), and the reply rules."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from moduai.marketing.review_sentiment import aspect_polarities, aspects_in, classify_review, lexicon_hits
from moduai.marketing.reviews import ReviewRecord, analyze_reviews

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "reviews" / "yogiyo_sample_300.csv"


@pytest.mark.parametrize("text,label", [
    ("인생 짬뽕", "positive"),
    ("사장님 너무 따숩으심", "positive"),
    ("1청결 포기 2친절함 포기 3가격 포기", "negative"),
    ("잡내가 살짝 있어요", "negative"),
    ("웨이팅이 너무 길어요", "negative"),
    ("직원이 불친절했어요. 다시 안 갈래요", "negative"),
    ("배달이 30분만에 왔어요!!", "positive"),
    # harmless clauses carry no opinion: a review that praises is not 복합 because of them
    ("맛있게 잘 먹었습니다 수고하세요", "positive"),
    ("맛있어요! 다음엔 사진을 찍어야겠습니다", "positive"),
    ("맛있는데 양이 적어요", "mixed"),
    ("주차가 불편하지만 빵은 정말 맛있어요", "mixed"),
])
def test_issue_sentences(text, label):
    assert classify_review(text).label == label, (text, classify_review(text))


def test_negation_and_giving_up_read_the_other_way():
    hits = {h.cue: h.polarity for h in lexicon_hits("1청결 포기 2친절함 포기 3가격 포기")}
    assert hits["청결"] == -1 and hits["친절하다"] == -1  # 포기 negates the praise word before it
    assert [h.polarity for h in lexicon_hits("잡내가 하나도 없어요")] == [1]  # a negated complaint is praise
    assert [h.polarity for h in lexicon_hits("사장님이 친절하지 않아요")] == [-1]
    assert [(h.cue, h.polarity) for h in lexicon_hits("불친절해요")] == [("불친절하다", -1)]  # not also 친절


def test_aspects_are_morphemes_not_substrings():
    assert "분위기" not in aspects_in("리뷰 이벤트 참여합니다")  # 뷰 inside 리뷰
    assert "분위기" in aspects_in("뷰가 정말 좋아요")
    assert "맛" not in aspects_in("배달 시간이 오래 걸렸어요")  # 간이 inside 시간이
    assert "맛" in aspects_in("간이 딱 맞아요")
    for text in ("배달 빨라요", "배달이 빨랐어요", "배달 빠르고 좋아요"):  # 빠르다 → 빨라/빨랐
        assert aspect_polarities(classify_review(text)) == {"배달": "positive"}, text


def test_delivery_praise_is_not_called_a_delivery_complaint():
    pol = aspect_polarities(classify_review("배달이 30분만에 왔어요!!"))
    assert pol == {"배달": "positive"}
    assert aspect_polarities(classify_review("배달이 너무 늦게 와서 다 식었어요"))["배달"] == "negative"


def _fixture_rows() -> list[dict]:
    with FIXTURE.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _records(rows) -> list[ReviewRecord]:
    return [ReviewRecord(i + 2, dt.date(2026, 11, 1), float(r), t) for i, (r, t) in enumerate(rows)]


def test_reply_cases_from_the_issue():
    a = analyze_reviews(_records([
        (2, "직원이 불친절했어요. 다시 안 갈래요"),
        (1, "음식이 다 식어서 왔어요. 배달이 너무 늦었어요"),
        (5, "배달이 30분만에 왔어요!!"),
        (4, "맛있는데 양이 적어요"),
    ]), shop="모두의 국밥")
    rude, cold, fast, mixed = (r.reply for r in a.reviews)
    assert "불친절한 응대로 불편을 드려" in rude and "친절 때문에" not in rude and "감사합니다." not in rude.split(" ", 5)[-1]
    assert "좋은 말씀" not in rude and "좋은 말씀" not in cold  # a complaint is never thanked for "kind words"
    assert "배달 문제로 불편을 드려" in cold
    assert "빠른 배달을 좋게 봐 주셔서" in fast and "죄송" not in fast
    assert "맛을 좋게 봐 주셔서" in mixed and "부족한 양으로 불편을 드려" in mixed
    assert all("모두의 국밥" in r.reply for r in a.reviews)


def test_no_reply_is_drafted_without_a_shop_name():
    for shop in (None, "", "내 가게", "저희 가게"):
        a = analyze_reviews(_records([(5, "맛있어요")]), shop=shop)
        assert a.reviews[0].reply == "" and "가게 이름" in a.notes[0], shop


def test_urgent_reviews_always_surface():
    a = analyze_reviews(_records([
        (1, "직원분이 너무 불친절하네요"),
        (2, "국에서 머리카락 나왔어요"),
        (5, "맛있어요"),
        (4, "친절하진 않지만 맛은 좋아요"),  # 불친절 counts as urgent only at ≤ 2★
        (2, "양이 너무 적어요"),  # any ≤ 2★ review is read before replying
        (5, "먹고 배탈 났어요"),  # health claims whatever the stars
    ]), shop="모두의 국밥")
    flagged = {r.line: [f.flag for f in r.flags] for r in a.attention}
    assert flagged == {2: ["불친절", "낮은 별점"], 3: ["이물질", "낮은 별점"], 6: ["낮은 별점"], 7: ["식중독"]}


def test_every_low_star_reply_apologises_for_what_the_review_names():
    """All ≤ 2★ rows of the real fixture: the reply apologises, and names each criticised aspect."""
    import yaml

    from moduai.marketing.reviews import DATA_DIR

    words = yaml.safe_load((DATA_DIR / "reply_templates.yaml").read_text(encoding="utf-8"))
    rows = [r for r in _fixture_rows() if min(int(r["맛"]), int(r["양"]), int(r["배달"])) <= 2]
    stars = [min(int(r["맛"]), int(r["양"]), int(r["배달"])) for r in rows]
    a = analyze_reviews(_records([(s, " ".join(r["상세리뷰"].split())) for s, r in zip(stars, rows)]),
                        shop="모두의 국밥")
    assert len(a.reviews) == 100
    for r in a.reviews:
        assert "죄송" in r.reply, r.text
        assert "좋은 말씀" not in r.reply and "따뜻한 리뷰" not in r.reply
        for m in r.aspects:
            if m.polarity == "negative":
                assert words["issue_words"][m.aspect] in r.reply, (r.text, r.reply)


def test_hand_labelled_aspect_sentences():
    """50 sentences for the aspects the Yogiyo stars cannot check (가격, 친절, 위생, 분위기, 주차), labelled by
    the guide in tests/marketing/data/ASPECT_SENTENCES.md: each names its aspect with the labelled polarity."""
    path = Path(__file__).with_name("data") / "aspect_sentences.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 50 and {r["aspect"] for r in rows} == {"가격", "친절", "위생", "분위기", "주차"}
    wrong = [r["text"] for r in rows
             if aspect_polarities(classify_review(r["text"])).get(r["aspect"]) != r["label"]]
    # Measured: 49 of 50 ("주차할 곳이 없어요": 없어요 is read as the negation of nothing it follows).
    assert len(wrong) <= 1, wrong


def test_conceded_complaints_read_as_let_pass_and_are_still_apologised_for():
    """A complaint conceded (-지만/-는데) or softened (좀, 조금) in a review positive on the whole reads positive
    for 맛/양/배달 (the development restaurants' own aspect stars mostly say so), marked conceded: the reply
    thanks for what was praised and apologises for the conceded point, never thanks for it."""
    from moduai.marketing.review_sentiment import aspect_readings

    r = classify_review("배달이 좀 늦었지만 맛있어요")
    assert r.label == "positive"  # a mild concession is no opposite opinion of its own
    readings = aspect_readings(r)
    assert readings["배달"].polarity == "positive" and readings["배달"].conceded
    assert readings["맛"].polarity == "positive" and not readings["맛"].conceded
    # plain complaints stay complaints
    plain = aspect_readings(classify_review("음식이 다 식어서 왔어요. 배달이 너무 늦었어요"))
    assert plain["배달"].polarity == "negative" and not plain["배달"].conceded
    # a concession without a softener still makes a review mixed (the issue's sentence)
    assert classify_review("주차가 불편하지만 빵은 정말 맛있어요").label == "mixed"
    a = analyze_reviews(_records([(5, "배달이 좀 늦었지만 맛있어요"), (1, "배달이 너무 늦게 와서 다 식었어요")]),
                        shop="모두의 국밥")
    late_but_good, late = (x.reply for x in a.reviews)
    assert "맛을 좋게 봐 주셔서" in late_but_good and "배달 문제로 불편을 드려" in late_but_good
    assert "빠른 배달" not in late_but_good
    assert "배달 문제로 불편을 드려" in late and "좋게 봐 주셔서" not in late


def test_words_that_only_look_like_cues():
    assert lexicon_hits("이북식이라 콩나물이 들어가나봐요") == []  # 식 of 이북식 is not 식다
    assert lexicon_hits("이런식으로 해주실거면") == []
    assert [h.cue for h in lexicon_hits("다 식어서 왔어요")] == ["식/VV"]
    assert "배달" not in aspects_in("배달비가 생겨서 아쉬워요")  # the fee, not the delivery
    assert "배달" in aspects_in("배달이 빨라요")
    assert [h.polarity for h in lexicon_hits("배터지게 먹었어요") if h.weight] == [1]
    assert [h.polarity for h in lexicon_hits("포장이 터져서 왔어요")] == [-1]
