"""Marketing pages and API through the app (SQLite + PostgreSQL for imports)."""

from __future__ import annotations

import html
import io

import pytest
from fastapi.testclient import TestClient

from moduai.web.app import create_app

REVIEWS = "날짜,평점,내용,작성자\n2025-03-02,5,커피가 맛있고 친절해요,김민수\n2025-04-03,1,머리카락이 나왔어요 환불해 주세요,\n"
LEDGER = "고객,날짜,금액\n010-1111-2222,2025-01-05,10000\n010-1111-2222,2025-03-01,5000\nC-2,2025-02-20,8000\n"


@pytest.fixture
def client(db_url):
    """A shop owner signed in: review files and ledgers are theirs (anonymous callers get 401)."""
    from tests.helpers_auth import login_as

    c = TestClient(create_app())
    login_as(c, "member")
    return c


def test_hub_and_pages_render(client):
    r = client.get("/marketing")
    assert r.status_code == 200 and "마케팅 자동화" in r.text and "오프라인 문구 생성기" in r.text
    for path in ("/marketing/reviews", "/marketing/customers", "/marketing/abtest", "/marketing/copy"):
        assert client.get(path).status_code == 200, path


def test_copy_page_and_api(client):
    q = {"name": "모두 빵집", "category": "빵집", "location": "강릉시 교동", "strengths": "갓 구운 빵, 친절",
         "price_range": "5천 원대", "target": "직장인", "channel": ["place", "flyer"], "same_count": "1", "month": "5"}
    r = client.get("/marketing/copy", params=q)
    assert r.status_code == 200 and "모두 빵집은" in r.text and "하나뿐인 빵집" in r.text
    ctx = client.get("/marketing/copy", params={**q, "format": "json"}).json()
    assert [c["channel"] for c in ctx["result"]["channels"]] == ["place", "flyer"]
    body = {"profile": {"name": "모두 카페", "category": "카페", "location": "회기동", "strengths": ["라떼"],
                        "price_range": "5천 원대", "target": "학생"}, "channels": ["instagram"], "variants": 2}
    api = client.post("/api/v1/marketing/copy", json=body).json()
    assert len(api["channels"][0]["variants"]) == 2 and api["backend"]["backend"] == "offline"
    bad = client.post("/api/v1/marketing/copy", json={"profile": {"name": "x"}})
    assert bad.status_code == 422 and bad.json()["error"]["field"] in ("category", "strengths")


def test_copy_page_keeps_the_form_after_bad_input(client):
    """A month the copy cannot use re-shows the form with everything typed and a Korean message (it was an
    error page with the code name 'month' and an empty form); '5월' is read as 5, not dropped."""
    q = {"name": "모두 빵집", "category": "빵집", "location": "강릉시 교동", "strengths": "갓 구운 빵",
         "price_range": "5천 원대", "target": "직장인", "month": "13"}
    r = client.get("/marketing/copy", params=q)
    assert r.status_code == 422
    assert "계절 기준 달은 1~12 사이여야 합니다. 받은 값: 13." in r.text and "'month'" not in r.text
    for value in ("모두 빵집", "강릉시 교동", "갓 구운 빵", "5천 원대", "직장인"):
        assert f'value="{value}"' in r.text, value
    bad = client.get("/marketing/copy", params={**q, "month": "봄"})
    assert bad.status_code == 422 and "계절 기준 달은 1~12 사이의 숫자로 적어 주세요. 받은 값: '봄'." in html.unescape(bad.text)
    may = client.get("/marketing/copy", params={**q, "month": "5월", "format": "json"}).json()
    assert may["result"]["season"] == "봄"
    dec = client.get("/marketing/copy", params={**q, "month": "12", "format": "json"}).json()
    assert dec["result"]["season"] == "겨울"


def test_calendar_page_json_and_ics(client):
    r = client.get("/marketing/calendar", params={"year": 2027, "category": "카페"})
    assert r.status_code == 200 and "설날" in r.text and "빼빼로데이" in r.text and "ICS 내려받기" in r.text
    ics = client.get("/marketing/calendar.ics", params={"year": 2027, "category": "카페"})
    assert ics.headers["content-type"].startswith("text/calendar") and ics.content.startswith(b"BEGIN:VCALENDAR\r\n")
    api = client.get("/api/v1/marketing/calendar", params={"year": 2027, "category": "빵집"}).json()
    assert api["category"] == "베이커리" and len(api["months"]) == 12
    bad = client.get("/api/v1/marketing/calendar", params={"year": 3000})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "year"


def test_review_upload_result_and_csv(client):
    files = {"file": ("리뷰.csv", io.BytesIO(REVIEWS.encode("cp949")), "text/csv")}
    r = client.post("/marketing/reviews", files=files, data={"shop": "모두 카페", "tone": "친근"}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert page.status_code == 200 and "김*수" in page.text and "김민수" not in page.text
    assert "사장님이 직접 확인할 리뷰" in page.text
    import_id = r.headers["location"].split("/")[-1].split("?")[0]
    csv = client.get(f"/marketing/reviews/{import_id}/replies.csv", params={"tone": "간결"})
    assert csv.content.startswith("\ufeff행,날짜".encode())
    assert "김*수님, 감사합니다." in csv.content.decode("utf-8-sig")
    api = client.get(f"/api/v1/marketing/reviews/{import_id}").json()
    assert api["analysis"]["review_count"] == 2
    # the page names the review model in Korean (two star-rated rows are too few to learn one)
    from moduai.jobs import get_runner
    from moduai.marketing.store import review_learning_job

    learning = review_learning_job()
    if learning:
        get_runner().wait(learning, 120)
    page = client.get(r.headers["location"])
    assert 'data-model-note' in page.text and "아직 학습한 리뷰 감성 모델이 없어" in page.text


def test_api_review_import_learns_in_the_background(client):
    """The API answers with the import and the learning job; the job's status is at /api/v1/jobs/<id>."""
    from moduai.jobs import get_runner
    from moduai.marketing import store

    files = {"file": ("리뷰.csv", io.BytesIO(REVIEWS.encode("utf-8")), "text/csv")}
    with store._LEARNING:  # another learning running: this one waits, and the page says so with a link
        r = client.post("/api/v1/marketing/reviews", files=files, data={"shop": "모두 카페"})
        assert r.status_code == 200, r.text
        imp = r.json()["import"]
        assert imp["sentiment_model_job"] and "백그라운드" in imp["sentiment_model_note"]
        page = client.get(f"/marketing/reviews/{imp['import_id']}")
        assert "백그라운드에서 다시 학습하고 있습니다" in page.text
        assert f'href="/jobs/{imp["sentiment_model_job"]}"' in page.text and "학습 진행 상황 보기" in page.text

    get_runner().wait(imp["sentiment_model_job"], 120)
    job = client.get(f"/api/v1/jobs/{imp['sentiment_model_job']}").json()
    assert job["status"] == "done" and "학습하지 않았습니다" in job["note"], job


def test_bad_upload_shows_rows_and_stores_nothing(client):
    bad = "날짜,평점,내용\n2025-01-01,9,좋아요\n2025-01-02,5,\n"
    files = {"file": ("bad.csv", io.BytesIO(bad.encode()), "text/csv")}
    r = client.post("/marketing/reviews", files=files, data={"shop": "모두 빵집", "tone": "친근"})
    assert r.status_code == 422 and "아무것도 저장하지 않았습니다" in r.text
    # the form again, above it the message and each rejected row; the shop name and tone as they were given
    box = r.text.split('id="import-error"', 1)[1].split("</section>", 1)[0]
    assert '<td class="num">2</td>' in box and '<td class="num">3</td>' in box
    assert 'action="/marketing/reviews"' in r.text and 'value="모두 빵집"' in r.text
    assert "<option selected>친근</option>" in r.text
    api = client.post("/api/v1/marketing/reviews", files={"file": ("bad.csv", io.BytesIO(bad.encode()), "text/csv")})
    assert [row["line"] for row in api.json()["error"]["rows"]] == [2, 3]
    assert client.get("/marketing?format=json").json()["recent_imports"] == []


def test_a_refused_ledger_shows_the_form_again_with_its_rows(client):
    bad = "고객,날짜,금액\n010-1234-5678,2025-03-02,abc\nC-1,2025-13-01,5000\n"
    r = client.post("/marketing/customers", files={"file": ("bad.csv", io.BytesIO(bad.encode()), "text/csv")},
                    data={"shop": "모두 빵집"})
    assert r.status_code == 422
    box = r.text.split('id="import-error"', 1)[1].split("</section>", 1)[0]
    assert '<td class="num">2</td>' in box and '<td class="num">3</td>' in box
    assert 'action="/marketing/customers"' in r.text and 'value="모두 빵집"' in r.text
    assert client.get("/marketing?format=json").json()["recent_imports"] == []


def test_customer_upload_and_downloads(client):
    files = {"file": ("장부.csv", io.BytesIO(LEDGER.encode()), "text/csv")}
    r = client.post("/api/v1/marketing/customers", files=files, data={"shop": "모두 카페"}).json()
    iid = r["import"]["import_id"]
    assert r["analysis"]["customer_count"] == 2 and r["analysis"]["revisit_rate"] == 0.5
    page = client.get(f"/marketing/customers/{iid}")
    assert "010-****-2222" in page.text and "1111-2222" not in page.text
    csv = client.get(f"/marketing/customers/{iid}/segments.csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("고객(마스킹),마지막 방문일")
    xlsx = client.get(f"/marketing/customers/{iid}/segments.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["고객 세그먼트", "요약"] and wb["고객 세그먼트"].max_row == 3


def test_abtest_page_and_api(client):
    r = client.get("/marketing/abtest", params={"a": "120/1000", "b": "150/1000"})
    assert "B안이 유의하게 높습니다" in r.text
    api = client.get("/api/v1/marketing/abtest", params={"a": "50/500", "b": "55/500"}).json()
    assert api["significant"] is False and api["verdict"].startswith("차이가 우연일 수 있습니다")
    bad = client.get("/api/v1/marketing/abtest", params={"a": "abc", "b": "1/2"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "a"


def test_copy_page_says_when_the_llm_failed(client, monkeypatch):
    import socket

    from moduai.config import get_settings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("MODUAI_LLM_BASE_URL", f"http://127.0.0.1:{port}/v1")
    get_settings.cache_clear()
    q = {"name": "모두 빵집", "category": "빵집", "location": "교동", "strengths": "갓 구운 빵", "price_range": "5천 원대",
         "target": "직장인", "channel": ["place", "flyer"]}
    r = client.get("/marketing/copy", params=q)
    assert r.status_code == 200
    assert r.text.count("오프라인 대체") == 6 and "연결할 수 없습니다" in r.text
    ctx = client.get("/marketing/copy", params={**q, "format": "json"}).json()
    assert ctx["result"]["backend"]["backend"] == "openai-compatible"
    assert all(v["fell_back"] and v["backend"] == "offline" for c in ctx["result"]["channels"] for v in c["variants"])


def test_shop_view_merges_files_and_counts_overlaps_once(client):
    first = "날짜,평점,내용\n2025-01-02,5,빵이 맛있어요\n2025-02-03,1,불친절해요\n"
    second = "날짜,평점,내용\n2025-02-03,1,불친절해요\n2025-03-04,4,커피가 맛있어요\n"  # one overlapping review
    for i, body in enumerate((first, second)):
        files = {"file": (f"r{i}.csv", io.BytesIO(body.encode()), "text/csv")}
        assert client.post("/marketing/reviews", files=files, data={"shop": "모두 빵집"}, follow_redirects=False).status_code == 303
    api = client.get("/api/v1/marketing/reviews", params={"shop": "모두 빵집"}).json()
    assert len(api["imports"]) == 2 and api["duplicates_dropped"] == 1
    assert api["analysis"]["review_count"] == 3
    assert [m["month"] for m in api["analysis"]["months"]] == ["2025-01", "2025-02", "2025-03"]
    page = client.get("/marketing/reviews/shop", params={"name": "모두 빵집"})
    assert page.status_code == 200 and "파일 2개 합침" in page.text and "1건은 한 번만" in page.text
    csv = client.get("/marketing/reviews/shop/replies.csv", params={"name": "모두 빵집", "tone": "간결"})
    assert len(csv.content.decode("utf-8-sig").strip().splitlines()) == 4
    missing = client.get("/api/v1/marketing/reviews", params={"shop": "없는 가게"})
    assert missing.status_code == 404


def test_calendar_csv_download(client):
    r = client.get("/marketing/calendar.csv", params={"year": 2025, "category": "카페"})
    text = r.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("날짜,끝 날짜,이름,구분,공휴일")
    assert "2025-07-20,2025-07-20,초복,절기,,2025-07-15" in text
    assert any(line.startswith("2025-01-29,2025-01-29,설날,공휴일,예") for line in lines)


def test_pages_link_their_sources_to_the_catalog(client):
    from moduai.data.catalog import load_catalog

    ids = {d.id for d in load_catalog()}
    page = client.get("/marketing/calendar", params={"year": 2027, "category": "카페"}).text
    assert 'href="/data#marketing-holidays-kr"' in page and "marketing-holidays-kr" in ids
    assert page.index("출처:") > page.index('<main id="main">')  # inside the page body, not the <head>
    api = client.get("/api/v1/marketing/calendar.ics", params={"year": 2027, "category": "카페"})
    assert api.headers["content-type"].startswith("text/calendar") and b"SUMMARY:" in api.content
