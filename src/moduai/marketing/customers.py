"""Customers from a sales ledger: RFM scores 1–3, segments, coupon actions, 재방문율.

Definitions (stated once, used everywhere):

- as-of date: the day given, else the last date in the ledger.
- R = days from a customer's last visit to the as-of date; F = number of distinct visit days;
  M = total amount (원).
- Scores by tertile cuts over customers (numpy ``quantile``, linear interpolation = Hyndman–Fan type 7):
  ``q1, q2 = quantile(values, [1/3, 2/3])``; for F and M, score 1 if v ≤ q1, 2 if q1 < v ≤ q2, 3 if v > q2;
  for R (fewer days is better), 3 if d ≤ q1, 2 if q1 < d ≤ q2, 1 if d > q2.  Ties always share a score
  (the cut is on values, not ranks); when many customers share a value a score can stay empty.
- Segments: first matching rule of ``segments.yaml``.
- 재방문율 = customers with F ≥ 2 ÷ all customers.

Customer identifiers are masked (010-****-1234, 김*수) and grouped by a keyed hash (see
:mod:`moduai.marketing.masking`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from moduai.config import get_settings
from moduai.errors import InputError, RowError
from moduai.marketing.csvio import CsvTable, parse_amount, parse_date, raise_rejected, read_csv_table
from moduai.marketing.masking import customer_key, mask_identifier

DATA = Path(__file__).with_name("data") / "segments.yaml"
LEDGER_COLUMNS = {
    "customer": ("고객", "고객번호", "고객id", "회원번호", "회원", "전화번호", "연락처", "휴대폰", "핸드폰",
                 "고객명", "이름", "customer_id", "customerid", "phone", "member"),
    "date": ("날짜", "거래일", "결제일", "일자", "방문일", "주문일", "거래일자", "결제일자", "order_date"),
    "amount": ("금액", "결제금액", "매출", "매출액", "합계", "총액", "price", "total", "sales"),
}


@dataclass
class Sale:
    line: int
    customer_key: str
    customer_display: str
    date: dt.date
    amount: int


@dataclass
class CustomerRFM:
    customer: str  # masked
    last_visit: dt.date
    recency_days: int
    frequency: int
    monetary: int
    r: int
    f: int
    m: int
    segment: str

    @property
    def rfm(self) -> str:
        return f"{self.r}{self.f}{self.m}"


@dataclass
class SegmentSummary:
    name: str
    customers: int
    share: float
    revenue: int
    description: str
    action: str


@dataclass
class CustomerAnalysis:
    """RFM table, segments with suggested coupon actions, 재방문율."""

    as_of: dt.date
    period_start: dt.date
    period_end: dt.date
    customer_count: int
    transaction_count: int
    revenue: int
    revisit_rate: float
    repeat_customers: int
    cuts: dict[str, list[float]]
    segments: list[SegmentSummary]
    customers: list[CustomerRFM]
    rules: str = ("삼분위 경계: 값을 줄 세워 3분의 1, 3분의 2 지점(사이 값은 선형 보간)을 첫째·둘째 경계로 씁니다. "
                  "방문 횟수·구매 금액은 첫째 경계 이하 → 1점, 둘째 경계 이하 → 2점, 그 위 → 3점; "
                  "마지막 방문 뒤 지난 일수는 첫째 경계 이하 → 3점, 둘째 경계 이하 → 2점, 그 위 → 1점. 같은 값은 같은 점수.")
    units: dict[str, str] = field(default_factory=lambda: {"recency_days": "일", "frequency": "방문일 수", "monetary": "원"})
    sources: list[str] = field(default_factory=lambda: ["marketing-segments"])


# --------------------------------------------------------------------------------------------- read
def parse_ledger_csv(data: bytes, source_name: str = "ledger.csv", *, today: dt.date | None = None,
                     key: bytes | None = None) -> tuple[CsvTable, list[Sale]]:
    """Read and check every row (customer, date, amount); any bad row refuses the whole file."""
    table = read_csv_table(data, source_name, required=LEDGER_COLUMNS, label="매출 장부")
    key = key or get_settings().identifier_key
    sales: list[Sale] = []
    errors: list[RowError] = []
    # A ledger names the same customers again and again: mask and hash each identifier once.
    seen: dict[str, tuple[str, str]] = {}
    for line, row in table.rows:
        problems = []
        who = row["customer"].strip()
        if not who:
            problems.append("고객 번호(또는 전화번호)가 비어 있습니다")
        day, why = parse_date(row["date"], today=today)
        if why:
            problems.append(why)
        amount, why = parse_amount(row["amount"])
        if why:
            problems.append(why)
        if problems:
            # The raw identifier is personal data: show only its masked form in messages.
            errors.append(RowError(line, "; ".join(problems), mask_identifier(who) if who else None))
            continue
        ident = seen.get(who)
        if ident is None:
            ident = seen[who] = (customer_key(who, key), mask_identifier(who))
        sales.append(Sale(line, ident[0], ident[1], day, amount))
    if errors:
        raise_rejected(source_name, "매출 장부", errors)
    return table, sales


# ------------------------------------------------------------------------------------------ analyse
@lru_cache(maxsize=1)
def load_segment_rules() -> list[dict]:
    rules = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    if not rules or rules[-1].get("when"):
        raise InputError("segments.yaml의 마지막 규칙은 조건 없이(when: {}) 모든 손님을 받아야 합니다.", field="segments")
    return rules


def tertile_cuts(values: np.ndarray) -> tuple[float, float]:
    """(q1, q2) = numpy quantiles at 1/3 and 2/3 (linear interpolation)."""
    q1, q2 = np.quantile(np.asarray(values, dtype=float), [1 / 3, 2 / 3])
    return float(q1), float(q2)


def score_higher_better(v: float, cuts: tuple[float, float]) -> int:
    return 1 if v <= cuts[0] else 2 if v <= cuts[1] else 3


def score_lower_better(v: float, cuts: tuple[float, float]) -> int:
    return 3 if v <= cuts[0] else 2 if v <= cuts[1] else 1


def assign_segment(r: int, f: int, m: int) -> dict:
    for rule in load_segment_rules():
        cond = rule.get("when") or {}
        if all(score in cond.get(k, [1, 2, 3]) for k, score in (("r", r), ("f", f), ("m", m))):
            return rule
    raise AssertionError("unreachable: last rule matches all")  # pragma: no cover


def analyze_customers(sales: list[Sale], *, as_of: dt.date | None = None) -> CustomerAnalysis:
    """RFM scores, segments and 재방문율 for ``sales`` (see module docstring for every definition).

    Parameters
    ----------
    sales : list of Sale
        From :func:`parse_ledger_csv` or the database.
    as_of : date, optional
        Reference day for recency (default: the last date in the ledger); must not precede any sale.
    """
    if not sales:
        raise InputError("분석할 거래가 없습니다. 매출 장부 CSV(고객, 날짜, 금액)를 올려 주세요.", field="file")
    last = max(s.date for s in sales)
    as_of = as_of or last
    if as_of < last:
        raise InputError(f"기준일(as_of)이 마지막 거래일({last})보다 빠릅니다. 받은 값: {as_of}. 그 이후 날짜를 주세요.",
                         field="as_of")
    per: dict[str, dict] = {}
    for s in sales:
        c = per.setdefault(s.customer_key, {"display": s.customer_display, "days": set(), "amount": 0})
        c["days"].add(s.date)
        c["amount"] += s.amount
    keys = list(per)
    last_visit = [max(per[k]["days"]) for k in keys]
    rec = np.array([(as_of - d).days for d in last_visit], dtype=float)
    freq = np.array([len(per[k]["days"]) for k in keys], dtype=float)
    mon = np.array([per[k]["amount"] for k in keys], dtype=float)
    cuts = {"R": tertile_cuts(rec), "F": tertile_cuts(freq), "M": tertile_cuts(mon)}
    rules = load_segment_rules()
    # Same rule as score_lower_better / score_higher_better, vectorised (≈100k customers per second).
    r_s = np.where(rec <= cuts["R"][0], 3, np.where(rec <= cuts["R"][1], 2, 1))
    f_s = np.where(freq <= cuts["F"][0], 1, np.where(freq <= cuts["F"][1], 2, 3))
    m_s = np.where(mon <= cuts["M"][0], 1, np.where(mon <= cuts["M"][1], 2, 3))
    segment_of = {(r, f, m): assign_segment(r, f, m)["name"] for r in (1, 2, 3) for f in (1, 2, 3) for m in (1, 2, 3)}
    # Plain lists: indexing NumPy arrays element by element is what made this loop slow.
    columns = zip(keys, last_visit, rec.astype(int).tolist(), freq.astype(int).tolist(), mon.astype(int).tolist(),
                  r_s.tolist(), f_s.tolist(), m_s.tolist(), strict=True)
    customers: list[CustomerRFM] = [
        CustomerRFM(per[k]["display"], last, rd, fq, mo, r, f, m, segment_of[(r, f, m)])
        for k, last, rd, fq, mo, r, f, m in columns
    ]
    customers.sort(key=lambda c: (-c.r - c.f - c.m, -c.monetary, c.customer))
    n = len(customers)
    seg_count: dict[str, int] = {}
    seg_revenue: dict[str, int] = {}
    for c in customers:
        seg_count[c.segment] = seg_count.get(c.segment, 0) + 1
        seg_revenue[c.segment] = seg_revenue.get(c.segment, 0) + c.monetary
    segments = [SegmentSummary(rule["name"], seg_count.get(rule["name"], 0), round(seg_count.get(rule["name"], 0) / n, 4),
                               seg_revenue.get(rule["name"], 0), rule["description"], rule["action"]) for rule in rules]
    repeat = int((freq >= 2).sum())
    return CustomerAnalysis(
        as_of=as_of, period_start=min(s.date for s in sales), period_end=last, customer_count=n,
        transaction_count=len(sales), revenue=int(mon.sum()), revisit_rate=round(repeat / n, 4),
        repeat_customers=repeat, cuts={k: [round(v, 4) for v in c] for k, c in cuts.items()},
        segments=segments, customers=customers,
    )
