"""Masking of personal data (moduai.privacy): real-looking cases and the numbers that are not personal.

Each expected value is written by hand from the rule in the module table (keep the area code / last four
digits / first letter of an e-mail / first and last syllable of a name)."""

from __future__ import annotations

import pytest

from moduai.privacy import find_personal, luhn_ok, mask_identifier, mask_person, mask_text

# (cell as written by an owner, what is stored and shown)
CELLS = [
    # 주민등록번호 / 외국인등록번호 (7th digit 5–8), with and without hyphen
    ("900101-1234567", "900101-*******"),
    ("9001011234567", "900101-*******"),
    ("850315-5123456", "850315-*******"),
    ("900101 - 2234567", "900101-*******"),
    # phones in every written form
    ("010-1234-5678", "010-****-5678"),
    ("01012345678", "010-****-5678"),
    ("010 1234 5678", "010-****-5678"),
    ("010.1234.5678", "010-****-5678"),
    ("+82-10-1234-5678", "010-****-5678"),
    ("+82 10 1234 5678", "010-****-5678"),
    ("+821012345678", "010-****-5678"),
    ("011-123-4567", "011-***-4567"),
    ("02-123-4567", "02-***-4567"),
    ("(02)1234-5678", "02-****-5678"),
    ("031-987-6543", "031-***-6543"),
    ("064 712 3456", "064-***-3456"),
    ("0505 123 4567", "0505-***-4567"),
    ("070-8765-4321", "070-****-4321"),
    # e-mail
    ("kim.minsu@naver.com", "k***@naver.com"),
    ("Minsu_Kim+shop@daum.net", "M***@daum.net"),
    # card numbers (Luhn-valid: 4111…1111 Visa test number, 5500 0000 0000 0004 Mastercard test number)
    ("4111 1111 1111 1111", "**** **** **** 1111"),
    ("5500-0000-0000-0004", "****-****-****-0004"),
    ("4111111111111111", "************1111"),
    # names: plain, with a space, with a title
    ("김민수", "김*수"),
    ("김수", "김*"),
    ("남궁민수", "남**수"),
    ("김 민수", "김 *수"),
    ("홍길동(VIP)", "홍*동(VIP)"),
    ("김철수 님", "김*수 님"),
    ("이영희 고객님", "이*희 고객님"),
    ("박지성[단골]", "박*성[단골]"),
    ("John Kim", "J**n K*m"),
    # several in one cell
    ("010-9999-0000 김철수", "010-****-0000 김*수"),
    ("김철수 010-9999-0000", "김*수 010-****-0000"),
    ("김철수/010-9999-0000/kim@a.kr", "김*수/010-****-0000/k***@a.kr"),
]

# Cells that are not personal data: returned unchanged.
NOT_PERSONAL = [
    "111111111",  # was masked as "011-***-1111"
    "11111111111",
    "C-0012",
    "12,000원",
    "가격 12,000원",
    "123-45-67890",  # 사업자등록번호
    "사업자번호 123-45-67890",
    "2025-03-04",
    "20250304",
    "2025.03.04",
    "1588-1234",  # 대표번호
    "4111-1111-1111-1112",  # card-shaped, fails Luhn
    "1234567890123",  # 13 digits, not a date: neither RRN nor Luhn-valid card
    "010-****-5678",  # already masked
]


@pytest.mark.parametrize(("cell", "masked"), CELLS)
def test_identifier_cells_are_masked(cell, masked):
    assert mask_identifier(cell) == masked


@pytest.mark.parametrize("cell", NOT_PERSONAL)
def test_values_that_are_not_personal_stay(cell):
    assert mask_identifier(cell) == cell
    assert mask_text(cell) == cell


# Free text (review bodies): (text, masked text)
TEXTS = [
    ("연락처 010-9876-5432 입니다", "연락처 010-****-5432 입니다"),
    ("연락 주세요 010-1234-5678", "연락 주세요 010-****-5678"),
    ("전화는 010 1234 5678 이나 +82-10-2222-3333 으로", "전화는 010-****-5678 이나 010-****-3333 으로"),
    ("주민번호 900101-1234567 적어 드렸어요", "주민번호 900101-******* 적어 드렸어요"),
    ("카드 4111-1111-1111-1111 로 결제", "카드 ****-****-****-1111 로 결제"),
    ("메일 minsu@gmail.com 으로 영수증", "메일 m***@gmail.com 으로 영수증"),
    ("김철수 님이 추천해서 왔어요", "김*수 님이 추천해서 왔어요"),
    ("홍길동씨가 친절했어요", "홍*동씨가 친절했어요"),
    ("이영희 고객님 감사합니다", "이*희 고객님 감사합니다"),
    ("예약 010-9999-0000 김철수로 했어요", "예약 010-****-0000 김*수로 했어요"),
    # role words and ordinary words before a title are not names
    ("사장님이 친절하고 이모님 손맛 최고, 기사님도 빨라요", "사장님이 친절하고 이모님 손맛 최고, 기사님도 빨라요"),
    ("마음씨 좋은 선생님, 고객님 응대 굿", "마음씨 좋은 선생님, 고객님 응대 굿"),
    ("가격 12,000원, 2025.03.04 방문, 사업자번호 123-45-67890", "가격 12,000원, 2025.03.04 방문, 사업자번호 123-45-67890"),
    ("대표번호 1588-1234 로 문의", "대표번호 1588-1234 로 문의"),
    ("111111111 번 테이블", "111111111 번 테이블"),
]


@pytest.mark.parametrize(("text", "masked"), TEXTS)
def test_free_text_is_masked(text, masked):
    assert mask_text(text) == masked


def test_find_personal_names_each_kind():
    text = "김철수 님 900101-1234567 4111 1111 1111 1111 a@b.kr 010-1234-5678"
    assert [f.kind for f in find_personal(text)] == ["name", "rrn", "card", "email", "phone"]


def test_luhn():
    assert luhn_ok("4111111111111111") and luhn_ok("79927398713")
    assert not luhn_ok("4111111111111112") and not luhn_ok("79927398710")


def test_author_cells_mask_nicknames_too():
    assert mask_person("맛집헌터") == "맛**터"
    assert mask_person("010-1234-5678") == "010-****-5678"
    assert mask_person("홍길동(VIP)") == "홍*동(VIP)"


def test_ledger_and_reviews_store_only_masked_values():
    """Through the importers: nothing personal reaches the stored rows or the row errors."""
    from moduai.marketing.customers import parse_ledger_csv
    from moduai.marketing.reviews import parse_reviews_csv

    ledger = ("고객,날짜,금액\n010-9999-0000 김철수,2025-01-02,12000\n900101-1234567,2025-01-03,5000\n"
              "김 민수,2025-01-04,7000\n홍길동(VIP),2025-01-05,9000\nkim@a.kr,2025-01-06,1000\n").encode()
    _t, sales = parse_ledger_csv(ledger, key=b"k" * 32)
    assert [s.customer_display for s in sales] == ["010-****-0000 김*수", "900101-*******", "김 *수", "홍*동(VIP)",
                                                   "k***@a.kr"]
    reviews = ("날짜,평점,내용,작성자\n2025-01-02,5,김철수 님 덕분에 잘 먹었어요 010-1234-5678,홍길동(VIP)\n").encode()
    _t, records = parse_reviews_csv(reviews)
    assert records[0].text == "김*수 님 덕분에 잘 먹었어요 010-****-5678"
    assert records[0].author == "홍*동(VIP)"
