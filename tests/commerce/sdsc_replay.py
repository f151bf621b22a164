"""A local stand-in for the 공공데이터포털 상가(상권)정보 API (B553077/api/open/sdsc2), for the fetcher tests.

It serves real 상가 rows (the 963 rows of 서울 동대문구 회기동 from ``tests/fixtures``) re-shaped into the
published JSON format, with the portal's paging (``pageNo``/``numOfRows``/``totalCount``), its gateway
errors as XML (unregistered / expired key, request limit) and scripted faults (HTTP 500, code 22, a
slow answer). The field names below are written out from the API's published item list, independently
of the module under test.
"""

from __future__ import annotations

import csv
import json
import math
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

# published CSV column → API item field (data.go.kr 상가(상권)정보 API 응답 항목)
KOREAN_TO_API = {
    "상가업소번호": "bizesId", "상호명": "bizesNm", "지점명": "brchNm",
    "상권업종대분류코드": "indsLclsCd", "상권업종대분류명": "indsLclsNm",
    "상권업종중분류코드": "indsMclsCd", "상권업종중분류명": "indsMclsNm",
    "상권업종소분류코드": "indsSclsCd", "상권업종소분류명": "indsSclsNm",
    "표준산업분류코드": "ksicCd", "표준산업분류명": "ksicNm",
    "시도코드": "ctprvnCd", "시도명": "ctprvnNm", "시군구코드": "signguCd", "시군구명": "signguNm",
    "행정동코드": "adongCd", "행정동명": "adongNm", "법정동코드": "ldongCd", "법정동명": "ldongNm",
    "지번코드": "lnoCd", "대지구분코드": "plotSctCd", "대지구분명": "plotSctNm",
    "지번본번지": "lnoMnno", "지번부번지": "lnoSlno", "지번주소": "lnoAdr",
    "도로명코드": "rdnmCd", "도로명": "rdnm", "건물본번지": "bldMnno", "건물부번지": "bldSlno",
    "건물관리번호": "bldMngNo", "건물명": "bldNm", "도로명주소": "rdnmAdr",
    "구우편번호": "oldZipcd", "신우편번호": "newZipcd", "동정보": "dongNo", "층정보": "flrNo", "호정보": "hoNo",
    "경도": "lon", "위도": "lat",
}

GOOD_KEY = "TEST+KEY/abc=="  # the decoded form; the portal also shows it URL-encoded
UNREGISTERED_KEY = "NOT-REGISTERED"
EXPIRED_KEY = "EXPIRED-KEY"
HTTP401_KEY = "HTTP401-KEY"


def gateway_error(code: str, msg: str) -> bytes:
    return (
        "<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg>"
        f"<returnAuthMsg>{msg}</returnAuthMsg><returnReasonCode>{code}</returnReasonCode>"
        "</cmmMsgHeader></OpenAPI_ServiceResponse>"
    ).encode()


def api_items(csv_path: Path) -> list[dict]:
    """The published CSV's rows as API items (numbers of lon/lat as the API sends them: JSON numbers)."""
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    items = []
    for r in rows:
        it = {api: r[ko] for ko, api in KOREAN_TO_API.items()}
        it["lon"], it["lat"] = float(r["경도"]), float(r["위도"])
        items.append(it)
    return items


def haversine_m(lat1, lon1, lat2, lon2) -> float:
    r = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


class Replay:
    """The server's state: rows, scripted faults and a log of every request."""

    def __init__(self, items: list[dict], stdr_ym: str = "202603") -> None:
        self.items = items
        self.stdr_ym = stdr_ym
        self.faults: list[tuple[int, str]] = []  # (pageNo, kind) served once each, in order
        self.log: list[dict] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/B553077/api/open/sdsc2"

    def select(self, op: str, q: dict[str, str]) -> list[dict] | None:
        rows = self.items
        if q.get("indsLclsCd"):
            rows = [r for r in rows if r["indsLclsCd"] == q["indsLclsCd"]]
        if op == "storeListInDong":
            div, key = q.get("divId"), q.get("key", "")
            col = {"ctprvnCd": "ctprvnCd", "signguCd": "signguCd", "adongCd": "adongCd"}.get(div)
            if col is None:
                return None
            return [r for r in rows if r[col] == key]
        if op == "storeListInRadius":
            cx, cy, radius = float(q["cx"]), float(q["cy"]), float(q["radius"])
            return [r for r in rows if haversine_m(cy, cx, r["lat"], r["lon"]) <= radius]
        return None


def _handler(state: Replay):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802
            u = urlparse(self.path)
            q = {k: v[0] for k, v in parse_qs(u.query, keep_blank_values=True).items()}
            op = u.path.rsplit("/", 1)[-1]
            page = int(q.get("pageNo", "1"))
            with state.lock:
                state.log.append({"op": op, **q})
                fault = next((f for f in state.faults if f[0] == page), None)
                if fault:
                    state.faults.remove(fault)
            key = q.get("serviceKey", "")
            if key == HTTP401_KEY:
                return self._send(401, b"Unauthorized", "text/plain")
            if key == EXPIRED_KEY:
                return self._send(200, gateway_error("31", "DEADLINE_HAS_EXPIRED_ERROR"), "text/xml;charset=UTF-8")
            if key != GOOD_KEY:
                return self._send(200, gateway_error("30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR"),
                                  "text/xml;charset=UTF-8")
            if fault:
                kind = fault[1]
                if kind == "500":
                    return self._send(500, b"<html>Internal Server Error</html>", "text/html")
                if kind == "limit":
                    return self._send(200, gateway_error("22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR"),
                                      "text/xml;charset=UTF-8")
                if kind == "429":
                    return self._send(429, b"Too Many Requests", "text/plain", {"Retry-After": "3"})
                if kind == "slow":
                    time.sleep(1.5)
            rows = state.select(op, q)
            header = {"description": "소상공인시장진흥공단 상가업소 정보", "columns": list(KOREAN_TO_API),
                      "stdrYm": state.stdr_ym}
            if rows is None:
                doc = {"header": {**header, "resultCode": "10", "resultMsg": "INVALID_REQUEST_PARAMETER_ERROR"}}
                return self._send(200, json.dumps(doc, ensure_ascii=False).encode(), "application/json")
            if not rows:
                doc = {"header": {**header, "resultCode": "03", "resultMsg": "NODATA_ERROR"}}
                return self._send(200, json.dumps(doc, ensure_ascii=False).encode(), "application/json")
            n = int(q.get("numOfRows", "10"))
            chunk = rows[(page - 1) * n: page * n]
            doc = {"header": {**header, "resultCode": "00", "resultMsg": "NORMAL SERVICE."},
                   "body": {"items": chunk, "numOfRows": n, "pageNo": page, "totalCount": len(rows)}}
            return self._send(200, json.dumps(doc, ensure_ascii=False).encode(), "application/json;charset=UTF-8")

    return Handler


def start(items: list[dict], stdr_ym: str = "202603") -> Replay:
    state = Replay(items, stdr_ym)
    state.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    threading.Thread(target=state.server.serve_forever, daemon=True).start()
    return state
