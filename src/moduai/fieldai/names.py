"""Sensor names and units read from column headers: ``Mold_Temperature_4`` → 금형온도4 (°C, 추정).

Logger and PLC exports name columns in English tokens, Korean words or both, with the unit in brackets
(``온도(℃)``, ``CO2 [ppm]``, ``일사량(W/m2)``) or as a suffix (``temp_degC``).  This module turns a header
into a Korean label, a unit and a *role* (temperature, humidity, pressure …) that alert rules match on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moduai.korean import josa

# canonical unit ← the spellings seen in headers and unit rows
_UNITS: dict[str, tuple[str, ...]] = {
    "°C": ("°c", "℃", "degc", "deg c", "celsius", "도씨", "°"),
    "%": ("%", "%rh", "rh%", "퍼센트", "pct"),
    "ppm": ("ppm",),
    "bar": ("bar",),
    "kPa": ("kpa",),
    "MPa": ("mpa",),
    "kgf/cm²": ("kgf/cm2", "kgf/cm²", "kgf"),
    "mm/s": ("mm/s", "mm/sec"),
    "m/s": ("m/s",),
    "W/m²": ("w/m2", "w/m²", "w/㎡", "w/m^2"),
    "lux": ("lux", "lx"),
    "rpm": ("rpm",),
    "mm": ("mm",),
    "s": ("s", "sec", "초"),
    "kW": ("kw",),
    "kWh": ("kwh",),
    "A": ("a", "amp"),
    "V": ("v", "volt"),
    "Hz": ("hz",),
    "L/min": ("l/min", "lpm"),
    "dS/m": ("ds/m",),
    "pH": ("ph",),
}
_UNIT_OF = {spelling: unit for unit, spellings in _UNITS.items() for spelling in spellings}

# English header tokens → Korean words (order kept: Mold_Temperature_4 → 금형 온도 4 → 금형온도4)
_TOKENS = {
    "mold": "금형", "mould": "금형", "barrel": "배럴", "hopper": "호퍼", "injection": "사출", "screw": "스크루",
    "temperature": "온도", "temp": "온도", "humidity": "습도", "hum": "습도", "rh": "습도", "pressure": "압력",
    "back": "배", "speed": "속도", "time": "시간", "cycle": "사이클", "filling": "충전", "plasticizing": "가소화",
    "position": "위치", "cushion": "쿠션", "clamp": "형체", "close": "닫힘", "switch": "절환", "over": "",
    "average": "평균", "avg": "평균", "max": "최대", "min": "최소", "rpm": "회전수", "press": "프레스",
    "co2": "CO₂", "soil": "토양", "moisture": "수분", "solar": "일사량", "radiation": "", "irradiance": "일사량",
    "value": "값", "machine": "기계", "power": "전력", "current": "전류", "voltage": "전압", "vibration": "진동",
    "flow": "유량", "level": "수위", "ammonia": "암모니아", "nh3": "암모니아", "light": "조도", "wind": "풍속",
}
_SUFFIX_UNIT = re.compile(r"[_\s-](degc|c|pct|ppm|bar|kpa|mpa|rpm|mm|sec|kw|hz|lux)$", re.IGNORECASE)
_BRACKET_UNIT = re.compile(r"^(.*?)[\s_]*[\(\[\{]\s*([^\)\]\}]+?)\s*[\)\]\}]\s*$")

# role → words in a label or header that identify it; alert rules and the generator use roles
ROLES: dict[str, tuple[str, ...]] = {
    "temperature": ("온도", "temperature", "temp", "기온"),
    "humidity": ("습도", "humidity", "rh"),
    "co2": ("co2", "co₂", "이산화탄소"),
    "soil_moisture": ("토양수분", "토양 수분", "soil", "함수율"),
    "radiation": ("일사", "solar", "radiation", "irradiance"),
    "pressure": ("압력", "pressure"),
    "ammonia": ("암모니아", "nh3"),
    "time": ("시간", "time"),
}
ROLE_LABELS = {"temperature": "온도", "humidity": "습도", "co2": "CO₂", "soil_moisture": "토양수분", "radiation": "일사량",
               "pressure": "압력", "ammonia": "암모니아", "time": "시간"}
# units a role implies when the header has none (shown as 추정)
_ROLE_UNIT = {"temperature": "°C", "humidity": "%", "co2": "ppm", "radiation": "W/m²", "ammonia": "ppm"}


@dataclass(frozen=True)
class ColumnName:
    """How one header is read: ``name`` as in the file, Korean ``label``, ``unit`` and whether it was guessed."""

    name: str
    label: str
    unit: str
    unit_guessed: bool
    role: str | None


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def josa_label(label: str, pair: str) -> str:
    """:func:`moduai.korean.josa` for sensor labels; subscripts read as digits (CO₂ → CO₂가)."""
    plain = label.translate(_SUBSCRIPTS)
    return label + josa(plain, pair)[len(plain):]


def normalise_unit(text: str) -> str | None:
    """A unit spelling (``℃``, ``W/m2``, ``%RH``) → its canonical form, ``None`` when it is not a unit."""
    t = text.strip().lower().replace(" ", "")
    if not t:
        return None
    if t in _UNIT_OF:
        return _UNIT_OF[t]
    return None


def role_of(text: str) -> str | None:
    """The measurement role named in a label or header ('금형온도4' → temperature), or ``None``."""
    t = text.lower().replace(" ", "").replace("_", "")
    for role, words in ROLES.items():
        if any(w.replace(" ", "") in t for w in words):
            return role
    return None


def read_header(header: str, unit_row_value: str | None = None) -> ColumnName:
    """Split a header into label and unit.

    >>> read_header("온도(℃)")
    ColumnName(name='온도(℃)', label='온도', unit='°C', unit_guessed=False, role='temperature')
    >>> read_header("Mold_Temperature_4").label, read_header("Mold_Temperature_4").unit
    ('금형온도4', '°C')
    """
    raw = str(header).strip()
    base, unit = raw, None
    m = _BRACKET_UNIT.match(raw)
    if m and normalise_unit(m.group(2)):
        base, unit = m.group(1).strip(), normalise_unit(m.group(2))
    else:
        s = _SUFFIX_UNIT.search(raw)
        if s and normalise_unit(s.group(1)) and len(raw) > len(s.group(0)) + 1:
            unit = normalise_unit(s.group(1))
            base = raw if unit == "rpm" else raw[: s.start()]
    if unit_row_value and normalise_unit(str(unit_row_value)):
        unit = normalise_unit(str(unit_row_value))
    label = _korean_label(base)
    role = role_of(label) or role_of(base)
    guessed = False
    if unit is None and role in _ROLE_UNIT:
        unit, guessed = _ROLE_UNIT[role], True
    return ColumnName(raw, label, unit or "", guessed, role)


def _korean_label(base: str) -> str:
    if re.search(r"[가-힣]", base):
        return base.replace("_", " ").strip()
    parts = [p for p in re.split(r"[_\s\-\.]+|(?<=[a-z])(?=[A-Z])", base) if p]
    if not parts:
        return base
    words = []
    known = 0
    for p in parts:
        k = _TOKENS.get(p.lower())
        if k is not None:
            known += 1
            if k:
                words.append(k)
        else:
            words.append(p)
    if known == 0:
        return base
    return "".join(words)
