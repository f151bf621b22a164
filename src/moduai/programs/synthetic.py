"""A generator of 합성(예시) 기업마당 CSV exports, for load tests and memory benchmarks only.

Rows have the published 기업마당 columns; titles say "합성 예시 공고" so nobody mistakes them for real
announcements, ids are ``SYN-<n>``, and each description is HTML of a chosen size (real exports carry
long HTML descriptions, which is what makes them large).
"""

from __future__ import annotations

import csv
from pathlib import Path

from moduai.programs.importer import BIZINFO_COLUMNS

_AUTHORS = ("경기도", "강원특별자치도", "부산광역시", "중소벤처기업부", "전북특별자치도")
_KINDS = ("경영", "기술", "금융", "인력", "수출", "창업")


def write_synthetic_bizinfo_csv(path: str | Path, *, rows: int | None = None, target_bytes: int | None = None,
                                description_chars: int = 1500) -> dict:
    """Write a 합성 기업마당 CSV of ``rows`` rows (or about ``target_bytes`` bytes); return rows and bytes."""
    if rows is None and target_bytes is None:
        raise ValueError("give rows or target_bytes")
    path = Path(path)
    filler = "<p>지원 내용 안내 문단입니다. 합성 예시 자료입니다.</p>"
    body = (filler * (description_chars // len(filler) + 1))[:description_chars]
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(BIZINFO_COLUMNS)
        while (rows is not None and n < rows) or (rows is None and fh.tell() < target_bytes):
            n += 1
            w.writerow([f"SYN-{n}", f"합성 예시 공고 {n}", _AUTHORS[n % len(_AUTHORS)], "예시 운영기관",
                        _KINDS[n % len(_KINDS)], "2026-01-05", "2026-01-10", "2026-12-31", "중소기업",
                        f"<div>공고 {n}</div>{body}"])
    return {"rows": n, "bytes": path.stat().st_size, "path": str(path)}
