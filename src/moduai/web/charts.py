"""Every plotly figure the pages draw, as plain dicts (rendered by ``templates/balance/_plot.html``).

plotly.js is served locally from ``/vendor/plotly.min.js``; these functions only shape the figure.
They take domain results or plain lists, never data frames, so a route passes what a domain function
returned and nothing is computed here beyond rounding and labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from moduai.web.maps import mega_colour

PLOT_FONT = {"family": "NanumGothic, 'Nanum Gothic', 'Noto Sans CJK KR', sans-serif", "size": 13}
NATIONAL_LINE = {"dash": "dash", "color": "#1b2330"}

Figure = dict[str, Any]


def short_name(name: str) -> str:
    """'강원특별자치도' → '강원(특)' so chart labels fit."""
    for long, short in (("특별자치도", "(특)"), ("특별자치시", "(특)")):
        if name.endswith(long):
            return name[: -len(long)][:2] + short
    return name


def disparity_trend_figure(trend: Sequence[Any]) -> Figure | None:
    """Gini, CV, Theil (total and between groups) and Williamson CV over the years (``DisparityResult``s)."""
    if len(trend) < 2:
        return None
    years = [r.year for r in trend]
    series = [("지니계수", [r.gini for r in trend]), ("변동계수(CV)", [r.cv for r in trend]),
              ("타일 T 전체", [r.total for r in trend]), ("타일 T 권역 간", [r.between for r in trend]),
              ("윌리엄슨 가중 CV", [r.williamson_cv for r in trend])]
    data = [{"type": "scatter", "mode": "lines+markers", "name": n, "x": years, "y": y}
            for n, y in series if any(v is not None for v in y)]
    return {"data": data, "layout": {
        "title": {"text": f"{trend[0].label} 격차의 변화 ({'시군구' if trend[-1].level == 'sigungu' else '시도'} "
                           f"{trend[-1].n}곳)"}, "font": PLOT_FONT,
        "xaxis": {"title": {"text": "연도"}, "tickmode": "array", "tickvals": years},
        "yaxis": {"title": {"text": "격차 지수 (단위 없음, 0 = 완전 균등)"}, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.25}, "margin": {"l": 60, "r": 20, "t": 50, "b": 80}, "height": 380}}


def megaregion_trend_figure(label: str, unit: str, years: Sequence[int], series: Sequence[Any],
                            national: Any | None) -> Figure | None:
    """Each 5극3특 group's value over the years (``series``: objects with id, name, years, values), 전국 dashed."""
    if len(years) < 2:
        return None
    data = [{"type": "scatter", "mode": "lines+markers", "name": short_name(s.name), "x": list(s.years),
             "y": [round(float(v), 4) for v in s.values], "line": {"color": mega_colour(s.id, "#999")}}
            for s in series]
    if national is not None and national.years:
        data.append({"type": "scatter", "mode": "lines", "name": "전국", "x": [int(v) for v in national.years],
                     "y": [round(float(v), 4) for v in national.values], "line": dict(NATIONAL_LINE)})
    return {"data": data, "layout": {
        "title": {"text": f"5극3특 권역별 {label} 추이"}, "font": PLOT_FONT, "height": 380,
        "xaxis": {"title": {"text": "연도"}, "tickmode": "array", "tickvals": list(years)},
        "yaxis": {"title": {"text": f"{label} ({unit})"}},
        "legend": {"orientation": "h", "y": -0.25}, "margin": {"l": 70, "r": 20, "t": 50, "b": 80}}}


def megaregion_bar_figure(groups: Sequence[dict], *, label: str, unit: str, digits: int, year: int,
                          national: float | None) -> Figure:
    """One horizontal bar per 5극3특 group (group colours, first group on top), 전국 as a dashed line.

    Horizontal: the group names (수도권 … 제주(특)) sit on the left, each on its own row, so they never have to
    be rotated to fit under narrow bars — at 390 px the rotated names touched one another.  The 전국 line is
    named in the legend (an annotation at its top ran into the title on a phone)."""
    n = len(groups)
    values = [g["value"] for g in groups if g["value"] is not None] + ([national] if national is not None else [])
    top = max(values, default=0.0)
    data: list[dict] = [{
        "type": "bar", "orientation": "h", "y": [short_name(g["name"]) for g in groups],
        "x": [g["value"] for g in groups],
        "marker": {"color": [g["colour"] for g in groups]},
        "text": [None if g["value"] is None else f"{g['value']:,.{digits}f}" for g in groups],
        "textposition": "outside", "cliponaxis": False, "name": label, "showlegend": False}]
    if national is not None:  # legend entry only: the line itself is the shape below
        data.append({"type": "scatter", "mode": "lines", "x": [None], "y": [None], "hoverinfo": "skip",
                     "name": f"전국 {national:,.{digits}f}", "line": dict(NATIONAL_LINE), "showlegend": True})
    xaxis: dict[str, Any] = {"title": {"text": f"{label} ({unit})"}, "automargin": True}
    if top > 0:  # room for the value written after the longest bar
        xaxis["range"] = [0, top * 1.18]
    return {"data": data,
            "layout": {"title": {"text": f"5극3특 권역별 {label} ({year}년)"}, "font": PLOT_FONT,
                       "xaxis": xaxis, "yaxis": {"autorange": "reversed", "automargin": True},
                       "height": max(320, 90 + 34 * n), "bargap": 0.25,
                       "legend": {"orientation": "h", "y": -0.2},
                       "shapes": [] if national is None else [{
                           "type": "line", "xref": "x", "yref": "paper", "x0": national, "x1": national,
                           "y0": 0, "y1": 1, "layer": "below", "line": dict(NATIONAL_LINE)}],
                       "margin": {"l": 70, "r": 20, "t": 50, "b": 60}}}


def theil_figure(theil: Any) -> Figure:
    """Theil T stacked: between groups, then each group's within contribution (``TheilDecomposition``)."""
    t = theil
    return {"data": [
        {"type": "bar", "orientation": "h", "y": ["타일 T"], "x": [t.between], "name": "권역 간",
         "marker": {"color": "#1d4e89"}},
        *[{"type": "bar", "orientation": "h", "y": ["타일 T"], "x": [g.contribution], "name": f"{short_name(g.name)} 안",
           "marker": {"color": mega_colour(g.group, "#999")}} for g in t.groups]],
        "layout": {"barmode": "stack", "font": PLOT_FONT, "height": 260,
                   "title": {"text": f"타일 T = 권역 간 {t.between:.4f} + 권역 내 {t.within:.4f} = {t.total:.4f}"},
                   "xaxis": {"title": {"text": "타일 T (단위 없음)"}}, "legend": {"orientation": "h", "y": -0.6},
                   "margin": {"l": 60, "r": 20, "t": 50, "b": 90}}}


def composite_figure(result: Any, n: int = 20) -> Figure:
    """The top ``n`` units of a ``CompositeResult``, stacked by each indicator's contribution."""
    shown = result.ranking[:n]
    return {"data": [{"type": "bar", "orientation": "h", "name": f"{c.label} (×{c.weight:g})",
                      "y": [u.name for u in shown], "x": [u.contributions[c.indicator] for u in shown]}
                     for c in result.components],
            "layout": {"barmode": "stack", "font": PLOT_FONT, "height": 620,
                       "title": {"text": f"종합 균형지수 상위 20곳과 지표별 기여 ({result.method_label}, {result.year}년)"},
                       "xaxis": {"title": {"text": "종합점수 (0–100, 지표별 기여의 합)"}},
                       "yaxis": {"autorange": "reversed", "automargin": True},
                       "legend": {"orientation": "h", "y": -0.12}, "margin": {"l": 10, "r": 20, "t": 50, "b": 120}}}


def decline_trend_figure(series: Sequence[Any]) -> Figure | None:
    """지방소멸위험지수 over the years for the region, its 시도 and 전국 (objects with name, years, values)."""
    if not series:
        return None
    return {"data": [{"type": "scatter", "mode": "lines+markers", "name": s.name, "x": [int(y) for y in s.years],
                      "y": [round(float(v), 4) for v in s.values]} for s in series],
            "layout": {"title": {"text": "지방소멸위험지수 추이 (연말 주민등록)"}, "font": PLOT_FONT, "height": 360,
                       "xaxis": {"title": {"text": "연도"}, "dtick": 1},
                       "yaxis": {"title": {"text": "지방소멸위험지수 (배)"}, "rangemode": "tozero"},
                       "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0.5, "y1": 0.5,
                                   "line": {"dash": "dot", "color": "#b42318"}}],
                       "annotations": [{"xref": "paper", "x": 0, "y": 0.5, "text": "0.5 미만 소멸위험",
                                        "showarrow": False, "yshift": 10, "xanchor": "left"}],
                       "legend": {"orientation": "h", "y": -0.25}, "margin": {"l": 60, "r": 20, "t": 50, "b": 80}}}


def industry_mix_figure(mix: Any) -> Figure | None:
    """Shares of gross value added by industry, the region next to 전국 (``IndustryMix``)."""
    if mix is None:
        return None
    return {"data": [
        {"type": "bar", "orientation": "h", "name": mix.region_name, "y": mix.labels, "x": mix.region_shares,
         "marker": {"color": "#0b6e4f"}},
        {"type": "bar", "orientation": "h", "name": "전국", "y": mix.labels, "x": mix.national_shares,
         "marker": {"color": "#9aa5b1"}}],
        "layout": {"title": {"text": f"산업 구성: 총부가가치 비중 ({mix.year}년)"}, "font": PLOT_FONT, "barmode": "group",
                   "height": 560, "xaxis": {"title": {"text": "총부가가치 중 비중 (%)"}},
                   "yaxis": {"autorange": "reversed", "automargin": True},
                   "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
                   "margin": {"l": 10, "r": 20, "t": 80, "b": 60}}}


def portfolio_frontier_figure(frontier: Sequence[dict], chosen_grant: float, chosen_value: float) -> Figure | None:
    """Best value against the grant (the efficient frontier), with the chosen portfolio marked."""
    pts = [f for f in frontier if f.get("value") is not None]
    if len(pts) < 2:
        return None
    return {"data": [
        {"type": "scatter", "mode": "lines+markers", "name": "효율 경계", "x": [f["grant_krw"] / 1e8 for f in pts],
         "y": [round(f["value"], 3) for f in pts], "text": [f"{f['projects']}개 사업" for f in pts]},
        {"type": "scatter", "mode": "markers", "name": "이번 선택", "x": [chosen_grant / 1e8], "y": [round(chosen_value, 3)],
         "marker": {"size": 14, "symbol": "star", "color": "#b42318"}},
    ], "layout": {"title": {"text": "국비에 따른 최선의 가치 (효율 경계)"}, "font": PLOT_FONT,
                  "xaxis": {"title": {"text": "국비 (억 원)"}}, "yaxis": {"title": {"text": "가치 점수"}},
                  "margin": {"l": 50, "r": 10, "t": 40, "b": 40}, "legend": {"orientation": "h"}}}


def allocation_terms_figure(rows: Sequence[Any], term_labels: dict[str, str], n: int = 15) -> Figure | None:
    """Stacked bars: each term's contribution to the largest allocations (억 원)."""
    if not rows or not term_labels:
        return None
    top = list(rows)[:n]
    names = [short_name(r.name.split(" ", 1)[-1]) for r in top]
    data = [{"type": "bar", "name": "기본액", "x": names, "y": [round(r.base_krw / 1e8, 1) for r in top]}]
    data += [{"type": "bar", "name": label, "x": names, "y": [round(r.terms_krw.get(tid, 0) / 1e8, 1) for r in top]}
             for tid, label in term_labels.items()]
    data.append({"type": "bar", "name": "상·하한 조정", "x": names,
                 "y": [round(r.bound_adjustment_krw / 1e8, 1) for r in top]})
    return {"data": data, "layout": {"barmode": "relative", "font": PLOT_FONT,
                                     "title": {"text": f"배분액 상위 {len(top)}곳의 항목별 기여 (억 원)"},
                                     "margin": {"l": 50, "r": 10, "t": 40, "b": 90}, "legend": {"orientation": "h"}}}
def event_study_figure(terms: Sequence[Any], *, title: str, base_year: int | None = None) -> Figure | None:
    """Coefficients by event time with 95 % intervals; leads shaded so pre-trends are always visible."""
    if not terms:
        return None
    xs = [t.event_time + (base_year or 0) for t in terms]
    ys = [round(t.estimate, 5) for t in terms]
    err_hi = [round(t.ci_high - t.estimate, 5) for t in terms]
    err_lo = [round(t.estimate - t.ci_low, 5) for t in terms]
    start = (base_year or 0) - 0.5
    return {"data": [{"type": "scatter", "mode": "markers+lines", "name": "계수", "x": xs, "y": ys,
                      "error_y": {"type": "data", "symmetric": False, "array": err_hi, "arrayminus": err_lo}}],
            "layout": {"title": {"text": title}, "font": PLOT_FONT,
                       "xaxis": {"title": {"text": "연도" if base_year else "처리 시점으로부터"}},
                       "yaxis": {"title": {"text": "비교 집단과의 차이 (기준: 처리 직전)"}, "zeroline": True},
                       "shapes": [{"type": "rect", "xref": "x", "yref": "paper", "x0": min(xs) - 0.5, "x1": start,
                                   "y0": 0, "y1": 1, "fillcolor": "#f3f4f6", "line": {"width": 0}, "layer": "below"}],
                       "margin": {"l": 60, "r": 10, "t": 40, "b": 40}}}


def group_means_figure(treated: Sequence[dict], control: Sequence[dict], *, labels: tuple[str, str],
                       title: str) -> Figure | None:
    if not treated or not control:
        return None
    return {"data": [{"type": "scatter", "mode": "lines+markers", "name": labels[0], "x": [r["year"] for r in treated],
                      "y": [round(r["mean_log"], 4) for r in treated]},
                     {"type": "scatter", "mode": "lines+markers", "name": labels[1], "x": [r["year"] for r in control],
                      "y": [round(r["mean_log"], 4) for r in control]}],
            "layout": {"title": {"text": title}, "font": PLOT_FONT, "legend": {"orientation": "h"},
                       "yaxis": {"title": {"text": "평균 (로그)"}}, "margin": {"l": 60, "r": 10, "t": 40, "b": 40}}}


def lorenz_figure(points: Sequence[tuple[float, float]], title: str = "로렌츠 곡선") -> Figure | None:
    if len(points) < 2:
        return None
    return {"data": [{"type": "scatter", "mode": "lines", "name": "실제", "x": [p[0] for p in points],
                      "y": [p[1] for p in points]},
                     {"type": "scatter", "mode": "lines", "name": "완전 균등", "x": [0, 1], "y": [0, 1],
                      "line": {"dash": "dash", "color": "#888"}}],
            "layout": {"title": {"text": title}, "font": PLOT_FONT, "legend": {"orientation": "h"},
                       "xaxis": {"title": {"text": "수혜자 누적 비율 (금액 작은 순)"}, "tickformat": ".0%"},
                       "yaxis": {"title": {"text": "금액 누적 비율"}, "tickformat": ".0%"},
                       "margin": {"l": 60, "r": 10, "t": 40, "b": 40}}}


# ----------------------------------------------------------------------------------------- fieldai
KIND_COLOURS = {"baseline": "rgba(220,38,38,0.18)", "change": "rgba(234,88,12,0.25)", "stuck": "rgba(107,114,128,0.25)",
                "multivariate": "rgba(124,58,237,0.18)"}
SENSOR_COLOURS = ["#1d4e89", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7",
                  "#4e79a7"]


def _window_x(w, x_kind: str):
    if x_kind == "row":
        return (w.first_row or 0) - 0.5, (w.last_row or 0) + 0.5
    return w.start, w.end


def fieldai_timeline_figure(series, windows, *, synthetic: bool = False) -> dict | None:
    """All sensors on one time axis (the first shown, the others one legend tap away), anomaly windows
    shaded by kind, a marker per window whose hover text is the Korean reason, and a range slider."""
    if not series:
        return None
    x_kind = series[0].x_kind
    data = []
    for i, s in enumerate(series):
        data.append({"type": "scattergl" if len(s.x) > 4000 else "scatter", "mode": "lines",
                     "name": f"{s.label} ({s.unit})" if s.unit else s.label, "x": s.x, "y": s.values,
                     "line": {"width": 1.2, "color": SENSOR_COLOURS[i % len(SENSOR_COLOURS)]},
                     "visible": True if i == 0 else "legendonly",
                     "hovertemplate": "%{x}<br>%{y:,.2f}" + (f" {s.unit}" if s.unit else "") + "<extra>" + s.label
                                      + "</extra>"})
    shapes = []
    mx, my, mt = [], [], []
    for w in windows:
        x0, x1 = _window_x(w, x_kind)
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": x0, "x1": x1, "y0": 0, "y1": 1,
                       "fillcolor": KIND_COLOURS.get(w.kind, "rgba(220,38,38,0.18)"), "line": {"width": 1,
                       "color": KIND_COLOURS.get(w.kind, "rgba(220,38,38,0.5)").replace("0.18", "0.6")},
                       "layer": "below"})
        mx.append(x0 if x_kind == "row" else w.peak)
        my.append(1.0)
        mt.append(f"{w.kind_label} · 점수 {w.score:g}<br>{w.reason}")
    if mx:
        data.append({"type": "scatter", "mode": "markers", "name": "이상 구간", "x": mx, "y": my, "yaxis": "y2",
                     "marker": {"symbol": "triangle-down", "size": 10, "color": "#b91c1c"}, "text": mt,
                     "hovertemplate": "%{text}<extra></extra>"})
    return {"data": data, "layout": {
        "font": PLOT_FONT, "height": 460, "shapes": shapes,
        "xaxis": {"title": {"text": "시각" if x_kind == "time" else "행 번호(시간순)"},
                  "rangeslider": {"visible": True, "thickness": 0.08}},
        "yaxis": {"title": {"text": "측정값 (단위는 범례)"}},
        "yaxis2": {"overlaying": "y", "range": [0, 1.05], "visible": False, "fixedrange": True},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "margin": {"l": 55, "r": 10, "t": 70, "b": 40}, "hovermode": "closest",
        "annotations": [] if not synthetic else [{"text": "합성 자료", "xref": "paper", "yref": "paper", "x": 1, "y": 1,
                                                   "xanchor": "right", "yanchor": "top", "showarrow": False,
                                                   "font": {"color": "#b54708"}}]}}


def fieldai_forecast_figure(sf, *, synthetic: bool = False) -> dict:
    """The last 7 days hourly, the forecast and its 80 % / 95 % intervals for one sensor."""
    unit = f" ({sf.unit})" if sf.unit else ""
    data = [
        {"type": "scatter", "mode": "lines", "name": "최근 기록(시간 평균)", "x": sf.history_times, "y": sf.history,
         "line": {"color": "#1b2330", "width": 1.3}},
        {"type": "scatter", "mode": "lines", "name": "95 % 구간 하한", "x": sf.times, "y": sf.lower95,
         "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "lines", "name": "95 % 예측 구간", "x": sf.times, "y": sf.upper95, "fill": "tonexty",
         "fillcolor": "rgba(29,78,137,0.12)", "line": {"width": 0}},
        {"type": "scatter", "mode": "lines", "name": "80 % 구간 하한", "x": sf.times, "y": sf.lower80,
         "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "lines", "name": "80 % 예측 구간", "x": sf.times, "y": sf.upper80, "fill": "tonexty",
         "fillcolor": "rgba(29,78,137,0.25)", "line": {"width": 0}},
        {"type": "scatter", "mode": "lines", "name": f"예측: {sf.chosen_label}", "x": sf.times, "y": sf.point,
         "line": {"color": "#1d4e89", "width": 2.2}},
    ]
    return {"data": data, "layout": {
        "font": PLOT_FONT, "height": 360, "xaxis": {"title": {"text": ""}},
        "yaxis": {"title": {"text": f"{sf.label}{unit}" + (" · 합성" if synthetic else "")}},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "margin": {"l": 55, "r": 10, "t": 80, "b": 30}}}


# ----------------------------------------------------------------------------------------- talent
def talent_funnel_figure(report: Any) -> Figure:
    """Stages as a share of 정원 for 수도권 and 비수도권 (their sizes differ 8×, so counts go in the labels)."""
    colours = {"전체": "#1d4e89", "수도권": "#9aa5b1", "비수도권": "#0b6e4f"}
    data = []
    for s in report.stages:
        if s.label == "전체" or not s.values or not s.values[0]:
            continue
        pct = [round(v / s.values[0] * 100, 1) for v in s.values]
        data.append({"type": "bar", "orientation": "h", "name": f"{s.label} ({s.runs:,}회차)", "y": s.stages, "x": pct,
                     "text": [f"{p:.0f}% · {v:,}명" for p, v in zip(pct, s.values, strict=True)],
                     "textposition": "auto", "marker": {"color": colours.get(s.label, "#999")},
                     "hovertemplate": "%{y}: %{text}<extra>" + s.label + "</extra>"})
    return {"data": data, "layout": {
        "title": {"text": "정원 대비 신청·수료·취업 (6개월 측정 회차)"}, "font": PLOT_FONT, "height": 400,
        "barmode": "group", "xaxis": {"title": {"text": "정원 대비 (%)"}, "range": [0, 105]},
        "yaxis": {"autorange": "reversed", "automargin": True}, "legend": {"orientation": "h", "y": -0.2},
        "margin": {"l": 10, "r": 10, "t": 50, "b": 60}}}


def talent_rate_figure(report: Any) -> Figure:
    rows = [r for r in report.funnel.rows if r.rate6 is not None][:25]
    pct = [round(r.rate6 * 100, 1) for r in rows]
    return {"data": [{
        "type": "bar", "orientation": "h", "y": [r.label for r in rows], "x": pct, "name": "6개월 취업률",
        "marker": {"color": "#0b6e4f"},
        "error_x": {"type": "data", "symmetric": False,
                    "array": [round((r.rate6_high - r.rate6) * 100, 1) for r in rows],
                    "arrayminus": [round((r.rate6 - r.rate6_low) * 100, 1) for r in rows]},
        "hovertemplate": "%{y}: %{x}%<extra></extra>"}],
        "layout": {"title": {"text": f"{report.funnel.by_label}별 6개월 취업률과 95% 구간"}, "font": PLOT_FONT,
                   "height": max(260, 26 * len(rows) + 90), "xaxis": {"title": {"text": "6개월 취업률 (%)"}, "range": [0, 100]},
                   "yaxis": {"autorange": "reversed", "automargin": True}, "margin": {"l": 10, "r": 10, "t": 50, "b": 50}}}


def talent_rank_figure(rep: Any) -> Figure:
    dist = rep.result.rank_distribution
    return {"data": [{"type": "bar", "x": list(dist), "y": list(dist.values()), "marker": {"color": [
        "#b42318" if k == "미배정" else "#0b6e4f" for k in dist]}, "hovertemplate": "%{x}: %{y}명<extra></extra>"}],
        "layout": {"title": {"text": "받은 지망 순위 분포"}, "font": PLOT_FONT, "height": 300,
                   "yaxis": {"title": {"text": "훈련생 수 (명)"}}, "margin": {"l": 50, "r": 10, "t": 50, "b": 50}}}
