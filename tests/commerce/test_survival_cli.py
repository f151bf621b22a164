"""`moduai commerce survival` on two real-format quarters built from the 강원 rows, checked by set arithmetic."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from moduai.cli import app as cli_app


def _cli(*args):
    return CliRunner().invoke(cli_app, list(args))


@pytest.fixture
def two_quarters(fixture_data, tmp_path):
    src = fixture_data / "sangga" / "gangwon_first200.csv"
    rows = list(csv.reader(src.open(encoding="utf-8-sig")))
    header, body = rows[0], rows[1:]
    before = body[:180]
    closed = {r[0] for i, r in enumerate(before) if i % 9 == 4}
    after = [r for r in before if r[0] not in closed]
    for r in body[180:]:  # 20 stores appear in the later quarter
        after.append(r)
    paths = []
    for name, part in (("q3.csv", before), ("q4.csv", after)):
        p = tmp_path / name
        with p.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, quoting=csv.QUOTE_ALL)
            w.writerow(header)
            w.writerows(part)
        paths.append(p)
    return paths, pd.DataFrame(before, columns=header), pd.DataFrame(after, columns=header)


def test_survival_cli_equals_set_arithmetic(two_quarters):
    (p3, p4), fb, fa = two_quarters
    assert _cli("commerce", "import", str(p3), "--snapshot", "2025Q3").exit_code == 0
    assert _cli("commerce", "import", str(p4), "--snapshot", "2025Q4").exit_code == 0
    res = _cli("commerce", "survival", "--from", "2025Q3", "--to", "2025Q4", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    b, a = set(fb["상가업소번호"]), set(fa["상가업소번호"])
    tot = doc["total"]
    assert (tot["before"], tot["after"], tot["survived"]) == (len(b), len(a), len(b & a))
    assert (tot["closed"], tot["opened"]) == (len(b - a), len(a - b)) == (20, 20)
    assert tot["survival_rate"] == pytest.approx(len(b & a) / len(b))
    # by 시군구, by hand
    for row in doc["by_area"]:
        sb = set(fb.loc[fb["시군구코드"] == row["code"], "상가업소번호"])
        sa = set(fa.loc[fa["시군구코드"] == row["code"], "상가업소번호"])
        assert (row["before"], row["after"], row["survived"]) == (len(sb), len(sa), len(sb & sa))


def test_survival_cli_refuses_2023_regeneration(fixture_data, two_quarters):
    (p3, _), _, _ = two_quarters
    assert _cli("commerce", "import", str(p3), "--snapshot", "2025Q3").exit_code == 0
    old = fixture_data / "sangga" / "old_codes_seoul_202212_2rows.csv"
    imp = _cli("commerce", "import", str(old), "--snapshot", "2022Q4")
    assert imp.exit_code == 0, imp.output
    res = _cli("commerce", "survival", "--from", "2022Q4", "--to", "2025Q3")
    assert res.exit_code == 2
    assert "상가업소번호" in res.output and "Traceback" not in res.output


def test_survival_of_an_upjong_absent_before_is_undefined_not_zero(fixture_data, tmp_path):
    """An 업종 with no store in the earlier quarter has no survival rate: the CLI says so, never "0.0 %"."""
    src = fixture_data / "sangga" / "gangwon_first200.csv"
    rows = list(csv.reader(src.open(encoding="utf-8-sig")))
    header, body = rows[0], rows[1:]
    col = header.index("상권업종대분류코드")
    counts = pd.Series([r[col] for r in body]).value_counts()
    new_major = counts.index[-1]  # the rarest 대분류 appears only in the later quarter
    before = [r for r in body if r[col] != new_major]
    after = body
    for name, part, q in (("a.csv", before, "2025Q3"), ("b.csv", after, "2025Q4")):
        p = tmp_path / name
        with p.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(part)
        assert _cli("commerce", "import", str(p), "--snapshot", q).exit_code == 0
    doc = json.loads(_cli("commerce", "survival", "--from", "2025Q3", "--to", "2025Q4", "--json").stdout)
    row = next(x for x in doc["by_category"] if x["code"] == new_major)
    assert (row["before"], row["after"], row["opened"]) == (0, int(counts[new_major]), int(counts[new_major]))
    assert row["survival_rate"] is None
    assert row["survival_text"].startswith("판단할 수 없음(") and f"{int(counts[new_major])}곳" in row["survival_text"]
    other = next(x for x in doc["by_category"] if x["before"] > 0)
    assert other["survival_text"] == f"{other['survived'] / other['before'] * 100:.1f} %"
    human = " ".join(_cli("commerce", "survival", "--from", "2025Q3", "--to", "2025Q4").output.split())
    assert "판단할 수" in human and "0.0%" not in human


def test_bulk_id_reissue_is_measured(fixture_data, tmp_path):
    """30 real stores get new 상가업소번호 between quarters (as in the 2024 Q3→Q4 re-issue) and 10 really close:
    naive churn counts 40 closures and 30 openings; the same-store match finds the 30 re-issued IDs."""
    src = fixture_data / "sangga" / "gangwon_first200.csv"
    rows = list(csv.reader(src.open(encoding="utf-8-sig")))
    header, body = rows[0], rows[1:]
    reissued = set(range(0, 180, 6))  # 30 rows
    gone = {i for i in range(3, 200, 19)} - reissued  # 11 rows, disjoint from the re-issued ones
    after = []
    for i, r in enumerate(body):
        if i in gone:
            continue
        r = list(r)
        if i in reissued:
            r[0] = f"MA9999{i:014d}"
        after.append(r)
    for name, part, q in (("a.csv", body, "2025Q3"), ("b.csv", after, "2025Q4")):
        p = tmp_path / name
        with p.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(part)
        assert _cli("commerce", "import", str(p), "--snapshot", q).exit_code == 0
    doc = json.loads(_cli("commerce", "survival", "--from", "2025Q3", "--to", "2025Q4", "--json").stdout)
    tot = doc["total"]
    assert (tot["closed"], tot["opened"]) == (len(gone) + 30, 30)
    assert doc["id_changed"] == 30
    assert doc["survival_rate_same_store"] == pytest.approx((200 - len(gone)) / 200)
    assert "30쌍" in doc["id_note"]
