"""Application factory."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from moduai import __version__
from moduai.web.access import AccessMiddleware
from moduai.web.api import operation_id
from moduai.web.assets import PLOTLY_JS, AssetCacheMiddleware, vendor_response
from moduai.web.errors import error_response, install_error_handlers
from moduai.web.lazyroutes import LazyRoutesApp, include_lazy_group
from moduai.web.params import DropEmptyPageQuery
from moduai.web.routes import apidocs, home
from moduai.web.schemas.common import ERROR_RESPONSES
from moduai.web.security import (
    CSRF_HEADER,
    SecurityMiddleware,
    csrf_protect,
    csrf_token,
    document_csrf_in_openapi,
)
from moduai.web.templating import STATIC_DIR
from moduai.web.warmup import TrafficMiddleware, start_warmup

__all__ = ["PLOTLY_JS", "create_app"]  # PLOTLY_JS: the installed wheel's plotly.js (moduai.web.assets)


@asynccontextmanager
async def _lifespan(app: FastAPI):
    from moduai.housekeeping import clean_home

    clean_home()  # temporary files of a killed import or upload
    start_warmup(app)  # also loads the route groups not yet requested, after the first answer
    yield


# The app's routers in their order: a module here is imported now, a name is a group of moduai.web.lazyroutes
# imported on the first request under its paths (or when anything lists the routes).  Light pages only are
# eager, so the first page does not wait for every domain's import (≈ 1.3 CPU s).
ROUTERS = (home, "regions", "data", "commerce", "balance", "programs", "marketing", "talent", "fieldai", "grants",
           "impact", "assistant", "accounts", "hubs", "jobs")


def create_app() -> FastAPI:
    app = LazyRoutesApp(
        lifespan=_lifespan,
        title="moduai — 모두의 AI 지역 플랫폼",
        version=__version__,
        docs_url=None,  # Swagger UI loads from a CDN; /api/docs is rendered here from the same spec
        openapi_url="/api/v1/openapi.json",
        redoc_url=None,
        # CSRF token on every unsafe method, strict form text, id ranges (moduai.web.security)
        dependencies=[Depends(csrf_protect)],
        generate_unique_id_function=operation_id,
    )
    install_error_handlers(app)
    # Innermost: pages, JSON and static files leave compressed when the browser accepts gzip (plotly.js is
    # sent pre-compressed by its route and passes through untouched).  Level 5, not Starlette's 9: a 0.4 MB
    # map page takes ≈ 11 ms instead of ≈ 44 ms of CPU and comes out ≈ 2 % larger (docs/notes/warmpages.md).
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    # Cache-Control on /static and /vendor: a year for a ?v=<content hash> URL, else revalidate by ETag.
    app.add_middleware(AssetCacheMiddleware)
    # Every request passes the permission table (accounts/permissions/*.yaml) before its route runs.
    app.add_middleware(AccessMiddleware)
    # A form field left empty on a page is "not given" (moduai.web.params.DropEmptyPageQuery).
    app.add_middleware(DropEmptyPageQuery)
    # Requests in flight, so the warm-up thread starts after the first answer and gives way to pages.
    app.add_middleware(TrafficMiddleware)
    # Added last, so it runs first: hosts, origins, body size, security headers (moduai.web.security).
    app.add_middleware(SecurityMiddleware, respond=error_response)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js(request: Request):
        return vendor_response(request, "/vendor/plotly.min.js")

    @app.get("/api/v1/csrf", tags=["security"], responses=ERROR_RESPONSES)
    def api_csrf(request: Request) -> dict[str, str]:
        """CSRF 토큰: POST/PUT/PATCH/DELETE 요청에 이 값을 X-CSRF-Token 헤더로, 함께 받은 쿠키와 같이 보냅니다."""
        return {"csrf_token": csrf_token(request), "header": CSRF_HEADER}

    for entry in ROUTERS:
        if isinstance(entry, str):
            include_lazy_group(app, entry, responses=ERROR_RESPONSES)
        else:
            app.include_router(entry.router, responses=ERROR_RESPONSES)
    app.include_router(apidocs.router)
    document_csrf_in_openapi(app)
    return app
