"""The programs domain's entry points for the CLI and the web: one call per user action.

Each function opens its own transaction, makes sure the 표본 catalog is seeded on first use, and
returns a typed result; adapters only parse input and render.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moduai.db import ensure_migrated, session_scope
from moduai.errors import InputError
from moduai.korean import josa
from moduai.programs import repository as repo
from moduai.programs.catalog import (
    KINDS,
    Program,
    apply_ruleset,
    check_kind,
    korean_date,
    load_starter_catalog,
)
from moduai.programs.drafts import (
    CONFIRMED_NOTE,
    CRITERION_LABELS,
    REJECTED,
    DraftRules,
    confirmed_rules,
    extract_drafts,
    rejection_key,
    without_rejected,
)
from moduai.programs.ics import deadline_calendar
from moduai.programs.importer import import_programs_file
from moduai.programs.matching import MatchResult, build_match, match_programs
from moduai.programs.profile import Profile, profile_from_dict
from moduai.programs.rules import check_ruleset, dump_yaml, load_rules_text
from moduai.programs.search import SearchResult, default_cache_dir, get_index, search_programs


def ensure_schema() -> None:
    """The programs and users tables exist: ``moduai serve`` migrates at start, and this covers an app
    created another way (tests, another ASGI server) so the first page view works."""
    ensure_migrated()


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def active_programs(*, today: dt.date | None = None, include_retired: bool = False, kind: str | None = None,
                    sido: str | None = None) -> list[Program]:
    ensure_schema()
    with session_scope() as session:
        repo.ensure_seeded(session)
        return repo.list_programs(session, include_retired=include_retired, kind=kind, sido=sido,
                                  today=_today(today))


def seed_catalog() -> dict[str, Any]:
    ensure_schema()
    with session_scope() as session:
        counts = repo.seed_samples(session)
    return {"programs": len(load_starter_catalog()), **counts.to_dict(), "sources": ["programs-samples"],
            "notice": "표본(예시) 사업입니다. 실제 공고가 아닙니다."}


def match_profile(profile: Profile | dict[str, Any], *, today: dt.date | None = None,
                  include_closed: bool = False) -> MatchResult:
    profile = profile if isinstance(profile, Profile) else profile_from_dict(profile)
    day = _today(today)
    ensure_schema()
    with session_scope() as session:
        rejected = repo.rejected_draft_keys(session)
    return match_programs(profile, active_programs(today=day), today=day, include_closed=include_closed,
                          rejected_drafts=rejected)


def search(query: str, *, method: str = "hybrid", limit: int = 10, include_closed: bool = False) -> SearchResult:
    return search_programs(query, active_programs(), method=method, limit=limit, cache_dir=default_cache_dir(),
                           include_closed=include_closed)


def build_vector_index() -> dict[str, Any]:
    programs = active_programs()
    index = get_index(programs, default_cache_dir())
    new = index.embed_all()
    return {"programs": len(programs), "embedded_now": new, "cache_dir": str(default_cache_dir())}


@dataclass
class ProgramDetail:
    program: Program
    match: Any | None
    history: list[dict[str, Any]]
    sources: list[str] = field(default_factory=list)


def program_detail(slug: str, *, profile: dict[str, Any] | None = None, today: dt.date | None = None) -> ProgramDetail:
    day = _today(today)
    ensure_schema()
    with session_scope() as session:
        repo.ensure_seeded(session)
        program = repo.get_program(session, slug, day)
        history = repo.ruleset_history(session, slug)
    match = build_match(program, profile_from_dict(profile), day) if profile else None
    return ProgramDetail(program, match, history, program.sources)


@dataclass
class DraftReview:
    """An imported announcement's draft rules for an operator to confirm or edit."""

    program: Program
    drafts: DraftRules
    proposed_yaml: str  # the rule set confirming every evaluated draft (plus region and window) would store
    history: list[dict[str, Any]]
    sources: list[str] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)  # who rejected which reading, when, why


def _proposed_rules(program: Program, drafts: DraftRules, author: str | None) -> dict[str, Any]:
    rules = confirmed_rules(drafts, [c.id for c in drafts.evaluated], author=author,
                            effective_from=program.source_date or program.apply_start or dt.date.today())
    if not any(c["type"] == "region" for c in rules["criteria"]):
        rules["criteria"].append({"id": "region", "type": "region", **program.region_scope})
    if program.apply_end:
        window = {"id": "window", "type": "application_window", "end": program.apply_end}
        if program.apply_start:
            window["start"] = program.apply_start
        rules["criteria"].append(window)
    return rules


def draft_review(slug: str, *, author: str | None = None) -> DraftReview:
    """The draft criteria read from announcement ``slug`` with their spans, and the rule set to confirm."""
    ensure_schema()
    with session_scope() as session:
        program = repo.get_program(session, slug)
        history = repo.ruleset_history(session, slug)
        rejections = repo.draft_rejections(session, slug)
    drafts = extract_drafts(program)
    # a reading rejected for this very text is shown as rejected and left out of the proposal
    here = {(r["criterion_id"], r["text"]) for r in rejections if r["text_sha256"] == drafts.fingerprint}
    drafts = without_rejected(drafts, here)
    kst = dt.timezone(dt.timedelta(hours=9))
    for r in rejections:
        r["same_text"] = r["text_sha256"] == drafts.fingerprint
        r["label"] = CRITERION_LABELS.get(r["criterion_id"], r["criterion_id"])
        t = r["rejected_at"]
        if t is not None and t.tzinfo is None:  # SQLite gives naive UTC back
            t = t.replace(tzinfo=dt.UTC)
        r["when"] = f"{t.astimezone(kst):%Y-%m-%d %H:%M} (한국 시간)" if t is not None else ""
    return DraftReview(program, drafts, dump_yaml(_proposed_rules(program, drafts, author)), history,
                       program.sources, rejections)


def reject_draft(slug: str, criterion_id: str, reason: str, *, author: str) -> DraftReview:
    """Store an operator's rejection of draft criterion ``criterion_id`` of ``slug`` (who, when, why).

    The rejection names the reading (criterion and the words it came from) on the current announcement
    text, so the same reading of the same text is not proposed again; the updated review is returned."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError("거절 이유를 적어 주세요 (예: '나이 조건은 대표자가 아니라 참여 인력 기준').", field="reason")
    if len(reason) > 1000:
        raise InputError("거절 이유는 1,000자 이내로 적어 주세요.", field="reason")
    review = draft_review(slug, author=author)
    crit = next((c for c in review.drafts.criteria if c.id == criterion_id), None)
    if crit is None:
        raise InputError(f"이 공고에서 읽은 조건 가운데 {josa(repr(criterion_id), '이/가')} 없습니다. 페이지를 새로 고쳐 "
                         "표에 있는 조건을 고르세요.", field="criterion_id")
    if crit.status == REJECTED:
        raise InputError(f"'{crit.label}' 조건({crit.text})은 이미 거절했습니다. 아래 거절 기록을 보세요.",
                         field="criterion_id")
    with session_scope() as session:
        repo.add_draft_rejection(session, slug, text_sha256=review.drafts.fingerprint, criterion_id=crit.id,
                                 criterion_type=crit.type, span_text=rejection_key(crit)[1], params=crit.params,
                                 reason=reason, rejected_by=author)
    return draft_review(slug, author=author)


def confirm_draft_rules(slug: str, rules_yaml: str, *, author: str) -> Program:
    """Store the operator's confirmed (possibly edited) rules for ``slug`` as a new rule-set version.

    The stored note always starts with "운영자 확인", which is what makes matching treat them as confirmed."""
    data = load_rules_text(rules_yaml, file="운영자 확인", program=slug)
    if not isinstance(data, dict):
        raise InputError("규칙은 YAML 항목(mapping)이어야 합니다 (version, effective_from, criteria).", field="rules_yaml")
    if not str(data.get("note") or "").startswith(CONFIRMED_NOTE):
        data["note"] = f"{CONFIRMED_NOTE} ({author})"
    text = dump_yaml(data)
    ruleset = check_ruleset(text, file="운영자 확인", program=slug)
    ensure_schema()
    with session_scope() as session:
        return repo.confirm_rules(session, slug, ruleset, text, author=author)


# --- calendar --------------------------------------------------------------------------------------

@dataclass
class CalendarDay:
    day: dt.date
    programs: list[dict[str, Any]]


@dataclass
class CalendarMonth:
    year: int
    month: int
    title: str
    weeks: list[list[CalendarDay | None]]
    deadlines: list[dict[str, Any]]


@dataclass
class DeadlineCalendar:
    today: dt.date
    months: list[CalendarMonth]
    total: int
    sources: list[str]
    previous: str = ""  # YYYY-MM of the page before / after, for navigation
    following: str = ""
    notice: str = "표본(예시) 사업과 가져온 실제 공고의 마감일입니다. 표본은 [표본]으로 표시합니다."


def deadline_months(*, start: dt.date | None = None, months: int = 3, sido: str | None = None,
                    kind: str | None = None) -> DeadlineCalendar:
    """Deadlines of active programs month by month from ``start``'s month (default: this month)."""
    if not 1 <= months <= 12:
        raise InputError(f"개월 수(months)는 1 이상 12 이하여야 합니다. 받은 값: {months}.", field="months")
    if kind:
        check_kind(kind)
    first = (start or dt.date.today()).replace(day=1)
    programs = active_programs(today=start, sido=sido, kind=kind)
    out: list[CalendarMonth] = []
    total = 0
    year, month = first.year, first.month
    for _ in range(months):
        by_day: dict[int, list[dict[str, Any]]] = {}
        for p in programs:
            if p.apply_end and p.apply_end.year == year and p.apply_end.month == month:
                by_day.setdefault(p.apply_end.day, []).append(
                    {"slug": p.slug, "name": p.name, "kind": p.kind, "is_sample": p.is_sample,
                     "region_text": p.region_text})
        weeks = []
        for week in _calendar.Calendar(firstweekday=6).monthdayscalendar(year, month):
            weeks.append([CalendarDay(dt.date(year, month, d), by_day.get(d, [])) if d else None for d in week])
        deadlines = [{"day": dt.date(year, month, d), **item} for d in sorted(by_day) for item in by_day[d]]
        total += len(deadlines)
        out.append(CalendarMonth(year, month, f"{year}년 {month}월", weeks, deadlines))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    before = (first - dt.timedelta(days=1)).replace(day=1)
    after = (first + dt.timedelta(days=31)).replace(day=1)
    return DeadlineCalendar(start or dt.date.today(), out, total, sorted({s for p in programs for s in p.sources}),
                            previous=f"{before.year}-{before.month:02d}", following=f"{after.year}-{after.month:02d}")


def deadline_ics(*, sido: str | None = None, kind: str | None = None, include_past: bool = False,
                 today: dt.date | None = None) -> str:
    day = _today(today)
    programs = [p for p in active_programs(today=day, sido=sido, kind=kind)
                if p.apply_end and (include_past or p.apply_end >= day)]
    programs.sort(key=lambda p: (p.apply_end, p.name))
    return deadline_calendar(programs)


# --- operator actions ------------------------------------------------------------------------------

@dataclass
class ProgramForm:
    """What the operator form sends; validated into a :class:`Program` by :func:`program_from_form`."""

    slug: str
    name: str
    agency: str
    kind: str
    target: str = ""
    support: str = ""
    support_max_krw: str = ""
    how_to_apply: str = ""
    description: str = ""
    url: str = ""
    rules_yaml: str = ""
    is_sample: bool = True


def program_from_form(form: ProgramForm, *, file: str = "운영자 입력") -> Program:
    slug = form.slug.strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{2,100}", slug):
        raise InputError("주소용 이름(slug)은 영문 소문자·숫자·하이픈 3~100자여야 합니다. "
                         f"받은 값: '{slug}'.", field="slug")
    for key, label in (("name", "사업명"), ("agency", "기관")):
        if not getattr(form, key).strip():
            raise InputError(f"{josa(f'{label}({key})', '을/를')} 입력해 주세요.", field=key)
    check_kind(form.kind)
    name = form.name.strip()
    if form.is_sample and not name.startswith("(예시)"):
        name = "(예시) " + name
    amount = form.support_max_krw.replace(",", "").strip()
    if amount and not amount.isdigit():
        raise InputError(f"최대 지원금(support_max_krw)은 원 단위 정수여야 합니다. 받은 값: {form.support_max_krw!r}.",
                         field="support_max_krw")
    program = Program(
        slug=slug, name=name, agency=form.agency.strip(), kind=form.kind,
        source_kind="operator", source_label="moduai 운영자 입력" + (" (표본)" if form.is_sample else ""),
        dataset_id="programs-samples" if form.is_sample else "programs-operator",
        target=[t.strip() for t in form.target.split(",") if t.strip()], support=form.support.strip() or None,
        support_max_krw=int(amount) if amount else None, how_to_apply=form.how_to_apply.strip() or None,
        description=form.description.strip() or None, url=form.url.strip() or None,
        source_date=dt.date.today(), is_sample=form.is_sample,
    )
    if form.rules_yaml.strip():
        ruleset = check_ruleset(form.rules_yaml, file=file, program=slug)
        apply_ruleset(program, ruleset, form.rules_yaml)
    return program


def save_program(form: ProgramForm, *, author: str, create: bool) -> Program:
    program = program_from_form(form)
    ensure_schema()
    with session_scope() as session:
        return repo.save_program(session, program, author=author, create=create)


def set_program_status(slug: str, status: str) -> Program:
    with session_scope() as session:
        return repo.set_status(session, slug, status)


def form_for(program: Program) -> ProgramForm:
    return ProgramForm(slug=program.slug, name=program.name, agency=program.agency, kind=program.kind,
                       target=", ".join(program.target), support=program.support or "",
                       support_max_krw=str(program.support_max_krw or ""), how_to_apply=program.how_to_apply or "",
                       description=program.description or "", url=program.url or "",
                       rules_yaml=program.rules_yaml or "", is_sample=program.is_sample)


def import_file(path: str | Path) -> Any:
    ensure_schema()
    return import_programs_file(path)


__all__ = ["KINDS", "korean_date"]
