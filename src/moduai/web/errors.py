"""One error handler: platform errors → one JSON shape under /api, one Korean HTML page elsewhere.

Every FastAPI/pydantic validation error becomes one Korean sentence naming the field in Korean
(``위도(lat)에는 숫자를 넣어 주세요``); Starlette's English HTTP errors (405, 413, 400 …) get Korean
messages; unexpected errors are answered by :class:`moduai.web.security.SecurityMiddleware` with an error id.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from moduai.errors import InputError, ModuaiError, NotFound
from moduai.web.fields import field_label
from moduai.web.security import BodyTooLarge, body_too_large_error


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.query_params.get("format") == "json"


def error_response(request: Request, exc: ModuaiError):
    """The one JSON shape (under /api or ``?format=json``) or the Korean error page."""
    if wants_json(request):
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.http_status)
    from moduai.web.templating import render_page

    return render_page(request, "error.html", page_error(exc), title="오류", status_code=exc.http_status)


# a parameter or a choice named as the API and the command line know it, before its Korean name: "'days'(일수)",
# "population(인구)", "population_emd(총인구(읍면동 합계))" (one level of brackets inside the Korean name)
_CODE_AND_LABEL = re.compile(r"(?:'[A-Za-z_][A-Za-z0-9_.\[\]]*'|\b[a-z][a-z0-9_]*)"
                             r"\((?=[^)]*[가-힣])((?:[^()]|\([^()]*\))*)\)")
# …or after it: "역할(role)", "스냅샷('snapshot')", "'강점'(strengths)", "관리자(admin)", "포괄보조 2026(pogwal-2026)"
# (a code is lower case; units stay)
_LABEL_AND_CODE = re.compile(r"(?:(?<=[가-힣0-9)])|(?<=[가-힣]'))\(\s*'?([a-z][a-z0-9_.-]*)'?\s*\)")
_UNITS = frozenset({"m", "km", "kg", "ha", "ms", "ppm", "mm", "cm", "g"})


def page_message(message: str | None) -> str | None:
    """A domain message as a page shows it: a parameter or a choice by its Korean name alone (``'days'(일수)는`` →
    ``일수는``, ``역할(role)은`` → ``역할은``, ``관리자(admin)`` → ``관리자``; the particle was already chosen for the
    Korean name).  The JSON answer and the command line keep both.  The one translation for every page: the
    error page and the message box of a form page alike (:func:`page_error`)."""
    if not message:
        return message
    message = _CODE_AND_LABEL.sub(r"\1", message)
    return _LABEL_AND_CODE.sub(lambda m: m.group(0) if m.group(1) in _UNITS else "", message)


def page_error(exc: ModuaiError) -> dict[str, Any]:
    """A platform error as a page shows it — the error page, and the error box of a form page re-shown with its
    form: the message and each rejected row's reason through :func:`page_message`; no English ``detail``
    (it stays in the JSON shape and the log)."""
    out = exc.to_dict()
    out.pop("detail", None)
    out["message"] = page_message(out["message"])
    if "rows" in out:
        out["rows"] = [{**r, "reason": page_message(str(r.get("reason", "")))} for r in out["rows"]]
    return out


def _received(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    text = str(value)
    return f" (받은 값: '{text[:40]}')" if text != "" else " (받은 값: 빈 값)"


def _what(err: dict[str, Any]) -> str:
    """What a value must be, in Korean, from a pydantic error's type and context."""
    t, ctx = err.get("type", ""), err.get("ctx") or {}
    if t.startswith("int_"):
        return "정수를 넣어 주세요"
    if t.startswith("float_") or t.startswith("decimal_"):
        return "숫자를 넣어 주세요"
    if t.startswith("bool_"):
        return "1(예) 또는 0(아니오)을 넣어 주세요"
    if t.startswith("datetime"):
        return "2026-03-01 09:30 같은 날짜와 시각을 넣어 주세요"
    if t.startswith("date"):
        return "2026-03-01 같은 연-월-일 형식의 날짜를 넣어 주세요"
    if t in ("literal_error", "enum"):
        return f"다음 중 하나여야 합니다: {ctx.get('expected', '')}"
    if t in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        word = {"greater_than_equal": "이상", "greater_than": "초과", "less_than_equal": "이하",
                "less_than": "미만"}[t]
        limit = next(iter(ctx.values()), "")
        return f"{limit} {word}이어야 합니다"
    if t == "string_too_long":
        return f"{ctx.get('max_length')}자 이하여야 합니다"
    if t == "string_too_short":
        return f"{ctx.get('min_length')}자 이상이어야 합니다" if ctx.get("min_length", 1) > 1 else "비워 둘 수 없습니다"
    if t.startswith("string_") or t == "str_type":
        return "글자를 넣어 주세요"
    if t in ("dict_type", "model_type", "model_attributes_type"):
        return "JSON 객체({…})여야 합니다"
    if t in ("list_type", "tuple_type", "set_type"):
        return "목록([…])이어야 합니다"
    if t == "json_invalid":
        return "올바른 JSON 형식이 아닙니다"
    if t.startswith("too_long"):
        return f"항목이 {ctx.get('max_length')}개 이하여야 합니다"
    if t == "value_error":
        return str(ctx.get("error") or err.get("msg", "")).removeprefix("Value error, ") or "값이 올바르지 않습니다"
    if t == "url_parsing" or t.startswith("url_"):
        return "주소(URL) 형식이 아닙니다"
    return "값이 올바르지 않습니다"


def translate_validation_error(exc: RequestValidationError, *, code: bool = True) -> InputError:
    """Pydantic's English list → one Korean message naming each field in Korean (first field in ``field``).

    ``code=False`` for web pages: the field's Korean name alone (``위도``), no request-parameter name."""
    problems, fields = [], []
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ()) if p not in ("query", "body", "path", "header", "cookie")]
        field = ".".join(loc) if loc else "body"
        if e.get("type") == "json_invalid":
            field = "body"
        fields.append(field)
        what = _what(e)
        label = field_label(field, code=code)
        if e.get("type") == "missing":
            problems.append(f"{label} 값을 넣어 주세요")
        elif what.endswith("주세요"):
            problems.append(f"{label}에는 {what}{_received(e.get('input'))}")
        else:
            problems.append(f"{label}: {what}{_received(e.get('input'))}")
    message = "요청 값이 올바르지 않습니다: " + "; ".join(problems[:5]) + ". 값을 고쳐 다시 보내 주세요."
    return InputError(message, field=fields[0] if fields else None)


_HTTP_MESSAGES = {
    400: "요청을 읽을 수 없습니다. 보낸 내용의 형식(JSON, 양식)을 확인해 주세요.",
    401: "로그인이 필요합니다.",
    403: "이 요청을 할 권한이 없습니다.",
    405: "이 주소는 그 방식(GET/POST 등)의 요청을 받지 않습니다.",
    406: "요청한 형식으로 답할 수 없습니다.",
    413: "보낸 내용이 너무 큽니다. 파일을 나눠서 다시 올려 주세요.",
    415: "이 형식의 내용은 받지 않습니다. JSON이나 양식으로 보내 주세요.",
    429: "요청이 너무 많습니다. 잠시 뒤 다시 해 주세요.",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ModuaiError)
    async def _moduai_error(request: Request, exc: ModuaiError):
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        return error_response(request, translate_validation_error(exc, code=wants_json(request)))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            err: ModuaiError = NotFound(f"'{request.url.path[:200]}' 페이지를 찾을 수 없습니다. 주소를 확인해 주세요.")
        elif isinstance(exc, BodyTooLarge):
            err = body_too_large_error(exc.limit)
        else:
            err = ModuaiError(_HTTP_MESSAGES.get(exc.status_code, "요청을 처리할 수 없습니다."),
                              detail=str(exc.detail)[:200] if exc.detail else None)
            err.http_status = exc.status_code
            err.kind = "http_error"
        response = error_response(request, err)
        for key, value in (getattr(exc, "headers", None) or {}).items():
            response.headers[key] = value
        return response
