"""상권 facts for copy, from ``moduai.commerce`` when it can answer — copy never depends on it.

The profile may carry facts by hand (``상권: {반경_m: 500, 같은_업종_수: 2}``); otherwise, when the profile has
coordinates, :func:`moduai.commerce.trade_area.build_trade_area` is asked for the same-업종 count within
500 m.  Any failure (module missing, point outside Korea, no data) gives ``facts=None`` and a Korean note.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from moduai.commerce import trade_area
from moduai.errors import ModuaiError, failure_words
from moduai.marketing.profile import ShopProfile

log = logging.getLogger("moduai.marketing")

DEFAULT_RADIUS_M = 500


@dataclass
class TradeAreaFacts:
    radius_m: int
    same_category_count: int
    store_count: int | None = None
    area_name: str | None = None
    synthetic_share: float | None = None
    origin: str = "commerce"  # 'commerce' | 'profile'
    sources: list[str] = field(default_factory=list)


def facts_from_profile(profile: ShopProfile) -> TradeAreaFacts | None:
    ta = profile.trade_area or {}
    count = ta.get("same_category_count", ta.get("같은_업종_수"))
    if count is None:
        return None
    radius = ta.get("radius_m", ta.get("반경_m", DEFAULT_RADIUS_M))
    return TradeAreaFacts(radius_m=int(radius), same_category_count=int(count),
                          store_count=ta.get("store_count", ta.get("전체_점포_수")), origin="profile")


def fetch_trade_area_facts(profile: ShopProfile, radius_m: int = DEFAULT_RADIUS_M) -> tuple[TradeAreaFacts | None, str]:
    """Facts and a Korean note saying where they came from (or why there are none)."""
    given = facts_from_profile(profile)
    if given is not None:
        return given, f"가게 정보에 적힌 상권 정보(반경 {given.radius_m}m, 같은 업종 {given.same_category_count}곳)를 썼습니다."
    if profile.lat is None or profile.lon is None:
        return None, "좌표(위도·경도)가 없어 상권 정보 없이 작성했습니다."
    try:
        ta = trade_area.build_trade_area(profile.lat, profile.lon, radius_m, profile.category)
        count = int(ta.category_count)
        place = getattr(ta, "place", None)
        area = getattr(place, "emd_name", None) if place is not None else None
        facts = TradeAreaFacts(
            radius_m=radius_m, same_category_count=count, store_count=getattr(ta, "store_count", None),
            area_name=area, synthetic_share=getattr(ta, "synthetic_share", None),
            sources=list(getattr(ta, "sources", []) or []),
        )
    except ModuaiError as exc:
        return None, f"상권 정보를 가져오지 못해 상권 정보 없이 작성했습니다: {exc.message}"
    except Exception as exc:  # noqa: BLE001 - another module's failure must not break copy
        log.warning("trade-area facts failed: %s: %s", type(exc).__name__, exc)
        return None, f"상권 정보를 가져오지 못해 상권 정보 없이 작성했습니다 ({failure_words(exc)})."
    note = f"상권 분석: 반경 {radius_m}m 안 같은 업종 {count}곳"
    if facts.synthetic_share:
        note += f" (생성 데이터 비중 {facts.synthetic_share:.0%} — 실제와 다를 수 있음)"
    return facts, note + "."
