"""The shop profile every copy is written from: 업종, 위치, 강점, 가격대, 타깃 (+ optional event and 상권 facts).

Profiles come from YAML (CLI ``--profile shop.yaml``), JSON (API) or a form (web); all three pass through
:func:`parse_profile`, the one place the fields are validated.  Keys may be Korean or English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from moduai.errors import InputError
from moduai.korean import josa

# accepted keys → field name
_KEYS = {
    "name": "name", "이름": "name", "상호": "name", "가게": "name",
    "category": "category", "업종": "category",
    "location": "location", "위치": "location", "동네": "location",
    "strengths": "strengths", "강점": "strengths",
    "price_range": "price_range", "가격대": "price_range",
    "target": "target", "타깃": "target", "타겟": "target",
    "menu": "menu", "대표메뉴": "menu", "대표 메뉴": "menu", "메뉴": "menu",
    "lat": "lat", "위도": "lat", "lon": "lon", "경도": "lon",
    "event": "event", "이벤트": "event",
    "trade_area": "trade_area", "상권": "trade_area",
}
MAX_TEXT = 60
EXAMPLE_PATH = Path(__file__).with_name("data") / "example_profile.yaml"


@dataclass
class EventInfo:
    title: str
    period: str
    detail: str


@dataclass
class ShopProfile:
    """What the owner tells us about the shop."""

    name: str
    category: str
    location: str
    strengths: list[str]
    price_range: str
    target: str
    menu: str | None = None
    lat: float | None = None
    lon: float | None = None
    event: EventInfo | None = None
    trade_area: dict[str, Any] | None = None  # facts given by hand: radius_m, same_category_count
    extra: dict[str, Any] = field(default_factory=dict)


def _text(raw: dict[str, Any], key: str, label: str, *, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(
                f"가게 정보에 {josa(f'{label!r}({key})', '이/가')} 없습니다. 예: {label}: …  프로필 파일이나 양식에 채워 주세요.",
                field=key,
            )
        return None
    text = " ".join(str(value).split())
    if len(text) > MAX_TEXT:
        raise InputError(
            f"'{label}'({key})은(는) {MAX_TEXT}자 이하여야 합니다. 받은 길이: {len(text)}자. 짧게 줄여 주세요.",
            field=key,
        )
    return text


def parse_profile(raw: dict[str, Any]) -> ShopProfile:
    """Validate a profile mapping (Korean or English keys) into a :class:`ShopProfile`."""
    if not isinstance(raw, dict):
        raise InputError("가게 정보는 '키: 값' 형식(YAML/JSON 객체)이어야 합니다.", field="profile")
    norm: dict[str, Any] = {}
    for k, v in raw.items():
        norm[_KEYS.get(str(k).strip(), str(k).strip())] = v
    strengths_raw = norm.get("strengths")
    if isinstance(strengths_raw, str):
        strengths = [s.strip() for s in strengths_raw.replace("\n", ",").split(",") if s.strip()]
    elif isinstance(strengths_raw, list):
        strengths = [" ".join(str(s).split()) for s in strengths_raw if str(s).strip()]
    else:
        strengths = []
    if not strengths:
        raise InputError(
            "가게 정보에 '강점'(strengths)이 없습니다. 쉼표로 구분해 1~5개 적어 주세요. 예: 직접 구운 빵, 넓은 주차장",
            field="strengths",
        )
    if len(strengths) > 5 or any(len(s) > MAX_TEXT for s in strengths):
        raise InputError(
            f"'강점'은 1~5개, 각 {MAX_TEXT}자 이하로 적어 주세요. 받은 개수: {len(strengths)}개.", field="strengths"
        )
    lat = norm.get("lat")
    lon = norm.get("lon")
    try:
        lat = float(lat) if lat not in (None, "") else None
        lon = float(lon) if lon not in (None, "") else None
    except (TypeError, ValueError) as exc:
        raise InputError("'위도/경도'는 숫자여야 합니다. 예: 위도 37.5912, 경도 127.0563", field="lat") from exc
    event = None
    ev = norm.get("event")
    if isinstance(ev, dict) and any(ev.values()):
        ev = {_EVENT_KEYS.get(k, k): v for k, v in ev.items()}
        event = EventInfo(
            title=_text(ev, "title", "이벤트 제목"), period=_text(ev, "period", "이벤트 기간"),
            detail=_text(ev, "detail", "이벤트 내용"),
        )
    ta = norm.get("trade_area")
    return ShopProfile(
        name=_text(norm, "name", "가게 이름"),
        category=_text(norm, "category", "업종"),
        location=_text(norm, "location", "위치"),
        strengths=strengths,
        price_range=_text(norm, "price_range", "가격대"),
        target=_text(norm, "target", "타깃"),
        menu=_text(norm, "menu", "대표 메뉴", required=False),
        lat=lat, lon=lon, event=event,
        trade_area=dict(ta) if isinstance(ta, dict) else None,
    )


_EVENT_KEYS = {"제목": "title", "기간": "period", "내용": "detail"}


def load_profile(path: Path) -> ShopProfile:
    """Read a YAML (or JSON) profile file."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"프로필 파일을 찾을 수 없습니다: {path}. 형식은 예시 파일 {EXAMPLE_PATH}를 복사해 고쳐 쓰세요.",
                         field="profile") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"프로필 파일을 읽을 수 없습니다({path}): YAML 형식(UTF-8)인지 확인해 주세요.",
                         field="profile", detail=str(exc)[:200]) from exc
    return parse_profile(raw)
