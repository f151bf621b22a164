"""Review import checks, sentiment/aspects/flags, reply drafts in three tones."""

from __future__ import annotations

import pytest

from moduai.errors import ImportRejected, InputError
from moduai.marketing.review_sentiment import classify_review, lexicon_counts, split_clauses
from moduai.marketing.reviews import analyze_reviews, parse_reviews_csv

CSV = """날짜,평점,내용,작성자
2025-03-02,5,커피가 정말 맛있고 사장님이 친절해요! 또 올게요,김민수
2025-03-15,3,"맛은 좋은데 너무 비싸고 주차가 불편해요",
2025-04-01,1,음식에서 머리카락이 나왔어요. 환불해 주세요 010-1234-5678,이영희
2025-04-20,2,배달이 한 시간 넘게 걸려서 다 식었어요,
""".encode()


def test_lexicon_handles_negation_and_longer_cues_first():
    assert lexicon_counts("불친절해요") == (0, 1)  # not also counted as 친절 (Kiwi: 불/XPN 친절/NNG)
    assert lexicon_counts("사장님이 친절하지 않아요") == (0, 1)
    assert lexicon_counts("맛있고 깔끔해요") == (2, 0)
    assert split_clauses("맛은 좋은데 너무 비싸요") == ["맛은 좋은데", "너무 비싸요"]


def test_mixed_positive_negative_classification():
    assert classify_review("커피 맛있고 분위기 좋아요! 또 올게요").label == "positive"
    assert classify_review("불친절해요. 다시는 안 갑니다").label == "negative"
    assert classify_review("주차가 불편하지만 빵은 정말 맛있어요").label == "mixed"
    with pytest.raises(ValueError):
        classify_review("x", "bert")


def test_analysis_counts_aspects_months_flags_and_masks():
    _t, records = parse_reviews_csv(CSV)
    assert records[2].text.endswith("010-****-5678") and records[0].author == "김*수"
    a = analyze_reviews(records, tone="정중", shop="모두 카페")
    assert [r.sentiment for r in a.reviews] == ["positive", "mixed", "negative", "negative"]
    assert a.sentiment_counts == {"긍정": 1, "부정": 2, "복합": 1}
    aspects = {x.aspect: (x.mentions, x.positive, x.negative) for x in a.aspects}
    assert aspects["친절"] == (1, 1, 0)
    assert aspects["가격"] == (1, 0, 1) and aspects["주차"] == (1, 0, 1)
    assert aspects["배달"] == (1, 0, 1) and aspects["위생"] == (1, 0, 1)
    assert [(m.month, m.reviews, m.avg_rating) for m in a.months] == [("2025-03", 2, 4.0), ("2025-04", 2, 1.5)]
    assert a.avg_rating == 2.75
    flagged = a.attention[0]
    assert flagged.line == 4 and [f.flag for f in flagged.flags] == ["이물질", "환불", "낮은 별점"]
    assert [r.line for r in a.attention] == [4, 5]  # the 2★ 배달 complaint is read before replying too
    assert "연락" in flagged.reply


def test_reply_tones_and_particles():
    _t, records = parse_reviews_csv(CSV)
    polite = analyze_reviews(records[:1], tone="정중", shop="모두 카페").reviews[0].reply
    friendly = analyze_reviews(records[:1], tone="친근", shop="모두 빵집").reviews[0].reply
    short = analyze_reviews(records[:1], tone="간결", shop="모두 카페").reviews[0].reply
    assert polite.startswith("김*수 고객님, 모두 카페를 찾아 주셔서")  # 카페 + 를
    assert "맛, 친절을 좋게 봐 주셔서" in polite  # what the review praised, by name
    assert friendly.startswith("김*수님, 주문해 주셔서 감사해요!") and "맛, 친절이 마음에" in friendly
    assert short == "김*수님, 감사합니다. 맛, 친절 칭찬 감사합니다. 또 찾아 주세요."
    bakery = analyze_reviews(records[:1], tone="정중", shop="모두 빵집").reviews[0].reply
    assert "모두 빵집을 찾아 주셔서" in bakery
    with pytest.raises(InputError, match="tone"):
        analyze_reviews(records, tone="반말")


def test_malformed_reviews_are_refused_with_line_numbers():
    bad = """date,rating,text
2025-13-01,5,좋아요
2025-01-02,7,좋아요
2025-01-03,4,
2099-01-01,4,미래
어제,4,날짜 이상
""".encode()
    with pytest.raises(ImportRejected) as ei:
        parse_reviews_csv(bad, "리뷰.csv")
    got = {r.line: r.reason for r in ei.value.rows}
    assert set(got) == {2, 3, 4, 5, 6}
    assert "없는 날짜" in got[2] and "1~5" in got[3] and "비어" in got[4] and "미래" in got[5] and "형식" in got[6]
    assert "아무것도 저장하지 않았습니다" in ei.value.message
    with pytest.raises(ImportRejected, match="필요한 열이 없습니다"):
        parse_reviews_csv("날짜,내용\n2025-01-01,좋아요\n".encode(), "x.csv")
    with pytest.raises(ImportRejected, match="빈 파일"):
        parse_reviews_csv(b"", "x.csv")


def test_missing_column_message_fits_the_header():
    """A file with a header but no date column (tests/marketing/data/shop_reviews_dev.csv's own header) is told
    to add or rename that column — it was told to "put column names in the first line", which it has."""
    header = "id,category,rating,label,text\n1,카페,5,positive,크림 라떼가 고소해요\n"
    with pytest.raises(ImportRejected) as ei:
        parse_reviews_csv(header.encode(), "shop_reviews_dev.csv")
    assert ei.value.message == (
        "shop_reviews_dev.csv: 리뷰 파일에 필요한 열이 없습니다: date(날짜/작성일/일자). "
        "받은 머리글: id, category, rating, label, text. "
        "빠진 열을 더하거나, 같은 내용이 든 열의 이름(첫 줄)을 위 이름 가운데 하나로 바꿔 주세요.")
    with pytest.raises(ImportRejected) as ei:
        parse_reviews_csv(",,\n2025-01-01,5,좋아요\n".encode(), "빈머리글.csv")
    assert ei.value.message.endswith("첫 줄에 열 이름을 넣어 주세요.")


def test_cp949_reviews_file():
    data = "작성일,별점,리뷰\n2025-01-02,5,빵이 맛있어요\n".encode("cp949")
    table, records = parse_reviews_csv(data)
    assert table.encoding == "CP949" and records[0].text == "빵이 맛있어요"


def test_rating_text_mismatch_is_noted():
    data = "날짜,평점,내용\n2025-01-02,5,불친절하고 음식이 식어서 왔어요 최악\n2025-01-03,1,정말 맛있고 친절해요 또 올게요\n2025-01-04,5,맛있어요\n"
    _t, records = parse_reviews_csv(data.encode())
    a = analyze_reviews(records, shop="모두 카페")
    assert [bool(r.rating_mismatch) for r in a.reviews] == [True, True, False]
    assert a.reviews[0].rating_mismatch.startswith("별점 5점인데 내용은 부정적")


def test_rejected_rows_never_echo_a_phone_number():
    bad = "날짜,평점,내용\n2025-01-02,9,연락 주세요 010-1234-5678\n".encode()
    with pytest.raises(ImportRejected) as ei:
        parse_reviews_csv(bad)
    assert ei.value.rows[0].value == "연락 주세요 010-****-5678"


def test_every_reply_template_sentence_is_terminated():
    import yaml

    from moduai.marketing.reviews import DATA_DIR

    templates = yaml.safe_load((DATA_DIR / "reply_templates.yaml").read_text(encoding="utf-8"))
    for tone in ("정중", "친근", "간결"):
        for key, text in templates[tone].items():
            assert text.rstrip().endswith((".", "!", "?")), (tone, key, text)


def test_conceded_complaints_are_counted_for_the_owner():
    """A complaint let pass in a 5★ review ("배달이 좀 늦었지만") stays positive for the aspect's stars, but the
    summary, the month's complaint list and the CSV name it, so the owner does not read 배달 as all praise."""
    from moduai.marketing.exports import replies_csv

    csv_text = ("날짜,평점,내용\n2025-03-01,5,배달이 좀 늦었지만 맛있어요\n2025-03-02,5,배달 빠르고 맛있어요\n"
                "2025-03-03,1,배달이 너무 늦어요 다 식었어요\n")
    _t, records = parse_reviews_csv(csv_text.encode())
    a = analyze_reviews(records, tone="정중", shop="모두 식당")
    by_review = [[(m.aspect, m.polarity, m.conceded) for m in r.aspects] for r in a.reviews]
    assert by_review == [[("맛", "positive", False), ("배달", "positive", True)],
                         [("맛", "positive", False), ("배달", "positive", False)], [("배달", "negative", False)]]
    summary = {s.aspect: (s.mentions, s.positive, s.conceded, s.negative) for s in a.aspects}
    assert summary == {"배달": (3, 2, 1, 1), "맛": (2, 2, 0, 0)}
    assert a.months[0].aspect_negative == {"배달": 2}  # the 1★ complaint and the conceded one
    assert "배달 문제로 불편을 드려" in a.reviews[0].reply and "빠른 배달을 좋게 봐 주셔서" in a.reviews[1].reply
    rows = replies_csv(a).decode("utf-8-sig").splitlines()
    assert "맛(+)·배달(아쉬움)" in rows[1] and "맛(+)·배달(+)" in rows[2] and "배달(-)" in rows[3]
