"""Content calendar: 복날 against published dates, 수능, public holidays by law, ICS format."""

from __future__ import annotations

import datetime as dt

import pytest

from moduai.errors import InputError
from moduai.marketing.calendar import build_content_calendar, calendar_to_ics, nth_weekday, suneung_date
from moduai.marketing.ics import IcsEvent, build_ics, fold_line, unfold
from moduai.marketing.solar import boknal, heavenly_stem

D = dt.date


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2025, (D(2025, 7, 20), D(2025, 7, 30), D(2025, 8, 9))),
        (2024, (D(2024, 7, 15), D(2024, 7, 25), D(2024, 8, 14))),  # 월복: 말복 20 days after 중복
        (2023, (D(2023, 7, 11), D(2023, 7, 21), D(2023, 8, 10))),  # 하지 6/21 23:58 KST was itself a 庚日
    ],
)
def test_boknal_matches_published_dates(year, expected):
    b = boknal(year, {"하지": D(2023, 6, 21)} if year == 2023 else None)
    assert (b.chobok, b.jungbok, b.malbok) == expected
    assert all(heavenly_stem(d) == "경" for d in expected)


def test_geng_days_repeat_every_ten_days():
    assert heavenly_stem(D(2025, 7, 20)) == "경"
    assert heavenly_stem(D(2025, 7, 21)) == "신"
    assert heavenly_stem(D(2025, 7, 10)) == "경"


def test_calendar_uses_the_2023_override_from_data():
    cal = build_content_calendar(2023, "한식")
    bok = {e.name: e.date for e in cal.events if e.kind == "절기"}
    assert bok == {"초복": D(2023, 7, 11), "중복": D(2023, 7, 21), "말복": D(2023, 8, 10)}


def test_suneung_known_and_rule():
    assert suneung_date(2025) == (D(2025, 11, 13), False)
    assert suneung_date(2027) == (nth_weekday(2027, 11, 3, 3), True)
    assert nth_weekday(2027, 11, 3, 3) == D(2027, 11, 18)  # Nov 2027: Thursdays 4, 11, 18
    cal = build_content_calendar(2027, "카페")
    su = next(e for e in cal.events if e.name == "수능")
    assert su.approximate and su.date == D(2027, 11, 18) and "셋째 목요일" in su.note


def test_lunar_holidays_and_labels_by_law():
    cal = build_content_calendar(2027, "카페")
    by_date = {}
    for e in cal.events:
        by_date.setdefault(e.date, []).append(e)
    assert any(e.name == "설날" and e.is_public_holiday for e in by_date[D(2027, 2, 7)])
    assert any(e.name == "추석" for e in by_date[D(2027, 9, 15)])
    labour = next(e for e in cal.events if "노동절" in e.name and "대체" not in e.name)
    assert labour.is_public_holiday and "2026년 개정" in labour.label
    old = build_content_calendar(2025, "카페")
    workers = next(e for e in old.events if e.name == "근로자의 날")
    assert not workers.is_public_holiday and "공휴일 아님" in workers.label
    jeheon = next(e for e in old.events if e.name == "제헌절")
    assert not jeheon.is_public_holiday
    vday = next(e for e in old.events if e.name == "밸런타인데이")
    assert vday.post_on == D(2025, 2, 7)
    bf = next(e for e in old.events if e.name == "블랙프라이데이")
    assert bf.date == D(2025, 11, 28)  # day after the 4th Thursday (11/27)


def test_twelve_months_with_seasonal_ideas_and_particles():
    cal = build_content_calendar(2026, "빵집")
    assert [m.month for m in cal.months] == list(range(1, 13))
    assert cal.category == "베이커리" and cal.months[0].season == "겨울" and cal.months[6].season == "여름"
    assert all(len(m.seasonal_ideas) == 3 for m in cal.months)
    new_year = next(e for e in cal.events if e.name == "신년 인사")
    assert "빵집을 찾아 주실" in new_year.idea  # 빵집 + 을 (받침)
    cafe = build_content_calendar(2026, "카페")
    assert "카페를 찾아 주실" in next(e for e in cafe.events if e.name == "신년 인사").idea


def test_bad_year_and_category_messages():
    with pytest.raises(InputError, match="연도는 2000~2100") as exc:
        build_content_calendar(1800, "카페")
    assert exc.value.field == "year"
    with pytest.raises(InputError, match="업종"):
        build_content_calendar(2026, "우주선 정비소")


def test_fold_line_keeps_utf8_characters_whole():
    line = "DESCRIPTION:" + "가나다라마바사아자차카타파하" * 5
    folded = fold_line(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_ics_document_is_rfc5545_shaped():
    cal = build_content_calendar(2027, "카페")
    text = calendar_to_ics(cal, stamp=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    raw = text.encode("utf-8")
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF only
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert lines.count("BEGIN:VEVENT") == len(cal.events)
    assert "DTSTART;VALUE=DATE:20271111" in lines  # 빼빼로데이
    i = lines.index("SUMMARY:빼빼로데이")
    assert lines[i - 1] == "DTEND;VALUE=DATE:20271112"  # exclusive end
    ev = build_ics([IcsEvent(D(2027, 1, 1), D(2027, 1, 1), "a,b;c\\d", "줄1\n줄2")], calendar_name="x",
                   stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert "SUMMARY:a\\,b\\;c\\\\d" in unfold(ev) and "DESCRIPTION:줄1\\n줄2" in unfold(ev)


def test_category_days_relative_to_lunar_holidays():
    bakery = {e.name: e for e in build_content_calendar(2026, "빵집").events}
    # 설날 2026-02-17 and 추석 2026-09-25 (holidays package) minus 21 days, two-week spans
    assert (bakery["설 선물 예약"].date, bakery["설 선물 예약"].end_date) == (D(2026, 1, 27), D(2026, 2, 9))
    assert bakery["추석 선물 예약"].date == D(2026, 9, 4)
    assert "프로야구 개막" not in bakery
    chicken = {e.name: e for e in build_content_calendar(2026, "치킨").events}
    assert chicken["프로야구 개막"].date == D(2026, 3, 28) and chicken["프로야구 개막"].approximate
    academy = {e.name: e for e in build_content_calendar(2026, "학원").events}
    assert academy["여름방학"].approximate and academy["겨울방학"].post_on == D(2026, 12, 5)


def test_upcoming_posts_cross_the_year_end():
    from moduai.marketing.calendar import upcoming_posts

    got = upcoming_posts("카페", today=D(2026, 12, 20), days=20)
    names = [e.name for e in got]
    # 크리스마스 이브 (post 12/14, day 12/24) is still ahead; 신정 2027 (post 12/27) and 신년 인사 (post 12/29)
    # fall inside the 20-day window; 밸런타인데이 2027 (post 2/7) does not.
    assert "크리스마스 이브" in names and "신년 인사" in names and "밸런타인데이" not in names
    assert all(e.post_on <= D(2027, 1, 9) and e.end_date >= D(2026, 12, 20) for e in got)
    assert [e.post_on for e in got] == sorted(e.post_on for e in got)
    assert any(e.date.year == 2027 for e in got)
