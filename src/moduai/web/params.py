"""Strict request parameters shared by the routes: ISO dates only (``2026-03-01``), nothing lenient.

``datetime.date.fromisoformat`` also takes ``20260301`` and week dates, and a bare ``fromisoformat`` in a
route turns ``today=null`` into a 500; these helpers answer 422 with a Korean message naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

from moduai.errors import InputError
from moduai.web.fields import field_label

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_or_none(value: object) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def parse_iso_date(value: str | None, field: str) -> dt.date | None:
    """``None``/empty → None; ``YYYY-MM-DD`` → the date; anything else → InputError (422) naming ``field``."""
    if value is None or value == "":
        return None
    day = _date_or_none(value)
    if day is None:
        raise InputError(f"{field_label(field)}에는 2026-03-01 같은 연-월-일 형식의 날짜를 넣어 주세요. "
                         f"받은 값: '{str(value)[:40]}'.", field=field)
    return day


def _strict_date(value: object) -> dt.date:
    day = _date_or_none(value)
    if day is None:
        raise ValueError("2026-03-01 같은 연-월-일 형식의 날짜를 넣어 주세요")
    return day


IsoDate = Annotated[dt.date, BeforeValidator(_strict_date),
                    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"})]
"""A query/body date accepted only as ``YYYY-MM-DD`` (a real calendar day)."""


class DropEmptyPageQuery:
    """ASGI: on a web page's GET (not ``/api``), an empty query value (``?lat=&lon=``, a form field left empty)
    means "not given", the same as leaving it out — not "a number that fails to parse". The API keeps the
    strict reading (an empty number there is a 422 naming the field)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("method") == "GET" and scope.get("query_string") \
                and not scope["path"].startswith("/api/"):
            from urllib.parse import parse_qsl, urlencode

            raw = scope["query_string"].decode("utf-8", "replace")
            pairs = parse_qsl(raw, keep_blank_values=True)
            kept = [(k, v) for k, v in pairs if v.strip() != ""]
            if len(kept) != len(pairs):
                scope = {**scope, "query_string": urlencode(kept).encode("latin-1")}
        return await self.app(scope, receive, send)
