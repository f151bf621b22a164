"""Downloads: customer segments (CSV/XLSX) and review reply drafts (CSV).  CSVs carry a UTF-8 BOM so
Excel on Windows opens the Korean correctly; every text cell goes through :mod:`moduai.spreadsheet` so a
review or a name starting with ``=`` is never run as a formula."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from moduai.marketing.customers import CustomerAnalysis
from moduai.marketing.reviews import ReviewAnalysis
from moduai.spreadsheet import force_text_cells, safe_row

SEGMENT_HEADER = ["고객(마스킹)", "마지막 방문일", "경과 일수", "방문일 수", "총 금액(원)", "R", "F", "M", "세그먼트", "추천 쿠폰"]
REPLY_HEADER = ["행", "날짜", "평점", "작성자(마스킹)", "감성", "측면", "확인 필요", "리뷰", "답글 초안"]


def _segment_rows(res: CustomerAnalysis) -> list[list]:
    actions = {s.name: s.action for s in res.segments}
    return [[c.customer, c.last_visit.isoformat(), c.recency_days, c.frequency, c.monetary, c.r, c.f, c.m,
             c.segment, actions.get(c.segment, "")] for c in res.customers]


def _csv(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(safe_row(header))
    w.writerows(safe_row(r) for r in rows)
    return buf.getvalue().encode("utf-8-sig")


def segments_csv(res: CustomerAnalysis) -> bytes:
    return _csv(SEGMENT_HEADER, _segment_rows(res))


def segments_xlsx(res: CustomerAnalysis) -> bytes:
    # deferred: openpyxl (~0.25 s to import) is needed only for XLSX export
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "고객 세그먼트"
    ws.append(safe_row(SEGMENT_HEADER))
    for row in _segment_rows(res):
        ws.append(safe_row(row))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws2 = wb.create_sheet("요약")
    ws2.append(["세그먼트", "고객 수", "비중", "매출(원)", "설명", "추천 쿠폰"])
    for s in res.segments:
        ws2.append(safe_row([s.name, s.customers, s.share, s.revenue, s.description, s.action]))
    ws2.append([])
    ws2.append(["재방문율", res.revisit_rate])
    ws2.append(["기준일", res.as_of.isoformat()])
    ws2.append(["점수 규칙", res.rules])
    for sheet in wb.worksheets:
        force_text_cells(sheet)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def aspect_mark(a) -> str:
    """+ praised, − complained about, 0 mentioned without an opinion, "아쉬움" a complaint let pass in a positive review."""
    if a.conceded:
        return "아쉬움"
    return {"positive": "+", "negative": "-"}.get(a.polarity, "0")


def replies_csv(res: ReviewAnalysis) -> bytes:
    rows = [[r.line, r.date.isoformat(), r.rating if r.rating is not None else "", r.author or "", r.sentiment_ko,
             "·".join(f"{a.aspect}({aspect_mark(a)})" for a in r.aspects),
             "·".join(f.flag for f in r.flags), r.text, r.reply] for r in res.reviews]
    return _csv(REPLY_HEADER, rows)


CALENDAR_HEADER = ["날짜", "끝 날짜", "이름", "구분", "공휴일", "게시 권장일", "게시 아이디어", "추정", "참고"]


def calendar_csv(cal) -> bytes:
    """The content calendar as a spreadsheet-friendly CSV (one row per day or span)."""
    rows = [[e.date.isoformat(), e.end_date.isoformat(), e.name, e.label or e.kind, "예" if e.is_public_holiday else "",
             e.post_on.isoformat(), e.idea, "추정" if e.approximate else "", e.note or ""] for e in cal.events]
    return _csv(CALENDAR_HEADER, rows)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write to a temporary file in the same folder, then rename: a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
