"""The shared parameters of the public analyses, declared once (the scikit-learn ``_param_validation`` habit).

Each :class:`Param` states the field name an :class:`~moduai.errors.InputError` carries, its Korean label,
its type and its allowed range or choices, and builds the one Korean message for a bad value ("name the
parameter, say what is allowed, say what was received, then the fix").  Analyses declare which of their
arguments are which parameter with :func:`validate_params`; adapters (CLI, web forms, API) pass values
through unchanged, so the same bad value gives the same message everywhere.

>>> check("radius", "500")
500.0
>>> check("radius", 0)
Traceback (most recent call last):
...
moduai.errors.InputError: 'radius'(반경)는 0 m 초과 5,000 m 이하여야 합니다. 받은 값: 0 m. 상권 분석에는 보통 300~1,000 m를 씁니다.

This module sits on the lowest floor (it imports only :mod:`moduai.errors`), so every floor can use it.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from moduai.errors import InputError
from moduai.korean import josa, number

# Korea's territory incl. 마라도, 독도 and 백령도, with a margin (WGS84 degrees): lon_min, lat_min, lon_max, lat_max.
KOREA_BBOX = (124.5, 33.0, 132.0, 38.7)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Param:
    """One shared parameter: what the user calls it, what it may be, and how a bad value is explained."""

    field: str  # the name InputError.field carries and the API/CLI use
    label: str  # Korean label shown to people
    kind: str  # "real" | "integer" | "choice" | "text"
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # True: the value must be > low (else >= low)
    unit: str = ""
    choices: tuple[str, ...] = ()
    example: str = ""
    hint: str = ""
    out_of_range: str = ""  # what a value outside low..high means, e.g. "대한민국 밖입니다"

    # -- what is allowed, in words (also used for docs and the OpenAPI description)
    def allowed(self, choices: tuple[str, ...] | None = None) -> str:
        if self.kind == "choice":
            return " / ".join(choices or self.choices) + " 가운데 하나"
        if self.kind == "text":
            return f"비어 있지 않은 글자 (예: {self.example})" if self.example else "비어 있지 않은 글자"
        u = self._unit()
        lo = self._fmt(self.low) if self.low is not None else None
        hi = self._fmt(self.high) if self.high is not None else None
        if lo is not None and hi is not None:
            return f"{lo}{u} {'초과' if self.low_open else '이상'} {hi}{u} 이하"
        if lo is not None:
            return f"{lo}{u} {'초과' if self.low_open else '이상'}"
        return f"{hi}{u} 이하" if hi is not None else "숫자"

    def _unit(self) -> str:
        return "" if not self.unit else self.unit if self.unit == "°" else f" {self.unit}"

    def _fmt(self, v: Any) -> str:
        if _is_number(v) and self.kind == "integer" and float(v).is_integer():
            return str(int(v))  # years: 2020, not 2,020
        return _fmt(v)

    def error(self, value: Any, *, field: str | None = None, choices: tuple[str, ...] | None = None,
              reason: str = "") -> InputError:
        """The declared InputError for a bad ``value`` of this parameter."""
        shown = f"{self._fmt(value)}{self._unit() if _is_number(value) else ''}"
        what = reason or f"{self.allowed(choices)}여야 합니다"
        hint = f" {self.hint}" if self.hint else ""
        name = field or self.field
        subject = f"'{name}'({self.label}){josa(self.label, '은/는')[len(self.label):]}"
        return InputError(
            f"{subject} {what}. 받은 값: {shown}.{hint}",
            field=name, detail=f"{name}: expected {self.allowed(choices)}, got {value!r}",
        )

    def check(self, value: Any, *, field: str | None = None, choices: tuple[str, ...] | None = None,
              label: str | None = None) -> Any:
        """``value`` converted to the declared type, or the declared InputError (``label``: a more precise Korean
        name for this use, e.g. '인구 가중치')."""
        if label:
            return replace(self, label=label).check(value, field=field, choices=choices)
        if self.kind == "choice":
            allowed = choices or self.choices
            if not isinstance(value, str) or value not in allowed:
                raise self.error(value, field=field, choices=allowed)
            return value
        if self.kind == "text":
            if value is None or (isinstance(value, str) and not value.strip()):
                raise self.error(value, field=field, reason=f"비어 있으면 안 됩니다 (예: {self.example})")
            return value
        if isinstance(value, bool):
            raise self.error(value, field=field, reason=f"숫자여야 합니다 ({self.allowed()})")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.error(value, field=field, reason=f"숫자여야 합니다 ({self.allowed()})") from None
        if self.kind == "integer":
            if not math.isfinite(number) or number != int(number):
                raise self.error(value, field=field, reason=f"정수여야 합니다 ({self.allowed()})")
            number = int(number)
        if not math.isfinite(number):
            raise self.error(value, field=field)
        too_low = self.low is not None and (number <= self.low if self.low_open else number < self.low)
        if too_low or (self.high is not None and number > self.high):
            reason = f"{self.out_of_range}: {self.allowed()}여야 합니다" if self.out_of_range else ""
            raise self.error(number, field=field, reason=reason)
        return number


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _fmt(v: Any) -> str:
    if _is_number(v):
        if not math.isfinite(v):
            return str(v)
        return number(v)
    return repr(v)


RADIUS_M_MAX = 5000.0

PARAMS: dict[str, Param] = {
    "radius": Param("radius", "반경", "real", 0.0, RADIUS_M_MAX, low_open=True, unit="m", example="500",
                    hint="상권 분석에는 보통 300~1,000 m를 씁니다."),
    # store-set queries inside the analyses (competitors within 2 × radius …): any positive distance
    "search_radius": Param("radius", "반경", "real", 0.0, None, low_open=True, unit="m"),
    "lat": Param("lat", "위도", "real", KOREA_BBOX[1], KOREA_BBOX[3], unit="°", example="37.5898",
                 out_of_range="대한민국 밖입니다", hint="위도를 도 단위 숫자로 적어 주세요(예: 37.5898)."),
    "lon": Param("lon", "경도", "real", KOREA_BBOX[0], KOREA_BBOX[2], unit="°", example="127.0579",
                 out_of_range="대한민국 밖입니다", hint="경도를 도 단위 숫자로 적어 주세요(예: 127.0579)."),
    "category": Param("category", "업종", "text", example="카페, 편의점, I21201"),
    # a calendar year; which years have data is the dataset's answer (DataUnavailable lists them)
    "year": Param("year", "연도", "integer", 1900, 2100, example="2020"),
    "level": Param("level", "지역 단위", "choice", choices=("nation", "sido", "sigungu", "gu")),
    "method": Param("method", "정규화 방법", "choice", choices=("minmax", "zscore", "rank")),
    "weight": Param("weights", "가중치", "real", 0.0, 100.0, example="1"),
    "alpha": Param("alpha", "매력도 지수", "real", 0.0, 5.0, low_open=True),
    "beta": Param("beta", "거리 감쇠 지수", "real", 0.0, 5.0, low_open=True),
    "new_store_attractiveness": Param("new_store_attractiveness", "새 점포 매력도(기존 점포 1 대비)", "real", 0.0,
                                      100.0, low_open=True),
    "cell_m": Param("cell_m", "격자 크기", "real", 50.0, 1000.0, unit="m"),
    "top": Param("top", "보여 줄 개수", "integer", 1, 100),
    "comparables": Param("comparables", "비교할 지역 수", "integer", 3, 300),
    "resolution": Param("resolution", "H3 해상도", "integer", 6, 10),
    "ring": Param("ring", "이웃 칸 범위", "integer", 0, 3),
    # 현장 AI (fieldai)
    "z_threshold": Param("z", "이상 문턱(강건 z)", "real", 2.0, 50.0, example="6",
                         hint="기본 6: 기준선과의 차이가 1.4826·MAD의 6배 이상인 점만 이상으로 봅니다."),
    "horizon": Param("hours", "예측 시간", "integer", 1, 168, unit="시간", example="24"),
    "days": Param("days", "일수", "integer", 10, 365, unit="일", example="30"),
    "train_share": Param("train_share", "학습 비율", "real", 0.1, 0.9, example="0.3",
                         hint="시간순으로 앞부분을 학습, 뒷부분을 평가에 씁니다."),
}


def check(name: str, value: Any, **kw: Any) -> Any:
    """Validate ``value`` as the declared parameter ``name`` (see :data:`PARAMS`)."""
    return PARAMS[name].check(value, **kw)


def validate_params(**declared: str) -> Callable[[F], F]:
    """Declare which arguments of an analysis are which shared parameter; they are checked before the call.

    ``@validate_params(lat="lat", lon="lon", radius_m="radius")`` — an argument left at ``None`` (optional)
    is not checked.  The checked, converted values are what the function receives.
    """

    def wrap(fn: F) -> F:
        sig = inspect.signature(fn)
        unknown = [a for a in declared if a not in sig.parameters]
        if unknown or any(p not in PARAMS for p in declared.values()):
            raise TypeError(f"{fn.__qualname__}: undeclared parameters {unknown or list(declared.values())}")

        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            for arg, name in declared.items():
                if bound.arguments.get(arg) is not None:
                    bound.arguments[arg] = PARAMS[name].check(bound.arguments[arg])
            return fn(*bound.args, **bound.kwargs)

        inner.__moduai_params__ = dict(declared)  # type: ignore[attr-defined]
        return inner  # type: ignore[return-value]

    return wrap


def declared_params(fn: Callable[..., Any]) -> dict[str, str]:
    """``{argument: parameter}`` an analysis declared with :func:`validate_params` (for the meta-test)."""
    return dict(getattr(fn, "__moduai_params__", {}))
