"""RFM and A/B results equal hand computations; identifiers masked."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from moduai.errors import ImportRejected, InputError
from moduai.marketing.abtest import parse_arm, two_proportion_test
from moduai.marketing.customers import analyze_customers, parse_ledger_csv
from moduai.marketing.masking import customer_key, mask_identifier, mask_name, mask_phone, mask_text

LEDGER = """고객,날짜,금액
010-1111-2222,2025-01-05,"10,000"
010-1111-2222,2025-02-01,20000
010-1111-2222,2025-03-01,15000원
김민수,2025-02-20,8000
김민수,2025-02-20,4000
C-003,2025-01-10,50000
010-3333-4444,2025-02-25,9000
01033334444,2025.03.05,11000
C-006,2025/03/10,30000
""".encode()


def test_rfm_scores_and_segments_equal_hand_computation():
    _table, sales = parse_ledger_csv(LEDGER, key=b"s" * 32)
    res = analyze_customers(sales)
    # by hand, as of the last date 2025-03-10:
    #   A 010-1111-2222: R 9,  F 3, M 45,000    B 김민수: R 18, F 1 (two sales, one day), M 12,000
    #   C C-003: R 59, F 1, M 50,000            D 010-3333-4444 (two spellings): R 5, F 2, M 20,000
    #   E C-006: R 0, F 1, M 30,000
    # tertiles (type 7): R sorted 0,5,9,18,59 → q1 = 5 + (4/3 − 1)·4 = 6.333, q2 = 9 + (8/3 − 2)·9 = 15
    #   F sorted 1,1,1,2,3 → q1 = 1, q2 = 1 + (2/3)·1 = 1.667
    #   M sorted 12k,20k,30k,45k,50k → q1 = 20,000 + 10,000/3 = 23,333.33, q2 = 30,000 + (2/3)·15,000 = 40,000
    assert res.as_of == dt.date(2025, 3, 10)
    assert res.cuts["R"] == pytest.approx([19 / 3, 15.0], abs=1e-4)
    assert res.cuts["F"] == pytest.approx([1.0, 5 / 3], abs=1e-4)
    assert res.cuts["M"] == pytest.approx([70000 / 3, 40000.0], abs=1e-2)
    got = {c.customer: (c.recency_days, c.frequency, c.monetary, c.rfm, c.segment) for c in res.customers}
    assert got == {
        "010-****-2222": (9, 3, 45000, "233", "충성"),
        "김*수": (18, 1, 12000, "111", "휴면"),
        "C-003": (59, 1, 50000, "113", "휴면"),
        "010-****-4444": (5, 2, 20000, "331", "충성"),  # M 1 keeps it out of 챔피언 (needs M ≥ 2)
        "C-006": (0, 1, 30000, "312", "신규"),
    }
    assert res.revisit_rate == 0.4 and res.repeat_customers == 2
    assert res.revenue == 157000 and res.transaction_count == 9 and res.customer_count == 5
    seg = {s.name: s.customers for s in res.segments}
    assert seg == {"챔피언": 0, "충성": 2, "신규": 1, "이탈 위험": 0, "휴면": 2, "관심 필요": 0}
    assert all(s.action for s in res.segments)


def test_as_of_before_last_sale_is_refused():
    _t, sales = parse_ledger_csv(LEDGER, key=b"s" * 32)
    with pytest.raises(InputError, match="as_of"):
        analyze_customers(sales, as_of=dt.date(2025, 1, 1))


def test_malformed_ledger_reports_every_row():
    bad = "고객,날짜,금액\n010-1234-5678,2025-02-30,1000\n,2025-01-01,1000\nC-1,2025-01-02,-500\nC-2,2025-01-03,abc\nC-3,2025-01-04\n"
    with pytest.raises(ImportRejected) as ei:
        parse_ledger_csv(bad.encode(), "장부.csv", key=b"s" * 32)
    rows = ei.value.rows
    # csv rows with the wrong field count are reported first (nothing else is checked then)
    assert [(r.line, r.reason[:10]) for r in rows] == [(6, "열 개수가 머리글과")]
    fixed = bad.rsplit("\n", 2)[0] + "\n"
    with pytest.raises(ImportRejected) as ei:
        parse_ledger_csv(fixed.encode(), "장부.csv", key=b"s" * 32)
    got = {r.line: r.reason for r in ei.value.rows}
    assert set(got) == {2, 3, 4, 5}
    assert "없는 날짜" in got[2] and "비어 있습니다" in got[3] and "음수" in got[4] and "숫자가 아닙니다" in got[5]
    assert ei.value.rows[0].value == "010-****-5678"  # messages never echo the raw phone number
    with pytest.raises(ImportRejected, match="필요한 열이 없습니다"):
        parse_ledger_csv("이름,전화\n김,010\n".encode(), "x.csv", key=b"s" * 32)


def test_cp949_ledger_is_read():
    data = "고객번호,결제일,결제금액\nC-1,2025-01-02,1000\n홍길동,2025-01-03,2000\n".encode("cp949")
    table, sales = parse_ledger_csv(data, key=b"s" * 32)
    assert table.encoding == "CP949"
    assert [s.customer_display for s in sales] == ["C-1", "홍*동"]


def test_masking_rules():
    assert mask_phone("010-1234-5678") == "010-****-5678"
    assert mask_identifier("01012345678") == "010-****-5678"
    assert mask_identifier("+82 10-1234-5678") == "010-****-5678"
    assert mask_identifier("02-123-4567") == "02-***-4567"
    assert mask_name("김민수") == "김*수" and mask_name("김수") == "김*" and mask_name("남궁민수") == "남**수"
    assert mask_identifier("C-0012") == "C-0012"
    assert mask_text("연락처 010-9876-5432 입니다") == "연락처 010-****-5432 입니다"
    assert customer_key("010-1234-5678", b"k" * 32) == customer_key("01012345678", b"k" * 32) != customer_key("01012345678", b"q" * 32)


def test_two_proportion_z_test_equals_the_formula():
    r = two_proportion_test(120, 1000, 150, 1000)
    pooled = 270 / 2000
    z = (0.15 - 0.12) / math.sqrt(pooled * (1 - pooled) * (2 / 1000))
    p = 2 * (1 - 0.5 * (1 + math.erf(abs(z) / math.sqrt(2))))
    se = math.sqrt(0.12 * 0.88 / 1000 + 0.15 * 0.85 / 1000)
    assert r.z == pytest.approx(z, rel=1e-12) and r.z == pytest.approx(1.96305, abs=1e-5)
    assert r.p_value == pytest.approx(p, rel=1e-9) and r.p_value == pytest.approx(0.04964, abs=1e-5)
    assert (r.ci_low, r.ci_high) == pytest.approx((0.03 - 1.959964 * se, 0.03 + 1.959964 * se), abs=1e-6)
    assert r.significant and r.verdict.startswith("B안이 유의하게 높습니다 (p=0.0496)")
    assert r.warnings == []


def test_ab_not_significant_and_small_sample_warning():
    r = two_proportion_test(50, 500, 55, 500)
    assert not r.significant and r.verdict.startswith("차이가 우연일 수 있습니다")
    small = two_proportion_test(3, 20, 8, 20)
    assert len(small.warnings) == 3 and "10건 이상" in small.warnings[0] and "10건 이상" in small.warnings[1]
    assert "각 안에 약" in small.warnings[2]
    a_wins = two_proportion_test(200, 1000, 150, 1000)
    assert a_wins.verdict.startswith("A안이 유의하게 높습니다")


def test_ab_input_validation():
    assert parse_arm(" 120 / 1000 ", "a") == (120, 1000)
    with pytest.raises(InputError, match="성공 수/전체 수"):
        parse_arm("12%", "a")
    with pytest.raises(InputError, match=r"B안\(b\)의 성공 수"):
        two_proportion_test(1, 10, 11, 10)
    with pytest.raises(InputError, match="전체 수는 1 이상"):
        two_proportion_test(0, 0, 1, 10)


def test_vectorised_scores_equal_the_scalar_rule_on_random_ledgers():
    import random

    from moduai.marketing.customers import Sale, score_higher_better, score_lower_better, tertile_cuts

    rng = random.Random(3)
    sales = [Sale(i + 2, f"k{rng.randrange(60)}", f"C-{i}", dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(120)),
                  rng.randrange(1000, 30000)) for i in range(400)]
    res = analyze_customers(sales)
    import numpy as np

    rec = np.array([c.recency_days for c in res.customers], dtype=float)
    freq = np.array([c.frequency for c in res.customers], dtype=float)
    mon = np.array([c.monetary for c in res.customers], dtype=float)
    cr, cf, cm = tertile_cuts(rec), tertile_cuts(freq), tertile_cuts(mon)
    for c in res.customers:
        assert (c.r, c.f, c.m) == (score_lower_better(c.recency_days, cr), score_higher_better(c.frequency, cf),
                                   score_higher_better(c.monetary, cm))


def test_required_sample_size_by_hand():
    from moduai.marketing.abtest import required_sample_size

    # p1 .12, p2 .15, α .05, power .8: (1.959964·√(2·.135·.865) + 0.841621·√(.12·.88 + .15·.85))² / .03²
    by_hand = (1.959964 * math.sqrt(2 * 0.135 * 0.865) + 0.841621 * math.sqrt(0.12 * 0.88 + 0.15 * 0.85)) ** 2 / 0.0009
    assert required_sample_size(0.12, 0.15) == math.ceil(by_hand) == 2036
    assert required_sample_size(0.1, 0.1) is None
    r = two_proportion_test(50, 500, 55, 500)
    assert r.needed_per_arm == required_sample_size(0.10, 0.11) and "약" in r.warnings[-1]


def test_xlsx_ledger_is_read_with_excel_row_numbers():
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["고객", "날짜", "금액"])
    ws.append(["010-1111-2222", dt.datetime(2025, 1, 5), 10000])
    ws.append(["김민수", dt.date(2025, 2, 20), 8000.0])
    buf = io.BytesIO()
    wb.save(buf)
    table, sales = parse_ledger_csv(buf.getvalue(), "장부.xlsx", key=b"s" * 32)
    assert table.encoding == "XLSX"
    assert [(s.line, s.customer_display, s.date, s.amount) for s in sales] == [
        (2, "010-****-2222", dt.date(2025, 1, 5), 10000), (3, "김*수", dt.date(2025, 2, 20), 8000)]
    ws.append(["C-3", "어제", -5])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ImportRejected) as ei:
        parse_ledger_csv(buf.getvalue(), "장부.xlsx", key=b"s" * 32)
    assert [r.line for r in ei.value.rows] == [4] and "음수" in ei.value.rows[0].reason
    with pytest.raises(ImportRejected, match="엑셀 파일을 열 수 없습니다"):
        parse_ledger_csv(b"PK\x03\x04broken", "x.xlsx", key=b"s" * 32)
