"""Importing real 기업마당 / K-Startup / feed exports, checked against pandas and the raw files."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from sqlalchemy import func, select

from moduai.db import session_scope
from moduai.errors import ImportRejected
from moduai.programs.importer import import_programs_file, region_from_title, strip_html
from moduai.programs.models import ProgramRow, RuleSetRow

BIZINFO = "programs/bizinfo_announcements_2025.csv"
KSTARTUP = "programs/kstartup_announcements_sample.json"
FEED = "programs/daily_feed_2026-03-02.json"


def _count(**where) -> int:
    with session_scope() as s:
        q = select(func.count()).select_from(ProgramRow)
        for k, v in where.items():
            q = q.where(getattr(ProgramRow, k) == v)
        return s.scalar(q)


def test_bizinfo_csv_import_matches_pandas(db_url, fixture_data):
    path = fixture_data / BIZINFO
    df = pd.read_csv(path, dtype=str)
    first = df.drop_duplicates("id", keep="first")
    report = import_programs_file(path)
    assert report.format == "bizinfo-csv"
    assert report.records == len(df) == 1870
    assert report.created == first["id"].nunique() == 1864
    assert report.rejected == []
    # Every duplicate row is reported, at the physical line where its record starts.
    dup_warnings = [w for w in report.warnings if "같은 공고 id" in w.reason]
    assert len(dup_warnings) == len(df) - len(first) == 6
    lines = path.read_text(encoding="utf-8").split("\n")
    for w in dup_warnings:
        assert lines[w.line - 1].startswith(w.value + ","), (w.line, w.value)
    assert _count(source_kind="bizinfo") == 1864
    with session_scope() as s:
        with_end = s.scalar(select(func.count()).select_from(ProgramRow).where(ProgramRow.apply_end.is_not(None)))
    # 515 rows carry dates; 6 of them are the duplicated ids, so 509 announcements.
    assert with_end == first["apply_end"].notna().sum() == 509
    assert df["apply_end"].notna().sum() == 515


def test_bizinfo_region_prefix_maps_to_sido(db_url, fixture_data):
    path = fixture_data / BIZINFO
    df = pd.read_csv(path, dtype=str).drop_duplicates("id", keep="first")
    prefix = df["title"].str.extract(r"^\[([^\]]+)\]")[0]
    # Independent count: '[경기]' rows plus unprefixed rows whose 소관 is 경기도.
    expected = int(((prefix == "경기") | (prefix.isna() & (df["author"] == "경기도"))).sum())
    import_programs_file(path)
    with session_scope() as s:
        only_gyeonggi = s.scalar(select(func.count()).select_from(ProgramRow)
                                 .where(ProgramRow.region_sido == ",41,"))
    assert only_gyeonggi == expected


def test_reimport_is_idempotent(db_url, fixture_data):
    path = fixture_data / BIZINFO
    import_programs_file(path)
    again = import_programs_file(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1864)
    assert again.already_imported
    assert _count(source_kind="bizinfo") == 1864


def test_kstartup_json_gets_machine_rules_from_listing_fields(db_url, fixture_data):
    path = fixture_data / KSTARTUP
    data = json.loads(path.read_text(encoding="utf-8"))
    report = import_programs_file(path)
    assert report.format == "kstartup-json" and report.created == len(data) == 30 and not report.rejected
    young = [k for k, v in data.items() if v["대상연령"] == "만 20세 이상 ~ 만 39세 이하"]
    assert len(young) == 2
    with session_scope() as s:
        for sn in young:
            row = s.scalar(select(ProgramRow).where(ProgramRow.slug == f"kstartup-{sn}"))
            rules = s.scalar(select(RuleSetRow.rules_yaml).where(RuleSetRow.program_id == row.id))
            assert "type: age_range" in rules and "min: 20" in rules and "max: 39" in rules
        # '만 20세 이상 ~ 만 39세 이하, 만 40세 이상' is open-ended: min 20 only.
        both = next(k for k, v in data.items() if v["대상연령"].endswith("만 40세 이상") and "39" in v["대상연령"])
        row = s.scalar(select(ProgramRow).where(ProgramRow.slug == f"kstartup-{both}"))
        rules = s.scalar(select(RuleSetRow.rules_yaml).where(RuleSetRow.program_id == row.id))
        assert "min: 20" in rules and "max:" not in rules.split("age_range")[1].split("}")[0]


def test_feed_import_counts_and_sources(db_url, fixture_data):
    path = fixture_data / FEED
    data = json.loads(path.read_text(encoding="utf-8"))
    items = [i for src in data["sources"].values() for i in src["items"]]
    unique = {i["id"] for i in items}
    report = import_programs_file(path)
    assert report.records == len(items) == 190
    assert report.stored == len(unique)
    assert report.created == len(unique)
    by_source = {}
    for i in items:
        by_source.setdefault(i["source"], set()).add(i["id"])
    for source, ids in by_source.items():
        assert _count(source_kind=source) == len(ids)
    assert set(report.sources) >= {"programs-bizinfo", "programs-kstartup", "programs-daily-feed"}


def test_missing_columns_reject_the_whole_file(db_url, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title\nPBLN_1,[경기] 테스트\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        import_programs_file(bad)
    assert "필요한 열이 없습니다" in err.value.message and "author" in err.value.message
    assert _count() == 0


def test_rows_without_id_or_title_are_reported_with_line_numbers(db_url, tmp_path, fixture_data):
    src = (fixture_data / BIZINFO).read_text(encoding="utf-8")
    df = pd.read_csv(fixture_data / BIZINFO, dtype=str).head(3)
    df.loc[1, "id"] = ""
    df.loc[2, "title"] = ""
    path = tmp_path / "three.csv"
    df.to_csv(path, index=False)
    report = import_programs_file(path)
    assert report.created == 1
    # Line numbers are physical lines: find where each bad record starts in the written file.
    text = path.read_text(encoding="utf-8").split("\n")
    assert [r.line for r in report.rejected] == [
        next(i + 1 for i, ln in enumerate(text) if ln.startswith(",") and i > 0),
        next(i + 1 for i, ln in enumerate(text) if ln.startswith(df.loc[2, "id"] + ",")),
    ]
    assert "id" in report.rejected[0].reason and "공고명" in report.rejected[1].reason
    assert (fixture_data / BIZINFO).read_text(encoding="utf-8") == src  # the shared file itself is untouched


def test_failure_while_storing_leaves_nothing_half_written(db_url, fixture_data, monkeypatch):
    import moduai.programs.repository as repo

    real = repo.upsert_programs

    def explode(session, programs, **kw):
        real(session, programs[:10], **kw)
        session.flush()
        raise RuntimeError("disk full")

    monkeypatch.setattr(repo, "upsert_programs", explode)
    with pytest.raises(RuntimeError):
        import_programs_file(fixture_data / KSTARTUP)
    assert _count() == 0


def test_region_from_title_examples():
    assert region_from_title("[경기] 수원시 2025년 수출보험 지원", "경기도")[0] == {"sigungu": ["41110"]}
    assert region_from_title("[대구ㆍ경북] 공동 사업", None)[0] == {"sido": ["27", "47"]}
    assert region_from_title("[비수도권] 사업", None)[0] == {"exclude_sido": ["11", "28", "41"]}
    assert region_from_title("2025년 기술창업 자금", "농촌진흥청")[0] == {"nationwide": True}
    assert region_from_title("2025년 창업 지원", "전북특별자치도")[0] == {"sido": ["52"]}
    scope, _rest, warning = region_from_title("[해외] 박람회", None)
    assert scope == {"nationwide": True} and "해외" in warning


def test_strip_html():
    assert strip_html("<p>☞&nbsp;수원시 소재</p><p><br></p><p>최대 1백만원</p>") == "☞ 수원시 소재\n최대 1백만원"
    assert re.search("<", strip_html("<b>a</b> &lt;b&gt;")) is not None  # escaped text stays text
