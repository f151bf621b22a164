"""Route groups imported on their first request, so ``create_app`` (and the first page) does not pay for them.

A route module imports its domain (pandas, pyproj, shapely, pydantic models derived from the result
dataclasses): ≈ 1.3 CPU s for all of them, paid before ``moduai serve`` could answer anything.  Instead
``create_app`` includes, for each group below, an empty *shell* router at the place the group's routers
had in the eager order; :func:`ensure_routes_for` imports the group's modules and includes their routers
into the shell the first time a request's path falls under one of the group's prefixes (once, under a
lock; a concurrent first request waits for the same load).  Since FastAPI resolves included routers at
dispatch time, the loaded routes then behave exactly as if they had been included eagerly: same order,
same responses, same OpenAPI document.

Who loads:

* :class:`moduai.web.access.AccessMiddleware`, before it looks up the route a request will run — so the
  permission table decides a request to a not-yet-loaded group exactly as after loading;
* anything that enumerates routes: ``app.routes``, ``app.openapi()`` (through ``app.routes``),
  ``app.url_path_for`` on a miss, :func:`moduai.web.access.route_table` → :func:`load_all_routes`;
* the warm-up thread, after the first answer (web/warmup.py).

The prefixes are facts about the route modules, checked by tests/web/test_lazy_routes.py: every route of a
group lies under its prefixes, and no other route does (so the order of groups cannot change which route a
path reaches).
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI
from starlette.routing import NoMatchFound

ROUTES_PACKAGE = "moduai.web.routes"


@dataclass(frozen=True)
class RouteGroup:
    name: str
    modules: tuple[str, ...]  # under moduai.web.routes, included in this order
    prefixes: tuple[str, ...]  # a path is under a prefix when equal to it or continuing with "/"

    def covers(self, path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in self.prefixes)


def _group(name: str, *prefixes: str, modules: tuple[str, ...] | None = None) -> RouteGroup:
    return RouteGroup(name, modules or (name,), prefixes)


GROUPS: dict[str, RouteGroup] = {g.name: g for g in (
    _group("regions", "/regions", "/megaregions", "/api/v1/regions", "/api/v1/megaregions"),
    _group("data", "/data", "/api/v1/datasets"),
    _group("commerce", "/commerce", "/api/v1/commerce"),
    _group("balance", "/balance", "/api/v1/balance"),
    _group("programs", "/programs", "/api/v1/programs", modules=("programs", "programs_drafts")),
    _group("marketing", "/marketing", "/api/v1/marketing"),
    _group("talent", "/talent", "/api/v1/talent"),
    _group("fieldai", "/fieldai", "/api/v1/fieldai"),
    _group("grants", "/grants", "/api/v1/grants"),
    _group("impact", "/impact", "/api/v1/impact"),
    _group("assistant", "/ask", "/api/v1/ask"),
    _group("hubs", "/hubs", "/api/v1/hubs", modules=("hubs", "hubs_api")),
    _group("jobs", "/jobs", "/api/v1/jobs"),
    _group("accounts", "/accounts"),  # sign-in pages: the account service and SQLAlchemy
)}

# One lock for every load: a load is an import, and two groups loading in two threads would only contend for
# the interpreter lock and the import locks of their shared modules anyway.  Re-entrant for load_all_routes.
_LOAD_LOCK = threading.RLock()


class _Shell:
    """A group's place in one app: its shell router and whether the group's routers are in it yet."""

    def __init__(self, group: RouteGroup, router: APIRouter) -> None:
        self.group = group
        self.router = router
        self.loaded = False

    def load(self) -> None:
        if self.loaded:
            return
        with _LOAD_LOCK:
            if self.loaded:
                return
            for name in self.group.modules:
                module = importlib.import_module(f"{ROUTES_PACKAGE}.{name}")
                self.router.include_router(module.router)
            self.loaded = True


class LazyRoutesApp(FastAPI):
    """FastAPI whose route enumeration (``routes``, hence ``openapi()``; ``url_path_for``) first loads every
    lazy group; the router itself dispatches only what is loaded (see :func:`ensure_routes_for`)."""

    moduai_shells: list[_Shell]

    @property
    def routes(self):  # type: ignore[override]
        load_all_routes(self)
        return self.router.routes

    def url_path_for(self, name: str, /, **path_params):
        try:
            return self.router.url_path_for(name, **path_params)
        except NoMatchFound:
            if all(shell.loaded for shell in self.moduai_shells):
                raise
        load_all_routes(self)
        return self.router.url_path_for(name, **path_params)


def include_lazy_group(app: LazyRoutesApp, name: str, **include_options) -> None:
    """Reserve group ``name``'s place in ``app``'s route order (``include_options`` as for include_router)."""
    shell = _Shell(GROUPS[name], APIRouter())
    app.include_router(shell.router, **include_options)
    if not hasattr(app, "moduai_shells"):
        app.moduai_shells = []
    app.moduai_shells.append(shell)


def _shells(app) -> list[_Shell]:
    return getattr(app, "moduai_shells", [])


def shell_for(app, path: str) -> _Shell | None:
    """The not-yet-loaded group of ``app`` that ``path`` falls under, if any (cheap: no lock, no import)."""
    for shell in _shells(app):
        if not shell.loaded and shell.group.covers(path):
            return shell
    return None


def ensure_routes_for(app, path: str) -> None:
    """Load the group ``path`` falls under, if it is not loaded yet (blocking: an import)."""
    shell = shell_for(app, path)
    if shell is not None:
        shell.load()


def load_all_routes(app, *, only: str | None = None) -> None:
    """Load every group of ``app`` (for whatever lists routes: OpenAPI, the permission check, the warm-up),
    or the group named ``only``."""
    for shell in _shells(app):
        if only is None or shell.group.name == only:
            shell.load()


def pending_groups(app) -> list[str]:
    return [shell.group.name for shell in _shells(app) if not shell.loaded]


def loaded_groups(app) -> tuple[str, ...]:
    return tuple(shell.group.name for shell in _shells(app) if shell.loaded)
