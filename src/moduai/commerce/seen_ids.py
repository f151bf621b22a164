"""The 상가업소번호 already claimed during an import, held as fixed-width arrays instead of Python strings.

A national import sees ~2.5 M IDs; a ``set[str]`` of them costs ~250 MB of Python objects. :class:`SeenIds`
keeps, per ID, a 64-bit hash, the ID's bytes (to confirm a hash hit exactly — a hash collision never
rejects a row), the file it came from and its line: ~40 bytes per ID. The arrays are kept in sorted runs
whose sizes at least double from one run to the previous (a log-structured merge), so adding a block of
IDs and looking one up cost O(k log n) and the total merging work is O(n log n) over the import.

Public: :class:`SeenIds` ``(add(ids, lines, file_no), lookup(ids) -> (found, file_no, line), len())``;
``ids`` are Arrow string arrays without nulls (the parser never makes nulls).
"""

from __future__ import annotations

import numpy as np

STORED = -1  # file number of IDs that were in the stored snapshot before this import
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _key_bytes(ids) -> tuple[np.ndarray, np.ndarray]:
    """(hash uint64, fixed-width bytes 'S{w}') of an Arrow string array; NUL-free IDs only (see ``add``)."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    n = len(ids)
    bufs = ids.buffers()
    large = pa.types.is_large_string(ids.type) or pa.types.is_large_binary(ids.type)
    offset_type = np.int64 if large else np.int32
    offsets = np.frombuffer(bufs[1], dtype=offset_type, count=n + 1, offset=ids.offset * np.dtype(offset_type).itemsize)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    longest = int(lengths.max()) if n else 0
    width = max(8, -(-longest // 8) * 8)
    matrix = np.zeros((n, width), dtype=np.uint8)
    if n and lengths.min() == longest:  # the usual case: every ID of the block has the same length
        start = int(offsets[0])
        matrix[:, :longest] = data[start:start + n * longest].reshape(n, longest)
    elif n:
        cols = np.arange(width)
        inside = cols[None, :] < lengths[:, None]
        matrix[inside] = data[(offsets[:-1, None] + cols[None, :])[inside]]
    words = matrix.view("<u8")
    h = np.full(n, 0x243F6A8885A308D3, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(words.shape[1]):
            h ^= words[:, j]
            h *= _MIX
            h ^= h >> np.uint64(29)
    return h, matrix.view(f"S{width}").ravel()


class SeenIds:
    """IDs claimed so far (stored snapshot, earlier files and earlier rows of this import) and where."""

    def __init__(self) -> None:
        # each run: (hash sorted ascending, id bytes, file number, line) in the same order
        self._runs: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._odd: dict[str, tuple[int, int]] = {}  # IDs with a NUL byte (fixed-width bytes would lose it)

    def __len__(self) -> int:
        return sum(len(r[0]) for r in self._runs) + len(self._odd)

    def _split_odd(self, ids):
        # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
        import pyarrow.compute as pc

        odd = pc.match_substring(ids, "\x00").to_numpy(zero_copy_only=False)
        return odd if odd.any() else None

    def add(self, ids, lines: np.ndarray, file_no: int) -> None:
        """Record distinct IDs not seen before (the caller looked them up first) with their lines."""
        if len(ids) == 0:
            return
        lines = np.asarray(lines, dtype=np.int64)
        odd = self._split_odd(ids)
        if odd is not None:
            # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
            import pyarrow as pa

            for i in np.flatnonzero(odd):
                self._odd[ids[int(i)].as_py()] = (file_no, int(lines[i]))
            keep = pa.array(~odd)
            ids, lines = ids.filter(keep), lines[~odd]
            if len(ids) == 0:
                return
        h, key = _key_bytes(ids)
        order = np.argsort(h, kind="stable")
        self._runs.append((h[order], key[order], np.full(len(h), file_no, dtype=np.int32), lines[order]))
        # merge while the newest run is at least half the size of the one before (sizes stay geometric)
        while len(self._runs) > 1 and 2 * len(self._runs[-1][0]) >= len(self._runs[-2][0]):
            b = self._runs.pop()
            a = self._runs.pop()
            h = np.concatenate([a[0], b[0]])
            order = np.argsort(h, kind="stable")  # timsort: two sorted runs merge in linear time
            self._runs.append((h[order], np.concatenate([a[1], b[1]])[order],
                               np.concatenate([a[2], b[2]])[order], np.concatenate([a[3], b[3]])[order]))

    def lookup(self, ids) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(found, file number, line) per ID; file number :data:`STORED` for the stored snapshot's IDs."""
        n = len(ids)
        found = np.zeros(n, dtype=bool)
        file_no = np.full(n, STORED, dtype=np.int32)
        line = np.zeros(n, dtype=np.int64)
        if n == 0:
            return found, file_no, line
        odd = self._split_odd(ids)
        plain = np.arange(n) if odd is None else np.flatnonzero(~odd)
        if odd is not None:
            # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
            import pyarrow as pa

            for i in np.flatnonzero(odd):
                hit = self._odd.get(ids[int(i)].as_py())
                if hit is not None:
                    found[i], (file_no[i], line[i]) = True, hit
            ids = ids.filter(pa.array(~odd))
        if not self._runs or len(ids) == 0:
            return found, file_no, line
        h, key = _key_bytes(ids)
        for rh, rkey, rfile, rline in self._runs:
            lo = np.searchsorted(rh, h, side="left")
            hi = np.searchsorted(rh, h, side="right")
            for j in np.flatnonzero(hi > lo):
                for pos in range(lo[j], hi[j]):  # almost always one position: the same ID
                    if rkey[pos] == key[j]:
                        i = plain[j]
                        found[i], file_no[i], line[i] = True, rfile[pos], rline[pos]
                        break
        return found, file_no, line
