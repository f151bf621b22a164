"""A memory-mappable spatial index of store points: a regular grid, points sorted by cell.

Why not a k-d tree: a ``scipy.spatial.cKDTree`` lives in the process that built it (it cannot be saved and
memory-mapped), takes seconds to build on the national set and is copied into every server worker.  This index
is a handful of flat NumPy arrays — written once per snapshot with :meth:`GridIndex.save` and opened with
``np.load(mmap_mode='r')`` by every process, which then share the pages.

Layout (``n`` points, ``m`` occupied cells of ``cell_m`` metres; cell key = ``row * ncols + col``):

- ``keys`` (m,) int64, ascending: the occupied cells;
- ``cell_start`` (m + 1,) int64: points of cell ``keys[i]`` are ``cell_start[i]:cell_start[i + 1]``;
- ``xs``, ``ys`` (n,) float64: coordinates in cell order; ``order`` (n,) int64: their row positions in the frame.

Because a row of cells is a contiguous run of keys, the cells a circle touches in one grid row are one slice of
``keys`` and their points one slice of ``xs``/``ys`` — a query never walks a tree.

:class:`LevelCounts` adds, per 업종 level, the code of every point in cell order and a per-cell histogram stored
sparsely (``pair_code``/``pair_count`` of the non-zero (cell, code) pairs, ``pair_start`` per cell).  A radius
count sums the histograms of the cells lying wholly inside the circle and checks the distance of points only in
the cells the circle's edge crosses, so a dense circle costs its (cell, code) pairs, not its points.

Every answer is exact: a point is inside when ``(px - x)**2 + (py - y)**2 <= r**2``, the brute-force predicate;
a cell counts as wholly inside only with a margin (:data:`EDGE_EPS`, in cell units) far larger than the rounding
of the cell assignment, and points of every other touched cell are checked with that predicate.  Points with a
non-finite coordinate are in no cell (no distance to them is ``<= r``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: cell side in metres: small enough that the cells an edge crosses hold few points at a 500 m radius, large
#: enough that the (cell, code) pairs stay well below the number of points in dense areas (measured in
#: docs/notes/snapshot.md)
DEFAULT_CELL_M = 50.0
#: margin (in cell units) kept between a "wholly inside" cell and the circle, and added around the touched
#: cells; the assignment of a point to a cell rounds at ~1e-12 cell units, so 1e-6 is ample and costs nothing
EDGE_EPS = 1e-6

_GRID_ARRAYS = ("keys", "cell_start", "xs", "ys", "order")
_LEVEL_ARRAYS = ("codes", "pair_start", "pair_code", "pair_count")


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(starts[i], stops[i])`` for all i, without a Python loop."""
    lens = stops - starts
    total = int(lens.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    keep = lens > 0
    starts, lens = starts[keep], lens[keep]
    offsets = np.cumsum(lens) - lens
    return np.repeat(starts - offsets, lens) + np.arange(total)


@dataclass(frozen=True)
class GridIndex:
    """Points sorted by grid cell (see the module docstring); build with :meth:`build`, reopen with :meth:`load`."""

    cell_m: float
    origin_x: float
    origin_y: float
    ncols: int
    nrows: int
    n: int  # rows of the frame (including points with non-finite coordinates, which are in no cell)
    keys: np.ndarray
    cell_start: np.ndarray
    xs: np.ndarray
    ys: np.ndarray
    order: np.ndarray

    # ------------------------------------------------------------------------------------------ build
    @classmethod
    def build(cls, x: np.ndarray, y: np.ndarray, cell_m: float = DEFAULT_CELL_M) -> GridIndex:
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        n = len(x)
        ok = np.isfinite(x) & np.isfinite(y)
        pos = np.flatnonzero(ok)
        if len(pos) == 0:
            e = np.empty(0, dtype=np.int64)
            return cls(float(cell_m), 0.0, 0.0, 1, 1, n, e, np.zeros(1, dtype=np.int64), np.empty(0), np.empty(0), e)
        px, py = x[pos], y[pos]
        ox, oy = float(px.min()), float(py.min())
        col = np.floor((px - ox) / cell_m).astype(np.int64)
        row = np.floor((py - oy) / cell_m).astype(np.int64)
        ncols, nrows = int(col.max()) + 1, int(row.max()) + 1
        key = row * ncols + col
        # stable: points of one cell keep their frame order, so equal inputs give identical files
        sort = np.argsort(key, kind="stable")
        key = key[sort]
        keys, first = np.unique(key, return_index=True)
        cell_start = np.append(first, len(key)).astype(np.int64)
        return cls(float(cell_m), ox, oy, ncols, nrows, n, keys, cell_start,
                   np.ascontiguousarray(px[sort]), np.ascontiguousarray(py[sort]), pos[sort].astype(np.int64))

    # ------------------------------------------------------------------------------------------ files
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name in _GRID_ARRAYS:
            np.save(folder / f"grid_{name}.npy", np.ascontiguousarray(getattr(self, name)))
        meta = {k: getattr(self, k) for k in ("cell_m", "origin_x", "origin_y", "ncols", "nrows", "n")}
        (folder / "grid.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> GridIndex:
        meta = json.loads((folder / "grid.json").read_text(encoding="utf-8"))
        arrays = {name: np.load(folder / f"grid_{name}.npy", mmap_mode="r" if mmap else None) for name in _GRID_ARRAYS}
        return cls(**meta, **arrays)

    # ---------------------------------------------------------------------------------------- queries
    def _cell_ranges(self, x: float, y: float, r: float):
        """Per touched grid row: occupied-cell index ranges ``[a, ia)`` + ``[ib, b)`` (edge) and ``[ia, ib)``
        (wholly inside the circle), as four arrays; None when the circle touches no occupied cell."""
        cs = self.cell_m
        fx, fy, fr = (x - self.origin_x) / cs, (y - self.origin_y) / cs, r / cs
        r0 = max(math.floor(fy - fr - EDGE_EPS), 0)
        r1 = min(math.floor(fy + fr + EDGE_EPS), self.nrows - 1)
        if r1 < r0 or len(self.keys) == 0:
            return None
        rows = np.arange(r0, r1 + 1, dtype=np.float64)
        below, above = rows - fy, fy - (rows + 1.0)  # > 0 when the row lies wholly above / below the centre
        dy_near = np.maximum(np.maximum(below, above), 0.0)
        dy_far = np.maximum(fy - rows, rows + 1.0 - fy)
        half_out = np.sqrt(np.maximum(fr * fr - dy_near * dy_near, 0.0)) + EDGE_EPS
        c_lo = np.maximum(np.floor(fx - half_out), 0.0)
        c_hi = np.minimum(np.floor(fx + half_out), self.ncols - 1.0)
        in2 = fr * fr - dy_far * dy_far
        half_in = np.sqrt(np.maximum(in2, 0.0)) - EDGE_EPS
        i_lo = np.maximum(np.ceil(fx - half_in), c_lo)
        i_hi = np.minimum(np.floor(fx + half_in) - 1.0, c_hi)
        empty_in = (in2 <= 0) | (i_hi < i_lo)
        i_lo = np.where(empty_in, c_hi + 1.0, i_lo)
        i_hi = np.where(empty_in, c_hi, i_hi)
        base = (rows * self.ncols).astype(np.int64)
        lo = base + c_lo.astype(np.int64)
        hi = base + c_hi.astype(np.int64)
        hi = np.where(c_hi < c_lo, lo - 1, hi)  # the circle misses the grid's columns in this row
        ilo = base + i_lo.astype(np.int64)
        ihi = base + i_hi.astype(np.int64)
        k = len(rows)
        left = np.searchsorted(self.keys, np.concatenate([lo, ilo]), side="left")
        right = np.searchsorted(self.keys, np.concatenate([hi, ihi]), side="right")
        a, ia = left[:k], left[k:]
        b, ib = right[:k], right[k:]
        ia = np.minimum(np.maximum(ia, a), b)
        ib = np.maximum(np.minimum(ib, b), ia)
        return a, ia, ib, b

    def _edge_points(self, a, ia, ib, b) -> np.ndarray:
        cs = self.cell_start
        return _ranges(np.concatenate([cs[a], cs[ib]]), np.concatenate([cs[ia], cs[b]]))

    def within_sorted_positions(self, x: float, y: float, r: float) -> np.ndarray:
        """Positions *in cell order* (indices into ``xs``/``order``) of the points within ``r`` of (x, y)."""
        cells = self._cell_ranges(x, y, r)
        if cells is None:
            return np.empty(0, dtype=np.int64)
        a, ia, ib, b = cells
        edge = self._edge_points(a, ia, ib, b)
        dx, dy = self.xs[edge] - x, self.ys[edge] - y
        edge = edge[dx * dx + dy * dy <= r * r]
        inner = _ranges(self.cell_start[ia], self.cell_start[ib])
        return np.concatenate([inner, edge])

    def within(self, x: float, y: float, r: float) -> np.ndarray:
        """Frame row positions of the points within ``r`` metres of (x, y), unordered."""
        return np.asarray(self.order[self.within_sorted_positions(x, y, r)], dtype=np.int64)

    def count_codes(self, level: LevelCounts, x: float, y: float, r: float) -> np.ndarray:
        """Points within ``r`` of (x, y) per code of ``level`` (int64, one entry per label)."""
        nlab = level.nlabels
        cells = self._cell_ranges(x, y, r)
        if cells is None:
            return np.zeros(nlab, dtype=np.int64)
        a, ia, ib, b = cells
        edge = self._edge_points(a, ia, ib, b)
        dx, dy = self.xs[edge] - x, self.ys[edge] - y
        counts = np.bincount(level.codes[edge[dx * dx + dy * dy <= r * r]], minlength=nlab)
        pairs = _ranges(level.pair_start[ia], level.pair_start[ib])
        if len(pairs):
            counts = counts + np.bincount(level.pair_code[pairs], weights=level.pair_count[pairs],
                                          minlength=nlab).astype(np.int64)
        return counts

    def nearest(self, x: float, y: float, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` points nearest (x, y): (frame positions, metres), nearest first, ties by position."""
        if k <= 0 or len(self.xs) == 0:
            return np.empty(0, dtype=np.int64), np.empty(0)
        k = min(k, len(self.xs))
        far = math.hypot(max(abs(x - self.origin_x), abs(x - (self.origin_x + self.ncols * self.cell_m))),
                         max(abs(y - self.origin_y), abs(y - (self.origin_y + self.nrows * self.cell_m)))) + 1.0
        r = 2.0 * self.cell_m
        while True:
            got = self.within_sorted_positions(x, y, r)
            # every point at or below the k-th distance is within r once r holds k points
            if len(got) >= k or r >= far:
                break
            r *= 2.0
        d = np.hypot(self.xs[got] - x, self.ys[got] - y)
        pos = np.asarray(self.order[got], dtype=np.int64)
        take = np.lexsort((pos, d))[:k]
        return pos[take], d[take]


@dataclass(frozen=True)
class LevelCounts:
    """One 업종 level over a :class:`GridIndex`: codes in cell order and the sparse per-cell histograms."""

    labels: np.ndarray  # (L,) the code values, sorted; ``labels[c]`` is code c
    codes: np.ndarray  # (n_indexed,) int32, code of each point in cell order
    pair_start: np.ndarray  # (m + 1,) int64
    pair_code: np.ndarray  # int32
    pair_count: np.ndarray  # int32

    @property
    def nlabels(self) -> int:
        return len(self.labels)

    @classmethod
    def build(cls, grid: GridIndex, frame_codes: np.ndarray, labels: np.ndarray) -> LevelCounts:
        """``frame_codes`` (n,) are codes in frame order (0..L-1); they are put in the grid's cell order."""
        codes = np.asarray(frame_codes, dtype=np.int32)[grid.order]
        nlab = max(len(labels), 1)
        cell_of_point = np.repeat(np.arange(len(grid.keys), dtype=np.int64), np.diff(grid.cell_start))
        pair = cell_of_point * nlab + codes
        uniq, cnt = np.unique(pair, return_counts=True)  # pairs come out in cell order (cells are sorted)
        pair_cell = uniq // nlab
        pair_start = np.searchsorted(pair_cell, np.arange(len(grid.keys) + 1), side="left").astype(np.int64)
        return cls(np.asarray(labels), codes, pair_start, (uniq % nlab).astype(np.int32), cnt.astype(np.int32))

    def save(self, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for a in _LEVEL_ARRAYS:
            np.save(folder / f"{name}_{a}.npy", np.ascontiguousarray(getattr(self, a)))
        # labels as fixed-width text (not pickled objects), so the file loads without allow_pickle
        np.save(folder / f"{name}_labels.npy", np.asarray(self.labels, dtype=str))

    @classmethod
    def load(cls, folder: Path, name: str, mmap: bool = True) -> LevelCounts:
        arrays = {a: np.load(folder / f"{name}_{a}.npy", mmap_mode="r" if mmap else None) for a in _LEVEL_ARRAYS}
        labels = np.load(folder / f"{name}_labels.npy").astype(object)
        return cls(labels=labels, **arrays)
