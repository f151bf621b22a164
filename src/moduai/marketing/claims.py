"""Banned-claim check: flag 과장·허위 표현 (최고·유일·1등·100%·완치 …) with the reason (rules in YAML)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

RULES_PATH = Path(__file__).with_name("data") / "banned_claims.yaml"


@dataclass(frozen=True)
class ClaimWarning:
    word: str  # rule name (최고, 완치 …)
    found: str  # the text that matched
    severity: str  # 'warn' | 'error'
    reason: str
    start: int


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[re.Pattern[str], dict], ...]:
    rules = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    return tuple((re.compile(r["pattern"], re.IGNORECASE), r) for r in rules)


def check_claims(text: str) -> list[ClaimWarning]:
    """Every flagged expression in ``text``, in order of position."""
    out: list[ClaimWarning] = []
    for pattern, rule in _rules():
        for m in pattern.finditer(text):
            if m.group(0).strip():
                out.append(ClaimWarning(rule["word"], m.group(0).strip(), rule["severity"], rule["reason"], m.start()))
    return sorted(out, key=lambda w: w.start)
