"""The one enforcement point of the permission table: an ASGI middleware in front of every route.

For each HTTP request it finds the route the router will pick (the same ``matches`` the router uses), looks
up ``"METHOD /template"`` in :func:`moduai.accounts.policy.permission_table` and answers 401 (not signed
in: Korean message and a link to sign in) or 403 (wrong role) before the route runs — before an upload
body is read. A route missing from the table is refused (deny by default). The resolved principal is kept
in the ASGI scope for :func:`moduai.accounts.policy.current_principal`. Unmatched paths and wrong methods
fall through to the router's own 404/405.

Route groups are imported on their first request (:mod:`moduai.web.lazyroutes`): the middleware loads the
group a path falls under *before* it looks the route up, so a request to a group not loaded yet is decided
exactly as it would be after loading (never "no route → let the router have it").
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Mount

from moduai.accounts.policy import PRINCIPAL_SCOPE_KEY, SESSION_COOKIE, Principal, check_access
from moduai.errors import ModuaiError
from moduai.web.lazyroutes import load_all_routes, loaded_groups, shell_for


def route_table(app) -> list[tuple[object, frozenset[str] | None, str]]:
    """Every route of ``app`` in the router's order as ``(path regex, methods or None for mounts, template)``;
    included routers are flattened the way FastAPI resolves them.  Loads every lazy route group first."""
    load_all_routes(app)
    return _loaded_route_table(app)


def _loaded_route_table(app) -> list[tuple[object, frozenset[str] | None, str]]:
    """:func:`route_table` of the groups loaded so far (cached per set of loaded groups)."""
    loaded = loaded_groups(app)  # read before building: a group loaded meanwhile makes the next call rebuild
    cached = getattr(app.state, "moduai_route_table", None)
    if cached is not None and cached[0] == loaded:
        return cached[1]
    routes = app.router.routes  # not app.routes, which would load every group
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI keeps a flat route list
        contexts = list(routes)
    else:
        contexts = list(iter_route_contexts(routes))
    out = []
    for rc in contexts:
        regex = getattr(rc, "path_regex", None)
        path = getattr(rc, "path", None)
        if regex is None or path is None:
            continue
        if isinstance(getattr(rc, "original_route", rc), Mount) or isinstance(rc, Mount):
            out.append((regex, None, path.rstrip("/") + "/{path}"))
        else:
            out.append((regex, frozenset(rc.methods or ()), path))
    app.state.moduai_route_table = (loaded, out)
    return out


def matched_template(app, scope) -> str | None:
    """The template of the route the router will run for ``scope``; None → the router's own 404/405."""
    path, method = scope["path"], scope["method"]
    for regex, methods, template in _loaded_route_table(app):
        if regex.match(path) is None:
            continue
        if methods is None or method in methods:
            return template
    return None


_NO_PRINCIPAL = ("/static/", "/vendor/")


def _principal_from_session_token(token: str) -> Principal | None:
    # The service (SQLAlchemy, ≈ 0.3–0.5 CPU s) is imported by the first request with a session cookie, in
    # the thread pool: a visitor without one — the first page after start — never waits for it.
    from moduai.accounts.service import principal_from_session_token

    return principal_from_session_token(token)


class AccessMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        shell = shell_for(scope["app"], scope["path"])
        if shell is not None:  # first request under a lazy group: import it (off the event loop) before look-up
            await run_in_threadpool(shell.load)
        template = matched_template(scope["app"], scope)
        if template is None:
            return await self.app(scope, receive, send)
        request = Request(scope)
        token = request.cookies.get(SESSION_COOKIE)
        if token and template.startswith(_NO_PRINCIPAL):  # public files: no database look-up per asset
            token = None
        principal = await run_in_threadpool(_principal_from_session_token, token) if token else None
        if principal is None:
            principal = Principal()
        scope[PRINCIPAL_SCOPE_KEY] = principal
        try:
            check_access(principal, scope["method"], template,
                         login_href="/accounts/login?next=" + quote(scope["path"], safe="/"))
        except ModuaiError as exc:
            from moduai.web.errors import error_response as respond

            response = respond(request, exc)
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)
