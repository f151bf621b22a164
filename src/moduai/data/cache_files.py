"""One way to store a cache file (no pandas, so any floor above ``data`` may use it)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def keep_quietly(path: Path, write: Callable[[Path], object]) -> None:
    """Store a cache file: ``write(tmp)`` into a temporary name next to ``path``, then an atomic rename, so a
    concurrent reader sees the old state or the whole file.  A read-only or full home only costs speed: the
    error is swallowed and the temporary file removed."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp{path.suffix}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
