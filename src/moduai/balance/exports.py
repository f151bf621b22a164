"""Tables for download (CSV with BOM for Excel, XLSX), with Korean column names and units."""

from __future__ import annotations

import io

import pandas as pd

from moduai.balance.composite import CompositeResult
from moduai.balance.indicators import get_indicator, indicator_values
from moduai.regions import get_region, list_regions, megaregion_of


def _names() -> dict[str, tuple[str, str]]:
    out = {}
    for level in ("sido", "sigungu", "gu"):
        for r in list_regions(level):
            out[r.code] = (r.full_name, megaregion_of(r.code).name)
    out["00"] = ("전국", "")
    _ = get_region
    return out


def indicator_frame(indicator_id: str, year: int, level: str = "sigungu") -> pd.DataFrame:
    """One indicator in one year for every unit of ``level``: 코드, 지역, 5극3특, 연도, 지표, 값, 단위, 출처."""
    ind = get_indicator(indicator_id)
    values = indicator_values(indicator_id, year, level)
    names = _names()
    rows = [{"코드": code, "지역": names.get(code, (code, ""))[0], "5극3특(정부안)": names.get(code, ("", ""))[1],
             "연도": int(year), "지표": ind.label, "지표 id": ind.id, "값": float(v), "단위": ind.unit,
             "출처": ", ".join(ind.sources)} for code, v in values.items()]
    df = pd.DataFrame(rows)
    df.insert(0, "순위", df["값"].rank(ascending=ind.direction == "lower_better", method="min").astype(int))
    return df.sort_values("순위").reset_index(drop=True)


def composite_frame(result: CompositeResult) -> pd.DataFrame:
    """The composite ranking with each indicator's raw value, normalised score and contribution."""
    rows = []
    for u in result.ranking:
        row = {"순위": u.rank, "코드": u.code, "지역": u.name, "종합점수": round(u.score, 4)}
        for c in result.components:
            row[f"{c.label} 값({c.unit}, {c.year})"] = u.raw[c.indicator]
            row[f"{c.label} 정규화"] = round(u.normalised[c.indicator], 4)
            row[f"{c.label} 기여"] = round(u.contributions[c.indicator], 4)
        rows.append(row)
    return pd.DataFrame(rows)


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel opens Korean text correctly."""
    return df.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(df: pd.DataFrame, sheet: str = "지표", notes: list[str] | None = None) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        df.to_excel(xw, index=False, sheet_name=sheet[:31])
        ws = xw.sheets[sheet[:31]]
        for col in ws.columns:
            width = max(len(str(c.value or "")) for c in col[:200])
            ws.column_dimensions[col[0].column_letter].width = min(40, max(8, width * 1.6))
        if notes:
            pd.DataFrame({"설명": notes}).to_excel(xw, index=False, sheet_name="설명")
    return buf.getvalue()
