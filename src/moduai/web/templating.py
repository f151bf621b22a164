"""Jinja2 templates and the page-context convention.

Each page is data first: a route builds a context dataclass (``*Context``) from one domain call and
renders it with :func:`render_page`; with ``?format=json`` the same route returns that context as JSON,
so a test can check exactly what a template received.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup

from moduai.korean import won
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


def _csrf_field(context) -> Markup:
    """Minimal stand-in until the hardening branch's ``csrf_field`` lands: the session's CSRF token as a hidden
    ``csrf_token`` input (empty without a session)."""
    from moduai.accounts.service import SESSION_COOKIE, csrf_token

    request = context.get("request")
    token = csrf_token(request.cookies.get(SESSION_COOKIE)) if request is not None else ""
    return Markup(f'<input type="hidden" name="csrf_token" value="{token}">')


if "csrf_field" not in templates.env.globals:
    templates.env.globals["csrf_field"] = pass_context(_csrf_field)

templates.env.filters["num"] = _fmt_number
templates.env.filters["smart"] = _fmt_smart
templates.env.filters["won"] = won

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


def render_page(request: Request, template: str, context: Any, *, title: str, status_code: int = 200):
    """Render ``template`` with ``ctx`` = the page context, or return it as JSON for ``?format=json``."""
    if request.query_params.get("format") == "json":
        return JSONResponse(to_jsonable(context), status_code=status_code)
    return templates.TemplateResponse(
        request,
        template,
        {"ctx": context, "title": title, "nav": NAV, "path": request.url.path},
        status_code=status_code,
    )
