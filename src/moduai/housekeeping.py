"""Temporary files: where uploads are spooled, and cleaning what a killed process left behind.

Every temporary file or folder the platform writes carries the id of the process that owns it
(``.2026Q1.parquet.<pid>.<hex>.tmp`` for a snapshot being written, ``upload-<pid>-<hex>/`` for a
spooled upload).  :func:`clean_orphans` removes those whose process is gone — a killed import leaves
one — and keeps those of live processes, so it is safe to run while other imports are in progress.
It runs when the web app starts and before every 상가 import.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

from moduai.config import get_settings

_OWNED = re.compile(r"(?:\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp|^upload-(?P<pid2>\d+)-[0-9a-z_]{8,40})$")


def spool_dir() -> Path:
    """``MODUAI_HOME/tmp``: uploads are copied here before they are read."""
    path = get_settings().home / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_spool_folder() -> Path:
    """A fresh folder under :func:`spool_dir` named after this process (cleaned if the process dies)."""
    return Path(tempfile.mkdtemp(prefix=f"upload-{os.getpid()}-{uuid.uuid4().hex[:8]}", dir=spool_dir()))


def spooled_upload_folder() -> tempfile.TemporaryDirectory:
    """A :class:`tempfile.TemporaryDirectory` under :func:`spool_dir`, named after this process."""
    return tempfile.TemporaryDirectory(prefix=f"upload-{os.getpid()}-", dir=spool_dir())


def process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def owner_pid(name: str) -> int | None:
    m = _OWNED.search(name)
    if not m:
        return None
    return int(m["pid"] or m["pid2"])


def clean_orphans(*folders: Path) -> list[Path]:
    """Remove temporary files/folders in ``folders`` whose owning process no longer runs; return them."""
    removed: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            pid = owner_pid(entry.name)
            if pid is None or process_alive(pid):
                continue
            try:
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            except FileNotFoundError:  # another process cleaned it first
                continue
            removed.append(entry)
    return removed


def clean_home() -> list[Path]:
    """Clean the platform's temporary folders in ``MODUAI_HOME`` (snapshot writes, spooled uploads)."""
    settings = get_settings()
    return clean_orphans(settings.imports_dir / "commerce", settings.home / "tmp")
