"""12-month content calendar: public holidays (lunar ones included), commercial days, 복날, 수능, seasons.

Sources: the ``holidays`` package (KR, Korean names) for 공휴일 — labelled against 「공휴일에 관한 법률」
(see ``calendar_days.yaml``: 노동절·제헌절 are 공휴일 only from 2026); commercial days and seasonal spans
from ``calendar_days.yaml``; 복날 from :mod:`moduai.marketing.solar`; post ideas from the phrase bank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from moduai.ai.korean import fill_template
from moduai.ai.phrasebank import Category, resolve_category, season_of
from moduai.errors import InputError
from moduai.korean import josa
from moduai.marketing.ics import IcsEvent, build_ics
from moduai.marketing.solar import boknal

DATA = Path(__file__).with_name("data") / "calendar_days.yaml"
YEAR_MIN, YEAR_MAX = 2000, 2100
SOURCES = ["marketing-holidays-kr", "marketing-calendar-days"]


@dataclass
class CalendarEvent:
    """One day (or span) on the calendar, with the post idea and when to post it."""

    date: dt.date
    end_date: dt.date
    name: str
    kind: str  # 공휴일 | 대체공휴일 | 국경일·기념일 | 상업 기념일 | 기념일 | 절기 | 시즌
    is_public_holiday: bool
    idea: str
    post_on: dt.date
    label: str = ""
    approximate: bool = False
    note: str | None = None


@dataclass
class MonthPlan:
    month: int
    season: str
    seasonal_ideas: list[str]
    events: list[CalendarEvent]


@dataclass
class ContentCalendar:
    """A year of post ideas for one 업종."""

    year: int
    category: str
    category_noun: str
    months: list[MonthPlan]
    law_basis: str
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=lambda: list(SOURCES))

    @property
    def events(self) -> list[CalendarEvent]:
        return [e for m in self.months for e in m.events]


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def validate_year(year: int) -> int:
    if not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise InputError(
            f"연도는 {YEAR_MIN}~{YEAR_MAX} 사이여야 합니다. 받은 값: {year}. 예: 2027",
            field="year",
        )
    return year


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The ``n``-th ``weekday`` (0 = Monday) of a month: ``nth_weekday(2025, 11, 3, 4)`` = 11/27."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def suneung_date(year: int) -> tuple[dt.date, bool]:
    """수능 day and whether it is approximate (announced dates from data; else 11월 셋째 목요일)."""
    known = _data().get("suneung_known") or {}
    if year in known:
        value = known[year]
        return (value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))), False
    return nth_weekday(year, 11, 3, 3), True


def _holiday_events(year: int, cat: Category) -> list[CalendarEvent]:
    # deferred: holidays (~0.2 s to import) is needed only for calendars
    import holidays

    data = _data()
    law = data["law"]
    ideas = data["holiday_ideas"]
    out: list[CalendarEvent] = []
    for day, name in sorted(holidays.KR(years=year, language="ko").items()):
        substitute = "대체" in name
        idea_key = next((k for k in ideas if k != "default" and k in name), "default")
        label = "대체공휴일" if substitute else "공휴일"
        if name in ("노동절", "제헌절") or (("노동절" in name or "제헌절" in name) and substitute):
            label += " · " + law["public_from_2026_note"]
        if "선거" in name:
            label = "선거일 · 공휴일(공직선거법)"
        out.append(CalendarEvent(
            date=day, end_date=day, name=name, kind="대체공휴일" if substitute else "공휴일",
            is_public_holiday=True, idea=fill_template(ideas[idea_key], noun=cat.noun, menu=cat.menu[0]),
            post_on=day - dt.timedelta(days=5), label=label,
        ))
    if year < 2026:
        for extra in law["not_public_before_2026"]:
            day = dt.date(year, extra["month"], extra["day"])
            out.append(CalendarEvent(
                date=day, end_date=day, name=extra["name"], kind="국경일·기념일", is_public_holiday=False,
                idea=fill_template(ideas["default"], noun=cat.noun, menu=cat.menu[0]).replace("공휴일", "휴일"),
                post_on=day - dt.timedelta(days=3), label=extra["label"],
            ))
    return out


def _holiday_date(year: int, name: str) -> dt.date:
    """The (first) date the holidays package gives ``name`` in ``year`` (e.g. 추석 → the day itself)."""
    # deferred: holidays (~0.2 s to import) is needed only for calendars
    import holidays

    for day, label in sorted(holidays.KR(years=year, language="ko").items()):
        if name in label.split("; ") or label == name:
            return day
    raise InputError(f"calendar_days.yaml: {year}년 공휴일 목록에 {josa(repr(name), '이/가')} 없습니다.", field="holiday")


def _commercial_events(year: int, cat: Category) -> tuple[list[CalendarEvent], list[str]]:
    data = _data()
    notes: list[str] = []
    overrides = {k: (v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)))
                 for k, v in (data.get("solar_term_overrides") or {}).get(year, {}).items()}
    bok = None
    out: list[CalendarEvent] = []
    for d in data["days"]:
        if d.get("categories") and cat.key not in d["categories"]:
            continue
        rule = d["rule"]
        approximate, note = bool(d.get("approximate")), d.get("note")
        if rule == "fixed":
            start = end = dt.date(year, d["month"], d["day"])
        elif rule == "span":
            start, end = dt.date(year, d["month"], d["day"]), dt.date(year, d["end_month"], d["end_day"])
        elif rule == "nth_weekday":
            start = end = nth_weekday(year, d["month"], d["weekday"], d["n"])
        elif rule == "day_after_nth_weekday":
            start = end = nth_weekday(year, d["month"], d["weekday"], d["n"]) + dt.timedelta(days=1)
        elif rule == "suneung":
            start, approximate = suneung_date(year)
            end = start
            if approximate:
                note = data["suneung_rule_note"]
                notes.append(f"수능 {start:%m월 %d일}: " + note)
        elif rule == "relative_to_holiday":
            start = _holiday_date(year, d["holiday"]) + dt.timedelta(days=int(d["offset_days"]))
            end = start + dt.timedelta(days=int(d.get("span_days", 1)) - 1)
        elif rule == "boknal":
            bok = bok or boknal(year, overrides)
            start = end = {"초복": bok.chobok, "중복": bok.jungbok, "말복": bok.malbok}[d["which"]]
            note = f"하지 {bok.haji.date:%m/%d}·입추 {bok.ipchu.date:%m/%d} 기준 경일(庚日) 계산"
            if bok.uncertain:
                approximate = True
                note += " — 절기 시각이 자정 근처라 하루 차이가 날 수 있습니다"
        else:
            raise InputError(f"calendar_days.yaml: 알 수 없는 규칙 '{rule}' ({d['name']})", field="rule")
        out.append(CalendarEvent(
            date=start, end_date=end, name=d["name"], kind=d["kind"], is_public_holiday=False,
            idea=fill_template(d["idea"], noun=cat.noun, menu=cat.menu[0], name=d["name"]),
            post_on=start - dt.timedelta(days=int(d.get("lead_days", 3))), label=d["kind"],
            approximate=approximate, note=note,
        ))
    return out, notes


def build_content_calendar(year: int, category: str | None = None) -> ContentCalendar:
    """Twelve months of post ideas for ``category`` (an 업종 such as 카페, 빵집, 한식) in ``year``.

    Each month lists its public holidays (with 대체공휴일), commercial days and seasonal spans with a
    post idea and a suggested posting date (``post_on``, a few days ahead), plus three seasonal ideas
    from the phrase bank.  Dates marked ``approximate`` are estimates (수능 without an announced date,
    김장철, 복날 near midnight solar terms).
    """
    validate_year(year)
    cat = resolve_category(category)
    events = _holiday_events(year, cat)
    commercial, notes = _commercial_events(year, cat)
    events += commercial
    events.sort(key=lambda e: (e.date, not e.is_public_holiday, e.name))
    months: list[MonthPlan] = []
    for month in range(1, 13):
        season = season_of(month)
        phrases = cat.season_ideas[season]
        # Rotate the three seasonal phrases so each month of a season leads with a different one.
        k = (month - 1) % 3
        ordered = phrases[k:] + phrases[:k]
        ideas = [fill_template(p, menu=cat.menu[0], noun=cat.noun) for p in ordered]
        months.append(MonthPlan(month, season, ideas, [e for e in events if e.date.month == month]))
    return ContentCalendar(year=year, category=cat.key, category_noun=cat.noun, months=months,
                           law_basis=" ".join(_data()["law"]["basis"].split()), notes=notes)


def calendar_to_ics(cal: ContentCalendar, stamp: dt.datetime | None = None) -> str:
    """The calendar as an RFC 5545 document (one all-day event per day or span)."""
    events = []
    for e in cal.events:
        desc = f"게시 아이디어: {e.idea}\n게시 권장일: {e.post_on:%Y-%m-%d}\n구분: {e.label or e.kind}"
        if e.note:
            desc += f"\n참고: {e.note}"
        events.append(IcsEvent(e.date, e.end_date, e.name, desc, (e.kind,)))
    return build_ics(events, calendar_name=f"{cal.year} {cal.category} 콘텐츠 달력 (moduai)", stamp=stamp)


def upcoming_posts(category: str | None, *, today: dt.date | None = None, days: int = 45) -> list[CalendarEvent]:
    """Calendar entries whose suggested posting day falls within the next ``days`` days (or whose day has not
    passed yet while its posting day has), soonest first — what to prepare now.  Crosses the year end."""
    if not 1 <= days <= 366:
        raise InputError(f"'days' 값은 1~366이어야 합니다. 받은 값: {days}.", field="days")
    today = today or dt.date.today()
    horizon = today + dt.timedelta(days=days)
    events: list[CalendarEvent] = []
    for year in sorted({today.year, horizon.year}):
        events += build_content_calendar(year, category).events
    due = [e for e in events if e.end_date >= today and e.post_on <= horizon]
    return sorted(due, key=lambda e: (e.post_on, e.date, e.name))
