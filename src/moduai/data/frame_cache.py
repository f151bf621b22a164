"""Tables derived from packaged files, kept on disk between processes (``$MODUAI_HOME/cache/frames``).

Parsing the bundled population files into tidy tables costs about a CPU second per process; the tables
never change while their sources do not.  :func:`cached_frame` stores a computed frame as Parquet under a
name that carries a hash of everything it was computed from (the source files' bytes, the code that
computes it, any extra state such as which dated region changes apply today), so a changed input misses
and recomputes — a stale table is never read.  A damaged or unreadable file is recomputed; a read-only
home only costs speed.

**Shipped copies.** The same files, built at development time from the files shipped in the package
(``scripts/build_derived.py``), lie in ``moduai/data/derived/`` under the same names.  A table is looked up in
the home first, then there, then computed: since the name carries the key, a shipped file whose sources or code
changed since it was built is simply not found (stale → computed, never read), and a fresh home costs what a
restart costs.  ``tests/data/test_shipped_derived.py`` checks that every shipped file is current and equals the
fresh computation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from moduai.config import get_settings
from moduai.data.cache_files import keep_quietly


def content_key(files: Iterable[Path], *extra: str) -> str:
    """A hex digest of the files' bytes (in order) and the extra strings."""
    h = hashlib.sha256()
    for f in files:
        data = Path(f).read_bytes()
        h.update(f"{Path(f).name}:{len(data)}:".encode())
        h.update(data)
    for e in extra:
        h.update(b"\0" + e.encode("utf-8"))
    return h.hexdigest()[:20]


#: derived tables built at development time and shipped in the package (see the module docstring)
SHIPPED_DIR = Path(__file__).with_name("derived")


def cache_folder() -> Path:
    return get_settings().home / "cache" / "frames"


def shipped_file(kind: str, filename: str) -> Path | None:
    """The shipped copy ``derived/<kind>/<filename>`` when there is one (its name carries its key)."""
    path = SHIPPED_DIR / kind / filename
    return path if path.is_file() else None


def stored_frame(*paths: Path | None) -> pd.DataFrame | None:
    """The first of ``paths`` (the home cache, then the package's shipped copy) that exists and reads as Parquet,
    or ``None``: a damaged file is passed over (and so recomputed), never trusted."""
    for candidate in paths:
        if candidate is not None and candidate.exists():
            try:
                return pd.read_parquet(candidate)
            except Exception:  # noqa: BLE001 - a damaged cache file is recomputed, never trusted
                pass
    return None


def cached_frame(name: str, key: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``compute()``'s frame, read from ``cache/frames/<name>-<key>.parquet`` when a previous process stored it.

    The frame is written with its index dropped: ``compute`` must return a frame with a default
    ``RangeIndex`` (checked), so that the read frame equals the computed one.
    """
    path = cache_folder() / f"{name}-{key}.parquet"
    stored = stored_frame(path, shipped_file("frames", path.name))
    if stored is not None:
        return stored
    frame = compute()
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0 or frame.index.step != 1:
        raise ValueError(f"cached_frame({name!r}): the frame must have a default RangeIndex")
    keep_quietly(path, lambda tmp: frame.to_parquet(tmp, index=False))
    return frame


def cached_numbers(name: str, key: str, compute: Callable[[], list[float | None]]) -> list[float | None]:
    """A short list of numbers kept like :func:`cached_frame` (JSON; ``repr`` of a float reads back equal,
    NaN included)."""
    path = get_settings().home / "cache" / "numbers" / f"{name}-{key}.json"
    for candidate in (path, shipped_file("numbers", path.name)):
        if candidate is None or not candidate.exists():
            continue
        try:
            values = json.loads(candidate.read_text(encoding="utf-8"))
            if isinstance(values, list) and all(v is None or isinstance(v, (int, float)) for v in values):
                return [None if v is None else float(v) for v in values]
        except (OSError, ValueError):  # a damaged cache file is recomputed, never trusted
            pass
    values = [None if v is None else float(v) for v in compute()]
    keep_quietly(path, lambda tmp: tmp.write_text(json.dumps(values), encoding="utf-8"))
    return values
