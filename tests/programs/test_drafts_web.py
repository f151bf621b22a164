"""Operator review of draft rules: the page shows each criterion with its span; confirming stores rules."""

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
from moduai.programs.importer import import_programs_file
from tests.helpers_auth import login_as

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/programs/bizinfo_announcements_2025.csv.gz"
SLUG = "bizinfo-PBLN_000000000103577"  # 청년고용연계자금: "업력 3년 미만의 청년 소상공인(만39세 이하)"


@pytest.fixture
def client(tmp_path):
    migrate()
    with gzip.open(FIXTURE, "rt", encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if r["id"] in ("PBLN_000000000103577", "PBLN_000000000108656")]
        path = tmp_path / "two.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            w = csv.DictWriter(out, fieldnames=reader.fieldnames)
            w.writeheader()
            w.writerows(rows)
    import_programs_file(path, today=dt.date(2025, 9, 1))
    from moduai.web.app import create_app

    return TestClient(create_app())


def test_operator_reviews_and_confirms_draft_rules(client):
    assert client.get(f"/programs/admin/{SLUG}/drafts").status_code == 401
    login_as(client, "member")
    assert client.get(f"/programs/admin/{SLUG}/drafts").status_code == 403
    login_as(client, "operator")
    page = client.get(f"/programs/admin/{SLUG}/drafts")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "<mark>만39세 이하</mark>" in text and "<mark>업력 3년 미만</mark>" in text and "지원대상 문단" in text
    # the review table speaks Korean (the rule ids stay in the YAML the operator confirms)
    assert "<td>나이</td>" in text and "<td>최대: 39</td>" in text and "<td>업력</td>" in text and "미만(년): 3" in text
    proposed = html.unescape(re.search(r'<textarea id="rules_yaml"[^>]*>(.*?)</textarea>', page.text, re.S).group(1))
    assert "max: 39" in proposed and "under_years: 3" in proposed
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    header = client.headers.pop("X-CSRF-Token")  # a browser form sends only the field: a wrong one is refused
    assert client.post(f"/programs/admin/{SLUG}/drafts", data={"rules_yaml": proposed, "csrf_token": "x.y"}).status_code == 403
    client.headers["X-CSRF-Token"] = header
    bad = client.post(f"/programs/admin/{SLUG}/drafts", data={"rules_yaml": "criteria: [", "csrf_token": token})
    assert bad.status_code == 422 and "저장하지 않았습니다" in html.unescape(bad.text)
    # The operator narrows the age (만 19세 이상 too) before confirming.
    edited = proposed.replace("max: 39}", "max: 39, min: 19}")
    assert edited != proposed
    ok = client.post(f"/programs/admin/{SLUG}/drafts", data={"rules_yaml": edited, "csrf_token": token},
                     follow_redirects=False)
    assert ok.status_code == 303
    detail = service.program_detail(SLUG, profile={"age": 45, "business_status": "기존", "region_code": "11230"},
                                    today=dt.date(2025, 9, 1))
    assert len(detail.history) == 1 and "@" in detail.history[0]["author"]
    assert "min: 19" in detail.history[0]["rules_yaml"]
    assert detail.program.ruleset.note.startswith("운영자 확인")
    m = detail.match
    assert m.machine_rules == "full" and m.status == "fail"  # confirmed: a 45-year-old is refused, with the reason
    assert any(r.type == "age_range" and r.status == "fail" for r in m.results)
    assert m.checked.startswith("자격 규칙") and "나이" in m.checked
