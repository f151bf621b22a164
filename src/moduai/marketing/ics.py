"""iCalendar (RFC 5545) export: UTF-8, CRLF line ends, lines folded at 75 octets, text escaped."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//moduai//마케팅 콘텐츠 달력//KO"


@dataclass(frozen=True)
class IcsEvent:
    """An all-day event from ``start`` to ``end`` inclusive (DTEND is written exclusive, per RFC 5545)."""

    start: dt.date
    end: dt.date
    summary: str
    description: str = ""
    categories: tuple[str, ...] = ()


def escape_text(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT escaping: backslash, semicolon, comma and newlines."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold_line(line: str, limit: int = 75) -> str:
    """Fold a content line into chunks of at most ``limit`` octets (RFC 5545 §3.1).

    Continuation lines start with one space, which counts toward their 75 octets; a UTF-8 character is
    never split (Korean syllables are 3 octets).
    """
    out: list[str] = []
    current, size, first = "", 0, True
    for ch in line:
        n = len(ch.encode("utf-8"))
        budget = limit if first else limit - 1
        if size + n > budget:
            out.append(current)
            current, size, first = ch, n, False
        else:
            current += ch
            size += n
    out.append(current)
    return "\r\n ".join(out)


def unfold(text: str) -> list[str]:
    """Inverse of folding: logical lines of an ICS document."""
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def build_ics(events: Iterable[IcsEvent], *, calendar_name: str, stamp: dt.datetime | None = None) -> str:
    """The whole calendar as one string (encode as UTF-8 to write the file)."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    dtstamp = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(calendar_name)}", "X-WR-TIMEZONE:Asia/Seoul"]
    for ev in events:
        uid_src = f"{ev.start.isoformat()}|{ev.summary}".encode()
        lines += [
            "BEGIN:VEVENT",
            f"UID:{hashlib.sha1(uid_src).hexdigest()}@moduai",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{ev.start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{ev.end + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(ev.summary)}",
        ]
        if ev.description:
            lines.append(f"DESCRIPTION:{escape_text(ev.description)}")
        if ev.categories:
            lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in ev.categories))
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)
