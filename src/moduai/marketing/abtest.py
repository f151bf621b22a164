"""A/B test of two conversion rates: pooled two-proportion z-test, CI of the difference, Korean verdict.

For arm A (x_a successes of n_a) and B (x_b of n_b), p̂ = x/n:

- test statistic  z = (p̂_b − p̂_a) / √( p̄(1 − p̄)(1/n_a + 1/n_b) ),  p̄ = (x_a + x_b)/(n_a + n_b)  (pooled, H0: p_a = p_b)
- two-sided p-value  p = erfc(|z|/√2)  (= 2·(1 − Φ(|z|)))
- (1 − α) CI of p̂_b − p̂_a: Wald, unpooled SE √( p̂_a(1−p̂_a)/n_a + p̂_b(1−p̂_b)/n_b ), ± z_{1−α/2}·SE

Source: Agresti, *Categorical Data Analysis* (3rd ed.), §2.2 and §3.1.  The normal approximation needs
about 10 successes and 10 failures per arm; below that the result carries a warning.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from statistics import NormalDist

from moduai.errors import InputError

MIN_EVENTS = 10  # successes and failures per arm for the normal approximation


@dataclass
class ABTestResult:
    a_success: int
    a_total: int
    b_success: int
    b_total: int
    alpha: float
    rate_a: float
    rate_b: float
    difference: float  # rate_b - rate_a
    relative_lift: float | None  # difference / rate_a
    pooled_rate: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    significant: bool
    verdict: str
    warnings: list[str] = field(default_factory=list)
    needed_per_arm: int | None = None  # for 80 % power to detect the observed difference
    method: str = "두 비율 z-검정(합동 분산), 양측; 차이의 신뢰구간은 Wald(비합동)"


def _arm(name: str) -> str:
    """An arm as messages name it: 'A안(a)' (a page shows 'A안', the API and the command line both)."""
    return f"{name.upper()}안({name})"


def parse_arm(text: str, name: str) -> tuple[int, int]:
    """'120/1000' → (120, 1000)."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(text))
    if not m:
        raise InputError(f"{_arm(name)}은 '성공 수/전체 수' 형식이어야 합니다 (예: 120/1000). 받은 값: '{text}'.",
                         field=name)
    return int(m.group(1)), int(m.group(2))


def _validate(xa: int, na: int, xb: int, nb: int, alpha: float) -> None:
    for name, x, n in (("a", xa, na), ("b", xb, nb)):
        if n <= 0:
            raise InputError(f"{_arm(name)}의 전체 수는 1 이상이어야 합니다. 받은 값: {n}.", field=name)
        if not 0 <= x <= n:
            raise InputError(f"{_arm(name)}의 성공 수는 0 이상 전체 수({n}) 이하여야 합니다. 받은 값: {x}.", field=name)
    if not 0 < alpha < 0.5:
        raise InputError(f"유의수준(alpha)은 0 초과 0.5 미만이어야 합니다 (보통 0.05). 받은 값: {alpha}.", field="alpha")


def required_sample_size(p1: float, p2: float, *, alpha: float = 0.05, power: float = 0.8) -> int | None:
    """Customers per arm to detect ``p1`` vs ``p2`` with a two-sided pooled z-test (Fleiss, *Statistical
    Methods for Rates and Proportions*, 3rd ed., eq. 4.14, without continuity correction):

        n = ( z_{1−α/2}·√(2·p̄(1−p̄)) + z_{1−β}·√(p1(1−p1) + p2(1−p2)) )² / (p2 − p1)²,  p̄ = (p1 + p2)/2

    None when the two rates are equal (no finite sample detects a zero difference).
    """
    if p1 == p2:
        return None
    nd = NormalDist()
    za, zb = nd.inv_cdf(1 - alpha / 2), nd.inv_cdf(power)
    pbar = (p1 + p2) / 2
    num = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(num * num / (p2 - p1) ** 2)


def format_p(p: float) -> str:
    """Three significant digits so 0.0496 is not shown as 0.050 next to α = 0.05."""
    return "p<0.001" if p < 0.001 else f"p={p:.3g}"


def two_proportion_test(a_success: int, a_total: int, b_success: int, b_total: int, *, alpha: float = 0.05) -> ABTestResult:
    """Compare B against A (see module docstring for formulas).

    >>> r = two_proportion_test(120, 1000, 150, 1000)
    >>> round(r.z, 3), round(r.p_value, 4)
    (1.963, 0.0496)
    """
    _validate(a_success, a_total, b_success, b_total, alpha)
    pa, pb = a_success / a_total, b_success / b_total
    pooled = (a_success + b_success) / (a_total + b_total)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / a_total + 1 / b_total))
    diff = pb - pa
    if se0 == 0:
        z, p = 0.0, 1.0
    else:
        z = diff / se0
        p = math.erfc(abs(z) / math.sqrt(2))
    se = math.sqrt(pa * (1 - pa) / a_total + pb * (1 - pb) / b_total)
    zc = NormalDist().inv_cdf(1 - alpha / 2)
    lo, hi = diff - zc * se, diff + zc * se
    significant = p < alpha
    conf = f"{(1 - alpha) * 100:g}%"
    if significant:
        who = "B안" if diff > 0 else "A안"
        verdict = f"{who}이 유의하게 높습니다 ({format_p(p)}). 전환율 차이 {diff * 100:+.1f}%p, {conf} 신뢰구간 {lo * 100:+.1f}~{hi * 100:+.1f}%p."
    else:
        verdict = (f"차이가 우연일 수 있습니다 ({format_p(p)}). 전환율 차이 {diff * 100:+.1f}%p, "
                   f"{conf} 신뢰구간 {lo * 100:+.1f}~{hi * 100:+.1f}%p가 0을 포함합니다. 더 많은 손님으로 다시 재 보세요.")
    warnings = []
    for name, x, n in (("A안", a_success, a_total), ("B안", b_success, b_total)):
        if x < MIN_EVENTS or n - x < MIN_EVENTS:
            warnings.append(f"{name}의 성공 {x}건·실패 {n - x}건: 각각 {MIN_EVENTS}건 이상이어야 정규근사가 믿을 만합니다. "
                            "표본을 더 모은 뒤 판단하세요.")
    needed = required_sample_size(pa, pb, alpha=alpha)
    if not significant and needed and needed > max(a_total, b_total):
        warnings.append(f"지금 본 차이({diff * 100:+.1f}%p)가 진짜라면, 80% 확률로 확인하려면 각 안에 약 {needed:,}명이 필요합니다.")
    return ABTestResult(
        needed_per_arm=needed,
        a_success=a_success, a_total=a_total, b_success=b_success, b_total=b_total, alpha=alpha,
        rate_a=pa, rate_b=pb, difference=diff, relative_lift=(diff / pa if pa > 0 else None), pooled_rate=pooled,
        z=z, p_value=p, ci_low=lo, ci_high=hi, significant=significant, verdict=verdict, warnings=warnings,
    )
