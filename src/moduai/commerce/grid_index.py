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
DEFAULT_CELL_M = 200.0
#: margin (in cell units) kept between a "wholly inside" cell and the circle, and added around the touched
#: cells; the assignment of a point to a cell rounds at ~1e-12 cell units, so 1e-6 is ample and costs nothing
EDGE_EPS = 1e-6
#: below this many points in the wholly-inside cells, checking them one by one is cheaper than the histograms
HISTOGRAM_MIN_POINTS = 1_500

_GRID_ARRAYS = ("keys", "cell_start", "xs", "ys", "order")
_LEVEL_ARRAYS = ("codes", "pair_start", "pair_code", "pair_count")


def _open(path: Path, mmap: bool) -> np.ndarray:
    """An array file, memory-mapped read-only; returned as a plain ndarray view of the map (``.base`` is the
    ``np.memmap``) because every operation on the memmap subclass pays for its bookkeeping (~30 % per query)."""
    if not mmap:
        return np.load(path)
    return np.asarray(np.load(path, mmap_mode="r"))


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(starts[i], stops[i])`` for all i, without a Python loop."""
    lens = stops - starts
    return _ranges_of(starts, lens, lens.cumsum())


def _ranges_of(starts: np.ndarray, lens: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """:func:`_ranges` given ``lens = stops - starts`` and ``ends = lens.cumsum()`` (a caller that already has
    them saves the NumPy calls; array methods, not ``np.`` functions, skip NumPy's Python-level dispatch)."""
    total = int(ends[-1]) if len(ends) else 0
    if total == 0:
        return np.empty(0, dtype=np.int64)
    # empty ranges repeat zero times, so they need no filtering
    return (starts - (ends - lens)).repeat(lens) + np.arange(total)


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
        arrays = {name: _open(folder / f"grid_{name}.npy", mmap) for name in _GRID_ARRAYS}
        return cls(**meta, **arrays)

    # ---------------------------------------------------------------------------------------- queries
    def _rows(self, x: float, y: float, r: float) -> tuple[float, float, float, int, int] | None:
        """(fx, fy, fr) in cell units and the first and last grid row the circle touches; None when none."""
        cs = self.cell_m
        # Python floats: arithmetic on NumPy scalars is several times slower
        fx, fy, fr = (float(x) - self.origin_x) / cs, (float(y) - self.origin_y) / cs, float(r) / cs
        r0 = max(math.floor(fy - fr - EDGE_EPS), 0)
        r1 = min(math.floor(fy + fr + EDGE_EPS), self.nrows - 1)
        if r1 < r0 or len(self.keys) == 0:
            return None
        return fx, fy, fr, r0, r1

    def _touched(self, fx: float, fy: float, fr: float, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
        """Per touched row, the occupied-cell index range ``[a, b)`` of the cells the circle reaches.

        The per-row arithmetic is plain Python on floats: a circle spans a handful of rows, and NumPy on arrays
        that small costs more in call overhead than it saves."""
        ncols, last_col, fr2, sqrt, floor = self.ncols, self.ncols - 1, fr * fr, math.sqrt, math.floor
        bounds: list[int] = []
        add = bounds.append
        for row in range(r0, r1 + 1):
            # distance from the centre to the row's nearest y (0 when the centre's row)
            near = row - fy if row > fy else (fy - row - 1.0 if fy > row + 1.0 else 0.0)
            h2 = fr2 - near * near
            half = (sqrt(h2) if h2 > 0.0 else 0.0) + EDGE_EPS
            base = row * ncols
            c_lo, c_hi = floor(fx - half), floor(fx + half)
            if c_lo < 0:
                c_lo = 0
            if c_hi > last_col:
                c_hi = last_col
            if c_hi >= c_lo:
                add(base + c_lo)
                add(base + c_hi + 1)
            else:
                add(base)
                add(base)
        # keys are integers: "right of key" = "left of key + 1", so one searchsorted answers both bounds
        found = self.keys.searchsorted(np.array(bounds, dtype=np.int64), side="left")
        return found[0::2], found[1::2]

    def _inside(self, fx: float, fy: float, fr: float, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
        """Per touched row, the occupied-cell index range ``[ia, ib)`` of the cells wholly inside the circle
        (with the :data:`EDGE_EPS` margin); an empty range where there is none."""
        ncols, fr2, sqrt, floor, ceil = self.ncols, fr * fr, math.sqrt, math.floor, math.ceil
        bounds: list[int] = []
        for row in range(r0, r1 + 1):
            far = max(fy - row, row + 1.0 - fy)  # distance from the centre to the row's farthest y
            in2 = fr2 - far * far
            base = row * ncols
            if in2 > 0.0:
                half = sqrt(in2) - EDGE_EPS
                i_lo, i_hi = max(ceil(fx - half), 0), min(floor(fx + half) - 1, ncols - 1)
                if i_hi >= i_lo:
                    bounds += (base + i_lo, base + i_hi + 1)
                    continue
            bounds += (base, base)
        found = np.searchsorted(self.keys, np.array(bounds, dtype=np.int64), side="left")
        return found[0::2], found[1::2]

    def _split(self, x: float, y: float, r: float):
        """``a, ia, ib, b`` per touched row: ``[ia, ib)`` wholly inside, ``[a, ia)`` and ``[ib, b)`` crossed by
        the edge (occupied-cell indices); None when the circle touches no occupied cell."""
        rows = self._rows(x, y, r)
        if rows is None:
            return None
        a, b = self._touched(*rows)
        ia, ib = self._inside(*rows)
        ia = np.minimum(np.maximum(ia, a), b)
        return a, ia, np.maximum(np.minimum(ib, b), ia), b

    def within_sorted_positions(self, x: float, y: float, r: float) -> np.ndarray:
        """Positions *in cell order* (indices into ``xs``/``order``) of the points within ``r`` of (x, y)."""
        cells = self._split(x, y, r)
        if cells is None:
            return np.empty(0, dtype=np.int64)
        a, ia, ib, b = cells
        cs = self.cell_start
        edge = _ranges(np.concatenate([cs[a], cs[ib]]), np.concatenate([cs[ia], cs[b]]))
        dx, dy = self.xs[edge] - x, self.ys[edge] - y
        edge = edge[dx * dx + dy * dy <= r * r]
        return np.concatenate([_ranges(cs[ia], cs[ib]), edge])

    def within(self, x: float, y: float, r: float) -> np.ndarray:
        """Frame row positions of the points within ``r`` metres of (x, y), unordered."""
        return np.asarray(self.order[self.within_sorted_positions(x, y, r)], dtype=np.int64)

    def count_codes(self, level: LevelCounts, x: float, y: float, r: float) -> np.ndarray:
        """Points within ``r`` of (x, y) per code of ``level`` (int64, one entry per label).

        When the touched cells hold fewer than :data:`HISTOGRAM_MIN_POINTS` points, all of them are checked (the
        common small circle: fewest NumPy calls); otherwise the cells wholly inside are summed from their
        histograms (work ∝ their (cell, code) pairs) and only the edge cells' points are checked."""
        nlab = level.nlabels
        rows = self._rows(x, y, r)
        if rows is None:
            return np.zeros(nlab, dtype=np.int64)
        a, b = self._touched(*rows)
        cs = self.cell_start
        lo, hi = cs[a], cs[b]
        lens = hi - lo
        ends = lens.cumsum()
        if int(ends[-1]) < HISTOGRAM_MIN_POINTS:
            cand = _ranges_of(lo, lens, ends)
            # in place on the gathered copies: the same float operations as ``dx*dx + dy*dy``, fewer arrays
            dx = self.xs[cand]
            dx -= x
            dx *= dx
            dy = self.ys[cand]
            dy -= y
            dy *= dy
            dx += dy
            return np.bincount(level.codes[cand[dx <= r * r]], minlength=nlab)
        ia, ib = self._inside(*rows)
        ia = np.minimum(np.maximum(ia, a), b)
        ib = np.maximum(np.minimum(ib, b), ia)
        in_lo, in_hi = cs[ia], cs[ib]
        edge = _ranges(np.concatenate([lo, in_hi]), np.concatenate([in_lo, hi]))
        dx, dy = self.xs[edge] - x, self.ys[edge] - y
        counts = np.bincount(level.codes[edge[dx * dx + dy * dy <= r * r]], minlength=nlab)
        pairs = _ranges(level.pair_start[ia], level.pair_start[ib])
        return counts + np.bincount(level.pair_code[pairs], weights=level.pair_count[pairs],
                                    minlength=nlab).astype(np.int64)

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
        arrays = {a: _open(folder / f"{name}_{a}.npy", mmap) for a in _LEVEL_ARRAYS}
        labels = np.load(folder / f"{name}_labels.npy").astype(object)
        return cls(labels=labels, **arrays)
