"""The JSON API's one way to answer: the domain result through ``to_jsonable``, the same bytes as the CLI's
``--json`` (routes declare ``response_model`` for the OpenAPI spec; the body is not re-encoded by it)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from moduai.results import to_jsonable


def api_response(result: Any, status_code: int = 200) -> JSONResponse:
    """``result`` (a domain dataclass, pydantic model or plain data) as the API's JSON document."""
    return JSONResponse(to_jsonable(result), status_code=status_code)


def operation_id(route: APIRoute) -> str:
    """Stable, readable operationIds for generated clients: ``<tag>_<what>`` (e.g. ``balance_disparity``)."""
    tag = str(route.tags[0]) if route.tags else "page"
    what = route.name.removeprefix("api_").removeprefix(f"{tag}_")
    return f"{tag}_{what}"
