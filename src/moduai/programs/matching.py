"""Matching a profile to programs: eligibility first, then closeness of fit, then deadline.

Ranking (the order the issue asks for):

1. eligibility — every criterion passes, before programs with criteria still unknown; programs with a
   failing criterion are listed apart with the blocking reason;
2. closeness of fit — share of criteria passed, how specific the program's region is to the applicant
   (시군구 > 시도 > 5극3특 권역 > 전국), and whether its kind is among the applicant's interests;
3. deadline — sooner first (상시 and unannounced last).

A *near miss* is a program that fails exactly one criterion; its ``what_would_change`` says what would
have to change (e.g. "소상공인확인서를 발급받으면 신청할 수 있습니다").  Real announcements without machine
rules are checked on region and application window only and never reported as "pass": their remaining
eligibility is "unknown", with that explained.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from moduai.programs.catalog import NO_RULES_NOTE, STALE_AFTER_DAYS, Program
from moduai.programs.criteria import (
    FAIL,
    PASS,
    UNKNOWN,
    ApplicationWindow,
    Context,
    CriterionResult,
    Region,
    RuleError,
    parse_criterion,
)
from moduai.programs.drafts import CONFIRMED_NOTE, DraftRules, extract_drafts, without_rejected
from moduai.programs.industry import with_industry_code
from moduai.programs.profile import Profile
from moduai.programs.relevance import profile_terms, relevance, text_index
from moduai.programs.rules import Evaluation, RuleSet, evaluate_rules, overall_status
from moduai.results import to_jsonable

AUTO_RULES_NOTE = ("공고 목록의 구조화된 항목(연령·업력·지역·접수 기간)에서 만든 조건만 확인했습니다. "
                   "세부 자격은 공고문에서 확인해야 합니다.")
CHECKED_WINDOW_ONLY = "지역·기간만 확인, 대상은 공고문 확인 필요"
DRAFT_PREFIX = "초안(공고문에서 읽음, 운영자 확인 전)"
RANKINGS = ("relevance", "legacy")
TYPE_WORDS = {"region": "지역", "application_window": "접수 기간", "business_status": "사업 상태", "age_range": "나이",
              "business_age": "업력", "target_group": "지원 대상", "industry": "업종", "employees": "상시근로자 수",
              "revenue": "연매출", "flags": "등록·인증"}
STATUS_ORDER = {PASS: 0, UNKNOWN: 1, FAIL: 2}
REGION_SPECIFICITY = {"sigungu": 1.0, "sido": 0.7, "megaregions": 0.6, "exclude_sido": 0.4, "nationwide": 0.3}


@dataclass
class ProgramMatch:
    """One program's verdict for the profile, with every criterion's reason."""

    slug: str
    name: str
    agency: str
    kind: str
    region_text: str
    period_text: str
    apply_end: dt.date | None
    days_left: int | None
    is_sample: bool
    notice: str
    status: str
    results: list[CriterionResult]
    fit: float
    fit_reasons: list[str] = field(default_factory=list)
    machine_rules: str = "full"  # full | partial (derived from listing fields) | none
    note: str | None = None
    what_would_change: str | None = None
    changeable: bool | None = None
    url: str | None = None
    sources: list[str] = field(default_factory=list)
    checked: str = ""  # what was actually checked, in words ("지역·기간만 확인, 대상은 공고문 확인 필요")
    draft_results: list[CriterionResult] = field(default_factory=list)  # draft criteria, evaluated apart
    needs_check: list[dict[str, Any]] = field(default_factory=list)  # low-confidence drafts, with spans
    relevance: float = 0.0
    relevance_reasons: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[CriterionResult]:
        return [r for r in self.results if r.status == FAIL]

    @property
    def blocking_reason(self) -> str | None:
        return self.blocking[0].reason if self.blocking else None

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in (
            "slug", "name", "agency", "kind", "region_text", "period_text", "apply_end", "days_left", "is_sample",
            "notice", "status", "fit", "fit_reasons", "machine_rules", "note", "what_would_change", "changeable",
            "url", "sources", "checked", "needs_check", "relevance", "relevance_reasons")}
        out["blocking_reason"] = self.blocking_reason
        out["draft_results"] = [{"id": r.id, "type": r.type, "status": r.status, "condition": r.condition,
                                 "reason": r.reason} for r in self.draft_results]
        out["results"] = [{"id": r.id, "type": r.type, "status": r.status, "condition": r.condition,
                           "reason": r.reason, "fix": r.fix} for r in self.results]
        return out


@dataclass
class MatchResult:
    """Programs for one profile: eligible, to check (unknown), near misses and failures, ranked."""

    today: dt.date
    profile: dict[str, Any]
    eligible: list[ProgramMatch]
    unknown: list[ProgramMatch]
    near_misses: list[ProgramMatch]
    failed: list[ProgramMatch]
    closed_count: int
    total_programs: int
    sources: list[str]

    @property
    def summary(self) -> str:
        return (f"{self.total_programs}개 사업 중 신청 가능 {len(self.eligible)}개, 확인 필요 {len(self.unknown)}개, "
                f"조건 하나만 안 맞는 사업 {len(self.near_misses)}개, 해당 안 됨 {len(self.failed)}개"
                + (f" (마감된 사업 {self.closed_count}개 제외)" if self.closed_count else ""))

    def to_dict(self) -> dict[str, Any]:
        return {"today": self.today, "profile": self.profile, "summary": self.summary,
                "eligible": [m.to_dict() for m in self.eligible], "unknown": [m.to_dict() for m in self.unknown],
                "near_misses": [m.to_dict() for m in self.near_misses],
                "failed": [m.to_dict() for m in self.failed], "closed_count": self.closed_count,
                "total_programs": self.total_programs, "sources": self.sources}


def implicit_ruleset(program: Program) -> RuleSet:
    """Region and application window from a program's metadata, for programs without machine rules."""
    window: dict[str, Any] = {"rolling": True} if program.rolling else {}
    if program.apply_end:
        window = {"end": program.apply_end, **({"start": program.apply_start} if program.apply_start else {})}
    criteria = [Region(id="region", params=dict(program.region_scope)),
                ApplicationWindow(id="window", params=window)]
    return RuleSet(version=1, effective_from=dt.date.min, criteria=criteria)


def evaluate_program(program: Program, profile: Profile, today: dt.date) -> tuple[Evaluation, str]:
    """(evaluation, machine_rules) — the program's rules, or its metadata when it has none."""
    if program.ruleset is not None:
        confirmed = (program.ruleset.note or "").startswith(CONFIRMED_NOTE)
        kind = "full" if program.is_sample or program.source_kind == "operator" or confirmed else "partial"
        return evaluate_rules(program.ruleset, profile, today), kind
    return evaluate_rules(implicit_ruleset(program), profile, today), "none"


def _fit(program: Program, profile: Profile, ev: Evaluation) -> tuple[float, list[str]]:
    reasons: list[str] = []
    share = len(ev.passed) / len(ev.results) if ev.results else 0.0
    score = 0.5 * share
    checked = "·".join(dict.fromkeys(TYPE_WORDS.get(r.type, r.condition) for r in ev.results))
    reasons.append(f"확인한 조건({checked}) {len(ev.results)}개 중 {len(ev.passed)}개 충족")
    region_ok = any(r.type == "region" and r.status == PASS for r in ev.results)
    if region_ok:
        scope = program.region_scope
        level = next((k for k in ("sigungu", "sido", "megaregions", "exclude_sido", "nationwide") if scope.get(k)),
                     "nationwide")
        score += 0.2 * REGION_SPECIFICITY[level]
        if level in ("sigungu", "sido", "megaregions"):
            reasons.append(f"지역 특화 사업 ({program.region_text})")
    if profile.interests and program.kind in profile.interests:
        score += 0.2
        reasons.append(f"관심 분야 '{program.kind}'")
    if profile.groups and any(g in " ".join(program.target) for g in profile.groups):
        score += 0.1
        reasons.append("지원 대상 표기 일치")
    return round(score, 3), reasons


def _days_left(program: Program, today: dt.date) -> int | None:
    return (program.apply_end - today).days if program.apply_end else None


def _explain_listing_window(program: Program, ev: Evaluation, today: dt.date) -> Evaluation:
    """For a listing with no dates: say so, and treat it as closed once the notice is half a year old."""
    results = []
    for r in ev.results:
        if r.type == "application_window" and r.status == UNKNOWN:
            cond = "접수 기간"
            if program.source_date and (today - program.source_date).days > STALE_AFTER_DAYS:
                r = CriterionResult(r.id, r.type, FAIL, cond,
                                    f"{cond} 조건: 목록에 접수 기간이 없고 공고일({program.source_date.isoformat()})로부터 "
                                    f"{STALE_AFTER_DAYS}일이 지나 마감된 것으로 봅니다",
                                    "이번 공고는 마감되었을 가능성이 큽니다. 같은 사업의 새 공고를 확인하세요.", False)
            else:
                when = f" (공고일 {program.source_date.isoformat()})" if program.source_date else ""
                r = CriterionResult(r.id, r.type, UNKNOWN, cond,
                                    f"{cond} 조건: 목록에 접수 기간이 없습니다{when}. 공고문에서 확인하세요")
        results.append(r)

    return Evaluation(overall_status(results), results)


def evaluate_drafts(drafts: DraftRules, profile: Profile, today: dt.date) -> list[CriterionResult]:
    """The draft criteria above the confidence threshold, evaluated; reasons say they are drafts."""
    out: list[CriterionResult] = []
    ctx = Context(today)
    for d in drafts.evaluated:
        crit = drafts.parsed.get(d.id)
        if crit is None:
            try:
                crit = parse_criterion(d.rule(), err_for=lambda rid: (lambda reason: RuleError(reason, file="draft",
                                                                                              rule=rid)))
            except RuleError:
                continue
            drafts.parsed[d.id] = crit
        r = crit.evaluate(profile, ctx)
        span = f" — 근거: '{d.text.strip()}'"
        out.append(CriterionResult(r.id, r.type, r.status, r.condition, f"{DRAFT_PREFIX} {r.reason}{span}", r.fix,
                                   r.changeable))
    return out


def checked_text(machine: str, results: list[CriterionResult], draft_results: list[CriterionResult],
                 needs_check: int) -> str:
    """What was checked, precisely: the rules' own criteria, the drafts, and what is left to the notice."""
    words = "·".join(dict.fromkeys(TYPE_WORDS.get(r.type, r.type) for r in results))
    if machine == "full":
        return f"자격 규칙 {len(results)}개({words}) 확인"
    if machine == "partial":
        return f"공고 목록의 구조화 항목({words})만 확인, 세부 자격은 공고문 확인 필요"
    if not draft_results:
        tail = f" (공고문에서 읽은 조건 {needs_check}개는 확인 필요)" if needs_check else ""
        return CHECKED_WINDOW_ONLY + tail
    drafts = "·".join(dict.fromkeys(TYPE_WORDS.get(r.type, r.type) for r in draft_results))
    tail = f", 확인 필요 {needs_check}개" if needs_check else ""
    return (f"지역·기간 확인, 공고문에서 읽은 초안 조건({drafts}) {len(draft_results)}개 확인(운영자 확인 전){tail} — "
            "대상은 공고문 확인 필요")


def build_match(program: Program, profile: Profile, today: dt.date, *, drafts: DraftRules | None = None,
                read_drafts: bool = False, drafts_if_closed: bool = True) -> ProgramMatch:
    """One program's match.

    ``read_drafts`` reads the draft criteria from the announcement here (when ``drafts`` is not given);
    ``drafts_if_closed=False`` skips them for a closed announcement: a caller that drops closed ones (most
    searches) need not read or evaluate their text, a fifth of the announcements on a typical day.
    """
    ev, machine = evaluate_program(program, profile, today)
    if machine == "none":
        ev = _explain_listing_window(program, ev, today)
    if not drafts_if_closed and any(r.type == "application_window" and r.status == FAIL for r in ev.results):
        drafts, read_drafts = None, False
    if drafts is None and read_drafts:
        drafts = extract_drafts(program)
    status = ev.status
    note = None
    if machine == "none":
        note = NO_RULES_NOTE
    elif machine == "partial":
        note = AUTO_RULES_NOTE
    if status == PASS and machine != "full":
        status = UNKNOWN  # a listing's few fields never prove eligibility
    fit, reasons = _fit(program, profile, ev)
    draft_results = evaluate_drafts(drafts, profile, today) if drafts is not None else []
    needs = [d.to_dict() for d in drafts.needs_check] if drafts is not None else []
    match = ProgramMatch(
        slug=program.slug, name=program.name, agency=program.agency, kind=program.kind,
        region_text=program.region_text, period_text=program.period_text, apply_end=program.apply_end,
        days_left=_days_left(program, today), is_sample=program.is_sample, notice=program.notice, status=status,
        results=ev.results, fit=fit, fit_reasons=reasons, machine_rules=machine, note=note, url=program.url,
        sources=program.sources, checked=checked_text(machine, ev.results, draft_results, len(needs)),
        draft_results=draft_results, needs_check=needs,
    )
    if len(ev.failed) == 1:
        match.what_would_change = ev.failed[0].fix
        match.changeable = ev.failed[0].changeable
    return match


def _is_closed(match: ProgramMatch) -> bool:
    return any(r.type == "application_window" and r.status == FAIL for r in match.results)


def with_registration_status(profile: Profile) -> Profile:
    """A profile that answered only the 사업자등록 flag: registered → 기존, not registered → 예비."""
    if profile.business_status is None and "사업자등록" in profile.flags:
        return dataclasses.replace(profile, business_status="기존" if profile.flags["사업자등록"] else "예비")
    return profile


def _rank_key(m: ProgramMatch):
    deadline = m.days_left if m.days_left is not None and m.days_left >= 0 else 10**6
    return (STATUS_ORDER[m.status], -m.fit, deadline, m.name)


def _relevance_key(m: ProgramMatch):
    deadline = m.days_left if m.days_left is not None and m.days_left >= 0 else 10**6
    return (STATUS_ORDER[m.status], -m.relevance, -m.fit, deadline, m.name)


def match_programs(profile: Profile, programs: list[Program], *, today: dt.date,
                   include_closed: bool = False, ranking: str = "relevance",
                   rejected_drafts: Mapping[str, set[tuple[str, str, str]]] | None = None) -> MatchResult:
    """Evaluate every active program for ``profile`` on ``today`` and rank them.

    Parameters
    ----------
    profile : Profile
        What the applicant told us; missing fields make criteria "unknown", never "fail".  An 업종 word
        without a code is mapped to KSIC through the commerce taxonomy.
    programs : list of Program
        Candidates (retired ones are skipped).
    today : datetime.date
        The day deadlines and ages are computed for.
    include_closed : bool
        Keep programs whose deadline has passed among the failures (default: count them only).
    ranking : str
        ``relevance`` (default): within each status, by relevance to the profile — 분야·업종 words, the
        draft rules read from each real announcement (a stage it excludes ranks low) and region fit;
        ``legacy``: the earlier order (share of the few checked criteria, region specificity, deadline),
        kept for the benchmark.
    rejected_drafts : mapping, optional
        slug → {(text fingerprint, criterion id, span text)}: draft readings an operator rejected
        (``repository.rejected_draft_keys``); they are not evaluated for the text they were rejected on.
    """
    if ranking not in RANKINGS:
        raise ValueError(f"ranking must be one of {RANKINGS}")
    profile = with_registration_status(with_industry_code(profile))
    eligible, unknown, near, failed = [], [], [], []
    closed = 0
    active = [p for p in programs if p.status == "active"]
    terms = profile_terms(profile)
    index = text_index(active) if ranking == "relevance" else None
    for position, program in enumerate(active):
        has_drafts = program.ruleset is None and not program.is_sample
        rejected = rejected_drafts.get(program.slug) if rejected_drafts and has_drafts else None
        if rejected:
            given = extract_drafts(program)
            given = without_rejected(given, {(cid, text) for fp, cid, text in rejected if fp == given.fingerprint})
            m = build_match(program, profile, today, drafts=given, drafts_if_closed=include_closed)
        else:
            given = None
            m = build_match(program, profile, today, read_drafts=has_drafts, drafts_if_closed=include_closed)
        if m.status == FAIL and _is_closed(m) and not include_closed:
            closed += 1
            continue
        # cached: the same object build_match used
        drafts = given if given is not None else extract_drafts(program) if has_drafts else None
        if ranking == "relevance":
            rel = relevance(program, profile, terms, drafts, m.draft_results, index, position)
            m.relevance, m.relevance_reasons = rel.score, rel.reasons
        if m.status == PASS:
            eligible.append(m)
        elif m.status == UNKNOWN:
            unknown.append(m)
        else:
            # Near misses come from programs with machine rules; a listing's region alone is no near miss.
            one_fix = len(m.blocking) == 1 and not _is_closed(m) and m.machine_rules != "none"
            (near if one_fix else failed).append(m)
    key = _relevance_key if ranking == "relevance" else _rank_key
    eligible.sort(key=key)
    unknown.sort(key=key)
    near.sort(key=lambda m: (not m.changeable, -m.fit, m.days_left if m.days_left is not None else 10**6))
    failed.sort(key=lambda m: (len(m.blocking), -m.fit))

    sources = sorted({s for p in active for s in p.sources})
    return MatchResult(today, to_jsonable(profile), eligible, unknown, near, failed, closed, len(active), sources)
