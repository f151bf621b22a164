"""Reading the trainee, slot and placement files (one reader, so preferences and retention share it)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from moduai.errors import InputError


def read_table(source, name: str) -> pd.DataFrame:
    """A CSV (UTF-8 with or without BOM, or CP949) or XLSX file, path or bytes, all cells as text."""
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        p = Path(source)
        if not p.exists():
            raise InputError(f"{name} 파일이 없습니다: {p}", field=name)
        data = p.read_bytes()
    if data[:2] == b"PK":
        return pd.read_excel(io.BytesIO(data), dtype=str).fillna("")
    for enc in ("utf-8-sig", "cp949"):
        try:
            return pd.read_csv(io.BytesIO(data), dtype=str, encoding=enc).fillna("")
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name} 파일의 글자 인코딩을 읽을 수 없습니다. UTF-8 CSV나 XLSX로 저장해 주세요.", field=name)
