"""Search (BM25 checked against a direct formula, place boost, baseline) and the ICS writer."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from moduai.errors import InputError
from moduai.programs.catalog import Program, load_starter_catalog
from moduai.programs.ics import deadline_calendar, escape_text, fold_line
from moduai.programs.search import (
    ProgramIndex,
    place_boost,
    search_programs,
    substring_scores,
    tokenize,
)

CATALOG = list(load_starter_catalog())


def _doc(slug, name, desc="", **kw) -> Program:
    return Program(slug=slug, name=name, agency="기관", kind="기타", source_kind="sample", source_label="t",
                   dataset_id="programs-samples", description=desc, **kw)


def test_bm25_equals_the_textbook_formula():
    docs = [_doc("a", "스마트팜 청년 창업"), _doc("b", "청년 카페 창업 지원금 카페"), _doc("c", "제조 공장 디지털")]
    index = ProgramIndex.build(docs, None)
    q = tokenize("청년 카페")
    got = index.bm25(q)
    # Direct computation from the token lists (Robertson & Zaragoza 2009, k1=1.2, b=0.75).
    toks = [tokenize(d.search_text()) for d in docs]
    avg = sum(map(len, toks)) / len(toks)
    want = []
    for t in toks:
        s = 0.0
        for term in set(q):
            df = sum(term in x for x in toks)
            if not df:
                continue
            idf = math.log(1 + (len(toks) - df + 0.5) / (df + 0.5))
            tf = t.count(term)
            s += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(t) / avg))
        want.append(s)
    assert got.tolist() == pytest.approx(want)
    assert got[1] > got[0] > got[2] == 0


def test_place_in_query_boosts_programs_of_that_place():
    hits = search_programs("강릉에서 카페 창업 지원금", CATALOG, method="bm25", limit=5).hits
    assert hits[0].slug == "sample-gangneung-youth-cafe" and hits[0].place_boost == 0.3
    r = search_programs("제주 창업", CATALOG, method="bm25", limit=3)
    assert r.places == ["제주특별자치도"] and r.hits[0].slug == "sample-jeju-youth-startup"


def test_place_boost_values():
    from moduai.programs.places import resolve_place

    gangneung = [resolve_place("강릉")]
    by_slug = {p.slug: p for p in CATALOG}
    assert place_boost(by_slug["sample-gangneung-youth-cafe"], gangneung) == 0.3
    assert place_boost(by_slug["sample-gangwon-local-startup"], gangneung) == 0.15
    assert place_boost(by_slug["sample-jeju-youth-startup"], gangneung) == -0.3
    assert place_boost(by_slug["sample-youth-startup-academy"], gangneung) == 0.0


def test_substring_baseline_counts_words():
    docs = [_doc("a", "스마트팜 청년"), _doc("b", "청년 창업"), _doc("c", "공장")]
    assert substring_scores("스마트팜 청년", docs).tolist() == [2, 1, 0]


def test_search_validation_messages():
    with pytest.raises(InputError) as err:
        search_programs("  ", CATALOG)
    assert err.value.field == "q"
    with pytest.raises(InputError) as err:
        search_programs("청년", CATALOG, method="magic")
    assert err.value.field == "method" and "hybrid" in err.value.message


@pytest.mark.slow
def test_hybrid_search_caches_vectors_on_disk(tmp_path):
    docs = CATALOG[:6]
    r = search_programs("스마트팜 청년 교육", docs, method="hybrid", limit=3, cache_dir=tmp_path)
    assert r.hits and all(h.semantic is not None for h in r.hits if h.bm25 > 0)
    files = list(tmp_path.glob("*.npy"))
    assert files  # vectors written, one per passage text
    again = ProgramIndex.build(docs, tmp_path)
    assert len(again.cached_rows()) == len(files)


def test_ics_is_rfc5545_shaped():
    p = _doc("sample-x", "(예시) 아주 긴 이름의 지원사업, 세미콜론; 그리고 백슬래시\\ 포함 " * 3,
             apply_end=dt.date(2027, 1, 31), is_sample=True, url="https://example.kr/a")
    text = deadline_calendar([p, _doc("no-deadline", "x")], now=dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))
    raw = text.encode("utf-8")
    assert raw.count(b"\r\n") == raw.count(b"\n")  # every line ends in CRLF
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75
    unfolded = text.replace("\r\n ", "")
    assert "BEGIN:VCALENDAR\r\nVERSION:2.0" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 1
    assert "DTSTART;VALUE=DATE:20270131\r\nDTEND;VALUE=DATE:20270201" in unfolded
    assert "DTSTAMP:20261126T090000Z" in unfolded
    assert "SUMMARY:[표본] 마감: (예시) 아주 긴 이름의 지원사업\\, 세미콜론\\; 그리고 백슬래시\\\\ 포함" in unfolded


def test_fold_never_splits_a_hangul_syllable():
    line = "SUMMARY:" + "가" * 60
    folded = fold_line(line)
    for piece in folded.split("\r\n"):
        piece.encode("utf-8").decode("utf-8")  # would raise on a split character
        assert len(piece.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line
    assert escape_text("a,b;c\nd") == "a\\,b\\;c\\nd"


def test_closed_programs_can_be_left_out():
    today = dt.date(2026, 11, 26)
    closed = [p.slug for p in CATALOG if p.is_closed(today)]
    assert closed == ["sample-startup-field-intern"]  # its window ended 2026-10-31
    everything = search_programs("스타트업 인턴", CATALOG, method="bm25", today=today)
    open_only = search_programs("스타트업 인턴", CATALOG, method="bm25", today=today, include_closed=False)
    assert everything.hits[0].slug == "sample-startup-field-intern" and everything.hits[0].closed
    assert "sample-startup-field-intern" not in {h.slug for h in open_only.hits}
    assert open_only.closed_left_out == 1
    stale = _doc("old", "목록", source_date=dt.date(2025, 3, 1))
    assert stale.is_closed(today) and not _doc("new", "목록", source_date=dt.date(2026, 10, 1)).is_closed(today)
