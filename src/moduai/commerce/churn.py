"""Openings, closures and survival between two snapshots, matched on 상가업소번호 (store_id).

Definitions (those of 서울시 상권분석서비스/우리마을가게, so figures can be compared):

- survived = IDs in both snapshots; closed (폐업) = in *before* only; opened (개업) = in *after* only;
- survival rate = survived / before; closure rate (폐업률) = closed / before; opening rate (개업률) =
  opened / before; net change = after − before.

A store is counted under its 업종 and area in *before* when it survived or closed, in *after* when it
opened.  Comparisons are restricted to the 시군구 present in both snapshots, so a 회기동 extract and a
national file compare on 동대문구 only.

Use :func:`survival_between_snapshots` with two snapshot ids (it goes through
:func:`moduai.commerce.snapshots.compare_snapshots`, which also refuses synthetic sets), or
:func:`survival_between` with two store sets.

Refusal: in the 2023 revision 소상공인시장진흥공단 regenerated every 상가업소번호, so IDs of a pre-2023
file never match a 2023+ file.  :func:`survival_between` refuses such pairs (by the snapshots'
periods, and, when periods are unknown, by an ID overlap under :data:`MIN_ID_OVERLAP` in the common
area) instead of reporting a 100 % closure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from moduai.commerce.snapshots import compare_snapshots
from moduai.commerce.trade_area import (
    StoreSetLike,
    category_mask,
    resolve_category_param,
    snapshot_id,
    store_sources,
)
from moduai.errors import InputError

#: below this share of matching IDs (in the common area) two snapshots cannot share an ID system
MIN_ID_OVERLAP = 0.05
LEVELS = ("major", "mid", "minor")
AREA_LEVELS = {"sido": ("sido_code", "sido_name"), "sigungu": ("sigungu_code", "sigungu_name"),
               "adm_dong": ("adm_dong_code", "adm_dong_name")}


@dataclass
class ChurnRow:
    code: str | None
    name: str
    before: int
    after: int
    survived: int
    opened: int
    closed: int
    survival_rate: float | None
    opening_rate: float | None
    closure_rate: float | None
    net: int
    survival_text: str = ""  # "87.5 %" or "판단할 수 없음(이전 시점에 점포가 없음 …)": what every adapter prints
    opening_text: str = ""
    closure_text: str = ""


@dataclass
class SurvivalResult:
    """Openings, closures and survival between two snapshots, overall, by 업종 and by area."""

    from_snapshot: str | None
    to_snapshot: str | None
    common_sigungu: list[str]
    total: ChurnRow
    by_category: list[ChurnRow]
    by_area: list[ChurnRow]
    category_level: str
    area_level: str
    changed_category: int  # survived but with another 소분류 in *after*
    id_changed: int = 0  # 'closed' and 'opened' pairs with the same 상호, address and place: a new ID, same store
    survival_rate_same_store: float | None = None  # (survived + id_changed) / before
    id_note: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    units: dict[str, str] = field(
        default_factory=lambda: {"rates": "비율 0~1, 분모 = 이전 시점 점포 수", "counts": "점포 수"}
    )
    sources: list[str] = field(default_factory=list)


def snapshot_year(stores: StoreSetLike) -> int | None:
    """The year of a snapshot from its label/id ("2026q1", "202212", "2024-Q3"), or None."""
    snap = getattr(stores, "snapshot", None)
    for text in (getattr(snap, "period", None), getattr(snap, "label", None), getattr(snap, "id", None)):
        if not text:
            continue
        m = re.search(r"(19|20)\d{2}", str(text))
        if m:
            return int(m.group(0))
    return None


UNDEFINED_RATE = "판단할 수 없음"


def rate_text(rate: float | None, before: int, opened: int) -> str:
    """A rate as printed (``87.5 %``), or why it has none: the denominator is the earlier quarter's count,
    so an 업종 or area with no store before has no rate — never "0.0 %" next to its openings."""
    if rate is None:
        why = f"이전 시점에 점포가 없어 비율의 분모가 0입니다; 새로 생긴 점포 {opened:,}곳" if before == 0 else "분모가 0"
        return f"{UNDEFINED_RATE}({why})"
    return f"{rate * 100:.1f} %"


def _row(code, name, before: int, after: int, survived: int, opened: int, closed: int) -> ChurnRow:
    def rate(n):
        return n / before if before else None

    surv, op, cl = rate(survived), rate(opened), rate(closed)
    return ChurnRow(
        code=None if code is None else str(code), name=str(name), before=before, after=after,
        survived=survived, opened=opened, closed=closed, survival_rate=surv,
        opening_rate=op, closure_rate=cl, net=after - before,
        survival_text=rate_text(surv, before, opened), opening_text=rate_text(op, before, opened),
        closure_text=rate_text(cl, before, opened),
    )


def _grouped(b: pd.DataFrame, a: pd.DataFrame, in_after: np.ndarray, in_before: np.ndarray,
             code_col: str, name_col: str) -> list[ChurnRow]:
    kb = b.assign(_s=in_after).groupby([code_col, name_col], sort=False)["_s"].agg(["size", "sum"])
    ka = a.assign(_o=~in_before).groupby([code_col, name_col], sort=False)["_o"].agg(["size", "sum"])
    keys = kb.index.union(ka.index)
    kb = kb.reindex(keys, fill_value=0)
    ka = ka.reindex(keys, fill_value=0)
    rows = []
    for (code, name), (nb, ns), (na, no) in zip(keys, kb.to_numpy(), ka.to_numpy(), strict=True):
        rows.append(_row(code, name, int(nb), int(na), int(ns), int(no), int(nb - ns)))
    rows.sort(key=lambda r: (-r.before, -r.after, r.name))
    return rows


SAME_STORE_MAX_M = 20.0


def _norm_text(v: pd.Series) -> pd.Series:
    return v.fillna("").astype(str).str.replace(r"\s+", "", regex=True)


def same_store_new_id(closed: pd.DataFrame, opened: pd.DataFrame, max_m: float = SAME_STORE_MAX_M) -> int:
    """How many 'closed' rows reappear among the 'opened' ones under a new 상가업소번호: the same 상호 (blanks
    ignored), the same road or lot address, within ``max_m`` metres (EPSG:5179); each row pairs at most once.

    A bulk re-issue of IDs between two quarters (as in 2024 Q3 → Q4) shows up in naive churn as as many
    closures as openings; this count measures it.
    """
    if len(closed) == 0 or len(opened) == 0:
        return 0

    def keyed(f: pd.DataFrame) -> pd.DataFrame:
        addr = _norm_text(f["road_address"]) if "road_address" in f else pd.Series("", index=f.index)
        if "jibun_address" in f:
            addr = addr.where(addr != "", _norm_text(f["jibun_address"]))
        return pd.DataFrame({"k": _norm_text(f["name"]) + "|" + addr, "x": f["x"].to_numpy(float),
                             "y": f["y"].to_numpy(float)}).reset_index(drop=True).rename_axis("i").reset_index()

    kb, ka = keyed(closed), keyed(opened)
    kb, ka = kb[kb["k"].str.len() > 1], ka[ka["k"].str.len() > 1]
    m = kb.merge(ka, on="k", suffixes=("_b", "_a"))
    if m.empty:
        return 0
    m["d"] = np.hypot(m["x_b"] - m["x_a"], m["y_b"] - m["y_a"])
    m = m[m["d"] <= max_m].sort_values("d", kind="stable")
    m = m.drop_duplicates("i_b").drop_duplicates("i_a")
    return int(len(m))


def survival_between(
    before: StoreSetLike,
    after: StoreSetLike,
    *,
    category_level: str = "major",
    area_level: str = "sigungu",
    category: Any = None,
) -> SurvivalResult:
    """Openings, closures and survival from ``before`` to ``after`` (matched on 상가업소번호).

    Parameters
    ----------
    before, after : StoreSet
        Two snapshots (quarters) of the same ID system.
    category_level : {'major', 'mid', 'minor'}
        Level of the by-업종 table.
    area_level : {'sido', 'sigungu', 'adm_dong'}
        Level of the by-area table.
    category : str or Category, optional
        Restrict everything to one 업종 (e.g. "카페").

    Raises
    ------
    InputError
        When the two snapshots straddle the 2023 ID regeneration, or share no 시군구.

    Examples
    --------
    >>> r = survival_between(get_store_set("2024Q3"), get_store_set("2024Q4"))  # doctest: +SKIP
    >>> r.total.survival_rate  # doctest: +SKIP
    """
    if category_level not in LEVELS:
        raise InputError(f"'category_level'은 {', '.join(LEVELS)} 중 하나여야 합니다. 받은 값: {category_level!r}.",
                         field="category_level")
    if area_level not in AREA_LEVELS:
        raise InputError(f"'area_level'은 {', '.join(AREA_LEVELS)} 중 하나여야 합니다. 받은 값: {area_level!r}.",
                         field="area_level")
    sid_b, sid_a = snapshot_id(before), snapshot_id(after)
    if sid_b is not None and sid_b == sid_a:
        raise InputError(f"같은 스냅샷('{sid_b}')끼리는 비교할 수 없습니다. 서로 다른 두 시점을 고르세요.", field="to")
    yb, ya = snapshot_year(before), snapshot_year(after)
    schemes = {getattr(getattr(s, "snapshot", None), "id_scheme", None) for s in (before, after)} - {None}
    straddles = ("pre2023" in schemes and len(schemes) > 1) or "mixed" in schemes
    if straddles or (yb is not None and ya is not None and (yb < 2023) != (ya < 2023)):
        raise InputError(
            f"'{sid_b}'와 '{sid_a}'는 비교할 수 없습니다. 2023년 업종 개편 때 "
            "상가업소번호가 모두 새로 부여되어, 2022년 이전 파일의 번호는 2023년 이후 파일과 연결되지 않습니다. "
            "두 시점을 모두 2023년 이후(또는 모두 2022년 이전)로 골라 주세요.",
            field="from",
            detail="상가업소번호 were regenerated in the 2023 revision; IDs do not link across it",
        )
    fb, fa = before.frame, after.frame
    common = sorted(set(fb["sigungu_code"].astype(str)) & set(fa["sigungu_code"].astype(str)))
    if not common:
        raise InputError(
            f"두 스냅샷('{sid_b}', '{sid_a}')에 함께 들어 있는 시군구가 없어 비교할 수 없습니다. "
            "같은 지역을 담은 두 시점을 고르세요.",
            field="to",
        )
    b = fb[fb["sigungu_code"].astype(str).isin(common)]
    a = fa[fa["sigungu_code"].astype(str).isin(common)]
    if category is not None:
        cat = resolve_category_param(category)
        b = b[category_mask(b, cat)]
        a = a[category_mask(a, cat)]
    ids_b = b["store_id"].astype(str).to_numpy()
    ids_a = a["store_id"].astype(str).to_numpy()
    in_after = np.isin(ids_b, ids_a)
    in_before = np.isin(ids_a, ids_b)
    if len(ids_b) >= 100 and len(ids_a) >= 100 and in_after.mean() < MIN_ID_OVERLAP:
        raise InputError(
            f"두 스냅샷의 상가업소번호가 {in_after.mean():.1%}만 겹칩니다. 2023년 개편 전후 파일이거나 서로 다른 "
            "번호 체계일 수 있어 개업·폐업을 계산하지 않았습니다. 같은 번호 체계의 두 분기를 고르세요.",
            field="from",
            detail=f"store_id overlap {in_after.mean():.4f} < {MIN_ID_OVERLAP}",
        )
    survived = int(in_after.sum())
    total = _row(None, "전체", len(b), len(a), survived, int((~in_before).sum()), int(len(b) - survived))
    cc, cn = f"{category_level}_code", f"{category_level}_name"
    ac, an = AREA_LEVELS[area_level]
    by_cat = _grouped(b, a, in_after, in_before, cc, cn)
    by_area = _grouped(b, a, in_after, in_before, ac, an)
    m = pd.merge(
        b.loc[in_after, ["store_id", "minor_code"]], a.loc[in_before, ["store_id", "minor_code"]],
        on="store_id", suffixes=("_b", "_a"),
    )
    changed = int((m["minor_code_b"] != m["minor_code_a"]).sum())
    relabelled = same_store_new_id(b.loc[~in_after], a.loc[~in_before])
    same_rate = (survived + relabelled) / len(b) if len(b) else None
    id_note = None
    if relabelled:
        id_note = (f"'폐업'과 '개업' 가운데 {relabelled:,}쌍은 상호·주소가 같고 {SAME_STORE_MAX_M:.0f} m 안에 있어 번호만 바뀐 같은 "
                   f"점포로 보입니다(분기 사이 상가업소번호 일괄 재부여). 번호로만 센 생존율은 {total.survival_text}, "
                   f"같은 점포로 보면 {rate_text(same_rate, len(b), total.opened)}입니다.")
    return SurvivalResult(
        from_snapshot=sid_b, to_snapshot=sid_a, common_sigungu=common, total=total, by_category=by_cat,
        by_area=by_area, category_level=category_level, area_level=area_level, changed_category=changed,
        id_changed=relabelled, survival_rate_same_store=same_rate, id_note=id_note,
        inputs={"category": None if category is None else str(category), "min_id_overlap": MIN_ID_OVERLAP,
                "from_year": yb, "to_year": ya},
        sources=list(dict.fromkeys(store_sources(before) + store_sources(after))),
    )


def survival_between_snapshots(
    from_snapshot: str, to_snapshot: str, *, category_level: str = "major", area_level: str = "sigungu",
    category: Any = None,
) -> SurvivalResult:
    """:func:`survival_between` for two snapshot ids (e.g. ``"2024Q3"``, ``"2024Q4"``)."""
    pair = compare_snapshots(from_snapshot, to_snapshot)
    return survival_between(
        pair.before, pair.after, category_level=category_level, area_level=area_level, category=category
    )
