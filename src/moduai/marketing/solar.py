"""Solar terms (하지, 입추) and the 庚日 day cycle, for 복날 (초복·중복·말복).

- 하지/입추: the instant the Sun's apparent ecliptic longitude reaches 90° / 135°, found by bisection on the
  low-precision solar coordinates of Meeus, *Astronomical Algorithms* (2nd ed., ch. 25), good to about
  ±0.01° (±10 minutes).  The date is taken in KST (UTC+9).  When the computed instant lies within
  20 minutes of midnight the date is flagged ``uncertain`` unless an override from 한국천문연구원 is known.
- 경일 (庚日): the 7th of the ten 천간 in the continuous 60-day cycle.  Calibrated on 2025-07-20 (초복 2025,
  a 庚 day); the cycle has run unbroken for centuries, so one anchor fixes every date.
- 복날 (traditional rule): 초복 = the 3rd 庚日 counting from 하지 (하지 itself counts if it is a 庚日),
  중복 = the 4th, 말복 = the 1st 庚日 from 입추 (입추 counts).  Checks: 2023 → 7/11, 7/21, 8/10;
  2024 → 7/15, 7/25, 8/14; 2025 → 7/20, 7/30, 8/9.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

_JD_ORDINAL_OFFSET = 1721424.5  # JD at 00:00 UT of proleptic ordinal 1 minus one day
_GENG = 6  # 甲0 乙1 丙2 丁3 戊4 己5 庚6 辛7 壬8 癸9
_STEM_OFFSET = (_GENG - dt.date(2025, 7, 20).toordinal()) % 10
STEMS = "갑을병정무기경신임계"


def heavenly_stem(day: dt.date) -> str:
    """The 천간 of ``day`` (``heavenly_stem(date(2025, 7, 20)) == "경"``)."""
    return STEMS[(day.toordinal() + _STEM_OFFSET) % 10]


def _sun_apparent_longitude(jd: float) -> float:
    t = (jd - 2451545.0) / 36525
    l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t
    m = math.radians(357.52911 + 35999.05029 * t - 0.0001537 * t * t)
    c = ((1.914602 - 0.004817 * t - 0.000014 * t * t) * math.sin(m)
         + (0.019993 - 0.000101 * t) * math.sin(2 * m) + 0.000289 * math.sin(3 * m))
    omega = math.radians(125.04 - 1934.136 * t)
    return (l0 + c - 0.00569 - 0.00478 * math.sin(omega)) % 360


@dataclass(frozen=True)
class SolarTerm:
    name: str
    date: dt.date  # KST
    kst_time: str  # HH:MM, computed
    uncertain: bool  # computed instant within 20 minutes of midnight and no published override


def solar_term(year: int, longitude: float, name: str, near: tuple[int, int],
               overrides: dict[str, dt.date] | None = None) -> SolarTerm:
    """The KST date when the Sun reaches ``longitude`` degrees, searched ±10 days around ``near``."""
    lo = dt.date(year, *near).toordinal() + _JD_ORDINAL_OFFSET - 10
    hi = lo + 20
    for _ in range(60):
        mid = (lo + hi) / 2
        if ((_sun_apparent_longitude(mid) - longitude + 540) % 360) - 180 < 0:
            lo = mid
        else:
            hi = mid
    kst = lo + 9 / 24 - _JD_ORDINAL_OFFSET
    day = dt.date.fromordinal(math.floor(kst))
    minutes = (kst % 1) * 24 * 60
    hh, mm = divmod(int(round(minutes)), 60)
    if overrides and name in overrides:
        return SolarTerm(name, overrides[name], f"{hh % 24:02d}:{mm:02d}", False)
    return SolarTerm(name, day, f"{hh % 24:02d}:{mm:02d}", minutes < 20 or minutes > 1420)


def _nth_geng_from(start: dt.date, n: int) -> dt.date:
    day, count = start, 0
    while True:
        if heavenly_stem(day) == "경":
            count += 1
            if count == n:
                return day
        day += dt.timedelta(days=1)


@dataclass(frozen=True)
class Boknal:
    year: int
    chobok: dt.date
    jungbok: dt.date
    malbok: dt.date
    haji: SolarTerm
    ipchu: SolarTerm

    @property
    def uncertain(self) -> bool:
        return self.haji.uncertain or self.ipchu.uncertain


def boknal(year: int, overrides: dict[str, dt.date] | None = None) -> Boknal:
    """초복·중복·말복 of ``year`` by the 하지/입추 + 庚日 rule (see module docstring)."""
    haji = solar_term(year, 90.0, "하지", (6, 21), overrides)
    ipchu = solar_term(year, 135.0, "입추", (8, 7), overrides)
    return Boknal(year, _nth_geng_from(haji.date, 3), _nth_geng_from(haji.date, 4),
                  _nth_geng_from(ipchu.date, 1), haji, ipchu)
