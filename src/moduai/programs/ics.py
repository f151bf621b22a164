"""Deadline calendars as iCalendar (RFC 5545), written by hand: UTF-8, CRLF line ends, folded lines.

RFC 5545 §3.1: content lines are at most 75 octets, continued on the next line after CRLF + one space
(we fold on UTF-8 character boundaries, so no Hangul syllable is split); §3.3.11: TEXT escapes backslash,
semicolon, comma and newline.  Each deadline is an all-day event (``VALUE=DATE``, DTEND the next day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from moduai.programs.catalog import Program

CRLF = "\r\n"
PRODID = "-//moduai//지원사업 마감 달력//KO"


def escape_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold_line(line: str, limit: int = 75) -> str:
    """Fold one content line into ≤ ``limit``-octet pieces joined by CRLF + space."""
    pieces: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        budget = limit if not pieces else limit - 1  # continuation lines start with one space
        if size + width > budget:
            pieces.append(current)
            current, size = "", 0
        current += ch
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def deadline_calendar(programs: Iterable[Program], *, now: dt.datetime | None = None,
                      name: str = "지원사업 마감 달력 (moduai)") -> str:
    """An iCalendar document with one all-day event per program deadline."""
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}", "X-WR-TIMEZONE:Asia/Seoul"]
    for p in programs:
        if p.apply_end is None:
            continue
        label = "[표본] " if p.is_sample else ""
        desc = "\n".join(x for x in (p.notice, f"기관: {p.agency}", f"접수: {p.period_text}",
                                     f"지역: {p.region_text}", p.url or "") if x)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{p.slug}-{_date(p.apply_end)}@moduai",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_date(p.apply_end)}",
            f"DTEND;VALUE=DATE:{_date(p.apply_end + dt.timedelta(days=1))}",
            f"SUMMARY:{escape_text(f'{label}마감: {p.name}')}",
            f"DESCRIPTION:{escape_text(desc)}",
            f"CATEGORIES:{escape_text(p.kind)}",
            "TRANSP:TRANSPARENT",
        ]
        if p.url:
            lines.append(f"URL:{p.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return CRLF.join(fold_line(ln) for ln in lines) + CRLF
