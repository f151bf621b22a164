"""An operator's rejection of a draft criterion is stored (who, when, why), shown in the review history, and
the same reading of the same announcement text is not proposed again; a changed text is read afresh."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from moduai.db import migrate
from moduai.programs import service
from moduai.programs.drafts import REJECTED, extract_drafts, without_rejected
from moduai.programs.importer import import_programs_file
from tests.helpers_auth import login_as

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/programs/bizinfo_announcements_2025.csv.gz"
SLUG = "bizinfo-PBLN_000000000103577"  # 청년고용연계자금: "업력 3년 미만의 청년 소상공인(만39세 이하)"


@pytest.fixture
def client(tmp_path):
    migrate()
    with gzip.open(FIXTURE, "rt", encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if r["id"] == "PBLN_000000000103577"][:1]
        path = tmp_path / "one.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            w = csv.DictWriter(out, fieldnames=reader.fieldnames)
            w.writeheader()
            w.writerows(rows)
    import_programs_file(path, today=dt.date(2025, 9, 1))
    from moduai.web.app import create_app

    return TestClient(create_app())


def _proposed(page_text: str) -> str:
    return html.unescape(re.search(r'<textarea id="rules_yaml"[^>]*>(.*?)</textarea>', page_text, re.S).group(1))


def test_rejection_is_stored_shown_and_not_proposed_again(client):
    url = f"/programs/admin/{SLUG}/drafts/reject"
    assert client.post(url, data={"criterion_id": "age", "reason": "x"}).status_code in (401, 403)
    login_as(client, "member")
    assert client.post(url, data={"criterion_id": "age", "reason": "x"}).status_code == 403
    login_as(client, "operator", "reviewer@example.kr")
    before = client.get(f"/programs/admin/{SLUG}/drafts")
    assert "max: 39" in _proposed(before.text)  # the age reading is proposed before the rejection
    assert 'aria-label="나이 조건 거절"' in before.text

    empty = client.post(url, data={"criterion_id": "age", "reason": "  "})
    assert empty.status_code == 422 and "거절 이유를 적어 주세요" in html.unescape(empty.text)
    unknown = client.post(url, data={"criterion_id": "nope", "reason": "없는 조건"})
    assert unknown.status_code == 422 and "표에 있는 조건" in html.unescape(unknown.text)

    t0 = dt.datetime.now(dt.UTC)
    ok = client.post(url, data={"criterion_id": "age", "reason": "나이는 대표자가 아니라 채용할 청년의 기준"},
                     follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"].endswith("/drafts#rejections")

    page = client.get(f"/programs/admin/{SLUG}/drafts")
    text = html.unescape(page.text)
    proposed = _proposed(page.text)
    assert "max: 39" not in proposed and "under_years: 3" in proposed  # only the rejected reading left out
    assert "거절한 초안 조건" in text and "reviewer@example.kr" in text
    assert "나이는 대표자가 아니라 채용할 청년의 기준" in text and "'만39세 이하'" in text
    assert 'aria-label="나이 조건 거절"' not in page.text  # no second rejection button for it

    review = service.draft_review(SLUG)
    (rej,) = review.rejections
    assert rej["rejected_by"] == "reviewer@example.kr" and rej["criterion_id"] == "age" and rej["same_text"]
    when = rej["rejected_at"] if rej["rejected_at"].tzinfo else rej["rejected_at"].replace(tzinfo=dt.UTC)
    assert abs((when - t0).total_seconds()) < 120
    assert rej["text_sha256"] == extract_drafts(review.program).fingerprint
    assert [c.status for c in review.drafts.criteria if c.id == "age"] == [REJECTED]

    again = client.post(url, data={"criterion_id": "age", "reason": "두 번"})
    assert again.status_code == 422 and "이미 거절" in html.unescape(again.text)


def test_a_rejection_holds_for_its_text_only():
    from moduai.programs.catalog import Program

    base = dict(slug="t-1", source_kind="bizinfo", name="청년 창업 지원", agency="기관", kind="창업", target=["청년"],
                region_scope={"nationwide": True}, source_label="테스트", dataset_id="t")
    first = extract_drafts(Program(**base, description="☞ 지원대상 : 만39세 이하 예비창업자"))
    ages = [c for c in first.criteria if c.id == "age"]
    assert ages, [c.id for c in first.criteria]
    rejected = {("age", ages[0].text)}
    marked = without_rejected(first, rejected)
    assert [c.status for c in marked.criteria if c.id == "age"] == [REJECTED]
    assert all(c.id != "age" for c in marked.evaluated)
    assert [c.status for c in first.criteria if c.id == "age"] != [REJECTED]  # the cached drafts are untouched
    edited = extract_drafts(Program(**base, description="☞ 지원대상 : 만45세 이하 예비창업자"))
    assert edited.fingerprint != first.fingerprint  # a rejection stored for the old text does not apply


def _age_drafts(result):
    ms = [m for m in result.eligible + result.unknown + result.near_misses + result.failed if m.slug == SLUG]
    assert len(ms) == 1
    return [r for r in ms[0].draft_results if r.id == "age"]


def test_matching_leaves_a_rejected_reading_out(client):
    profile = {"age": 45, "region_code": "11", "business_status": "기존"}
    before = _age_drafts(service.match_profile(profile, today=dt.date(2025, 9, 1), include_closed=True))
    assert [r.status for r in before] == ["fail"]  # 45 is over the "만39세 이하" reading
    login_as(client, "operator")
    assert client.post(f"/programs/admin/{SLUG}/drafts/reject",
                       data={"criterion_id": "age", "reason": "참여 인력 기준"}, follow_redirects=False).status_code == 303
    after = _age_drafts(service.match_profile(profile, today=dt.date(2025, 9, 1), include_closed=True))
    assert after == []
