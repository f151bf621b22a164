"""Application factory."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

import plotly
from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from moduai import __version__
from moduai.web.access import AccessMiddleware
from moduai.web.errors import install_error_handlers
from moduai.web.routes import (
    accounts,
    apidocs,
    assistant,
    balance,
    commerce,
    data,
    fieldai,
    grants,
    home,
    hubs,
    impact,
    marketing,
    programs,
    regions,
    talent,
)
from moduai.web.templating import STATIC_DIR
from moduai.web.warmup import start_warmup

# plotly.js comes from the installed plotly wheel: no CDN, works offline.
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@asynccontextmanager
async def _lifespan(app: FastAPI):
    start_warmup()
    yield


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=_lifespan,
        title="moduai — 모두의 AI 지역 플랫폼",
        version=__version__,
        docs_url=None,  # Swagger UI loads from a CDN; /api/docs is rendered here from the same spec
        openapi_url="/api/v1/openapi.json",
        redoc_url=None,
    )
    install_error_handlers(app)
    # Every request passes the permission table (accounts/permissions/*.yaml) before its route runs.
    app.add_middleware(AccessMiddleware)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(PLOTLY_JS, media_type="application/javascript")

    for module in (home, regions, data, commerce, balance, programs, marketing, talent, fieldai, grants, impact,
                   assistant, accounts, hubs):
        app.include_router(module.router)
    app.include_router(apidocs.router)
    return app
