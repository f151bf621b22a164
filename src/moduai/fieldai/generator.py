"""합성 온실(비닐하우스) 로그: a documented, seeded generator with labelled faults (no open log exists offline).

Every output is labelled 합성: the CSV has a ``구분`` column = ``합성`` and a file name starting ``합성_``;
:class:`FieldData` carries ``synthetic=True`` and the ``fieldai-greenhouse-synthetic`` source id, so pages,
exports and API answers say so.

Model (10-minute samples, times in KST, ``start`` defaults to 2026-01-05 — winter, when 동해 matters):

- 일사량 (W/m²): clear-sky ``peak·sin(π·(h−sunrise)/daylength)`` with day length and peak from the day of
  year (sunrise 07:40 / peak 450 W/m² in January, 05:15 / 900 in June), times a daily cloudiness (AR(1)
  around 0.8, clipped to [0.35, 1], seeded);
- 온도 (°C): heated to 12 °C at night (+0.6·AR(1) noise), daytime gain ``+0.018 °C per W/m²`` up to
  venting at 28 °C, seasonal offset ``+6·sin`` over the year;
- 습도 (%): ``85 − 1.8·(온도 − 10)`` ± noise, clipped to [35, 99.5];
- CO₂ (ppm): relaxes (5 % per 10 min) toward 650 ppm at night and ``max(330, 650 − 0.8·일사량)`` by day, ± noise;
- 토양수분 (%): irrigation at 08:00 to 38 %, exponential drying with a rate that grows with 일사량.

Injected faults (``faults`` lists each with its window and a Korean description):
``heater`` 난방기 고장 (a night falls toward 4 °C), ``stuck`` 습도 센서 고착 (one value for 6 h), ``co2_drift``
CO₂ 센서 이상 (+400 ppm for 10 h), ``irrigation`` 관수 고장 (no irrigation for 3 days), and a 3-hour
logger outage (rows missing).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from moduai.fieldai.ingest import FieldData, read_field_file
from moduai.params import validate_params

SOURCE_ID = "fieldai-greenhouse-synthetic"
COLUMNS = {"temperature": "온도(℃)", "humidity": "습도(%)", "co2": "CO2(ppm)", "soil": "토양수분(%)",
           "radiation": "일사량(W/m2)"}


@dataclass
class Fault:
    kind: str
    sensor: str
    start: str
    end: str
    description: str


@dataclass
class GreenhouseLog:
    frame: pd.DataFrame
    faults: list[Fault]
    seed: int
    synthetic: bool = True
    sources: list[str] = field(default_factory=lambda: [SOURCE_ID])


@validate_params(days="days")
def generate_greenhouse(*, days: int = 30, seed: int = 0, start: str = "2026-01-05", step_minutes: int = 10,
                        faults: bool = True) -> GreenhouseLog:
    """Seeded 합성 greenhouse log; the same ``seed`` gives the same file."""
    rng = np.random.default_rng(seed)
    t = pd.date_range(start, periods=days * 24 * 60 // step_minutes, freq=f"{step_minutes}min")
    n = len(t)
    h = t.hour.to_numpy() + t.minute.to_numpy() / 60
    doy = t.dayofyear.to_numpy()
    season = -np.cos(2 * np.pi * (doy - 10) / 365)  # −1 in January, +1 in July
    daylen = 12 + 2.6 * season
    sunrise = 12.5 - daylen / 2
    peak = 675 + 225 * season
    day_index = (t.normalize() - t.normalize()[0]).days.to_numpy()
    cl = np.empty(days + 1)
    cl[0] = 0.8
    for i in range(1, days + 1):  # cloudiness drifts from day to day (AR(1) around 0.8)
        cl[i] = 0.8 + 0.6 * (cl[i - 1] - 0.8) + rng.normal(0, 0.08)
    cloud = np.clip(cl, 0.35, 1.0)[day_index]
    phase = np.clip((h - sunrise) / daylen, 0, 1)
    rad = np.where((phase > 0) & (phase < 1), peak * np.sin(np.pi * phase), 0.0) * cloud
    rad = np.clip(rad + rng.normal(0, 8, n) * (rad > 0), 0, None)

    ar = np.zeros(n)
    e = rng.normal(0, 0.25, n)
    for i in range(1, n):
        ar[i] = 0.9 * ar[i - 1] + e[i]
    temp = 12 + 3 * season + np.minimum(0.018 * rad, 16) + 0.6 * ar
    temp = np.where(temp > 28, 28 + 0.3 * (temp - 28), temp)  # venting
    hum = np.clip(85 - 1.8 * (temp - 10) + rng.normal(0, 1.5, n), 35, 99.5)
    co2 = np.empty(n)
    c = 500.0
    for i in range(n):  # respiration at night toward 650 ppm, photosynthesis by day toward 650 − 0.8·일사량 (≥ 330)
        target = 650.0 if rad[i] < 5 else max(330.0, 650.0 - 0.8 * rad[i])
        c += (target - c) * 0.05 * step_minutes / 10
        co2[i] = c
    co2 = co2 + rng.normal(0, 8, n)
    soil = np.empty(n)
    s = 35.0
    irrigate = (t.hour == 8) & (t.minute == 0)
    out: list[Fault] = []
    skip_irrigation = np.zeros(n, dtype=bool)
    if faults and days >= 10:
        d0 = t.normalize()[0]
        a, b = d0 + pd.Timedelta(days=days // 2 + 1), d0 + pd.Timedelta(days=days // 2 + 4)
        skip_irrigation = (t >= a) & (t < b)
        out.append(Fault("irrigation", "토양수분", str(a), str(b), "관수 고장: 사흘 동안 물을 주지 못함(토양수분이 계속 떨어짐)"))
    for i in range(n):
        if irrigate[i] and not skip_irrigation[i]:
            s = 38.0
        s -= (0.004 + 0.00012 * rad[i]) * step_minutes / 10 * s / 10
        soil[i] = s
    soil = soil + rng.normal(0, 0.2, n)

    frame = pd.DataFrame({COLUMNS["temperature"]: temp, COLUMNS["humidity"]: hum, COLUMNS["co2"]: co2,
                          COLUMNS["soil"]: soil, COLUMNS["radiation"]: rad}, index=t)
    if faults and days >= 10:
        d0 = t.normalize()[0]
        # 난방기 고장: night of day 8, 23:00–05:00, temperature falls toward 4 °C
        a, b = d0 + pd.Timedelta(days=8, hours=23), d0 + pd.Timedelta(days=9, hours=5)
        m = (t >= a) & (t < b)
        k = np.arange(m.sum())
        frame.loc[m, COLUMNS["temperature"]] = 4 + (frame.loc[m, COLUMNS["temperature"]] - 4) * np.exp(-k / 8)
        out.append(Fault("heater", "온도", str(a), str(b), "난방기 고장: 밤사이 온도가 4 °C 가까이 떨어짐"))
        # 습도 센서 고착: day 5, 10:00–16:00
        a, b = d0 + pd.Timedelta(days=5, hours=10), d0 + pd.Timedelta(days=5, hours=16)
        m = (t >= a) & (t < b)
        frame.loc[m, COLUMNS["humidity"]] = round(float(frame.loc[m, COLUMNS["humidity"]].iloc[0]), 1)
        out.append(Fault("stuck", "습도", str(a), str(b), "습도 센서 고착: 6시간 같은 값"))
        # CO₂ 센서 이상: day 12, 02:00–12:00, +400 ppm
        a, b = d0 + pd.Timedelta(days=min(12, days - 2), hours=2), d0 + pd.Timedelta(days=min(12, days - 2), hours=12)
        m = (t >= a) & (t < b)
        frame.loc[m, COLUMNS["co2"]] += 400
        out.append(Fault("co2_drift", "CO2", str(a), str(b), "CO₂ 센서 이상: 10시간 동안 400 ppm 높게 읽음"))
        # 기록기 정지: day 3, 13:00–16:00 (rows missing)
        a, b = d0 + pd.Timedelta(days=3, hours=13), d0 + pd.Timedelta(days=3, hours=16)
        frame = frame[~((frame.index >= a) & (frame.index < b))]
        out.append(Fault("outage", "전체", str(a), str(b), "기록기 정지: 3시간 기록 없음"))
    frame = frame.round(2)
    frame.index.name = "일시"
    return GreenhouseLog(frame, out, seed)


def greenhouse_csv(log: GreenhouseLog) -> bytes:
    """The log as a UTF-8 CSV in a 스마트팜 export shape, with a ``구분`` column saying 합성."""
    df = log.frame.copy()
    df.insert(0, "구분", "합성")
    buf = io.StringIO()
    df.to_csv(buf, date_format="%Y-%m-%d %H:%M")
    return buf.getvalue().encode("utf-8")


def greenhouse_frame(*, days: int = 30, seed: int = 0) -> FieldData:
    """The generated log read back through the normal ingest path, marked synthetic."""
    log = generate_greenhouse(days=days, seed=seed)
    data = read_field_file(greenhouse_csv(log), f"합성_온실_seed{seed}.csv")
    data.notes[0] = f"합성 자료입니다: 설명된 규칙과 시드({seed})로 만든 온실 로그이며 실제 측정값이 아닙니다."
    return data
