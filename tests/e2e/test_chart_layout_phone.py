"""Plotly charts at 390 px (a phone): no title, legend or axis label drawn over another.

Every chart a page draws through ``[data-figure]`` is measured in the browser: the chart title (drawn
above the chart in HTML, ``.chart-title``, or — if a figure still carries one — plotly's own ``.gtitle``) must
not intersect any text plotly drew (legend entries, axis titles, tick labels, annotations); legend entries
must not intersect the axis titles; no title or legend text may run past the chart's right edge; and tick labels
of one axis must stay at least 2 px apart, measured on their rotated text boxes (rotated labels that touch read
as one word).
Screenshots go to tests/screenshots/charts_390/ (kept out of git).
"""

from __future__ import annotations

import pytest

from tests.conftest import SCREENSHOTS, screenshot

pytestmark = pytest.mark.e2e

# pages that draw charts on a plain GET (with the fixtures' data), and how many
CHART_PAGES = {"/balance": 1, "/balance/megaregions": 3, "/balance/index": 1, "/balance/region/47110": 2,
               "/talent": 2, "/talent/match?demo=1": 1, "/impact/study": 2, "/impact/concentration": 1,
               "/grants/simulate": 1, "/grants/portfolio": 1}

# Returns one line per overlap: "<chart id>: <what> × <what>" (empty when the layout is clean).
MEASURE = """() => {
  const boxes = (root, sel, kind) => [...root.querySelectorAll(sel)]
      .map(e => ({kind, text: (e.textContent || '').trim(), r: e.getBoundingClientRect()}))
      .filter(b => b.text && b.r.width > 0 && b.r.height > 0);
  const hit = (a, b) => a.r.left < b.r.right - 1 && b.r.left < a.r.right - 1 && a.r.top < b.r.bottom - 1 && b.r.top < a.r.bottom - 1;
  // a tick label as drawn: the four corners of its text box after its own rotation (getBBox in the element's
  // units, mapped through getScreenCTM), so a rotated label is its slanted rectangle, not the upright box around it
  const quad = e => { const b = e.getBBox(), m = e.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]); };
  // two convex quads are apart when, on one of their edge normals, their projections leave a gap of at least
  // TICK_GAP px; labels closer than that read as one word (touching) and are reported
  const TICK_GAP = 2;
  const apart = (p, q) => {
    for (const poly of [p, q]) for (let i = 0; i < 4; i++) {
      const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % 4];
      let nx = y2 - y1, ny = x1 - x2; const len = Math.hypot(nx, ny); if (!len) continue; nx /= len; ny /= len;
      const pr = pts => pts.map(([x, y]) => x * nx + y * ny);
      const a = pr(p), b = pr(q);
      if (Math.min(...b) - Math.max(...a) >= TICK_GAP || Math.min(...a) - Math.max(...b) >= TICK_GAP) return true;
    }
    return false; };
  const tickQuads = (root, sel) => [...root.querySelectorAll(sel)]
      .filter(e => (e.textContent || '').trim() && e.getBBox().width > 0 && getComputedStyle(e).display !== 'none'
                   && e.getAttribute('display') !== 'none' && (e.closest('.xtick, .ytick') || e).style.opacity !== '0')
      .map(e => ({text: e.textContent.trim(), q: quad(e)}));
  const out = [], seen = [];
  document.querySelectorAll('[data-figure]').forEach(div => {
    if (!div.querySelector('.main-svg')) { out.push(div.id + ': not drawn'); return; }
    seen.push(div.id);
    const titles = [...boxes(div, '.gtitle', 'title')];
    const html = document.getElementById(div.id + '-title');
    if (html) titles.push({kind: 'title', text: html.textContent.trim(), r: html.getBoundingClientRect()});
    const legend = boxes(div, '.legendtext', 'legend');
    const axes = boxes(div, '.xtitle, .ytitle, .g-xtitle text, .g-ytitle text', 'axis title');
    const ticks = boxes(div, '.xtick text, .ytick text', 'tick');
    const notes = boxes(div, '.annotation-text', 'annotation');
    const right = div.getBoundingClientRect().right;
    for (const t of titles) {
      for (const o of [...legend, ...axes, ...ticks, ...notes]) if (hit(t, o)) out.push(`${div.id}: ${t.kind} '${t.text}' × ${o.kind} '${o.text}'`);
      if (t.r.right > right + 1) out.push(`${div.id}: title '${t.text}' runs past the right edge`);
    }
    const left = div.getBoundingClientRect().left;
    for (const a of [...axes, ...ticks]) if (a.r.right > right + 1 || a.r.left < left - 1) out.push(`${div.id}: ${a.kind} '${a.text}' runs past the chart's edge`);
    for (const sel of ['.xtick text', '.ytick text']) {
      const ts = tickQuads(div, sel);
      for (let i = 0; i < ts.length; i++) for (let j = i + 1; j < ts.length; j++)
        if (!apart(ts[i].q, ts[j].q)) out.push(`${div.id}: tick '${ts[i].text}' touches tick '${ts[j].text}'`);
    }
    for (const l of legend) {
      for (const o of [...axes, ...ticks]) if (hit(l, o)) out.push(`${div.id}: legend '${l.text}' × ${o.kind} '${o.text}'`);
      if (l.r.right > right + 1) out.push(`${div.id}: legend '${l.text}' runs past the right edge`);
    }
  });
  return {problems: out, charts: seen};
}"""


def test_overlap_check_finds_an_overlap(page, live_server):
    # the measure itself can fail: a figure whose legend sits on its x-axis title is reported
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server + "/balance", wait_until="networkidle", timeout=120_000)
    page.wait_for_selector("[data-figure] .main-svg")
    page.evaluate("""() => { const div = document.querySelector('[data-figure]');
        return Plotly.relayout(div, {'legend.orientation': 'h', 'legend.y': -0.1, 'legend.yanchor': 'top',
                                     'title.text': '아주 긴 제목이 범례와 겹치도록 만든 시험용 제목입니다'}); }""")
    page.evaluate("""() => { const t = document.querySelector('.chart-title'); if (t) t.remove(); }""")
    found = page.evaluate(MEASURE)
    assert any("×" in p or "past the right edge" in p for p in found["problems"]), found


@pytest.mark.parametrize("path,n_charts", CHART_PAGES.items())
def test_chart_text_does_not_overlap_at_390(page, live_server, path, n_charts):
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server + path, wait_until="networkidle", timeout=120_000)  # first hits build caches
    for _ in range(3):
        if page.locator("[data-figure]").count() >= n_charts:
            break
        # under load a first hit may answer while the start-up warm-up still builds the tables; retry
        page.wait_for_timeout(5000)
        page.reload(wait_until="networkidle", timeout=120_000)
    assert page.locator("[data-figure]").count() == n_charts, page.locator("main").inner_text()[:500]
    page.wait_for_function(f"document.querySelectorAll('[data-figure] .main-svg').length >= {n_charts}")
    page.wait_for_timeout(300)  # plotly's automargin redraw
    found = page.evaluate(MEASURE)
    name = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-")
    screenshot(page, f"charts_390/{name}")
    for chart_id in found["charts"]:  # each chart with its title, to look at
        box = page.evaluate(f"""() => {{ const d = document.getElementById('{chart_id}').getBoundingClientRect();
            const t = document.getElementById('{chart_id}-title'); const top = t ? t.getBoundingClientRect().top : d.top;
            const a = document.getElementById('{chart_id}-xaxis'); const bottom = a ? a.getBoundingClientRect().bottom : d.bottom;
            return {{x: 0, y: top + window.scrollY, width: window.innerWidth, height: bottom - top}}; }}""")
        page.screenshot(path=str(SCREENSHOTS / "charts_390" / f"{name}__{chart_id}.png"), clip=box, full_page=True)
    assert found["problems"] == [], found
    assert len(found["charts"]) == n_charts
    assert page.external_requests == []
