"""One error vocabulary for the whole platform.

Domain code raises these; the CLI prints ``message`` (Korean) to stderr with a non-zero exit code, and
the web app maps them to one JSON shape (``{"error": {...}}``) and one HTML error page.  A message names
what was wrong, what is allowed, what was received and how to fix it; ``detail`` may add English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ModuaiError(Exception):
    """Base of every error the platform raises on purpose."""

    kind = "error"
    http_status = 500
    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        detail: str | None = None,
        candidates: list[Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.detail = detail
        self.candidates = candidates or []

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.kind, "message": self.message}
        if self.field:
            out["field"] = self.field
        if self.detail:
            out["detail"] = self.detail
        if self.candidates:
            out["candidates"] = self.candidates
        return out


class InputError(ModuaiError, ValueError):
    """The caller gave a value that is not allowed (bad range, unknown option, malformed text)."""

    kind = "input_error"
    http_status = 422
    exit_code = 2


class NotFound(ModuaiError, LookupError):
    """A code, name or record that does not exist."""

    kind = "not_found"
    http_status = 404
    exit_code = 3


class Ambiguous(InputError):
    """A name that matches several things; ``candidates`` lists them."""

    kind = "ambiguous"
    http_status = 409


class DataUnavailable(ModuaiError):
    """The request is well-formed but the shipped data cannot answer it (e.g. a year with no data)."""

    kind = "data_unavailable"
    http_status = 422
    exit_code = 4


class Forbidden(ModuaiError):
    """The user may not do this (not signed in, not an operator)."""

    kind = "forbidden"
    http_status = 403
    exit_code = 5


class NotSignedIn(Forbidden):
    """The page or action needs a signed-in account and the request has none (HTTP 401)."""

    kind = "not_signed_in"
    http_status = 401


@dataclass
class RowError:
    """One rejected row of an import: where it was and why, in Korean."""

    line: int
    reason: str
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason, "value": self.value}


class ImportRejected(ModuaiError):
    """A whole file was refused and nothing was stored; ``rows`` lists every row-level problem."""

    kind = "import_rejected"
    http_status = 422
    exit_code = 2

    def __init__(self, message: str, rows: list[RowError] | None = None, *, detail: str | None = None,
                 candidates: list[Any] | None = None) -> None:
        super().__init__(message, detail=detail, candidates=candidates)
        self.rows = rows or []

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["rows"] = [r.to_dict() for r in self.rows]
        return out


# --- what went wrong with a call to another server, in Korean -----------------------------------------------
# A page says what kind of failure it was, never the exception's class name (that goes to the log).  Matched by
# class name along each exception's MRO and its cause chain (httpx wraps the socket's error), so this module
# needs no network library.  The most specific kind first.
_FAILURE_WORDS: tuple[tuple[frozenset[str], str], ...] = tuple((frozenset(names.split()), words) for names, words in (
    ("ConnectionRefusedError", "연결 거부: 서버가 꺼져 있거나 주소·포트가 틀림"),
    ("ConnectTimeout", "연결 시간 초과: 서버에 제시간에 연결하지 못함"),
    ("ReadTimeout", "응답 시간 초과: 서버가 제시간에 답하지 않음"),
    ("WriteTimeout", "전송 시간 초과: 요청을 제시간에 보내지 못함"),
    ("PoolTimeout", "연결 대기 시간 초과"),
    ("TimeoutException TimeoutError timeout", "시간 초과"),
    ("gaierror", "서버 주소를 찾을 수 없음"),
    ("SSLError SSLCertVerificationError", "보안 연결(인증서) 오류"),
    ("ProxyError", "프록시 연결 실패"),
    ("ConnectionResetError ConnectionAbortedError BrokenPipeError RemoteProtocolError ReadError WriteError "
     "CloseError", "연결이 도중에 끊김"),
    ("UnsupportedProtocol InvalidURL LocalProtocolError", "서버 주소 형식이 올바르지 않음"),
    ("ConnectError", "서버에 연결할 수 없음"),
    ("JSONDecodeError", "답의 형식이 올바르지 않음: JSON이 아님"),
    ("KeyError IndexError TypeError", "답의 형식이 올바르지 않음: 필요한 항목이 없음"),
    ("TransportError HTTPError NetworkError OSError", "네트워크 오류"),
))

_HTTP_STATUS_WORDS = {
    400: "요청이 잘못됨", 401: "인증 실패", 403: "접근 거부", 404: "주소를 찾을 수 없음", 408: "요청 시간 초과",
    413: "요청이 너무 큼", 429: "요청이 너무 잦음", 500: "서버 내부 오류", 502: "중계 서버 오류",
    503: "서비스를 잠시 쓸 수 없음", 504: "중계 서버 시간 초과",
}


def http_status_words(status: int) -> str:
    """An HTTP answer's status in Korean: ``요청이 너무 잦음, 상태 코드 429``."""
    words = _HTTP_STATUS_WORDS.get(status) or ("서버 오류" if status >= 500 else "요청 거절" if status >= 400 else "예상하지 못한 답")
    return f"{words}, 상태 코드 {status}"


def failure_words(exc: BaseException) -> str:
    """What kind of failure ``exc`` is, in Korean (timeout, refused connection, HTTP status, malformed answer …),
    for a message or a note a page shows: ``연결 시간 초과: 서버에 제시간에 연결하지 못함``.  Log the class name
    (``type(exc).__name__``) beside it; never put it in the message."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 6 and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    names = [{k.__name__ for k in type(e).__mro__} for e in chain]
    for e, kinds in zip(chain, names, strict=True):
        if "HTTPStatusError" in kinds:
            status = getattr(getattr(e, "response", None), "status_code", None)
            if isinstance(status, int):
                return http_status_words(status)
    for wanted, words in _FAILURE_WORDS:
        if any(wanted & kinds for kinds in names):
            return words
    return "알 수 없는 오류"
