"""Web hardening in one place: allowed hosts, Origin check, CSRF, body limits, strict text, security headers.

:class:`SecurityMiddleware` (pure ASGI, outermost) runs before any route:

- **Allowed hosts** (DNS rebinding): the ``Host`` header must be ``localhost``, ``127.0.0.1``, ``[::1]``,
  ``testserver`` or one of ``MODUAI_ALLOWED_HOSTS``; anything else answers a Korean 400 page.
- **Origin/Referer** on POST/PUT/PATCH/DELETE: the request's own host and port (the scheme is not compared:
  behind a TLS proxy the app sees http) or one of ``MODUAI_ALLOWED_ORIGINS``; ``Origin: null`` and foreign
  origins answer 403. A request carrying neither
  header (curl, scripts) is not refused here — the CSRF token still applies to it.
- **Body size while streaming**: ``Content-Length`` is checked before a byte is read, and a running count
  refuses a chunked body at the limit (413, Korean). JSON and urlencoded bodies: :data:`MAX_BODY_BYTES`;
  multipart uploads: :data:`MAX_UPLOAD_BYTES` (:data:`LARGE_UPLOAD_PATHS`: the 상가 importer's bulk files).
- **Strict text**: NUL and other C0 control characters (tab, newline and carriage return are allowed) in
  the path, any query value or any JSON string answer 422 naming the field; JSON deeper than
  :data:`MAX_JSON_DEPTH` answers 422 before it is parsed.
- **Headers** on every response: a Content-Security-Policy without inline script (``script-src 'self'``),
  frame denial, ``nosniff``, ``Referrer-Policy``; every cookie gets ``Secure`` when the request came over
  HTTPS (``X-Forwarded-Proto`` only counts with ``MODUAI_TRUST_PROXY=1``).
- **Unexpected errors**: a Korean page or ``{"error": {"type": "internal", "error_id": …}}``; the log
  holds the traceback under that id.

CSRF (double submit, signed): the ``moduai_csrf`` cookie holds a random value signed with the secret key
(anonymous visitors get one too). A token is ``nonce.HMAC(key, nonce | cookie value | session cookie)``:
fresh for every rendered form (no BREACH), bound to the cookie and — once signed in — to the session.
:func:`csrf_protect` (an app-wide dependency) checks it on every unsafe method, from the form field
``csrf_token`` or the header ``X-CSRF-Token``. Pages put ``{{ csrf_field() }}`` in every POST form.

JSON API clients: ``GET /api/v1/csrf`` answers ``{"csrf_token": …}`` and sets the cookie; send the cookie
back with the header ``X-CSRF-Token: <token>`` on every POST/PUT/PATCH/DELETE.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import HTTPException, Request
from markupsafe import Markup
from starlette.convertors import IntegerConvertor
from starlette.datastructures import UploadFile

from moduai.errors import Forbidden, InputError, ModuaiError, NotFound
from moduai.web.fields import field_label

log = logging.getLogger("moduai.web")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_COOKIE = "moduai_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
DEFAULT_HOSTS = ("localhost", "127.0.0.1", "[::1]", "testserver")
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# 상가(상권)정보 quarterly files are published per 시도 and reach a few hundred MB.
LARGE_UPLOAD_PATHS = {"/commerce/data": 1024 * 1024 * 1024, "/api/v1/commerce/import": 1024 * 1024 * 1024}
MAX_JSON_DEPTH = 32
MAX_ID = 2**63 - 1  # the largest BIGINT on PostgreSQL and INTEGER on SQLite

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)

# C0 controls except tab, newline, carriage return; and DEL. NUL breaks PostgreSQL text columns.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_chars(text: str) -> bool:
    return _CONTROL.search(text) is not None


# --- settings and keys ---------------------------------------------------------------------------

def _settings():
    from moduai.config import get_settings

    return get_settings()


def _key() -> bytes:
    secret = _settings().secret_key
    return secret if isinstance(secret, bytes) else str(secret).encode("utf-8")


def _mac(*parts: str) -> str:
    return hmac.new(_key(), "|".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()[:40]


def _sign_cookie(value: str) -> str:
    return f"{value}.{_mac('csrf-cookie', value)}"


def _cookie_value(raw: str | None) -> str | None:
    """The random value of a valid signed CSRF cookie, else None."""
    if not raw or raw.count(".") != 1:
        return None
    value, sig = raw.split(".")
    return value if value and hmac.compare_digest(sig, _mac("csrf-cookie", value)) else None


def _session_cookie(request: Request) -> str:
    from moduai.accounts.policy import SESSION_COOKIE

    return request.cookies.get(SESSION_COOKIE) or ""


def csrf_token(request: Request) -> str:
    """A fresh token for this request's CSRF cookie (and session, when signed in)."""
    cookie = request.scope.get("state", {}).get("csrf_cookie")
    if cookie is None:  # outside the middleware (unit tests rendering a template): nothing can verify it
        cookie = _cookie_value(request.cookies.get(CSRF_COOKIE)) or ""
    nonce = secrets.token_urlsafe(12)
    return f"{nonce}.{_mac('csrf-token', nonce, cookie, _session_cookie(request))}"


def _token_ok(request: Request, token: str | None) -> bool:
    cookie = _cookie_value(request.cookies.get(CSRF_COOKIE))
    if not cookie or not token or token.count(".") != 1:
        return False
    nonce, sig = token.split(".")
    return hmac.compare_digest(sig, _mac("csrf-token", nonce, cookie, _session_cookie(request)))


def csrf_field(request: Request) -> Markup:
    """The hidden ``csrf_token`` input for a POST form (the Jinja global ``csrf_field()``)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, csrf_token(request))


CSRF_FAILED = ("요청을 확인할 수 없습니다(보안 토큰이 없거나 맞지 않음). 페이지를 새로 고친 뒤 다시 보내 주세요. "
               "API로 보낼 때는 GET /api/v1/csrf에서 받은 토큰을 X-CSRF-Token 헤더에 넣어 주세요.")


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: CSRF token on unsafe methods, strict text in form fields, id ranges in paths."""
    _check_path_ids(request)
    if request.method in SAFE_METHODS:
        return
    token = request.headers.get(CSRF_HEADER)
    ctype = request.headers.get("content-type", "")
    form = None
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # already parsed (and cached) by FastAPI for routes with Form fields
        _check_form_text(form)
        if token is None:
            value = form.get(CSRF_FIELD)
            token = value if isinstance(value, str) else None
    if not _token_ok(request, token):
        raise Forbidden(CSRF_FAILED, detail="csrf token missing or invalid")


def _check_form_text(form) -> None:
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if value.filename and has_control_chars(value.filename):
                raise InputError(f"'{key}' 파일 이름에 보이지 않는 제어 문자가 들어 있습니다. 파일 이름을 바꿔 다시 올려 "
                                 f"주세요.", field=key)
        elif has_control_chars(key) or has_control_chars(value):
            raise control_char_error(key)


def _check_path_ids(request: Request) -> None:
    """Integer ids outside 1..2⁶³−1 do not exist: 404 before any database sees them."""
    route = request.scope.get("route")
    convertors = getattr(route, "param_convertors", {}) or {}
    int_params = {f.name for f in getattr(getattr(route, "dependant", None), "path_params", [])
                  if getattr(f.field_info, "annotation", None) is int}
    for name, value in request.path_params.items():
        if isinstance(convertors.get(name), IntegerConvertor) or name in int_params:
            try:
                number = int(value)
            except (TypeError, ValueError):
                continue  # not a number at all: the validator answers 422 naming the field
            if not 1 <= number <= MAX_ID:
                raise NotFound(f"번호 {value}에 해당하는 항목이 없습니다. 주소의 번호를 확인해 주세요.", field=name)


def control_char_error(field: str) -> InputError:
    return InputError(
        f"{field_label(field)} 값에 보이지 않는 제어 문자(NUL 등)가 들어 있습니다. 그 문자를 지우고 다시 보내 주세요.",
        field=field, detail="control character in input",
    )


# --- the ASGI middleware --------------------------------------------------------------------------

class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the running byte count passes the limit (FastAPI re-raises it)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"body larger than {limit} bytes")
        self.limit = limit


def body_too_large_error(limit: int) -> ModuaiError:
    err = ModuaiError(f"보낸 내용이 너무 큽니다(최대 {_mb(limit)}). 파일을 나눠서 다시 올려 주세요.",
                      detail="request body too large")
    err.http_status = 413
    err.kind = "too_large"
    return err


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB"


def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    host = host.strip().lower()
    if host.startswith("["):
        name = host[: host.find("]") + 1] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if not name or any(c in name for c in "/@\\ "):
        return False
    for pattern in (*DEFAULT_HOSTS, *allowed):
        if pattern == "*" or pattern == name:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


def _origin(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        if not parts.scheme or not parts.hostname:
            return None
        default = {"http": 80, "https": 443}.get(parts.scheme)
        port = parts.port
    except ValueError:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _same_site(claimed: str, own: str | None, allowed: tuple[str, ...]) -> bool:
    """The request's own host (scheme aside: behind a TLS proxy the app sees http while the browser says
    https) or an origin listed in ``MODUAI_ALLOWED_ORIGINS``."""
    if claimed in allowed:
        return True
    if own is None or claimed == "null" or "://" not in claimed:
        return False
    return claimed.split("://", 1)[1] == own.split("://", 1)[1]


def _json_depth(body: bytes) -> int:
    """Deepest nesting of ``[``/``{`` outside strings, without parsing (so no recursion)."""
    import numpy as np  # deferred: ≈0.2 CPU s, needed by the first JSON body, not by the first page

    stripped = re.sub(rb'"(?:[^"\\]|\\.)*"', b"", body)
    arr = np.frombuffer(stripped, dtype=np.uint8)
    steps = np.zeros(arr.shape, dtype=np.int32)
    steps[(arr == ord("[")) | (arr == ord("{"))] = 1
    steps[(arr == ord("]")) | (arr == ord("}"))] = -1
    return int(np.cumsum(steps).max()) if steps.size else 0


def _json_text_problem(value: Any, path: str = "") -> str | None:
    """The path of the first JSON string (key or value) with a control character, else None."""
    stack = [(path, value)]
    while stack:
        where, v = stack.pop()
        if isinstance(v, str):
            if has_control_chars(v):
                return where or "body"
        elif isinstance(v, dict):
            for k, item in v.items():
                sub = f"{where}.{k}" if where else str(k)
                if has_control_chars(str(k)):
                    return sub
                stack.append((sub, item))
        elif isinstance(v, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(v))
    return None


class SecurityMiddleware:
    """``respond(request, error)`` renders a platform error (``moduai.web.errors.error_response``; passed in so
    this module does not import the error pages, which import it)."""

    def __init__(self, app, respond) -> None:
        self.app = app
        self.respond = respond

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        settings = _settings()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        https = scope.get("scheme") == "https"
        if settings.trust_proxy and "x-forwarded-proto" in headers:
            https = headers["x-forwarded-proto"].split(",")[0].strip().lower() == "https"
        request = Request(scope)
        cookie = _cookie_value(request.cookies.get(CSRF_COOKIE))
        new_cookie = None
        if cookie is None:
            cookie = secrets.token_urlsafe(24)
            new_cookie = _sign_cookie(cookie)
        scope.setdefault("state", {})["csrf_cookie"] = cookie
        started = False

        async def send_wrapped(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                out = []
                for k, v in message.get("headers", []):
                    if k.lower() == b"set-cookie" and https and b"secure" not in v.lower():
                        v = v + b"; Secure"
                    out.append((k, v))
                present = {k.lower() for k, _ in out}
                out.extend((k, v) for k, v in SECURITY_HEADERS if k not in present)
                if new_cookie is not None:
                    c = f"{CSRF_COOKIE}={new_cookie}; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if https else "")
                    out.append((b"set-cookie", c.encode()))
                message = {**message, "headers": out}
            await send(message)

        async def fail(exc: ModuaiError) -> None:
            response = self.respond(Request(scope), exc)
            await response(scope, receive, send_wrapped)

        host = headers.get("host", "")
        if settings.trust_proxy and "x-forwarded-host" in headers:
            host = headers["x-forwarded-host"].split(",")[0].strip()
        if not _host_allowed(host, settings.allowed_hosts):
            err = InputError(f"이 서버는 '{host[:100]}' 주소로 요청을 받지 않습니다. 서버 관리자는 MODUAI_ALLOWED_HOSTS에 "
                             f"이 주소를 넣어 주세요.", field="Host", detail="host not allowed")
            err.http_status = 400
            return await fail(err)
        problem = self._text_problem(scope)
        if problem is not None:
            return await fail(control_char_error(problem))
        method = scope["method"].upper()
        if method not in SAFE_METHODS:
            own = _origin(f"{'https' if https else 'http'}://{host}")
            claimed = headers.get("origin")
            if claimed is None and headers.get("referer"):
                claimed = _origin(headers["referer"]) or "null"
            if claimed is not None and not _same_site(claimed.rstrip("/").lower(), own, settings.allowed_origins):
                return await fail(Forbidden(
                    "다른 사이트에서 보낸 요청은 받지 않습니다. 이 사이트의 화면에서 다시 보내 주세요.",
                    detail=f"origin {claimed[:100]!r} not allowed"))

        ctype = headers.get("content-type", "").lower()
        multipart = ctype.startswith("multipart/")
        limit = LARGE_UPLOAD_PATHS.get(scope["path"].rstrip("/"), MAX_UPLOAD_BYTES) if multipart else MAX_BODY_BYTES
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return await fail(InputError("Content-Length 헤더가 숫자가 아닙니다.", field="Content-Length"))
            if int(length) > limit:
                return await fail(body_too_large_error(limit))

        if method not in SAFE_METHODS and not multipart:
            # Small bodies: read them here (bounded), check depth and text, then replay them to the app.
            chunks, size = [], 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    return await fail(body_too_large_error(limit))
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
            problem_exc = self._body_problem(body, ctype)
            if problem_exc is not None:
                return await fail(problem_exc)
            replayed = False

            async def receive_replay() -> dict:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            app_receive = receive_replay
        else:
            seen = 0

            async def receive_counted() -> dict:
                nonlocal seen
                message = await receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > limit:
                        raise BodyTooLarge(limit)
                return message

            app_receive = receive_counted

        try:
            await self.app(scope, app_receive, send_wrapped)
        except BodyTooLarge as exc:  # raised outside FastAPI's request handling (e.g. a raw route)
            if started:
                raise
            await fail(body_too_large_error(exc.limit))
        except Exception:
            error_id = uuid.uuid4().hex[:12]
            log.exception("unexpected error %s on %s %s", error_id, method, scope.get("path"))
            if started:
                raise
            await fail(internal_error(error_id))

    @staticmethod
    def _text_problem(scope) -> str | None:
        if has_control_chars(scope.get("path", "")):
            return "path"
        query = scope.get("query_string", b"").decode("latin-1")
        if "%" not in query and not _CONTROL.search(query):
            return None
        for key, value in parse_qsl(query, keep_blank_values=True, errors="replace"):
            if has_control_chars(key) or has_control_chars(value):
                return key if not has_control_chars(key) else "query"
        return None

    @staticmethod
    def _body_problem(body: bytes, ctype: str) -> ModuaiError | None:
        if not body:
            return None
        if "json" in ctype or not ctype:
            if _json_depth(body) > MAX_JSON_DEPTH:
                return InputError(f"JSON이 너무 깊게 중첩되어 있습니다(최대 {MAX_JSON_DEPTH}단계). 구조를 단순하게 바꿔 "
                                  f"주세요.", field="body", detail="json nested too deeply")
            try:
                doc = json.loads(body)
            except (ValueError, RecursionError):
                return None  # FastAPI answers the malformed JSON with its (translated) validation error
            where = _json_text_problem(doc)
            return control_char_error(where) if where else None
        if ctype.startswith("application/x-www-form-urlencoded"):
            for key, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True, errors="replace"):
                if has_control_chars(key) or has_control_chars(value):
                    return control_char_error(key)
        return None


class InternalError(ModuaiError):
    """An unexpected error, answered in Korean with the id under which the log keeps the traceback."""

    kind = "internal"
    http_status = 500

    def __init__(self, error_id: str) -> None:
        super().__init__(f"서버에서 예상하지 못한 오류가 났습니다. 잠시 뒤 다시 해 보시고, 계속되면 관리자에게 오류 번호 "
                         f"{error_id}를 알려 주세요.")
        self.error_id = error_id

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "error_id": self.error_id}


def internal_error(error_id: str) -> InternalError:
    return InternalError(error_id)


def document_csrf_in_openapi(app) -> None:
    """State in the OpenAPI spec that every unsafe operation needs the ``X-CSRF-Token`` header."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes["csrfToken"] = {
            "type": "apiKey", "in": "header", "name": "X-CSRF-Token",
            "description": "GET /api/v1/csrf가 돌려주는 csrf_token 값. 그 응답이 심은 moduai_csrf 쿠키와 함께 보냅니다.",
        }
        for ops in schema.get("paths", {}).values():
            for method, op in ops.items():
                if method.upper() not in SAFE_METHODS:
                    op["security"] = [{"csrfToken": []}]
        return schema

    app.openapi = openapi
