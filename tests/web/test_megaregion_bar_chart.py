"""The 5극3특 bar chart: horizontal bars (names on their own rows, never rotated), values and 전국 line kept.

The browser test (tests/e2e/test_chart_layout_phone.py) checks the drawn labels do not touch at 390 px; this
checks the figure itself carries every group's name, value and colour in order and the national line."""

from __future__ import annotations

from moduai.web.charts import megaregion_bar_figure

GROUPS = [{"name": "수도권", "value": 40.94, "colour": "#4e79a7"},
          {"name": "강원특별자치도", "value": 32.81, "colour": "#edc948"},
          {"name": "제주특별자치도", "value": None, "colour": "#ff9da7"}]


def test_bars_are_horizontal_with_names_on_the_y_axis_in_order():
    fig = megaregion_bar_figure(GROUPS, label="1인당 GRDP", unit="백만원/명", digits=1, year=2020, national=39.04)
    bar = fig["data"][0]
    assert bar["orientation"] == "h"
    assert bar["y"] == ["수도권", "강원(특)", "제주(특)"]
    assert bar["x"] == [40.94, 32.81, None]
    assert bar["text"] == ["40.9", "32.8", None]
    assert bar["marker"]["color"] == ["#4e79a7", "#edc948", "#ff9da7"]
    assert fig["layout"]["yaxis"]["autorange"] == "reversed"  # first group on top, as the table lists them
    assert "tickangle" not in fig["layout"].get("xaxis", {}) and "tickangle" not in fig["layout"]["yaxis"]
    assert fig["layout"]["xaxis"]["title"]["text"] == "1인당 GRDP (백만원/명)"
    # room after the longest bar for its value: the range reaches past the largest value
    assert fig["layout"]["xaxis"]["range"][1] > 40.94


def test_the_national_line_is_vertical_at_its_value_and_named_in_the_legend():
    fig = megaregion_bar_figure(GROUPS, label="1인당 GRDP", unit="백만원/명", digits=1, year=2020, national=39.04)
    (line,) = fig["layout"]["shapes"]
    assert line["x0"] == line["x1"] == 39.04 and line["yref"] == "paper" and (line["y0"], line["y1"]) == (0, 1)
    assert [d["name"] for d in fig["data"] if d.get("showlegend")] == ["전국 39.0"]
    none = megaregion_bar_figure(GROUPS, label="x", unit="명", digits=0, year=2020, national=None)
    assert none["layout"]["shapes"] == [] and len(none["data"]) == 1
