"""Saturation (과밀): an 업종's density against its 시군구, 시도 and national baselines; LQ; diversity.

Baselines are computed from the same snapshot, over census 읍면동: each store is assigned to a 2020
census 읍면동 — by its file's (시군구 code, 행정동 name), else by the polygon containing it
(:func:`dong_store_profile`), and a region's baseline sums the
읍면동 of that region **that the snapshot covers** (at least :data:`COVERED_MIN_STORES` stores).  A partial
extract (only 회기동) therefore compares against the covered part instead of dividing by the whole
동대문구; ``coverage`` says how much of the region's residents that is.  A 읍면동 is covered when it holds
at least :data:`COVERED_MIN_STORES` stores and most of them were matched by its own 행정동 name (so
border spill-over of a one-동 extract does not make the neighbours look covered).

Formulas
--------
- density per km² = n / land area; per 1,000 residents = 1000 · n / residents (2020 census);
- location quotient (Isard 1960; Florence 1939): ``LQ = (n_c,area / n_area) / (n_c,base / n_base)``;
  LQ > 1 means the 업종 takes a larger share of the local store mix than in the baseline;
- Shannon diversity of the 업종 mix (Shannon 1948): ``H = −Σ p_i ln p_i`` over 중분류 shares, with
  evenness ``H / ln k``;
- Herfindahl–Hirschman index: ``HHI = Σ p_i²`` (0..1; 1 = a single 업종).
"""

from __future__ import annotations

import math
import os
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from moduai.commerce.demand import DEMAND_SOURCES, dongs_in_polygon, load_dong_demand
from moduai.commerce.store import frame_cache
from moduai.commerce.taxonomy import taxonomy_frame
from moduai.commerce.trade_area import (
    CategoryLike,
    StoreSetLike,
    TradeArea,
    category_dict,
    snapshot_id,
    store_columns,
)
from moduai.data.census import census_parquet_path
from moduai.errors import InputError
from moduai.korean import josa

#: a census 읍면동 counts as covered by a snapshot when it holds at least this many stores
COVERED_MIN_STORES = 5
#: … and when at least this share of them carry the 읍면동's own 행정동 name in the file
COVERED_OWN_NAME_SHARE = 0.5
#: verdict thresholds on the per-1,000-residents ratio to the 시군구 baseline (and on LQ)
SATURATED_RATIO = 1.5
UNDERSUPPLIED_RATIO = 1 / 1.5
SATURATED_LQ = 1.2
UNDERSUPPLIED_LQ = 0.8
#: below this share of the area's residents in covered 읍면동, the local counts are incomplete: no verdict
AREA_COVERAGE_WARN = 0.9
#: how far outside every 읍면동 polygon a store may lie and still be assigned (piers, reclaimed land)
ASSIGN_MAX_GAP_M = 500.0


@dataclass
class DongStoreProfile:
    """Stores of one snapshot counted per census 읍면동 and 소분류 (the baseline for everything regional)."""

    dong_of_store: np.ndarray  # census 읍면동 position per store row, −1 when none within ASSIGN_MAX_GAP_M
    minor_codes: np.ndarray  # column labels of ``counts``
    counts: np.ndarray  # (n_dongs, n_minor) int32
    totals: np.ndarray  # stores per 읍면동
    covered: np.ndarray  # bool per 읍면동

    def level_counts(self, dongs: np.ndarray, level: str) -> np.ndarray:
        """Store counts by 업종 of ``level`` summed over the 읍면동 ``dongs`` (codes nest by prefix)."""
        width = {"major": 2, "mid": 4, "minor": 6}[level]
        per_minor = self.counts[dongs].sum(axis=0)
        # the grouping of the 소분류 columns by prefix is fixed per profile: computed once per level
        groups = self.__dict__.setdefault("_prefix_groups", {})
        if width not in groups:
            keys = np.array([c[:width] for c in self.minor_codes.astype(str)])
            groups[width] = np.unique(keys, return_inverse=True)
        uniq, inv = groups[width]
        return np.bincount(inv, weights=per_minor, minlength=len(uniq))

    def major_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """(대분류 codes, stores per 읍면동 and 대분류 as an (n_dongs, n_majors) array); computed once."""
        cached = getattr(self, "_major_counts", None)
        if cached is None:
            keys = np.array([c[:2] for c in self.minor_codes.astype(str)])
            uniq, inv = np.unique(keys, return_inverse=True)
            per = np.stack([self.counts[:, inv == j].sum(axis=1) for j in range(len(uniq))], axis=1) \
                if len(uniq) else np.zeros((self.counts.shape[0], 0), dtype=np.int64)
            cached = (uniq, per)
            object.__setattr__(self, "_major_counts", cached)
        return cached

    def category_counts(self, cat: CategoryLike) -> np.ndarray:
        """Stores of ``cat`` per 읍면동: sum of the 소분류 columns under it (codes nest by prefix)."""
        cols = np.char.startswith(self.minor_codes.astype(str), cat.code)
        return self.counts[:, cols].sum(axis=1)


#: a 읍면동 is comparable when it holds at least this share of the 대분류 present around the analysed area
MAJOR_COVERAGE_MIN = 0.6
ALL_MAJORS = 10


@dataclass
class MajorScope:
    """Which 대분류 an analysis may compare, and which 읍면동 are comparable on them.

    A snapshot can hold files of only some 대분류 (a 식당-only or 숙소-only extract, or ``fetch --major``).
    Comparing such a 읍면동's 업종 mix with a full one makes whatever it holds look missing elsewhere
    (a 숙소 file made "여관/모텔" the top gap of a restaurant street). So: the 대분류 compared are those
    present in the 읍면동 around the area; a 읍면동 holding fewer than :data:`MAJOR_COVERAGE_MIN` of them is
    left out of the comparisons, and shares are taken over the compared 대분류 only.
    """

    majors: list[str]
    major_names: list[str]
    comparable: np.ndarray  # bool per census 읍면동
    minor_mask: np.ndarray  # bool per column of DongStoreProfile.counts (its 대분류 is compared)
    excluded_dongs: int  # covered 읍면동 left out because they hold too few of the 대분류
    note: str | None


def major_scope(prof: DongStoreProfile, area_dongs: np.ndarray, local_majors: np.ndarray) -> MajorScope:
    """The :class:`MajorScope` of an area lying in ``area_dongs`` (census positions) with stores of ``local_majors``."""
    codes, per = prof.major_counts()
    area_dongs = np.asarray(area_dongs, dtype=np.int64)
    area_dongs = area_dongs[prof.covered[area_dongs]] if len(area_dongs) else area_dongs
    if len(area_dongs):
        present = per[area_dongs].sum(axis=0) > 0
    else:
        present = np.isin(codes, np.asarray(local_majors, dtype=str))
    majors = [str(c) for c in codes[present]]
    held = (per[:, present] > 0).sum(axis=1)
    need = max(1, int(math.ceil(MAJOR_COVERAGE_MIN * len(majors))))
    comparable = prof.covered & (held >= need)
    excluded = int((prof.covered & ~comparable).sum())
    mask = np.isin(np.array([c[:2] for c in prof.minor_codes.astype(str)]), majors)
    names = _major_names()
    major_names = [names.get(c, c) for c in majors]
    parts = []
    if 0 < len(majors) < ALL_MAJORS:
        parts.append(f"이 지역 자료에는 업종 대분류 {ALL_MAJORS}개 가운데 {len(majors)}개({', '.join(major_names)})만 있어 "
                     "그 대분류끼리만 비교했습니다")
    if excluded:
        parts.append(f"이 대분류를 {need}개 미만 담은 읍면동 {excluded:,}곳(업종 일부만 담은 파일)은 비교에서 뺐습니다")
    return MajorScope(majors, major_names, comparable, mask, excluded, ". ".join(parts) + "." if parts else None)


@lru_cache(maxsize=1)
def _major_names() -> dict[str, str]:
    t = taxonomy_frame()
    return {str(c): str(n) for c, n in zip(t["major_code"], t["major_name"], strict=True)}


def area_major_scope(area: TradeArea, stores: StoreSetLike, prof: DongStoreProfile) -> MajorScope:
    """:func:`major_scope` for a trade area: its 읍면동 are those its shape touches (else its stores')."""
    pos = area._positions if area._positions is not None else np.zeros(0, dtype=np.int64)
    if area._shape_5179 is not None:
        dongs = load_dong_demand().tree.query(area._shape_5179, predicate="intersects")
    else:
        dongs = np.unique(prof.dong_of_store[pos][prof.dong_of_store[pos] >= 0])
    local = np.unique(store_columns(stores).at("major_code", pos).astype(str)) if len(pos) else np.zeros(0, dtype=str)
    return major_scope(prof, dongs, local)


def _norm_dong(name: str) -> str:
    """행정동 names compared without spaces and separators ("종로1·2·3·4가동" = "종로1.2.3.4가동")."""
    return name.replace(" ", "").replace("·", "").replace(".", "").replace(",", "")


def dong_store_profile(stores: StoreSetLike) -> DongStoreProfile:
    """Assign each store to its census 읍면동 and count by 소분류; cached per store frame.

    A snapshot opened from its files (:mod:`moduai.commerce.snapshot_files`) keeps the profile next to them,
    keyed by the census file it was computed from, so it is computed once per snapshot, not per process.
    """
    return frame_cache(stores.frame, "dong-profile", lambda: stored_dong_store_profile(stores))


_PROFILE_FIELDS = ("dong_of_store", "minor_codes", "counts", "totals", "covered")


def stored_dong_store_profile(stores: StoreSetLike) -> DongStoreProfile:
    """The profile read from the files next to the snapshot's structures, or computed and written there (the
    importer calls it right after building the structures, so the first report after an import reads it)."""
    folder = getattr(getattr(stores, "structures", None), "folder", None)
    if folder is None:
        return _dong_store_profile(stores)
    st = census_parquet_path().stat()
    stem = f"dongprofile-{st.st_size}-{st.st_mtime_ns}"
    files = {f: Path(folder) / f"{stem}_{f}.npy" for f in _PROFILE_FIELDS}
    done = Path(folder) / f"{stem}.complete"
    if done.exists():
        arrays = {f: np.load(p, mmap_mode="r") for f, p in files.items()}
        arrays["minor_codes"] = np.asarray(arrays["minor_codes"])  # text, as computed (np.unique of str)
        return DongStoreProfile(**arrays)
    prof = _dong_store_profile(stores)
    try:
        for f, p in files.items():
            tmp = p.with_name(f".{uuid.uuid4().hex[:8]}-{p.name}")
            value = getattr(prof, f)
            np.save(tmp, np.asarray(value, dtype=str) if f == "minor_codes" else value)
            os.replace(tmp, p)
        done.write_text("ok", encoding="utf-8")
    except OSError:  # a read-only folder only costs the next process the computation
        pass
    return prof


def _dong_store_profile(stores: StoreSetLike) -> DongStoreProfile:
    d = load_dong_demand()
    cols = store_columns(stores)
    n_rows = len(cols["x"])
    # 1) by name: (시군구 code, 행정동 name) of the file → the census 읍면동 with that name in that 시군구.
    #    O(distinct pairs) and it follows the file's own 행정동, as official counts do.
    dong_of = np.full(n_rows, -1, dtype=np.int64)
    by_name = np.zeros(n_rows, dtype=bool)
    if "adm_dong_name" in cols and "sigungu_code" in cols and n_rows:
        census_key = {
            (str(sg), _norm_dong(str(nm).rsplit(" ", 1)[-1])): i
            for i, (sg, nm) in enumerate(zip(d.sigungu_code, d.name, strict=True))
        }
        sg_codes, sg_uniq = cols.factorized("sigungu_code")
        nm_codes, nm_uniq = cols.factorized("adm_dong_name")
        # missing (code −1) points at the trailing None of the values; shift codes to be ≥ 0
        sg_codes = np.where(sg_codes < 0, len(sg_uniq) - 1, sg_codes)
        nm_codes = np.where(nm_codes < 0, len(nm_uniq) - 1, nm_codes)
        pair = sg_codes.astype(np.int64) * (len(nm_uniq) + 1) + nm_codes
        uniq_pair, inv = np.unique(pair, return_inverse=True)
        lookup = np.array(
            [census_key.get((str(sg_uniq[p // (len(nm_uniq) + 1)]), _norm_dong(str(nm_uniq[p % (len(nm_uniq) + 1)]))), -1)
             for p in uniq_pair],
            dtype=np.int64,
        )
        dong_of = lookup[inv]
        by_name = dong_of >= 0
    # 2) by position for the rest (renamed or split 행정동, missing names): the polygon containing the
    #    store, else the nearest within ASSIGN_MAX_GAP_M.
    rest = np.flatnonzero(dong_of < 0)
    if len(rest):
        pts = shapely.points(cols["x"][rest], cols["y"][rest])
        pt_idx, dong_idx = d.tree.query(pts, predicate="within")
        dong_of[rest[pt_idx]] = dong_idx  # a point on a shared border keeps one of its 읍면동
        miss = rest[dong_of[rest] < 0]
        if len(miss):
            m_idx, m_dong = d.tree.query_nearest(
                shapely.points(cols["x"][miss], cols["y"][miss]), max_distance=ASSIGN_MAX_GAP_M, all_matches=False
            )
            dong_of[miss[m_idx]] = m_dong
    m_codes, m_values = cols.factorized("minor_code")
    m_codes = np.where(m_codes < 0, len(m_values) - 1, m_codes)
    codes, remap = np.unique(m_values.astype(str), return_inverse=True)
    inv = remap[m_codes]
    ok = dong_of >= 0
    # one bincount over (읍면동, 소분류) cells: np.add.at takes seconds on the national set
    cells = np.bincount(dong_of[ok] * len(codes) + inv[ok], minlength=len(d.residents) * len(codes))
    counts = cells.reshape(len(d.residents), len(codes)).astype(np.int32)
    totals = counts.sum(axis=1)
    # Coverage: a partial extract spills a few unnamed/border stores into neighbouring census 읍면동 by
    # position; those neighbours are not covered.  A 읍면동 is covered when most of its stores were
    # assigned by their own 행정동 name.
    own = np.bincount(dong_of[by_name], minlength=len(d.residents))
    covered = (totals >= COVERED_MIN_STORES) & (own >= COVERED_OWN_NAME_SHARE * totals)
    return DongStoreProfile(dong_of, codes, counts, totals, covered)


@dataclass
class Baseline:
    """An 업종's density in one region of the same snapshot (only the covered 읍면동 count)."""

    level: str  # 'area' | 'sigungu' | 'sido' | 'national'
    code: str | None
    name: str
    category_count: int
    store_count: int
    residents: float
    land_area_km2: float
    per_km2: float | None
    per_1000_residents: float | None
    share: float | None  # category / all stores
    coverage: float | None  # covered residents / all residents of the region (None for the area)


@dataclass
class Saturation:
    """Is the 업종 over- or under-supplied here? Densities, LQ, ratios to baselines, mix diversity."""

    category: dict[str, str]
    area: Baseline
    baselines: list[Baseline]
    location_quotient: dict[str, float | None]  # by baseline level
    ratio_per_1000: dict[str, float | None]  # area per-1,000 density / baseline's
    ratio_per_km2: dict[str, float | None]
    verdict: str  # '과밀' | '적정' | '부족' | '판단 보류'
    verdict_reason: str
    mix_level: str
    shannon: float
    shannon_evenness: float | None
    hhi: float
    mix_types: int
    baseline_shannon: float | None  # the 시군구's, for comparison
    area_coverage: float | None = None  # share of the area's residents living in 읍면동 the snapshot covers
    compared_majors: list[str] = field(default_factory=list)  # 대분류 names the shares and baselines use
    scope_note: str | None = None  # which 대분류 were compared and which 읍면동 were left out, when not all
    inputs: dict[str, Any] = field(default_factory=dict)
    units: dict[str, str] = field(
        default_factory=lambda: {
            "per_km2": "점포/km²", "per_1000_residents": "점포/주민 1,000명",
            "location_quotient": "비율 (1 = 기준 지역과 같은 비중)", "shannon": "nats", "hhi": "0~1",
        }
    )
    sources: list[str] = field(default_factory=list)


def _per(n: float, d: float) -> float | None:
    return float(n) / d if d and d > 0 else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b not in (None, 0) else None


def shannon_hhi(counts: np.ndarray) -> tuple[float, float | None, float, int]:
    """Shannon H (nats), evenness H/ln k, HHI Σp², and k (types present) of a vector of counts."""
    c = np.asarray(counts, dtype=float)
    c = c[c > 0]
    k = len(c)
    if k == 0:
        return 0.0, None, 0.0, 0
    p = c / c.sum()
    h = float(-(p * np.log(p)).sum())
    return h, (h / math.log(k) if k > 1 else None), float((p**2).sum()), k


def _region_baseline(
    level: str, code: str | None, name: str, sel: np.ndarray, prof: DongStoreProfile, cat_counts: np.ndarray,
    scope: MajorScope | None = None,
) -> Baseline:
    d = load_dong_demand()
    cov = sel & (prof.covered if scope is None else scope.comparable)
    res_all = float(d.residents[sel].sum())
    res = float(d.residents[cov].sum())
    land = float(d.area_km2[cov].sum())
    n_cat = int(cat_counts[cov].sum())
    n_all = int(prof.totals[cov].sum()) if scope is None else int(prof.counts[np.flatnonzero(cov)][:, scope.minor_mask].sum())
    return Baseline(
        level=level, code=code, name=name, category_count=n_cat, store_count=n_all, residents=res,
        land_area_km2=land, per_km2=_per(n_cat, land), per_1000_residents=_per(1000.0 * n_cat, res),
        share=_per(n_cat, n_all), coverage=_per(res, res_all),
    )


def assess_saturation(
    area: TradeArea,
    cat: CategoryLike,
    stores: StoreSetLike,
    *,
    mix_level: str = "mid",
) -> Saturation:
    """Compare the trade area's 업종 density with its 시군구, 시도 and the national baseline.

    Parameters
    ----------
    area : TradeArea
        From :func:`moduai.commerce.trade_area.build_trade_area` (gives the local counts and residents).
    cat : Category
        The 업종 (대/중/소분류).
    stores : StoreSet
        The same store set the trade area came from (its snapshot gives the baselines).
    mix_level : {'major', 'mid', 'minor'}
        Level of the 업종 mix for Shannon H and HHI; 중분류 by default (75 classes).

    Notes
    -----
    LQ after Isard (1960) *Methods of Regional Analysis*; H after Shannon (1948); HHI after Herfindahl
    (1950) / Hirschman (1945).  Verdict: per-1,000-residents ratio to the 시군구 ≥ 1.5 **and** LQ ≥ 1.2
    → 과밀; ratio ≤ 1/1.5 **and** LQ ≤ 0.8 → 부족; otherwise 적정.
    """
    if mix_level not in ("major", "mid", "minor"):
        raise InputError(
            f"'mix_level'은 major/mid/minor 중 하나여야 합니다. 받은 값: {mix_level!r}.", field="mix_level"
        )

    d = load_dong_demand()
    prof = dong_store_profile(stores)
    cat_counts = prof.category_counts(cat)
    pos = area._positions if area._positions is not None else np.zeros(0, dtype=np.int64)
    codes_here = store_columns(stores).at(f"{mix_level}_code", pos)
    scope = area_major_scope(area, stores, prof)
    majors_here = store_columns(stores).at("major_code", pos).astype(str) if len(pos) else np.zeros(0, dtype=str)
    n_scope = int(np.isin(majors_here, scope.majors).sum()) if scope.majors else area.store_count
    local = Baseline(
        level="area", code=None, name="분석 상권", category_count=area.category_count,
        store_count=n_scope, residents=area.residents, land_area_km2=area.land_area_km2,
        per_km2=area.category_per_km2, per_1000_residents=area.category_per_1000_residents,
        share=_per(area.category_count, n_scope), coverage=None,
    )
    place = area.place
    bases: list[Baseline] = []
    if place is not None and place.sigungu_code:
        sel = d.sigungu_code == place.sigungu_code
        if sel.any():
            bases.append(_region_baseline("sigungu", place.sigungu_code, place.sigungu_name or "", sel, prof, cat_counts,
                                          scope))
    if place is not None and place.sido_code:
        sel = d.sido_code == place.sido_code
        if sel.any():
            bases.append(_region_baseline("sido", place.sido_code, place.sido_name or "", sel, prof, cat_counts, scope))
    bases.append(
        _region_baseline("national", None, "전국(자료 포함 지역)", np.ones(len(d.residents), bool), prof, cat_counts,
                         scope)
    )
    lq = {b.level: _ratio(local.share, b.share) for b in bases}
    r1000 = {b.level: _ratio(local.per_1000_residents, b.per_1000_residents) for b in bases}
    rkm2 = {b.level: _ratio(local.per_km2, b.per_km2) for b in bases}
    verdict, reason = _verdict(cat, local, bases, lq, r1000)
    area_cov = _area_coverage(area, prof)
    if area_cov is not None and area_cov < AREA_COVERAGE_WARN:
        # part of the circle lies where this snapshot has no stores (a one-동 extract, a 시도 file at
        # its border): local counts are too low, so no verdict
        verdict = "판단 보류"
        reason = (
            f"반경 안 주민의 {1 - area_cov:.0%}가 이 스냅샷에 점포 자료가 없는 읍면동에 살아, 점포 수가 실제보다 "
            "적게 잡힙니다. 과밀 여부는 판단하지 않았습니다. 주변 지역까지 담은 자료로 다시 분석해 주세요."
        )
    cat_major = str(getattr(cat, "code", ""))[:2]
    if scope.majors and cat_major and cat_major not in scope.majors:
        verdict = "판단 보류"
        reason = (f"이 지역 자료에는 {cat.name}의 대분류 점포가 없습니다(업종 일부만 담은 파일). 과밀 여부는 판단하지 "
                  "않았습니다. 모든 업종을 담은 자료를 가져와 다시 분석해 주세요.")
    elif scope.note and verdict != "판단 보류":
        reason = f"{reason} ({scope.note})"
    h, even, hhi, k = shannon_hhi(np.unique(codes_here.astype(str), return_counts=True)[1] if len(pos) else np.zeros(0))
    base_h = None
    if bases and bases[0].level == "sigungu" and place is not None:
        sel = np.flatnonzero((d.sigungu_code == place.sigungu_code) & prof.covered)
        if len(sel):
            base_h = shannon_hhi(prof.level_counts(sel, mix_level))[0]
    return Saturation(
        category=category_dict(cat), area=local, baselines=bases, location_quotient=lq,
        ratio_per_1000=r1000, ratio_per_km2=rkm2, verdict=verdict, verdict_reason=reason,
        mix_level=mix_level, shannon=h, shannon_evenness=even, hhi=hhi, mix_types=k, baseline_shannon=base_h,
        area_coverage=area_cov, compared_majors=scope.major_names, scope_note=scope.note,
        inputs={"snapshot": snapshot_id(stores), "covered_min_stores": COVERED_MIN_STORES,
                "saturated_ratio": SATURATED_RATIO, "undersupplied_ratio": UNDERSUPPLIED_RATIO},
        sources=list(dict.fromkeys(area.sources + DEMAND_SOURCES)),
    )


def _area_coverage(area: TradeArea, prof: DongStoreProfile) -> float | None:
    """Share of the area's residents (areal interpolation) in 읍면동 the snapshot covers."""
    if area._shape_5179 is None:
        return None

    d = load_dong_demand()
    idx, share = dongs_in_polygon(area._shape_5179)
    res = d.residents[idx] * share
    total = float(res.sum())
    return float(res[prof.covered[idx]].sum() / total) if total > 0 else None


def _verdict(cat, local: Baseline, bases: list[Baseline], lq, r1000) -> tuple[str, str]:
    ref = bases[0] if bases else None
    if ref is None or ref.per_1000_residents in (None, 0) or local.per_1000_residents is None:
        return "판단 보류", "비교할 기준 지역의 자료가 부족해 과밀 여부를 판단하지 않았습니다."
    ratio = r1000.get(ref.level)
    q = lq.get(ref.level)
    if ratio is None or q is None:
        return "판단 보류", (f"{josa(ref.name, '과/와')} 견줄 배율이나 입지계수를 계산할 수 없어 과밀 여부를 판단하지 않았습니다 "
                             "(주변에 같은 업종이나 주민 자료가 없음).")
    name = cat.name
    where = ref.name
    lq_hi, lq_lo = SATURATED_LQ, UNDERSUPPLIED_LQ
    rule = (f"판정 규칙: 주민 1,000명당 점포 수가 {where} 평균의 {SATURATED_RATIO:.1f}배 이상이고 업종 비중(입지계수)도 "
            f"{lq_hi:.1f} 이상이면 과밀, {UNDERSUPPLIED_RATIO:.2f}배 이하이고 입지계수 {lq_lo:.1f} 이하이면 부족, "
            "둘 중 하나만 맞거나 둘 다 안 맞으면 적정입니다.")
    if ratio >= SATURATED_RATIO and q >= lq_hi:
        return "과밀", (
            f"주민 1,000명당 {name} 점포가 {local.per_1000_residents:.2f}곳으로 {where} 평균"
            f"({ref.per_1000_residents:.2f}곳)의 {ratio:.1f}배이고, 점포 구성 비중도 {q:.1f}배(입지계수 {q:.2f})입니다. {rule}"
        )
    if ratio <= UNDERSUPPLIED_RATIO and q <= lq_lo:
        return "부족", (
            f"주민 1,000명당 {name} 점포가 {local.per_1000_residents:.2f}곳으로 {where} 평균"
            f"({ref.per_1000_residents:.2f}곳)의 {ratio:.1f}배에 그치고, 점포 구성 비중도 {q:.1f}배(입지계수 {q:.2f})입니다. {rule}"
        )
    head = (f"주민 1,000명당 {name} 점포 {local.per_1000_residents:.2f}곳은 {where} 평균"
            f"({ref.per_1000_residents:.2f}곳)의 {ratio:.1f}배이고 입지계수는 {q:.2f}입니다. ")
    if ratio >= SATURATED_RATIO:
        why = (f"주민당 밀도는 기준({SATURATED_RATIO:.1f}배)을 넘지만 입지계수가 {lq_hi:.1f}에 못 미쳐, 이 업종만 몰린 것이 아니라 "
               "이 상권에 점포 전체가 많은 것(중심지·유동 인구)으로 보고 적정으로 판정했습니다.")
    elif q >= lq_hi:
        why = (f"업종 비중(입지계수)은 높지만 주민당 밀도가 {SATURATED_RATIO:.1f}배에 못 미쳐 적정으로 판정했습니다.")
    elif ratio <= UNDERSUPPLIED_RATIO:
        why = (f"주민당 밀도는 낮지만 입지계수가 {lq_lo:.1f}보다 커 이 업종 비중은 평범합니다: 이 상권에 점포 전체가 적은 것으로 보고 "
               "적정으로 판정했습니다.")
    elif q <= lq_lo:
        why = (f"업종 비중(입지계수)은 낮지만 주민당 밀도가 {UNDERSUPPLIED_RATIO:.2f}배보다 커 적정으로 판정했습니다.")
    else:
        why = "주민당 밀도와 업종 비중이 모두 기준 안에 있어 뚜렷한 과밀이나 부족이 아닙니다."
    return "적정", head + why + " " + rule
