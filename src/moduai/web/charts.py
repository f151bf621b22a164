"""Plotly figure dicts for the pages (plotly.js is served locally from /vendor/plotly.min.js; no CDN).

Each function takes a domain result and returns ``{"data": [...], "layout": {...}}`` for the ``chart``
macro; no analysis happens here.
"""

from __future__ import annotations

PLOT_FONT = {"family": "NanumGothic, 'Nanum Gothic', 'Noto Sans CJK KR', sans-serif", "size": 13}

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
