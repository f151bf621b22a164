"""Huff model: which share of nearby residents would choose a new store at a candidate point.

Huff, D. L. (1963) "A Probabilistic Analysis of Shopping Center Trade Areas", *Land Economics* 39(1):
81–90; Huff (1964) "Defining and Estimating a Trading Area", *Journal of Marketing* 28(3): 34–38.

For each origin i (a 250 m grid cell, or a 읍면동) and each store j of the 업종 (the existing competitors
plus the new store at the candidate point)::

    P_ij = A_j^α · d_ij^−β / Σ_k A_k^α · d_ik^−β

- ``A_j`` attractiveness: 1 per store by default (the store files carry no floor area; a brand or
  floor-area proxy can be passed as an array); the new store's attractiveness is a parameter.
- ``d_ij`` straight-line distance in metres (EPSG:5179), floored at :data:`MIN_DISTANCE_M` so an origin
  on top of a store does not get an infinite utility.
- Defaults α = 1, β = 2 (Huff's own estimates for shopping trips lie between 1.5 and 3.2 for β;
  convenience goods such as coffee decay fast, hence 2).  :func:`estimate_huff_capture` reports the
  capture for a grid of α and β so the reader sees how much rides on them.

Capture = Σ_i P_i,new · residents_i (residents by areal interpolation of the 2020 census).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from moduai.commerce.demand import DEMAND_SOURCES, dongs_in_polygon, load_dong_demand, resident_grid
from moduai.commerce.trade_area import (
    CategoryLike,
    StoreSetLike,
    category_dict,
    category_mask,
    get_stores,
    resolve_category_param,
    snapshot_id,
    store_columns,
    store_sources,
    to_lonlat,
    to_xy,
    validate_point,
)
from moduai.errors import InputError
from moduai.params import validate_params

DEFAULT_ALPHA = 1.0
DEFAULT_BETA = 2.0
MIN_DISTANCE_M = 50.0
DEFAULT_CELL_M = 250.0
SENSITIVITY_ALPHAS = (0.5, 1.0, 1.5, 2.0)
SENSITIVITY_BETAS = (1.0, 1.5, 2.0, 2.5, 3.0)
#: the new store's attractiveness relative to an existing one (A_new), at the chosen α and β.  With equal
#: attractiveness α changes nothing (1^α = 1), so this is the grid that shows what a better shop buys.
SENSITIVITY_NEW_ATTRACTIVENESS = (0.5, 1.0, 2.0, 3.0)
#: the corner of the α × β sensitivity table (rows α, columns β), on the page and in the PDF.  Not "α \\ β":
#: Korean fonts draw the backslash as ₩
SENSITIVITY_CORNER = "α ↓ · β →"

def huff_probabilities(
    origin_xy: np.ndarray,
    facility_xy: np.ndarray,
    attractiveness: np.ndarray | None = None,
    *,
    alpha: float = DEFAULT_ALPHA,
    beta: float = DEFAULT_BETA,
    min_distance_m: float = MIN_DISTANCE_M,
) -> np.ndarray:
    """Huff choice probabilities, one row per origin, one column per facility; rows sum to 1.

    Parameters
    ----------
    origin_xy : (n, 2) array of metres
    facility_xy : (m, 2) array of metres
    attractiveness : (m,) array, optional
        ``A_j``; 1 for every facility when omitted.
    alpha, beta : float
        Exponents of attractiveness and of distance decay (Huff 1963).
    min_distance_m : float
        Distance floor, so a facility at an origin keeps a finite utility.

    Examples
    --------
    >>> P = huff_probabilities(np.array([[0.0, 0.0]]), np.array([[100.0, 0.0], [200.0, 0.0]]))
    >>> np.round(P, 3).tolist()  # (1/100²) / (1/100² + 1/200²) = 0.8
    [[0.8, 0.2]]
    """
    log_d, log_a = _log_terms(origin_xy, facility_xy, attractiveness, min_distance_m)
    return _probabilities(log_d, log_a, alpha, beta)


def _log_terms(origin_xy, facility_xy, attractiveness, min_distance_m: float) -> tuple[np.ndarray, np.ndarray]:
    """ln d_ij (floored) and ln A_j, computed once and reused across the sensitivity grid."""
    o = np.asarray(origin_xy, dtype=float).reshape(-1, 2)
    f = np.asarray(facility_xy, dtype=float).reshape(-1, 2)
    a = np.ones(len(f)) if attractiveness is None else np.asarray(attractiveness, dtype=float)
    d = np.hypot(o[:, None, 0] - f[None, :, 0], o[:, None, 1] - f[None, :, 1])
    return np.log(np.maximum(d, min_distance_m)), np.log(a)


def _probabilities(log_d: np.ndarray, log_a: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    # log-space keeps large β and long distances from underflowing to 0/0
    log_u = alpha * log_a[None, :] - beta * log_d
    log_u -= log_u.max(axis=1, keepdims=True)
    u = np.exp(log_u)
    return u / u.sum(axis=1, keepdims=True)


@dataclass
class HuffOrigin:
    lat: float
    lon: float
    residents: float
    p_new: float
    captured: float
    label: str | None = None  # the 읍면동's name when origins are 읍면동


@dataclass
class HuffSensitivity:
    alpha: float
    beta: float
    captured_residents: float
    captured_share: float


@dataclass
class HuffAttractivenessSensitivity:
    new_store_attractiveness: float
    captured_residents: float
    captured_share: float


@dataclass
class HuffResult:
    """Estimated capture of residents by a new store at the candidate point (Huff 1963/1964)."""

    candidate_lat: float
    candidate_lon: float
    category: dict[str, str]
    study_radius_m: float
    origins_kind: str  # 'grid' | 'dong'
    cell_m: float | None
    alpha: float
    beta: float
    attractiveness: str
    new_store_attractiveness: float
    competitors_used: int
    residents: float
    captured_residents: float
    captured_share: float
    origins: list[HuffOrigin]
    sensitivity: list[HuffSensitivity]
    captured_range: tuple[float, float]
    attractiveness_sensitivity: list[HuffAttractivenessSensitivity] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)
    units: dict[str, str] = field(
        default_factory=lambda: {
            "captured_residents": "명 (2020 인구총조사, 면적 비례 배분)", "p_new": "확률 0~1",
            "distance": "m (EPSG:5179), 최소 50 m",
        }
    )
    references: list[str] = field(
        default_factory=lambda: [
            "Huff, D. L. (1963). A Probabilistic Analysis of Shopping Center Trade Areas. Land Economics 39(1).",
            "Huff, D. L. (1964). Defining and Estimating a Trading Area. Journal of Marketing 28(3).",
        ]
    )
    sources: list[str] = field(default_factory=list)


def _origins(x: float, y: float, radius_m: float, kind: str, cell_m: float):
    circle = shapely.Point(x, y).buffer(radius_m, quad_segs=64)  # the same circle as the trade area
    if kind == "grid":
        g = resident_grid(circle, cell_m)
        return np.c_[g.x, g.y], g.residents, [None] * len(g.x)
    d = load_dong_demand()
    idx, share = dongs_in_polygon(circle)
    res = d.residents[idx] * share
    keep = res > 0
    idx, res = idx[keep], res[keep]
    return np.c_[d.cx[idx], d.cy[idx]], res, [str(d.name[i]).rsplit(" ", 1)[-1] for i in idx]


@validate_params(lat="lat", lon="lon", radius_m="radius", alpha="alpha", beta="beta",
                 new_store_attractiveness="new_store_attractiveness", cell_m="cell_m")
def estimate_huff_capture(
    lat: float,
    lon: float,
    category: Any,
    *,
    radius_m: float = 1000.0,
    stores: StoreSetLike | None = None,
    snapshot: str | None = None,
    alpha: float = DEFAULT_ALPHA,
    beta: float = DEFAULT_BETA,
    new_store_attractiveness: float = 1.0,
    competitor_attractiveness: np.ndarray | None = None,
    origins: str = "grid",
    cell_m: float = DEFAULT_CELL_M,
    max_origins_listed: int = 400,
) -> HuffResult:
    """Huff capture of the residents within ``radius_m`` by a new store of ``category`` at (lat, lon).

    Competitors are the 업종's stores within ``2 · radius_m`` (residents at the edge also shop
    beyond it).  Returns the capture at (α, β) and for the grid :data:`SENSITIVITY_ALPHAS` ×
    :data:`SENSITIVITY_BETAS`.

    Examples
    --------
    >>> r = estimate_huff_capture(37.5912, 127.0563, "카페", radius_m=500)  # doctest: +SKIP
    >>> round(r.captured_share, 3)  # doctest: +SKIP
    """
    r = radius_m
    validate_point(lat, lon)
    cat: CategoryLike = resolve_category_param(category)
    if origins not in ("grid", "dong"):
        raise InputError(f"'origins'는 grid 또는 dong이어야 합니다. 받은 값: {origins!r}.", field="origins")
    st = get_stores(stores, snapshot)
    x, y = (float(v) for v in to_xy(float(lon), float(lat)))
    pos = np.asarray(st.within(x, y, min(2 * r, 10000.0)), dtype=np.int64)
    cols = store_columns(st)
    comp = pos[category_mask({f"{cat.level}_code": cols.at(f"{cat.level}_code", pos)}, cat)]
    fac_xy = np.r_[[[x, y]], np.c_[cols["x"][comp], cols["y"][comp]]]
    comp_a = np.ones(len(comp)) if competitor_attractiveness is None else np.asarray(competitor_attractiveness)
    attr = np.r_[float(new_store_attractiveness), comp_a]
    o_xy, res, labels = _origins(x, y, r, origins, cell_m)

    log_d, log_a = _log_terms(o_xy, fac_xy, attr, MIN_DISTANCE_M)

    def capture(a: float, b: float) -> np.ndarray:
        if len(o_xy) == 0:
            return np.zeros(0)
        return _probabilities(log_d, log_a, a, b)[:, 0]

    p_new = capture(alpha, beta)
    captured = float(np.sum(p_new * res))
    total = float(res.sum())
    sens = []
    for a in SENSITIVITY_ALPHAS:
        for b in SENSITIVITY_BETAS:
            c = float(np.sum(capture(a, b) * res))
            sens.append(HuffSensitivity(a, b, c, c / total if total else 0.0))
    attr_sens = []
    for a_new in SENSITIVITY_NEW_ATTRACTIVENESS:
        la = log_a.copy()
        la[0] = np.log(a_new)
        c = float(np.sum(_probabilities(log_d, la, alpha, beta)[:, 0] * res)) if len(o_xy) else 0.0
        attr_sens.append(HuffAttractivenessSensitivity(a_new, c, c / total if total else 0.0))
    olon, olat = to_lonlat(o_xy[:, 0], o_xy[:, 1]) if len(o_xy) else (np.zeros(0), np.zeros(0))
    order = np.argsort(-res)[:max_origins_listed]
    listed = [
        HuffOrigin(float(olat[i]), float(olon[i]), float(res[i]), float(p_new[i]), float(p_new[i] * res[i]), labels[i])
        for i in order
    ]

    caps = [s.captured_residents for s in sens]
    return HuffResult(
        candidate_lat=float(lat), candidate_lon=float(lon), category=category_dict(cat), study_radius_m=r,
        origins_kind=origins, cell_m=cell_m if origins == "grid" else None, alpha=float(alpha), beta=float(beta),
        attractiveness="점포당 1 (동일)" if competitor_attractiveness is None else "사용자 지정",
        new_store_attractiveness=float(new_store_attractiveness), competitors_used=len(comp),
        residents=total, captured_residents=captured, captured_share=captured / total if total else 0.0,
        origins=listed, sensitivity=sens, captured_range=(min(caps), max(caps)),
        attractiveness_sensitivity=attr_sens,
        inputs={"snapshot": snapshot_id(st), "competitor_search_radius_m": min(2 * r, 10000.0),
                "min_distance_m": MIN_DISTANCE_M},
        sources=list(dict.fromkeys(store_sources(st) + DEMAND_SOURCES)),
    )
