"""Who received support: repeat recipients, first-timers, top shares, Gini/HHI, 인구감소지역 and 비수도권 reach.

Input: one row per award — recipient id, date, amount (원) and the recipient's 시군구 code. Definitions
(each result states them too):

- repeat-recipient share: recipients with awards in two or more distinct years ÷ all recipients; also the
  share of money going to them. By year: recipients of year t who had an award in an earlier year ÷
  recipients of year t (the first year of the table has no history and is left out of that trend).
- first-timer rate of year t: 1 − that share.
- top-10 % share: the money of the 10 % of recipients with the largest totals (rounded up) ÷ all money.
- Gini across recipients (totals per recipient) and across 시군구 (per-capita totals with population when
  available); HHI = Σ (share × 100)², 0–10,000.
- reach: share of money and of recipients in 인구감소지역 (2021 지정) and in 비수도권 (not 서울·인천·경기).
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from moduai.data.population import mois_age_sex, population_decline_areas
from moduai.errors import ImportRejected, InputError, RowError
from moduai.regions import to_current_code

ALIASES = {
    "recipient_id": ("recipient_id", "수혜자", "수혜자id", "수혜자ID", "기업ID", "사업자번호"),
    "date": ("date", "지원일", "일자", "선정일"),
    "amount": ("amount", "금액", "지원금액", "지원액"),
    "region_code": ("region_code", "지역코드", "시군구코드", "지역"),
}
CAPITAL_SIDO = ("11", "28", "41")


@dataclass
class YearShare:
    year: int
    recipients: int
    repeat_share: float | None
    first_timer_rate: float | None
    amount_krw: float


@dataclass
class Concentration:
    awards: int
    recipients: int
    total_krw: float
    repeat_recipient_share: float
    repeat_amount_share: float
    top10_share: float
    gini_recipients: float
    hhi_recipients: float
    gini_regions: float | None
    hhi_regions: float | None
    gini_regions_per_capita: float | None
    decline_area_amount_share: float | None
    decline_area_recipient_share: float | None
    non_capital_amount_share: float | None
    by_year: list[YearShare]
    lorenz: list[tuple[float, float]]
    definitions: dict[str, str]
    units: dict[str, str] = field(default_factory=lambda: {"total_krw": "원", "shares": "비율(0–1)", "hhi": "0–10,000"})
    sources: tuple[str, ...] = ("population-decline-areas", "population-mois-age")
    notes: list[str] = field(default_factory=list)


def gini(values) -> float:
    """Gini by the sorted formula Σ (2i − n − 1) y_(i) / (n Σ y)."""
    y = np.sort(np.asarray(values, dtype=float))
    n = y.size
    if n == 0 or y.sum() == 0:
        return float("nan")
    return float(((2 * np.arange(1, n + 1) - n - 1) * y).sum() / (n * y.sum()))


def hhi(values) -> float:
    s = np.asarray(values, dtype=float)
    s = s / s.sum()
    return float(((s * 100) ** 2).sum())


def read_awards(source: str | Path | bytes | pd.DataFrame) -> pd.DataFrame:
    """Awards from CSV/XLSX (Korean or English headers); every bad row reported, nothing half-read."""
    if isinstance(source, list):  # rows from the API
        df = pd.DataFrame([{k: ("" if v is None else str(v)) for k, v in row.items()} for row in source])
    elif isinstance(source, pd.DataFrame):
        df = source.copy()
    elif isinstance(source, bytes):
        df = pd.read_excel(io.BytesIO(source), dtype=str) if source[:2] == b"PK" else \
            pd.read_csv(io.BytesIO(source), dtype=str, encoding="utf-8-sig", keep_default_na=False)
    else:
        p = Path(source)
        df = pd.read_excel(p, dtype=str) if p.suffix.lower() in (".xlsx", ".xlsm") else \
            pd.read_csv(p, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    rename = {}
    for canon, names in ALIASES.items():
        hit = [c for c in df.columns if str(c).strip() in names]
        if not hit and canon != "region_code":
            korean = [n for n in names if not re.search("[a-z]", n)]  # the headers a Korean file uses
            raise InputError(f"지원 내역에 '{names[1]}'({canon}) 열이 없습니다. 열 이름을 {', '.join(korean)} 가운데 "
                             "하나로 적어 주세요.", field=canon)
        if hit:
            rename[hit[0]] = canon
    df = df.rename(columns=rename)
    errors: list[RowError] = []
    out = []
    for i, r in enumerate(df.fillna("").to_dict("records"), start=2):
        rid = str(r["recipient_id"]).strip()
        date = pd.to_datetime(str(r["date"]).strip(), errors="coerce")
        try:
            amount = float(str(r["amount"]).replace(",", "").replace("원", "").strip())
        except ValueError:
            amount = math.nan
        bad = []
        if not rid:
            bad.append(("수혜자", "", "수혜자 ID가 비어 있습니다."))
        if pd.isna(date):
            bad.append(("지원일", r["date"], "지원일은 2024-03-15 같은 날짜여야 합니다."))
        if not (amount >= 0):
            bad.append(("금액", r["amount"], "금액은 0 이상의 숫자여야 합니다 (원)."))
        code = str(r.get("region_code", "")).strip()
        if code and not (code.isdigit() and len(code) in (2, 5)):
            bad.append(("지역코드", code, "지역코드는 행안부 시도(2자리)·시군구(5자리) 코드여야 합니다."))
        for col, value, msg in bad:
            errors.append(RowError(i, f"[{col}] {msg}", str(value)))
        if not bad:
            out.append({"recipient_id": rid, "date": date, "amount": amount, "region_code": code or None})
    if errors:
        raise ImportRejected(f"지원 내역에서 {len(errors)}개 문제를 찾았습니다. 고친 뒤 다시 올려 주세요.", errors)
    if not out:
        raise InputError("지원 내역이 비어 있습니다.", field="awards")
    return pd.DataFrame(out)


def concentration(awards: pd.DataFrame) -> Concentration:
    """All the concentration measures of one table of awards (see the module's definitions)."""

    a = awards.copy()
    a["year"] = pd.to_datetime(a["date"]).dt.year
    per = a.groupby("recipient_id")["amount"].sum()
    years_per = a.groupby("recipient_id")["year"].nunique()
    repeat = years_per[years_per >= 2].index
    total = float(a["amount"].sum())
    k = max(1, math.ceil(len(per) * 0.1))
    top10 = float(per.sort_values(ascending=False).iloc[:k].sum() / total) if total else float("nan")
    by_year = []
    first_year = int(a["year"].min())
    for y, g in a.groupby("year"):
        ids = set(g["recipient_id"])
        earlier = set(a.loc[a["year"] < y, "recipient_id"])
        share = len(ids & earlier) / len(ids) if y > first_year else None
        by_year.append(YearShare(int(y), len(ids), share, None if share is None else 1 - share, float(g["amount"].sum())))
    sorted_per = np.sort(per.to_numpy())
    cum = np.concatenate([[0.0], np.cumsum(sorted_per) / sorted_per.sum()]) if total else np.zeros(1)
    idx = np.linspace(0, len(sorted_per), num=min(len(sorted_per), 50) + 1).round().astype(int)
    lorenz = [(float(i / len(sorted_per)), float(cum[i])) for i in idx]
    notes: list[str] = []
    g_reg = h_reg = g_pc = decl_amt = decl_rec = noncap = None
    if a["region_code"].notna().any():
        a["region_code"] = a["region_code"].map(lambda c: to_current_code(c) if c else c)
        with_code = a[a["region_code"].notna()]
        if len(with_code) < len(a):
            notes.append(f"지역코드가 없는 {len(a) - len(with_code)}건은 지역 지표에서 뺐습니다.")
        reg = with_code.groupby("region_code")["amount"].sum()
        g_reg, h_reg = gini(reg), hhi(reg)
        pop = mois_age_sex()
        pop = pop[pop.year == pop.year.max()].groupby("code")["value"].sum()
        pc = (reg / pop.reindex(reg.index)).dropna()
        if len(pc) >= 2:
            g_pc = gini(pc)
        decline = {d.code for d in population_decline_areas() if d.kind == "인구감소지역"}
        in_decl = with_code["region_code"].isin(decline)
        wt = float(with_code["amount"].sum())
        decl_amt = float(with_code.loc[in_decl, "amount"].sum() / wt) if wt else None
        decl_rec = float(with_code.loc[in_decl, "recipient_id"].nunique() / with_code["recipient_id"].nunique())
        noncap = float(with_code.loc[~with_code["region_code"].str[:2].isin(CAPITAL_SIDO), "amount"].sum() / wt) if wt else None
    return Concentration(
        awards=len(a), recipients=int(per.size), total_krw=total,
        repeat_recipient_share=len(repeat) / len(per), repeat_amount_share=float(per[repeat].sum() / total) if total else 0.0,
        top10_share=top10, gini_recipients=gini(per), hhi_recipients=hhi(per) if total else float("nan"),
        gini_regions=g_reg, hhi_regions=h_reg, gini_regions_per_capita=g_pc,
        decline_area_amount_share=decl_amt, decline_area_recipient_share=decl_rec, non_capital_amount_share=noncap,
        by_year=by_year, lorenz=lorenz, notes=notes,
        definitions={
            "repeat_recipient_share": "두 해 이상 지원받은 수혜자 ÷ 전체 수혜자",
            "repeat_amount_share": "그 수혜자에게 간 금액 ÷ 전체 금액",
            "first_timer_rate": "그해 수혜자 중 이전 해에 지원받은 적 없는 비율 (첫해는 이력이 없어 제외)",
            "top10_share": "금액 상위 10 % 수혜자(올림)의 금액 ÷ 전체 금액",
            "gini_recipients": "수혜자별 합계 금액의 지니계수",
            "hhi": "점유율(%)의 제곱합, 0–10,000",
            "gini_regions_per_capita": "시군구별 금액 ÷ 주민등록 인구(최근 연도)의 지니계수",
            "decline_area_amount_share": "인구감소지역(2021 지정 89곳)에 간 금액 ÷ 지역코드가 있는 금액",
            "non_capital_amount_share": "비수도권(서울·인천·경기 밖)에 간 금액 ÷ 지역코드가 있는 금액",
        },
    )


def concentration_of_file(source: str | Path | bytes | pd.DataFrame | list[dict]) -> Concentration:
    """Read an awards file and measure it (what the CLI, page and API call)."""
    return concentration(read_awards(source))
