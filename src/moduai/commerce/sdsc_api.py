"""Fetch real stores from the 소상공인시장진흥공단 상가(상권)정보 open API with the user's own service key.

Public API:

- :func:`fetch_stores` ``(dong=… | lat=…, lon=…, radius_m=…, *, major=None, snapshot=None, …) -> FetchReport``:
  pages through ``storeListInDong`` (one 행정동) or ``storeListInRadius`` (a circle, at most 2,000 m), then
  stores the rows through the CSV importer (:func:`moduai.commerce.importer.import_sangga_files`): the
  items are written as a published 39-column CSV (the API's fields are the CSV's columns in the same
  order) so the row rules, the rejected-row report, the duplicate check, the Parquet snapshot and the
  import log are exactly those of an uploaded file — one path, not two.
- :data:`API_TO_OFFICIAL`: API field → published column (``bizesId`` → ``상가업소번호`` …).
- :func:`api_configured` ``() -> bool``: a key is set (``MODUAI_DATA_GO_KR_KEY``), so the web offers the form.

The wire format (공공데이터포털 ``B553077/api/open/sdsc2``, ``type=json``)::

    {"header": {"description": …, "columns": […], "stdrYm": "202409", "resultCode": "00",
                "resultMsg": "NORMAL SERVICE."},
     "body": {"items": [{"bizesId": …, …, "lon": …, "lat": …}], "numOfRows": 1000, "pageNo": 1,
              "totalCount": 2345}}

Failures, each a Korean message that says what to do:

- the data.go.kr gateway answers errors as XML (``<OpenAPI_ServiceResponse><cmmMsgHeader>
  <returnAuthMsg>SERVICE_KEY_IS_NOT_REGISTERED_ERROR</returnAuthMsg><returnReasonCode>30</…>``) or with
  HTTP 401/403: an unregistered (30), expired (31) or refused (20, 32) key is a :class:`DataUnavailable`
  naming ``MODUAI_DATA_GO_KR_KEY``; it is not retried;
- a rate limit (code 22 ``LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR`` or HTTP 429), a 5xx answer,
  a timeout or a dropped connection is retried with exponential back-off (``Retry-After`` honoured) up to
  ``retries`` times, then reported;
- ``resultCode`` ``03`` (NODATA) is an empty answer, not an error: nothing is stored.

Requests are spaced by at least ``min_interval_s`` (the portal's development keys allow a few thousand
calls a day, and bursts are refused), and the number of pages is capped (``max_pages``) so a wrong
query cannot spend the whole quota.
"""

from __future__ import annotations

import csv
import logging
import math
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from moduai.commerce.importer import ImportReport, import_sangga_files
from moduai.commerce.sangga_csv import IMPORTED_DATASET, check_snapshot_id, infer_snapshot
from moduai.commerce.store import OFFICIAL_COLUMNS
from moduai.config import get_settings
from moduai.errors import DataUnavailable, InputError, failure_words, http_status_words
from moduai.housekeeping import spooled_upload_folder
from moduai.params import check

if TYPE_CHECKING:
    import httpx

DEFAULT_BASE_URL = "https://apis.data.go.kr/B553077/api/open/sdsc2"
API_DATASET = "sangga-api"
KEY_ENV = "MODUAI_DATA_GO_KR_KEY"
MAX_RADIUS_M = 2000.0  # the API's own limit for storeListInRadius
MAX_ROWS_PER_PAGE = 1000  # the API's own limit for numOfRows
log = logging.getLogger("moduai.commerce.sdsc_api")

# The API's 39 item fields, in the order of the published CSV's 39 columns (same data, English names).
API_FIELDS: tuple[str, ...] = (
    "bizesId", "bizesNm", "brchNm", "indsLclsCd", "indsLclsNm", "indsMclsCd", "indsMclsNm", "indsSclsCd",
    "indsSclsNm", "ksicCd", "ksicNm", "ctprvnCd", "ctprvnNm", "signguCd", "signguNm", "adongCd", "adongNm",
    "ldongCd", "ldongNm", "lnoCd", "plotSctCd", "plotSctNm", "lnoMnno", "lnoSlno", "lnoAdr", "rdnmCd", "rdnm",
    "bldMnno", "bldSlno", "bldMngNo", "bldNm", "rdnmAdr", "oldZipcd", "newZipcd", "dongNo", "flrNo", "hoNo",
    "lon", "lat",
)
API_TO_OFFICIAL: dict[str, str] = dict(zip(API_FIELDS, OFFICIAL_COLUMNS, strict=True))

# Gateway / header codes (공공데이터포털 공통 오류 코드)
_KEY_CODES = {
    "20": "서비스 접근이 거부되었습니다: 이 키로 상가(상권)정보 API 활용 신청이 승인되었는지 확인해 주세요",
    "30": "등록되지 않은 서비스 키입니다",
    "31": "서비스 키의 활용 기간이 끝났습니다: 공공데이터포털 마이페이지에서 활용 기간을 연장해 주세요",
    "32": "등록되지 않은 IP에서 호출했습니다",
}
_RATE_CODES = {"22"}
_NODATA_CODES = {"03"}
_NAMED_CODES = {
    "SERVICE_ACCESS_DENIED_ERROR": "20", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR": "22",
    "SERVICE_KEY_IS_NOT_REGISTERED_ERROR": "30", "DEADLINE_HAS_EXPIRED_ERROR": "31", "UNREGISTERED_IP_ERROR": "32",
    "NODATA_ERROR": "03",
}


@dataclass
class FetchReport:
    """What one fetch asked, received and stored (``imported`` is the CSV importer's own report)."""

    operation: str
    query: dict[str, str]
    stdr_ym: str | None
    snapshot: str | None
    total_count: int
    rows_received: int
    pages: int
    requests: int
    retries: int
    imported: ImportReport | None
    message: str
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=lambda: [API_DATASET, IMPORTED_DATASET])

    @property
    def rows_ok(self) -> int:
        return self.imported.rows_ok if self.imported else 0

    @property
    def rows_rejected(self) -> int:
        return self.imported.rows_rejected if self.imported else 0

    def to_dict(self) -> dict:
        """The document CLI ``--json`` and the web share (never the service key)."""
        return {
            "operation": self.operation, "query": self.query, "stdr_ym": self.stdr_ym, "snapshot": self.snapshot,
            "total_count": self.total_count, "rows_received": self.rows_received, "pages": self.pages,
            "requests": self.requests, "retries": self.retries, "rows_ok": self.rows_ok,
            "rows_rejected": self.rows_rejected, "message": self.message, "notes": self.notes,
            "imported": self.imported.to_dict() if self.imported else None, "sources": self.sources,
        }


class _Retryable(Exception):
    def __init__(self, reason: str, wait_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait_s = wait_s


def api_configured() -> bool:
    """True when the user gave a service key (``MODUAI_DATA_GO_KR_KEY``)."""
    return bool(get_settings().data_go_kr_key)


def _key_error(code: str, what: str) -> DataUnavailable:
    reason = _KEY_CODES.get(code) or http_status_words(int(code))  # the portal's own text stays in detail
    return DataUnavailable(
        f"공공데이터포털이 서비스 키를 받아들이지 않았습니다: {reason}. {KEY_ENV}에 본인의 '일반 인증키'를 "
        "넣었는지, 상가(상권)정보 API 활용 신청이 승인되었는지 확인해 주세요 (새 키는 승인 뒤 한두 시간이 지나야 "
        "쓸 수 있습니다).",
        detail=f"data.go.kr refused the key: code {code} {what}",
    )


def _gateway_xml(text: str) -> tuple[str, str] | None:
    """(code, message) of a data.go.kr gateway XML error, or None when the text is not one."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return None
    code = (root.findtext(".//returnReasonCode") or root.findtext(".//resultCode") or "").strip()
    msg = (root.findtext(".//returnAuthMsg") or root.findtext(".//errMsg") or root.findtext(".//resultMsg") or "").strip()
    if not code and msg in _NAMED_CODES:
        code = _NAMED_CODES[msg]
    return (code.lstrip("0").zfill(2) if code else "", msg) if (code or msg) else None


def _parse_page(resp: httpx.Response) -> tuple[dict, list[dict]]:
    """(header, items) of one answer; raises DataUnavailable / _Retryable for the failures above."""
    status = resp.status_code
    if status == 429:
        raise _Retryable(http_status_words(429), _retry_after(resp))
    if status >= 500:
        raise _Retryable(f"공공데이터포털 {http_status_words(status)}", _retry_after(resp))
    text = resp.text.strip()
    if text.startswith("<"):
        err = _gateway_xml(text)
        code, msg = err if err else ("", text[:80])
        if code in _RATE_CODES:
            raise _Retryable("호출 한도 초과", _retry_after(resp))
        if code in _KEY_CODES or status in (401, 403):
            raise _key_error(code if code in _KEY_CODES else str(status), msg)
        if code in _NODATA_CODES:
            return {"resultCode": "03"}, []
        raise DataUnavailable(
            f"상가(상권)정보 API가 오류로 답했습니다 ({f'오류 코드 {code}' if code else http_status_words(status)}). "
            "잠시 뒤 다시 시도해 주세요.",
            detail=f"gateway error {code} {msg} HTTP {status}",
        )
    if status in (401, 403):
        raise _key_error(str(status), f"HTTP {status}")
    if status >= 400:
        raise DataUnavailable(f"상가(상권)정보 API가 오류로 답했습니다 ({http_status_words(status)}). 조회 조건을 확인해 주세요.",
                              detail=f"HTTP {status}: {text[:200]}")
    try:
        doc = resp.json()
    except ValueError:
        raise DataUnavailable("상가(상권)정보 API의 답을 읽을 수 없습니다 (JSON이 아닙니다). 잠시 뒤 다시 시도해 주세요.",
                              detail=f"not JSON: {text[:200]}") from None
    header = doc.get("header") or {}
    code = str(header.get("resultCode", "")).strip()
    if code in _NODATA_CODES:
        return header, []
    if code in _RATE_CODES:
        raise _Retryable("호출 한도 초과", _retry_after(resp))
    if code in _KEY_CODES:
        raise _key_error(code, str(header.get("resultMsg", "")))
    if code not in ("00", "0"):
        raise DataUnavailable(
            f"상가(상권)정보 API가 오류로 답했습니다 (오류 코드 {code}). 조회 조건을 확인해 주세요.",
            detail=f"resultCode {code}: {header.get('resultMsg', '')}",
        )
    body = doc.get("body") or {}
    items = body.get("items") or []
    if isinstance(items, dict):  # some gateways wrap the list: {"item": [...]}
        items = items.get("item") or []
    if isinstance(items, dict):
        items = [items]
    header = dict(header)
    header["_totalCount"] = int(body.get("totalCount") or 0)
    return header, list(items)


def _retry_after(resp: httpx.Response) -> float | None:
    v = resp.headers.get("Retry-After")
    try:
        return float(v) if v else None
    except ValueError:
        return None


def _query(dong: str | None, lat, lon, radius_m, major: str | None) -> tuple[str, dict[str, str], str]:
    """(operation, query parameters, a short file-name tag) from the user's arguments (validated)."""
    if (dong is None) == (radius_m is None):
        raise InputError("행정동 코드('dong') 또는 반경('radius')과 좌표 중 하나만 주세요.", field="dong",
                         detail="exactly one of dong / radius")
    params: dict[str, str] = {}
    if major:
        m = str(major).strip().upper()
        if not re.fullmatch(r"[A-Z]\d", m):
            raise InputError(f"업종 대분류 코드('major')는 'I2'처럼 영문 한 글자와 숫자 하나입니다. 받은 값: {major!r}.",
                             field="major")
        params["indsLclsCd"] = m
    if dong is not None:
        d = str(dong).strip()
        if not re.fullmatch(r"\d{8}|\d{10}", d):
            raise InputError(
                f"행정동 코드('dong')는 8자리(예: 11230710 회기동) 또는 10자리 숫자여야 합니다. 받은 값: {dong!r}.",
                field="dong")
        params.update(divId="adongCd", key=d)
        return "storeListInDong", params, f"dong{d}"
    r = check("radius", radius_m)
    if r > MAX_RADIUS_M:
        raise InputError(f"'radius'(반경)는 상가(상권)정보 API에서 {MAX_RADIUS_M:,.0f} m까지입니다. 받은 값: {r:,.0f} m.",
                         field="radius")
    if lat is None or lon is None:
        raise InputError("반경으로 받으려면 위도('lat')와 경도('lon')를 함께 주세요.", field="lat")
    la, lo = check("lat", lat), check("lon", lon)
    params.update(radius=f"{r:.0f}", cx=f"{lo:.7f}", cy=f"{la:.7f}")
    return "storeListInRadius", params, f"r{r:.0f}m_{la:.5f}_{lo:.5f}"


def fetch_stores(
    dong: str | None = None,
    *,
    lat: float | None = None,
    lon: float | None = None,
    radius_m: float | None = None,
    major: str | None = None,
    snapshot: str | None = None,
    service_key: str | None = None,
    base_url: str | None = None,
    page_size: int = MAX_ROWS_PER_PAGE,
    max_pages: int = 200,
    retries: int = 4,
    backoff_s: float = 1.0,
    min_interval_s: float = 0.2,
    timeout_s: float = 20.0,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    progress: Callable[[int, int], None] | None = None,
    structures_progress: Callable[[int, int], None] | None = None,
) -> FetchReport:
    """Fetch one 행정동 or one circle of stores from the API and store them as a snapshot.

    Parameters
    ----------
    dong : str, optional
        행정동 code, 8 digits as in the published files (``11230710`` 회기동); or give ``lat``/``lon``/``radius_m``.
    lat, lon, radius_m : float, optional
        Centre (WGS84 degrees) and radius in metres (at most 2,000, the API's limit).
    major : str, optional
        Only this 대분류 (``I2`` 음식). A snapshot holding only some 대분류 is marked so by the importer's
        coverage facts; the gap and saturation analyses compare only the 대분류 present.
    snapshot : str, optional
        ``2024Q3``; default: the quarter of the answer's ``stdrYm``.
    service_key : str, optional
        Default ``MODUAI_DATA_GO_KR_KEY``. Either of the portal's two forms (URL-encoded or not) works.
    progress, structures_progress : callable, optional
        ``progress(rows_received, rows_total)`` after each page; ``structures_progress(steps_done, steps_total)``
        while the snapshot's analysis files are built after the rows are stored.

    Returns
    -------
    FetchReport
        Counts of pages, requests and retries, and the importer's report (rows stored, rows rejected).

    Raises
    ------
    DataUnavailable
        No key, a key the portal refuses (unregistered, expired), or the API still failing after the retries.
    InputError
        Bad arguments, or no quarter in the answer and none given.
    """
    operation, params, tag = _query(dong, lat, lon, radius_m, major)
    settings = get_settings()
    key = (service_key or settings.data_go_kr_key or "").strip()
    if not key:
        raise DataUnavailable(
            f"공공데이터포털 서비스 키가 없습니다. 공공데이터포털에서 '소상공인시장진흥공단_상가(상권)정보' 활용 신청을 한 뒤 "
            f"받은 인증키를 환경 변수 {KEY_ENV}에 넣어 주세요. 키 없이는 내장 자료와 CSV 가져오기만 쓸 수 있습니다.",
            detail=f"{KEY_ENV} is not set",
        )
    import httpx  # deferred: httpx ≈ 0.1 s to import; only a fetch from the portal needs it

    if "%" in key:  # the portal shows an URL-encoded and a decoded key; httpx encodes once, so send the decoded one
        key = unquote(key)
    page_size = max(1, min(int(page_size), MAX_ROWS_PER_PAGE))
    url = (base_url or settings.data_go_kr_url or DEFAULT_BASE_URL).rstrip("/") + "/" + operation
    state = {"requests": 0, "retries": 0, "last": 0.0}
    items: list[dict] = []
    notes: list[str] = []
    header: dict = {}
    total = 0
    pages = 0
    with httpx.Client(timeout=httpx.Timeout(timeout_s, connect=min(5.0, timeout_s)), transport=transport,
                      headers={"Accept": "application/json"}, follow_redirects=True) as client:

        def get(page_no: int) -> tuple[dict, list[dict]]:
            q = {"serviceKey": key, "pageNo": str(page_no), "numOfRows": str(page_size), "type": "json", **params}
            for attempt in range(retries + 1):
                wait = state["last"] + min_interval_s - clock()
                if state["requests"] and wait > 0:
                    sleep(wait)
                state["requests"] += 1
                state["last"] = clock()
                try:
                    return _parse_page(client.get(url, params=q))
                except (_Retryable, httpx.TimeoutException, httpx.TransportError) as exc:
                    reason = exc.reason if isinstance(exc, _Retryable) else failure_words(exc)
                    log.warning("store API attempt %d/%d failed: %s: %s", attempt + 1, retries + 1,
                                type(exc).__name__, exc)
                    if attempt == retries:
                        raise DataUnavailable(
                            f"상가(상권)정보 API가 {retries + 1}번 시도에도 답하지 않았습니다 ({reason}). "
                            "호출 한도를 넘었다면 내일 다시, 아니면 잠시 뒤 다시 시도해 주세요.",
                            detail=f"gave up after {retries + 1} attempts (each failure is in the log)",
                        ) from None
                    hinted = exc.wait_s if isinstance(exc, _Retryable) else None
                    state["retries"] += 1
                    sleep(min(60.0, hinted if hinted is not None else backoff_s * 2 ** attempt))
            raise AssertionError("unreachable")  # pragma: no cover

        page_no = 1
        while True:
            h, page_items = get(page_no)
            pages += 1
            if page_no == 1:
                header = h
                total = int(h.get("_totalCount") or 0)
            elif h.get("_totalCount") not in (None, total):
                notes.append(f"조회 중 전체 건수가 {total:,}에서 {int(h['_totalCount']):,}(으)로 바뀌었습니다 "
                             "(자료가 갱신되는 중일 수 있습니다).")
            if h.get("stdrYm") and header.get("stdrYm") and h["stdrYm"] != header["stdrYm"]:
                raise DataUnavailable(
                    f"조회 중 기준연월이 {header['stdrYm']}에서 {h['stdrYm']}(으)로 바뀌었습니다 (분기 자료 갱신 중). "
                    "두 분기가 섞이지 않도록 저장하지 않았습니다; 다시 받아 주세요.",
                    detail="stdrYm changed between pages")
            items.extend(page_items)
            if progress is not None:
                progress(len(items), max(total, len(items)))
            if not page_items or len(items) >= total or len(page_items) < page_size:
                break
            if pages >= max_pages:
                notes.append(f"쪽 수 한도({max_pages}쪽)에 닿아 {len(items):,}/{total:,}건만 받았습니다. "
                             "더 좁은 범위(행정동·반경·업종)로 나누어 받아 주세요.")
                break
            page_no += 1

    stdr = str(header.get("stdrYm") or "").strip() or None
    query = {k: v for k, v in params.items()}
    if not items:
        return FetchReport(operation, query, stdr, None, total, 0, pages, state["requests"], state["retries"], None,
                           "조건에 맞는 점포가 없습니다 (아무것도 저장하지 않았습니다).", notes)
    if snapshot:
        sid = check_snapshot_id(snapshot)
    elif stdr and re.fullmatch(r"20\d{2}(0[1-9]|1[0-2])", stdr):
        sid = infer_snapshot(stdr)
    else:
        raise InputError("API 답에 기준연월이 없어 분기를 알 수 없습니다. 기준 분기(snapshot)를 '2024Q3'처럼 적어 주세요.",
                         field="snapshot", detail="no stdrYm in the answer: give --snapshot 2024Q3")
    if len(items) < total:
        notes.append(f"전체 {total:,}건 가운데 {len(items):,}건을 받았습니다.")
    imported = _store(items, operation, tag, stdr or sid, sid, structures_progress)
    return FetchReport(operation, query, stdr, sid, total, len(items), pages, state["requests"], state["retries"],
                       imported, "이미 가져옴" if imported.already_imported else "가져오기 완료", notes)


def _store(items: list[dict], operation: str, tag: str, when: str, snapshot: str,
           structures_progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Write the items as a published-format CSV and hand it to the CSV importer (the one storage path), which
    also builds the snapshot's analysis files."""
    with spooled_upload_folder() as tmp:
        path = Path(tmp) / f"sdsc2_{operation}_{tag}_{when}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, quoting=csv.QUOTE_MINIMAL)
            w.writerow(OFFICIAL_COLUMNS)
            for it in items:
                w.writerow(["" if it.get(f) is None else _cell(it.get(f)) for f in API_FIELDS])
        report = import_sangga_files([path], snapshot=snapshot, structures_progress=structures_progress)
    report.sources = [API_DATASET] + [s for s in report.sources if s != API_DATASET]
    return report


def _cell(v) -> str:
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else ""
    return str(v).replace("\r", " ").replace("\n", " ")
