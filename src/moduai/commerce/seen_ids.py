"""The 상가업소번호 already claimed during an import, held as fixed-width arrays instead of Python strings.

A national import sees ~2.5 M IDs; a ``set[str]`` of them costs ~250 MB of Python objects. :class:`SeenIds`
keeps, per ID, a 64-bit hash, the ID's bytes (to confirm a hash hit exactly — a hash collision never
rejects a row), the file it came from and its line: ~36 bytes per 20-character ID. The arrays are kept in
runs sorted by hash; a run is merged with the one before while it is at least half its size, up to
:data:`RUN_CAP` IDs (so merging never copies more than a few tens of MB at once). A look-up first asks a
one-bit-per-slot filter of the hashes (8 MiB; with 2.5 M IDs ~4 % of new IDs pass it falsely), then does one
binary search per run for those that pass, with their hashes sorted first, so it walks each run once.

Public: :class:`SeenIds` ``(add(ids, lines, file_no), lookup(ids) -> (found, file_no, line), len())``;
``ids`` are Arrow string arrays without nulls (the parser never makes nulls). :func:`id_keys` computes the
hashes and bytes of IDs ahead (e.g. in a worker thread) for ``lookup(ids, keys)`` and ``add(..., keys)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

STORED = -1  # file number of IDs that were in the stored snapshot before this import
RUN_CAP = 1 << 19  # IDs per sorted run at most (~18 MB); more runs only cost one more binary search each
_MIX = np.uint64(0x9E3779B97F4A7C15)
FILTER_BITS = 26  # 2**26 one-bit slots (8 MiB), indexed by a hash's top bits
_SHIFT = np.uint64(64 - FILTER_BITS)


def _key_bytes(ids) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(hash uint64, bytes 'S{longest}', mask of IDs with a NUL byte or None) of an Arrow string array."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    n = len(ids)
    bufs = ids.buffers()
    large = pa.types.is_large_string(ids.type) or pa.types.is_large_binary(ids.type)
    offset_type = np.dtype(np.int64 if large else np.int32)
    offsets = np.frombuffer(bufs[1], dtype=offset_type, count=n + 1, offset=ids.offset * offset_type.itemsize)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    longest = int(lengths.max()) if n else 0
    width = max(8, -(-longest // 8) * 8)
    matrix = np.zeros((n, width), dtype=np.uint8)
    start, stop = (int(offsets[0]), int(offsets[-1])) if n else (0, 0)
    if n and lengths.min() == longest:  # the usual case: every ID of the block has the same length
        matrix[:, :longest] = data[start:stop].reshape(n, longest)
    elif n:
        cols = np.arange(width)
        inside = cols[None, :] < lengths[:, None]
        matrix[inside] = data[(offsets[:-1, None] + cols[None, :])[inside]]
    odd = None
    if n and not data[start:stop].all():  # a NUL byte: fixed-width bytes would not tell "A" from "A\0"
        odd = (matrix[:, :max(longest, 1)] == 0).sum(axis=1) > (max(longest, 1) - lengths)
    words = matrix.view("<u8")
    own_words = np.maximum((lengths + 7) // 8, 1)  # the hash must not depend on the block's longest ID
    h = np.full(n, 0x243F6A8885A308D3, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(words.shape[1]):
            mixed = (h ^ words[:, j]) * _MIX
            mixed ^= mixed >> np.uint64(29)
            h = mixed if j == 0 else np.where(j < own_words, mixed, h)
    key = np.ascontiguousarray(matrix[:, :max(longest, 1)]).view(f"S{max(longest, 1)}").ravel()
    return h, key, odd


class IdKeys(NamedTuple):
    """Hashes, fixed-width bytes and the NUL-byte mask (or None) of an Arrow string array of IDs."""

    h: np.ndarray
    key: np.ndarray
    odd: np.ndarray | None

    def take(self, rows: np.ndarray) -> IdKeys:
        return IdKeys(self.h[rows], self.key[rows], None if self.odd is None else self.odd[rows])


def id_keys(ids) -> IdKeys:
    """What :class:`SeenIds` compares of ``ids``; computed once and passed to ``lookup`` and ``add``."""
    return IdKeys(*_key_bytes(ids))


class SeenIds:
    """IDs claimed so far (stored snapshot, earlier files and earlier rows of this import) and where."""

    def __init__(self) -> None:
        # each run: (hash sorted ascending, id bytes, file number, line) in the same order
        self._runs: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._odd: dict[str, tuple[int, int]] = {}  # IDs with a NUL byte, as Python strings (never seen in practice)
        self._filter: np.ndarray | None = None  # bit per slot: some ID of the runs has a hash in that slot

    def _may_hold(self, h: np.ndarray) -> np.ndarray:
        """False where no ID of the runs can have hash ``h`` (the filter has no false negatives)."""
        if self._filter is None:
            return np.zeros(len(h), dtype=bool)
        slot = h >> _SHIFT
        return ((self._filter[slot >> np.uint64(3)] >> (slot & np.uint64(7)).astype(np.uint8)) & 1).astype(bool)

    def __len__(self) -> int:
        return sum(len(r[0]) for r in self._runs) + len(self._odd)

    def add(self, ids, lines: np.ndarray, file_no: int, keys: IdKeys | None = None) -> None:
        """Record distinct IDs not seen before (the caller looked them up first) with their lines."""
        if len(ids) == 0:
            return
        lines = np.asarray(lines, dtype=np.int32)
        h, key, odd = keys if keys is not None else _key_bytes(ids)
        if odd is not None:
            for i in np.flatnonzero(odd).tolist():
                self._odd[ids[i].as_py()] = (file_no, int(lines[i]))
            h, key, lines = h[~odd], key[~odd], lines[~odd]
            if len(h) == 0:
                return
        if self._filter is None:
            self._filter = np.zeros(1 << (FILTER_BITS - 3), dtype=np.uint8)
        slot = h >> _SHIFT
        np.bitwise_or.at(self._filter, slot >> np.uint64(3), np.left_shift(1, slot & np.uint64(7)).astype(np.uint8))
        order = np.argsort(h, kind="stable")
        self._runs.append((h[order], key[order], np.full(len(h), file_no, dtype=np.int16), lines[order]))
        while (len(self._runs) > 1 and 2 * len(self._runs[-1][0]) >= len(self._runs[-2][0])
               and len(self._runs[-1][0]) + len(self._runs[-2][0]) <= RUN_CAP):
            b = self._runs.pop()
            a = self._runs.pop()
            h = np.concatenate([a[0], b[0]])
            order = np.argsort(h, kind="stable")  # timsort: two sorted runs merge in linear time
            self._runs.append((h[order], np.concatenate([a[1], b[1]])[order],
                               np.concatenate([a[2], b[2]])[order], np.concatenate([a[3], b[3]])[order]))

    def lookup(self, ids, keys: IdKeys | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(found, file number, line) per ID; file number :data:`STORED` for the stored snapshot's IDs."""
        n = len(ids)
        found = np.zeros(n, dtype=bool)
        file_no = np.full(n, STORED, dtype=np.int32)
        line = np.zeros(n, dtype=np.int64)
        if n == 0 or not len(self):
            return found, file_no, line
        h, key, odd = keys if keys is not None else _key_bytes(ids)
        if odd is not None:
            for i in np.flatnonzero(odd).tolist():
                hit = self._odd.get(ids[i].as_py())
                if hit is not None:
                    found[i], (file_no[i], line[i]) = True, hit
        maybe = self._may_hold(h)
        if odd is not None:
            maybe &= ~odd  # answered above from the dict
        rows = np.flatnonzero(maybe)  # the IDs to search in the runs; the others were never added
        if len(rows) == 0:
            return found, file_no, line
        order = rows[np.argsort(h[rows])]
        hs = h[order]
        for rh, rkey, rfile, rline in self._runs:
            pos = np.searchsorted(rh, hs)
            inside = pos < len(rh)
            hit = np.zeros(len(hs), dtype=bool)
            hit[inside] = rh[pos[inside]] == hs[inside]
            for j in np.flatnonzero(hit).tolist():
                i = int(order[j])
                p = int(pos[j])
                while p < len(rh) and rh[p] == hs[j]:  # equal hashes: the same ID, or (rarely) a collision
                    if rkey[p] == key[i]:
                        found[i], file_no[i], line[i] = True, rfile[p], rline[p]
                        break
                    p += 1
        return found, file_no, line
