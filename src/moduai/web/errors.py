"""One error handler: platform errors → one JSON shape under /api, one Korean HTML page elsewhere."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from moduai.errors import InputError, ModuaiError, NotFound


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.query_params.get("format") == "json"


def _respond(request: Request, exc: ModuaiError):
    if _wants_json(request):
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.http_status)
    from moduai.web.templating import render_page

    return render_page(request, "error.html", exc.to_dict(), title="오류", status_code=exc.http_status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ModuaiError)
    async def _moduai_error(request: Request, exc: ModuaiError):
        return _respond(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors():
            loc = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "body", "path"))
            problems.append(f"{loc}: {e.get('msg')}")
        err = InputError(
            "요청 값이 올바르지 않습니다: " + "; ".join(problems) + ". 값을 확인해 다시 보내 주세요.",
            field=problems[0].split(":")[0] if problems else None,
            detail="request validation failed",
        )
        return _respond(request, err)

    @app.exception_handler(404)
    async def _not_found(request: Request, exc):
        err = NotFound(f"'{request.url.path}' 페이지를 찾을 수 없습니다. 주소를 확인해 주세요.")
        return _respond(request, err)
