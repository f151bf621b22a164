"""Alert rules as data (YAML per site) and their evaluation over a file, with the evidence of each alert.

A rule names a sensor (a role such as ``temperature``, or a column/Korean name with ``*``), an optional
daily time window (``"22:00-06:00"`` may cross midnight), a condition (``"< 8"``, ``">= 35"``,
``"outside 20..30"``) and how long it must hold (``for_minutes`` on time data, ``for_rows`` on event
data).  Templates for 온실, 축사, 사출 and 프레스 ship in ``rules/*.yaml``; a site can upload its own.
Evaluation walks the whole file and returns every alert in time order (the evaluation history), each
with the rule, the extreme value and an ``evidence`` block (sensor, window, the values around it) that
the page turns into a zoomed chart.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from moduai.errors import InputError, NotFound
from moduai.fieldai.ingest import FieldData, _fmt_time
from moduai.fieldai.names import ROLE_LABELS, ROLES, josa_label

RULES_DIR = Path(__file__).with_name("rules")
TEMPLATES = {"greenhouse": "온실", "livestock": "축사", "injection": "사출", "press": "프레스"}
SEVERITIES = ("주의", "경고", "위험")
_COND = re.compile(r"^\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$")
_OUTSIDE = re.compile(r"^\s*(outside|inside|밖|안)\s+(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*$")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass
class Rule:
    id: str
    name: str
    sensor: str
    condition: str
    severity: str = "주의"
    hours: str | None = None
    for_minutes: float = 0
    for_rows: int = 1
    action: str = ""

    def test(self, v: np.ndarray) -> np.ndarray:
        m = _COND.match(self.condition)
        if m:
            op, x = m.group(1), float(m.group(2))
            return {"<": v < x, "<=": v <= x, ">": v > x, ">=": v >= x}[op]
        m = _OUTSIDE.match(self.condition)
        lo, hi = float(m.group(2)), float(m.group(3))
        inside = (v >= lo) & (v <= hi)
        return ~inside & ~np.isnan(v) if m.group(1) in ("outside", "밖") else inside

    def condition_text(self, unit: str) -> str:
        u = f" {unit}" if unit else ""
        m = _COND.match(self.condition)
        if m:
            word = {"<": "미만", "<=": "이하", ">": "초과", ">=": "이상"}[m.group(1)]
            return f"{m.group(2)}{u} {word}"
        m = _OUTSIDE.match(self.condition)
        return f"{m.group(2)}–{m.group(3)}{u} {'밖' if m.group(1) in ('outside', '밖') else '안'}"


@dataclass
class RuleSet:
    site: str
    label: str
    rules: list[Rule]


@dataclass
class Alert:
    rule_id: str
    rule_name: str
    severity: str
    sensor: str
    label: str
    start: str
    end: str
    minutes: float | None
    rows: int
    extreme: float
    extreme_at: str
    message: str
    action: str
    evidence: dict


@dataclass
class RuleSummary:
    rule_id: str
    name: str
    sensor: str | None
    applied: bool
    alerts: int
    note: str = ""


@dataclass
class AlertResult:
    """Every alert of the file in time order (the evaluation history) and a summary per rule."""

    file: str
    site: str
    site_label: str
    rules: list[RuleSummary]
    alerts: list[Alert]
    synthetic: bool = False
    sources: list[str] = field(default_factory=list)


def parse_rules(text: str, *, source: str = "규칙 파일") -> RuleSet:
    """Validate a YAML rule file; every mistake is an :class:`InputError` naming the rule and field."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" {line + 1}번째 줄" if line is not None else ""
        raise InputError(f"{source}{where}의 YAML 문법이 틀렸습니다. 들여쓰기와 콜론(:)을 확인해 주세요.", field="rules",
                         detail=str(exc)) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list) or not doc["rules"]:
        raise InputError(f"{source}에 'rules:' 목록이 없습니다. 'rules:' 아래에 '- id: ...' 규칙을 한 개 이상 적어 주세요.",
                         field="rules")
    rules = []
    seen = set()
    for i, r in enumerate(doc["rules"], start=1):
        if not isinstance(r, dict):
            raise InputError(f"{source}의 {i}번째 규칙이 'id: 값' 꼴이 아닙니다.", field=f"rules[{i}]")
        rid = str(r.get("id") or f"rule{i}")
        where = f"{source}의 {i}번째 규칙('{rid}')"
        for key in ("sensor", "condition"):
            if not r.get(key):
                raise InputError(f"{where}에 '{key}' 항목이 없습니다.", field=f"rules[{i}].{key}")
        cond = str(r["condition"])
        if not (_COND.match(cond) or _OUTSIDE.match(cond)):
            raise InputError(f"{where}의 condition '{cond}'을 읽을 수 없습니다. '< 8', '>= 35', 'outside 20..30' 꼴로 "
                             "적어 주세요.", field=f"rules[{i}].condition")
        hours = r.get("hours")
        if hours is not None:
            m = _HOURS.match(str(hours))
            if not m or int(m.group(1)) > 23 or int(m.group(3)) > 24 or int(m.group(2)) > 59 or int(m.group(4)) > 59:
                raise InputError(f"{where}의 hours '{hours}'를 읽을 수 없습니다. '22:00-06:00' 꼴로 적어 주세요.",
                                 field=f"rules[{i}].hours")
        sev = str(r.get("severity", "주의"))
        if sev not in SEVERITIES:
            raise InputError(f"{where}의 severity '{sev}'는 {', '.join(SEVERITIES)} 중 하나여야 합니다.",
                             field=f"rules[{i}].severity")
        if rid in seen:
            raise InputError(f"{source}에 id '{rid}' 규칙이 두 번 있습니다. id를 다르게 붙여 주세요.", field=f"rules[{i}].id")
        seen.add(rid)
        try:
            for_minutes = float(r.get("for_minutes", 0))
            for_rows = int(r.get("for_rows", 1))
        except (TypeError, ValueError):
            raise InputError(f"{where}의 for_minutes/for_rows는 숫자여야 합니다.", field=f"rules[{i}]") from None
        rules.append(Rule(rid, str(r.get("name") or rid), str(r["sensor"]), cond, sev,
                          None if hours is None else str(hours), for_minutes, max(1, for_rows), str(r.get("action", ""))))
    return RuleSet(str(doc.get("site", "custom")), str(doc.get("label", doc.get("site", "사용자 규칙"))), rules)


@lru_cache(maxsize=8)
def template(site: str) -> RuleSet:
    """One of the shipped templates: greenhouse(온실), livestock(축사), injection(사출), press(프레스)."""
    key = {v: k for k, v in TEMPLATES.items()}.get(site, site)
    if key not in TEMPLATES:
        raise NotFound(f"경보 규칙 틀 '{site}'이 없습니다. 쓸 수 있는 틀: "
                       + ", ".join(f"{v}({k})" for k, v in TEMPLATES.items()) + ".", field="site")
    return parse_rules((RULES_DIR / f"{key}.yaml").read_text(encoding="utf-8"), source=f"{TEMPLATES[key]} 규칙 틀")


def guess_site(data: FieldData) -> str:
    """Which template fits the file: 사출 (금형/배럴), 프레스, 축사 (암모니아), else 온실."""
    labels = " ".join(data.label(c) for c in data.sensors) + " " + " ".join(data.sensors).lower()
    if any(w in labels for w in ("금형", "배럴", "사출", "mold")):
        return "injection"
    if "프레스" in labels or "press" in labels:
        return "press"
    if "암모니아" in labels or "nh3" in labels:
        return "livestock"
    return "greenhouse"


def _match_sensors(data: FieldData, spec: str) -> list[str]:
    if spec in ROLES:
        return [c for c in data.sensors if data.columns[c].role == spec]
    return [c for c in data.sensors if fnmatch.fnmatch(c, spec) or fnmatch.fnmatch(data.label(c), spec)
            or c == spec or data.label(c) == spec]


def _hours_mask(index: pd.DatetimeIndex, hours: str | None) -> np.ndarray:
    if not hours:
        return np.ones(len(index), dtype=bool)
    m = _HOURS.match(hours)
    a = int(m.group(1)) * 60 + int(m.group(2))
    b = int(m.group(3)) * 60 + int(m.group(4))
    minute = index.hour * 60 + index.minute
    return ((minute >= a) & (minute < b)) if a <= b else ((minute >= a) | (minute < b))


def evaluate_alerts(data: FieldData, rules: RuleSet | str | None = None) -> AlertResult:
    """Every alert of every rule over the file, in time order (see the module text)."""
    if rules is None:
        rules = template(guess_site(data))
    elif isinstance(rules, str):
        rules = template(rules)
    idx = data.frame.index
    alerts: list[Alert] = []
    summary: list[RuleSummary] = []
    for rule in rules.rules:
        sensors = _match_sensors(data, rule.sensor)
        if not sensors:
            summary.append(RuleSummary(rule.id, rule.name, None, False, 0,
                                       f"이 파일에 {ROLE_LABELS.get(rule.sensor, rule.sensor)} 센서가 없어 적용하지 않음"))
            continue
        n_before = len(alerts)
        for c in sensors:
            v = data.frame[c].to_numpy()
            hit = rule.test(v) & _hours_mask(idx, rule.hours) & ~np.isnan(v)
            if not hit.any():
                continue
            pos = np.flatnonzero(hit)
            breaks = np.flatnonzero(np.diff(pos) > 1)
            for s, e in zip(np.r_[pos[0], pos[breaks + 1]], np.r_[pos[breaks], pos[-1]]):
                rows = int(e - s + 1)
                step = data.interval_seconds or 0
                minutes = None if data.event_data else ((idx[e] - idx[s]).total_seconds() + step) / 60
                if data.event_data and rows < rule.for_rows:
                    continue
                if not data.event_data and minutes < max(rule.for_minutes, 0):
                    continue
                seg = v[s: e + 1]
                low = _COND.match(rule.condition) and _COND.match(rule.condition).group(1).startswith("<")
                k = int(np.argmin(seg) if low else np.argmax(np.abs(seg - np.nanmedian(v))))
                unit, label = data.unit(c), data.label(c)
                span = f"{minutes:.0f}분" if minutes is not None else f"{rows}행"
                when = f" {rule.hours} 사이에" if rule.hours else ""
                msg = (f"{rules.label} {rule.name}: {josa_label(label, '이/가')}{when} {rule.condition_text(unit)} 상태로 {span} 이어짐"
                       f"({'최저' if low else '가장 벗어난 값'} {seg[k]:,.1f}{' ' + unit if unit else ''}, {_fmt_time(idx[s + k])})")
                pad = max(rows, 12)
                a, b = max(0, s - pad), min(len(v), e + pad + 1)
                evidence = {"sensor": c, "label": label, "unit": unit, "from": _fmt_time(idx[a]), "to": _fmt_time(idx[b - 1]),
                            "times": [_fmt_time(t) for t in idx[a:b]][:400],
                            "values": [None if np.isnan(x) else round(float(x), 3) for x in v[a:b]][:400]}
                alerts.append(Alert(rule.id, rule.name, rule.severity, c, label, _fmt_time(idx[s]), _fmt_time(idx[e]),
                                    None if minutes is None else round(minutes, 1), rows, float(seg[k]),
                                    _fmt_time(idx[s + k]), msg, rule.action, evidence))
        summary.append(RuleSummary(rule.id, rule.name, ", ".join(data.label(c) for c in sensors), True,
                                   len(alerts) - n_before))
    alerts.sort(key=lambda a: a.start)
    return AlertResult(data.file, rules.site, rules.label, summary, alerts, data.synthetic, list(data.sources))
