"""Issue 15: generated copy states only what the owner gave (profile, event, 상권 facts).

The claims of 50 profiles' copy (every channel, 3 variants, 4 seasons) are checked twice: by the product's
own extractor (:mod:`moduai.marketing.faithful`) and by an independent one written here (digits and a fixed
list of invented-claim words the issue reported or the old phrase bank used)."""

from __future__ import annotations

import itertools
import re

import pytest

from moduai.marketing.copy import copy_inputs, generate_copy
from moduai.marketing.faithful import claim_words, extract_claims, frame_nouns, unsupported_claims
from moduai.marketing.profile import parse_profile

CATEGORIES = ["브런치 카페", "카페", "빵집", "한식", "치킨", "분식", "미용실", "꽃집", "의류", "학원", "편의점", "디저트 카페"]
STRENGTHS = [["소금빵", "넓은 주차장", "조용한 분위기"], ["직접 담근 김치", "혼밥하기 편한 1인석"], ["친절한 상담"],
             ["매일 들여오는 생화", "당일 배송"], ["24시간 영업", "깨끗한 매장"], ["국내산 닭", "바삭한 튀김옷"],
             ["꼼꼼한 커트", "예약제 운영"], ["소규모 반 편성", "1:1 질문 시간"]]
MENUS = [None, "에그 베네딕트", "된장찌개 정식", None, "꽃다발", None, "양념치킨"]
PLACES = ["서울 동대문구 회기동", "강원 강릉시 교동", "전남 순천시 조례동", "부산 해운대구 우동", "대전 유성구 궁동"]
PRICES = ["1만 원대", "5천 원대", "2~3만 원대", "합리적인 가격"]
TARGETS = ["근처 대학생", "출근길 직장인", "동네 주민", "가족 손님"]


def profiles(n: int = 50) -> list[dict]:
    out = []
    combos = itertools.product(range(len(CATEGORIES)), range(len(STRENGTHS)), range(len(MENUS)))
    for i, (c, s, m) in enumerate(itertools.islice(combos, 0, None, 7)):
        if len(out) == n:
            break
        p = {"이름": f"가게{i}호", "업종": CATEGORIES[c], "위치": PLACES[i % len(PLACES)], "강점": STRENGTHS[s],
             "가격대": PRICES[i % len(PRICES)], "타깃": TARGETS[i % len(TARGETS)]}
        if MENUS[m]:
            p["대표 메뉴"] = MENUS[m]
        if i % 3 == 0:
            p["상권"] = {"반경_m": 500, "같은_업종_수": [1, 2, 12][i % 9 // 3]}
        if i % 4 == 0:
            p["이벤트"] = {"제목": "오픈 2주년", "기간": "5월 1일~7일", "내용": "방문 손님께 음료 한 잔"}
        out.append(p)
    return out


# Independent extractor: things the issue saw invented, and things the old phrase bank added on its own.
INVENTED = ["벚꽃", "테라스", "창가", "핸드드립", "콜드브루", "빙수", "한정", "새로 나왔", "신메뉴", "세트", "할인",
            "무료", "증정", "쿠폰", "소금빵", "크루아상", "뱅쇼", "주차", "자리", "좌석", "시즌", "맛집", "새 학기",
            "크리스마스", "연말", "추석", "복날", "방학", "특강", "체험", "배달", "포장", "예약", "이벤트", "선물"]


def independent_unsupported(text: str, inputs: list[str]) -> list[str]:
    source = re.sub(r"\s", "", " ".join(inputs))
    flat = re.sub(r"\s", "", text)
    bad = [w for w in INVENTED if re.sub(r"\s", "", w) in flat and re.sub(r"\s", "", w) not in source]
    digits_in = set(re.findall(r"\d+", " ".join(inputs)))
    body = re.sub(r"(?m)^\s*\d+\.\s", " ", text)  # numbered list markers "1. "
    bad += [d for d in re.findall(r"\d+", body) if d not in digits_in]
    return bad


def test_fifty_profiles_make_no_claim_outside_their_inputs():
    checked = 0
    for raw in profiles():
        prof = parse_profile(raw)
        for month in (4, 7, 10, 1):
            res = generate_copy(prof, None, month=month, use_trade_area=True)
            if res.trade_area is None:
                assert res.lead == ""
            for ch in res.channels:
                for v in ch.variants:
                    full = v.text + " " + " ".join(v.hashtags)
                    inputs = copy_inputs(prof, res.lead)
                    assert v.unsupported == [], (raw, ch.channel, v.text, v.unsupported)
                    assert unsupported_claims(full, inputs) == [], (raw, v.text)
                    assert independent_unsupported(full, inputs) == [], (raw, ch.channel, v.text)
                    checked += 1
    assert checked >= 50 * 4 * 5 * 3


def test_the_issue_profile_gets_no_invented_products_seats_or_hashtags():
    prof = parse_profile({"이름": "모두의 브런치", "업종": "브런치 카페", "위치": "서울 동대문구 회기동",
                          "강점": ["소금빵", "넓은 주차장", "조용한 분위기"], "가격대": "1만 원대", "타깃": "근처 대학생"})
    res = generate_copy(prof, None, month=4)  # 봄: the season that produced "벚꽃 시즌 한정 소금빵"
    text = " ".join(v.text + " " + " ".join(v.hashtags) for ch in res.channels for v in ch.variants)
    for invented in ("벚꽃", "한정", "테라스", "창가", "새 학기", "새로 나왔", "핸드드립", "#교동맛집"):
        assert invented not in text
    assert "소금빵" in text and "넓은 주차장" in text


def test_template_frame_and_season_tone_hold_no_claim_word():
    from moduai.ai.phrasebank import load_phrasebank

    # "이벤트" is in the event channel's frame only, which is written only when the owner gave an event (and
    # then counts as an input: copy_inputs); claim words are never supported by the frame itself.
    assert frame_nouns() & claim_words() == {"이벤트"}
    for cat in load_phrasebank().values():
        for phrases in cat.season_phrases.values():
            for p in phrases:
                assert not [c for c in extract_claims(p) if c.kind in ("number", "claim_word")], p


def test_extractor_finds_what_the_issue_reported():
    inputs = ["모두의 브런치", "브런치 카페", "소금빵", "넓은 주차장", "조용한 분위기", "1만 원대", "근처 대학생"]
    found = {c.text for c in unsupported_claims("벚꽃 시즌 한정 소금빵과 테라스 자리가 새로 나왔어요 #핸드드립커피", inputs)}
    assert {"벚꽃", "한정", "테라스", "자리", "핸드드립"} <= found
    assert unsupported_claims("소금빵과 넓은 주차장, 1만 원대", inputs) == []
    assert {c.text for c in unsupported_claims("2만 원대 소금빵", inputs)} == {"2"}


def test_a_language_model_that_invents_is_replaced_by_the_offline_draft(monkeypatch):
    from moduai.ai.llm import LLMResult
    from moduai.marketing import copy as copy_mod

    monkeypatch.setattr(copy_mod, "generate", lambda *a, **k: LLMResult(
        text="벚꽃 시즌 한정 소금빵! 테라스 자리에서 즐겨 보세요.", backend="openai-compatible"))
    prof = parse_profile({"이름": "모두의 브런치", "업종": "브런치 카페", "위치": "서울 동대문구 회기동",
                          "강점": ["소금빵", "넓은 주차장"], "가격대": "1만 원대", "타깃": "근처 대학생"})
    res = generate_copy(prof, ["place"], variants=1, month=4)
    v = res.channels[0].variants[0]
    assert v.backend == "offline" and v.fell_back and "테라스" in v.reason and "입력에 없는" in v.reason
    assert "테라스" not in v.text and v.unsupported == []


@pytest.mark.parametrize("word", ["브런치 카페", "디저트 카페", "브런치카페"])
def test_the_forms_own_example_category_is_understood(word):
    from moduai.marketing.copy import resolve_profile_category

    taxonomy_cat, bank = resolve_profile_category(word)
    assert taxonomy_cat.code == "I21201" and bank.noun == "카페"
