"""Imports (row-level errors, nothing half-written, idempotent re-import) and the XLSX 성과 보고."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from moduai.db import session_scope
from moduai.errors import ImportRejected
from moduai.hubs import io as IO
from moduai.hubs import models as M
from moduai.hubs import service as S
from tests.hubs.conftest import ADMIN

ORGS = ("기관명,사업자등록번호,예비창업자,본점 시군구,업종,설립일\n"
        "(주)영일테크,120-81-47521,아니오,포항시,제조,2021-03-02\n"
        "해오름팜,,예,의성군,농림어업,\n")
OUTCOMES = ("기관(사업자등록번호 또는 기관명),날짜,종류,투자금액(원),고용 인원,매출 구간,이전 시군구,근거\n"
            "120-81-47521,2025-06-30,고용,,7,,,고용보험\n"
            "해오름팜,2025-07-01,투자,50000000,,,,공시\n"
            "120-81-47521,2025-09-01,본점 이전,,,,강남구,공시\n")


def _count(model) -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_templates_have_korean_headers_and_parse_back():
    for entity, t in IO.TEMPLATES.items():
        rows = IO.read_rows(IO.template_csv(entity), "t.csv")
        assert list(rows[0]) == t["columns"]
        rows_x = IO.read_rows(IO.template_xlsx(entity), "t.xlsx")
        assert list(rows_x[0]) == t["columns"]


def test_import_then_reimport_is_idempotent(two_hubs):
    with session_scope() as s:
        r1 = IO.import_file(s, ADMIN, two_hubs["a"], "organisations", ORGS.encode(), "orgs.csv")
        r2 = IO.import_file(s, ADMIN, two_hubs["a"], "outcomes", OUTCOMES.encode("cp949"), "out.csv")
    assert (r1.inserted, r2.inserted) == (2, 3)
    n_org, n_out = _count(M.OrganisationRow), _count(M.OutcomeRow)
    with session_scope() as s:
        again = IO.import_file(s, ADMIN, two_hubs["a"], "outcomes", OUTCOMES.encode(), "out.csv")
        IO.import_file(s, ADMIN, two_hubs["a"], "organisations", ORGS.encode(), "orgs.csv")
    assert (again.inserted, again.unchanged) == (0, 3)
    assert (_count(M.OrganisationRow), _count(M.OutcomeRow)) == (n_org, n_out)
    with session_scope() as s:
        move = s.scalars(select(M.OutcomeRow).where(M.OutcomeRow.kind == "본점 이전")).one()
    assert move.region_code == "11680"


def test_every_bad_row_is_reported_and_nothing_stored(two_hubs):
    bad = ("기관명,사업자등록번호,예비창업자,본점 시군구,업종,설립일\n"
           "좋은기업,220-81-62517,아니오,포항시,제조,2020-01-01\n"
           "틀린번호,124-81-00997,아니오,포항시,제조,2020-01-01\n"
           ",,예,,,\n"
           "날짜틀림,,예,포항시,,2020-13-01\n")
    before = _count(M.OrganisationRow)
    with session_scope() as s, pytest.raises(ImportRejected) as e:
        IO.import_file(s, ADMIN, two_hubs["a"], "organisations", bad.encode(), "bad.csv")
    assert [r.line for r in e.value.rows] == [3, 4, 5]
    assert "검증 숫자" in e.value.rows[0].reason and "설립일" in e.value.rows[2].reason
    assert _count(M.OrganisationRow) == before


def test_outcome_rows_refer_to_known_organisations(two_hubs):
    rows = ("기관(사업자등록번호 또는 기관명),날짜,종류,투자금액(원),고용 인원,매출 구간,이전 시군구,근거\n"
            "없는기업,2025-06-30,고용,,7,,,고용보험\n"
            "124-81-00998,2025-06-30,고용,,,,,고용보험\n"
            "124-81-00998,2025-06-30,매출,,,엄청 많음,,자가 보고\n")
    with session_scope() as s, pytest.raises(ImportRejected) as e:
        IO.import_file(s, ADMIN, two_hubs["a"], "outcomes", rows.encode(), "o.csv")
    assert [r.line for r in e.value.rows] == [2, 3, 4]


def test_performance_report_neutralises_formulas(two_hubs):
    with session_scope() as s:
        S.add_organisation(s, ADMIN, two_hubs["a"], name='=HYPERLINK("http://x","클릭")')
        S.add_organisation(s, ADMIN, two_hubs["a"], name="@SUM(1)")
        data = IO.performance_report_xlsx(s, ADMIN, two_hubs["a"], 2025)
    wb = load_workbook(io.BytesIO(data))
    names = [c.value for c in wb["기관"]["B"]]
    assert "'=HYPERLINK(\"http://x\",\"클릭\")" in names and "'@SUM(1)" in names
    assert all(not (isinstance(v, str) and v.startswith(("=", "@"))) for ws in wb for row in ws.values for v in row)
    kpi_names = [r[0] for r in wb["KPI"].iter_rows(min_row=5, values_only=True)]
    assert "5년 생존율" in kpi_names


def test_a_file_without_the_columns_links_the_template_by_a_korean_name(two_hubs, tmp_path):
    """The page names no path: its message says which template, and a link '기관 양식 내려받기' downloads it; the
    JSON answer carries the same link; the CLI gets the template command in ``detail``."""
    import re

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from moduai.cli import app as cli
    from moduai.web.app import create_app
    from tests.helpers_auth import login_as
    from tests.helpers_text import english_in
    from tests.helpers_web import csrf_token

    client = TestClient(create_app())
    login_as(client, "operator", "op@example.kr", hub_id=two_hubs["a"])
    bad = [("file", ("기관.csv", b"a,b\n1,2\n", "text/csv"))]
    r = client.post("/hubs/hub-a/import", data={"entity": "organisations", "csrf_token": csrf_token(client)},
                    files=bad)
    assert r.status_code == 422
    message = re.search(r'<p class="message">([^<]*)</p>', r.text).group(1)
    assert message == ("기관 파일에 필요한 열이 없거나 행이 없습니다: 기관명, 사업자등록번호, 예비창업자, 본점 시군구, 업종, "
                       "설립일. 기관 양식을 내려받아 그 열 이름을 쓰세요.")
    assert "/hubs/templates" not in message and english_in([message]) == []
    link = re.search(r'<a href="([^"]+)">기관 양식 내려받기</a>', r.text)
    assert link and link.group(1) == "/hubs/templates/organisations.csv"
    assert "혹시 이것을 찾으셨나요?" not in r.text  # a download link is not a guess
    template = client.get(link.group(1))
    assert template.status_code == 200
    assert template.content.decode("utf-8-sig").splitlines()[0] == ",".join(IO.TEMPLATES["organisations"]["columns"])
    api = client.post("/api/v1/hubs/hub-a/import/people", files=bad)
    err = api.json()["error"]
    assert api.status_code == 422 and err["candidates"] == [{"label": "사람 양식 내려받기",
                                                             "href": "/hubs/templates/people.csv"}]
    bad_file = tmp_path / "기관.csv"
    bad_file.write_bytes(b"a,b\n1,2\n")
    res = CliRunner().invoke(cli, ["hubs", "import", str(bad_file), "--hub", "hub-a", "--entity", "organisations"])
    assert res.exit_code == 2
    out = " ".join(res.stderr.split())
    assert "기관 양식을 내려받아" in out and "moduai hubs import --template organisations" in out
