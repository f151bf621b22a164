"""CLI: one JSON document per command, Korean errors on stderr with non-zero exit, files written."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from moduai.cli import app

runner = CliRunner()

PROFILE = """이름: 모두 빵집
업종: 빵집
위치: 강원 강릉시 교동
강점: [매일 굽는 빵, 넓은 주차장]
가격대: 5천 원대
타깃: 출근길 직장인
"""


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_copy_json(tmp_path):
    p = tmp_path / "shop.yaml"
    p.write_text(PROFILE, encoding="utf-8")
    doc = _json(runner.invoke(app, ["marketing", "copy", "--profile", str(p), "--channel", "instagram", "--json"]))
    assert [c["channel"] for c in doc["channels"]] == ["instagram"]
    assert len(doc["channels"][0]["variants"]) == 3 and doc["backend"]["backend"] == "offline"


def test_calendar_json_and_ics(tmp_path):
    out = tmp_path / "cal.ics"
    doc = _json(runner.invoke(app, ["marketing", "calendar", "--year", "2027", "--category", "카페", "--ics", str(out), "--json"]))
    assert doc["year"] == 2027 and len(doc["months"]) == 12  # the same document as GET /api/v1/marketing/calendar
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_reviews_and_customers_with_exports(tmp_path):
    rv = tmp_path / "r.csv"
    rv.write_bytes("날짜,평점,내용\n2025-01-02,5,빵이 맛있어요\n2025-01-03,1,불친절해요\n".encode("cp949"))
    replies = tmp_path / "replies.csv"
    doc = _json(runner.invoke(app, ["marketing", "reviews", str(rv), "--tone", "친근", "--replies-csv", str(replies), "--json"]))
    assert doc["analysis"]["sentiment_counts"] == {"긍정": 1, "부정": 1, "복합": 0}
    assert replies.read_bytes().startswith("\ufeff행".encode())
    led = tmp_path / "l.csv"
    led.write_text("고객,날짜,금액\n010-1111-2222,2025-01-05,10000\n010-1111-2222,2025-02-05,10000\nC-1,2025-02-01,5000\n",
                   encoding="utf-8")
    xlsx = tmp_path / "seg.xlsx"
    doc = _json(runner.invoke(app, ["marketing", "customers", str(led), "--xlsx", str(xlsx), "--json"]))
    assert doc["analysis"]["revisit_rate"] == 0.5 and xlsx.stat().st_size > 1000
    assert "010-****-2222" in json.dumps(doc, ensure_ascii=False) and "1111-2222" not in json.dumps(doc)


def test_abtest_json_and_errors(tmp_path):
    doc = _json(runner.invoke(app, ["marketing", "abtest", "--a", "120/1000", "--b", "150/1000", "--json"]))
    assert doc["significant"] is True and doc["verdict"].startswith("B안이 유의하게 높습니다")
    bad = runner.invoke(app, ["marketing", "abtest", "--a", "12", "--b", "1/2", "--json"])
    assert bad.exit_code == 2 and "성공 수/전체 수" in bad.stderr and "Traceback" not in bad.output
    rv = tmp_path / "bad.csv"
    rv.write_text("날짜,평점,내용\n2025-01-02,9,x\n", encoding="utf-8")
    res = runner.invoke(app, ["marketing", "reviews", str(rv)])
    assert res.exit_code == 2 and "2행" in res.stderr and "1~5" in res.stderr
    missing = runner.invoke(app, ["marketing", "customers", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "찾을 수 없습니다" in missing.stderr
