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

    def __init__(self, message: str, rows: list[RowError] | None = None, *, detail: str | None = None) -> None:
        super().__init__(message, detail=detail)
        self.rows = rows or []

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["rows"] = [r.to_dict() for r in self.rows]
        return out
