"""Importing real announcement exports: 기업마당 CSV, K-Startup JSON and the daily multi-source feed.

What can be mapped is mapped — ``[경기]`` title prefixes and 소관 기관 → 시도 codes (and a leading
'수원시' → its 시군구), 지원분야 → program kind, 지원대상 → target, dates, HTML → text; K-Startup's
structured 대상연령 / 창업업력 / 지역 / 접수기간 become machine rules.  Every row that cannot be stored is
reported with its line (CSV) or record number (JSON) and a Korean reason, and so is every row stored
with a field left unmapped.  One file is one transaction: either all its accepted rows are stored, or
(on a structural problem) none.  Re-importing is idempotent: programs are keyed by source and source id.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import html
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select

from moduai.config import get_settings
from moduai.db import session_scope
from moduai.db.locks import database_lock
from moduai.db.models import ImportLog
from moduai.errors import ImportRejected, InputError, RowError
from moduai.korean import josa
from moduai.programs import repository
from moduai.programs.catalog import Program, apply_ruleset
from moduai.programs.models import ProgramRow
from moduai.programs.places import SIDO, canonical_megaregion, sido_code_for_name
from moduai.programs.repository import row_to_program
from moduai.programs.rules import dump_yaml, parse_ruleset
from moduai.regions import resolve_region

BIZINFO_COLUMNS = ("id", "title", "author", "excInsttNm", "lcategory", "pubDate", "apply_start", "apply_end",
                   "trgetNm", "description")
BIZINFO_BASE = "https://www.bizinfo.go.kr"
KSTARTUP_URL = "https://www.k-startup.go.kr/web/contents/bizpbanc-ongoing.do?schM=view&pbancSn={}"

DATASETS = {"bizinfo": "programs-bizinfo", "kstartup": "programs-kstartup", "sbiz": "programs-daily-feed",
            "smtech": "programs-daily-feed"}
SOURCE_LABELS = {"bizinfo": "기업마당(bizinfo.go.kr) 지원사업 공고", "kstartup": "K-Startup 사업 공고",
                 "sbiz": "소상공인시장진흥공단 공지", "smtech": "중소기업 기술개발사업 종합관리시스템 공고"}

# 기업마당 지원분야 → program kind.
BIZINFO_KINDS = {"경영": "경영", "기술": "기술·R&D", "금융": "자금·금융", "인력": "인력", "수출": "수출·판로",
                 "내수": "수출·판로", "창업": "창업", "기타": "기타"}
# K-Startup / feed categories → program kind.
FEED_KINDS = {"사업화": "창업", "시설ㆍ공간ㆍ보육": "창업", "시설제공": "창업", "멘토링ㆍ컨설팅ㆍ교육": "교육·부트캠프",
              "컨설팅/멘토링": "경영", "창업교육": "교육·부트캠프", "행사ㆍ네트워크": "창업", "판로ㆍ해외진출": "수출·판로",
              "판로/마케팅": "수출·판로", "글로벌": "수출·판로", "인력": "인력", "자금지원": "자금·금융"}
# Words in a title that name one of the plan's kinds more precisely than the category does.
TITLE_KINDS = (("스마트팜", "스마트팜"), ("스마트농업", "스마트팜"), ("스마트공장", "스마트공장"),
               ("스마트제조", "스마트공장"), ("AI바우처", "AI 바우처"), ("AI 바우처", "AI 바우처"),
               ("인공지능 바우처", "AI 바우처"), ("인턴", "인턴십"), ("부트캠프", "교육·부트캠프"),
               ("아카데미", "교육·부트캠프"), ("디지털 전환", "디지털 전환"), ("디지털전환", "디지털 전환"),
               ("DX", "디지털 전환"), ("귀농", "지역정착"), ("정착", "지역정착"))


@dataclass
class ImportReport:
    """What an import did: counts, every rejected row and every partly mapped row, with reasons."""

    file: str
    format: str
    sha256: str
    records: int
    stored: int
    created: int
    updated: int
    unchanged: int
    rejected: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    already_imported: bool = False
    sources: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.already_imported:
            return (f"{self.file}: 이미 가져옴 — 같은 파일을 이미 가져온 적이 있어 바뀐 것만 반영했습니다 "
                    f"({self.records}건 중 갱신 {self.updated}, 변경 없음 {self.unchanged}, 거부 {len(self.rejected)}건)")
        return (f"{self.file}: {self.records}건 중 {self.stored}건 저장 (새로 {self.created}, 갱신 {self.updated}, "
                f"변경 없음 {self.unchanged}), 거부 {len(self.rejected)}건, 일부 항목 미반영 {len(self.warnings)}건")


# --- text helpers ----------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"(?i)<\s*(br|/p|/div|/li|/tr|/h\d)\s*/?>")


def strip_html(text: str | None) -> str | None:
    """HTML → plain text: block tags become line breaks, entities are decoded, blank runs collapse."""
    if not text:
        return None
    text = _BLOCK.sub("\n", text)
    text = html.unescape(_TAG.sub("", text)).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in text.splitlines()]
    out = "\n".join(ln for ln in lines if ln)
    return out or None


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text in ("", "nan", "NaN", "None") else text


def _iso_date(value: Any) -> dt.date | None:
    text = _clean(value)
    if text is None:
        return None
    m = re.match(r"(\d{4})[-.](\d{1,2})[-.](\d{1,2})", text)
    if not m:
        raise ValueError(text)
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


def _period(text: str | None) -> tuple[dt.date | None, dt.date | None]:
    """'2026.02.09 ~ 2026.03.09' / '2025-03-26 ~ 2025-04-15 16:00' → (start, end)."""
    if not text:
        return None, None
    dates = re.findall(r"(\d{4})[-.](\d{1,2})[-.](\d{1,2})", text)
    if not dates:
        return None, None
    days = [dt.date(int(y), int(m), int(d)) for y, m, d in dates]
    return (days[0], days[-1]) if len(days) > 1 else (None, days[0])


def kind_for(title: str, category: str | None, table: dict[str, str]) -> tuple[str, str | None]:
    """(kind, warning): title words first, then the category table; '기타' with a warning otherwise."""
    compact = title.replace(" ", "")
    for word, kind in TITLE_KINDS:
        if word.replace(" ", "") in compact:
            return kind, None
    if "소상공인" in title:
        return "소상공인", None
    if category and category in table:
        return table[category], None
    return "기타", f"지원분야 '{category}'를 사업 종류로 바꿀 수 없어 '기타'로 저장했습니다" if category else None


_PREFIX = re.compile(r"^\s*\[([^\]]+)\]\s*")


@lru_cache(maxsize=2048)
def _sigungu_in_sido(sido: str, token: str) -> str | None:
    """'41', '수원시' → '41110' via the region spine; None if not a 시군구 of that 시도."""
    try:
        region = resolve_region(f"{SIDO[sido][0]} {token}")
    except Exception:  # noqa: BLE001 - not a place: leave the scope at 시도 level
        return None
    return region.code if region.level in ("sigungu", "gu") and region.sido_code == sido else None


def region_from_title(title: str, author: str | None) -> tuple[dict[str, Any], str, str | None]:
    """(region scope, title without prefix, warning) from a 기업마당 title and its 소관 기관."""
    m = _PREFIX.match(title)
    if not m:
        sido = sido_code_for_name(author or "")
        if sido:
            return {"sido": [sido]}, title, None
        return {"nationwide": True}, title, None
    rest = title[m.end():]
    parts = [p.strip() for p in re.split(r"[ㆍ·,/]", m[1]) if p.strip()]
    if parts == ["전국"]:
        return {"nationwide": True}, rest, None
    if parts == ["비수도권"]:
        return {"exclude_sido": ["11", "28", "41"]}, rest, None
    codes, unknown = [], []
    for part in parts:
        code = sido_code_for_name(part)
        mega = canonical_megaregion(part)
        if code:
            codes.append(code)
        elif mega:
            return {"megaregions": [mega]}, rest, None
        else:
            unknown.append(part)
    if unknown and not codes:
        return {"nationwide": True}, rest, (f"제목의 지역 표시 '[{m[1]}]'를 시도로 바꿀 수 없어 지역 제한 없이 "
                                             f"저장했습니다")
    warning = f"제목의 지역 표시 중 '{', '.join(unknown)}'는 시도가 아니어서 뺐습니다" if unknown else None
    if len(codes) == 1:
        # The leading run of 시군구 names: "수원시 …", "연천군ㆍ포천시ㆍ동두천시 …" (every one, not the 시도).
        first = rest.split(" ", 1)[0]
        names = [n for n in re.split(r"[ㆍ·,/]", first) if n]
        if names and all(re.search(r"(시|군|구)$", n) for n in names):
            found = [_sigungu_in_sido(codes[0], n) for n in names]
            if all(found):
                return {"sigungu": list(dict.fromkeys(found))}, rest, warning
    return {"sido": sorted(set(codes))}, rest, warning


# --- 기업마당 CSV -----------------------------------------------------------------------------------

def _bizinfo_rows(text: str | io.TextIOBase):
    """Yield (first line number, record dict) — line numbers count physical lines (HTML has newlines).

    ``text`` is the whole file or an open text stream (read row by row: the file is never held whole)."""
    reader = csv.DictReader(io.StringIO(text, newline="") if isinstance(text, str) else text)
    missing = [c for c in BIZINFO_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRejected(
            f"기업마당 CSV에 필요한 열이 없습니다: {', '.join(missing)}. 기업마당 공고 목록 내보내기 파일인지 확인하세요.",
            detail=f"columns found: {reader.fieldnames}",
        )
    start = 2
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def map_bizinfo_record(rec: dict[str, Any], line: int) -> tuple[Program | None, list[RowError], RowError | None]:
    """One 기업마당 row → (program, warnings, rejection)."""
    pid, title = _clean(rec.get("id")), _clean(rec.get("title"))
    if not pid:
        return None, [], RowError(line, "공고 id(id)가 비어 있어 저장할 수 없습니다", title)
    if not title:
        return None, [], RowError(line, "공고명(title)이 비어 있어 저장할 수 없습니다", pid)
    warnings: list[RowError] = []
    author = _clean(rec.get("author"))
    if not author:
        return None, [], RowError(line, "소관 기관(author)이 비어 있어 저장할 수 없습니다", pid)
    scope, name, warn = region_from_title(title, author)
    if warn:
        warnings.append(RowError(line, warn, pid))
    kind, warn = kind_for(title, _clean(rec.get("lcategory")), BIZINFO_KINDS)
    if warn:
        warnings.append(RowError(line, warn, pid))
    dates: dict[str, dt.date | None] = {}
    for col in ("pubDate", "apply_start", "apply_end"):
        try:
            dates[col] = _iso_date(rec.get(col))
        except ValueError:
            dates[col] = None
            warnings.append(RowError(line, f"{col} 값 '{rec.get(col)}'가 날짜(YYYY-MM-DD)가 아니어서 비워 두었습니다", pid))
    if dates["apply_start"] and dates["apply_end"] and dates["apply_start"] > dates["apply_end"]:
        warnings.append(RowError(line, "접수 시작일이 마감일보다 늦어 접수 기간을 비워 두었습니다", pid))
        dates["apply_start"] = dates["apply_end"] = None
    link = _clean(rec.get("link"))
    program = Program(
        slug=f"bizinfo-{pid}", name=name.strip(), agency=author, kind=kind, source_kind="bizinfo",
        source_label=SOURCE_LABELS["bizinfo"], dataset_id=DATASETS["bizinfo"],
        target=[t for t in [_clean(rec.get("trgetNm"))] if t], region_scope=scope,
        operator_agency=_clean(rec.get("excInsttNm")), apply_start=dates["apply_start"],
        apply_end=dates["apply_end"], description=strip_html(_clean(rec.get("description"))),
        how_to_apply="\n".join(x for x in (
            f"접수처: {_clean(rec.get('rceptEngnHmpgUrl'))}" if _clean(rec.get("rceptEngnHmpgUrl")) else None,
            f"문의: {_clean(rec.get('refrncNm'))}" if _clean(rec.get("refrncNm")) else None) if x) or None,
        url=(BIZINFO_BASE + link if link and link.startswith("/") else link), source_id=pid,
        source_date=dates["pubDate"],
    )
    return program, warnings, None


# --- K-Startup JSON --------------------------------------------------------------------------------

_AGE = re.compile(r"만\s*(\d+)세\s*(이상|이하)")


def kstartup_rules(rec: dict[str, Any], start: dt.date | None, end: dt.date | None,
                   scope: dict[str, Any], effective: dt.date) -> dict[str, Any]:
    """Machine rules from K-Startup's structured fields (대상연령, 창업업력, 지역, 접수기간)."""
    criteria: list[dict[str, Any]] = []
    age_text = _clean(rec.get("대상연령")) or "전체"
    if age_text != "전체":
        lows = [int(n) for n, kind in _AGE.findall(age_text) if kind == "이상"]
        highs = [int(n) for n, kind in _AGE.findall(age_text) if kind == "이하"]
        # The listed bands are alternatives: open-ended above when any band has no upper bound.
        bands = [b.strip() for b in age_text.split(",")]
        open_top = any("이하" not in b for b in bands)
        crit: dict[str, Any] = {"id": "age", "type": "age_range"}
        if lows:
            crit["min"] = min(lows)
        if highs and not open_top:
            crit["max"] = max(highs)
        if len(crit) > 2:
            criteria.append(crit)
    years_text = _clean(rec.get("창업업력")) or "전체"
    if years_text != "전체":
        parts = [p.strip() for p in years_text.split(",")]
        unders = [int(m[1]) for p in parts if (m := re.match(r"(\d+)년미만", p))]
        pre = "예비창업자" in parts
        if not pre:
            criteria.append({"id": "status", "type": "business_status", "allowed": ["기존"]})
        elif not unders:
            criteria.append({"id": "status", "type": "business_status", "allowed": ["예비"]})
        if unders:
            criteria.append({"id": "business_age", "type": "business_age", "under_years": max(unders)})
    criteria.append({"id": "region", "type": "region", **scope})
    if end:
        window: dict[str, Any] = {"id": "window", "type": "application_window", "end": end}
        if start:
            window["start"] = start
        criteria.append(window)
    return {"version": 1, "effective_from": effective, "note": "K-Startup 목록의 구조화 필드에서 자동 생성",
            "criteria": criteria}


def map_kstartup_record(key: str, rec: dict[str, Any], number: int, today: dt.date):
    sn = _clean(rec.get("pbancSn")) or _clean(key)
    title = _clean(rec.get("title"))
    if not sn:
        return None, [], RowError(number, "공고 번호(pbancSn)가 없어 저장할 수 없습니다", key)
    if not title:
        return None, [], RowError(number, "공고명(title)이 비어 있어 저장할 수 없습니다", sn)
    warnings: list[RowError] = []
    region_text = _clean(rec.get("지역")) or "전국"
    if region_text == "전국":
        scope: dict[str, Any] = {"nationwide": True}
    else:
        codes = [sido_code_for_name(p.strip()) for p in region_text.split(",")]
        if all(codes):
            scope = {"sido": sorted(set(codes))}
        else:
            scope = {"nationwide": True}
            warnings.append(RowError(number, f"지역 '{region_text}'를 시도로 바꿀 수 없어 지역 제한 없이 저장했습니다", sn))
    start, end = _period(_clean(rec.get("접수기간")))
    if end is None:
        warnings.append(RowError(number, f"접수기간 '{rec.get('접수기간')}'에서 마감일을 읽을 수 없습니다", sn))
    kind, warn = kind_for(title, _clean(rec.get("지원분야")), FEED_KINDS)
    if warn:
        warnings.append(RowError(number, warn, sn))
    pub = None
    m = re.match(r"(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일", _clean(rec.get("공고일자")) or "")
    if m:
        pub = dt.date(int(m[1]), int(m[2]), int(m[3]))
    rules = kstartup_rules(rec, start, end, scope, pub or start or today)
    ruleset = parse_ruleset(rules, file="kstartup", program=sn)
    targets = [t.strip() for t in (_clean(rec.get("대상")) or "").split(",") if t.strip() and t.strip() != "전체"]
    program = Program(
        slug=f"kstartup-{sn}", name=title, agency=_clean(rec.get("기관명")) or "K-Startup", kind=kind,
        source_kind="kstartup", source_label=SOURCE_LABELS["kstartup"], dataset_id=DATASETS["kstartup"],
        target=targets, region_scope=scope, operator_agency=_clean(rec.get("담당부서")),
        support="\n".join(rec.get("지원내용") or []) or None,
        how_to_apply="\n".join(re.sub(r"\s+", " ", s) for s in rec.get("신청방법") or []) or None,
        description=_clean(rec.get("공고설명")), url=KSTARTUP_URL.format(sn), source_id=sn, source_date=pub,
    )
    apply_ruleset(program, ruleset, dump_yaml(rules))
    return program, warnings, None


# --- daily feed JSON -------------------------------------------------------------------------------

def map_feed_item(item: dict[str, Any], number: int, feed_date: dt.date | None):
    raw_id, title = _clean(item.get("id")), _clean(item.get("cleanTitle")) or _clean(item.get("title"))
    source = _clean(item.get("source"))
    if not raw_id or not source:
        return None, [], RowError(number, "id 또는 source가 없어 저장할 수 없습니다", title)
    if source not in SOURCE_LABELS:
        return None, [], RowError(number, f"알 수 없는 출처 '{source}' (가능: {', '.join(SOURCE_LABELS)})", raw_id)
    if not title:
        return None, [], RowError(number, "공고명(title)이 비어 있어 저장할 수 없습니다", raw_id)
    source_id = raw_id.removeprefix(f"{source}_")
    warnings: list[RowError] = []
    region = _clean(item.get("regionCategory")) or "전국"
    if region == "전국":
        scope, _name, warn = region_from_title(_clean(item.get("title")) or title, None)
    else:
        code = sido_code_for_name(region)
        if code:
            scope, _name, warn = region_from_title(f"[{region}] {title}", None)
        else:
            scope, warn = {"nationwide": True}, f"지역 '{region}'를 시도로 바꿀 수 없어 지역 제한 없이 저장했습니다"
    if warn:
        warnings.append(RowError(number, warn, raw_id))
    kind, warn = kind_for(title, _clean(item.get("category")), FEED_KINDS)
    if warn:
        warnings.append(RowError(number, warn, raw_id))
    detail = item.get("detail") or {}
    start, end = _period(_clean(detail.get("period")))
    if end is None:
        try:
            end = _iso_date(item.get("date")) if source != "sbiz" else None
        except ValueError:
            end = None
        if end is None:
            warnings.append(RowError(number, "접수 기간이 없어 마감일을 비워 두었습니다", raw_id))
    program = Program(
        slug=f"{source}-{source_id}", name=title, agency=SOURCE_LABELS[source].split(" ")[0].split("(")[0],
        kind=kind, source_kind=source, source_label=SOURCE_LABELS[source], dataset_id=DATASETS[source],
        region_scope=scope, apply_start=start, apply_end=end, description=_clean(detail.get("content")),
        url=_clean(item.get("url")), source_id=source_id, source_date=feed_date,
    )
    return program, warnings, None


# --- the import itself -----------------------------------------------------------------------------

def detect_format(path: Path, text: str) -> str:
    if path.suffix.lower() == ".csv":
        return "bizinfo-csv"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRejected(f"{path.name}: JSON 문법 오류 ({exc.lineno}번째 줄: {exc.msg}). 파일이 온전한지 확인하세요.") from None
    if isinstance(data, dict) and isinstance(data.get("sources"), dict):
        return "feed-json"
    if isinstance(data, dict) and data and all(isinstance(v, dict) and "pbancSn" in v for v in data.values()):
        return "kstartup-json"
    if isinstance(data, list) and data and all(isinstance(v, dict) and "pbancSn" in v for v in data):
        return "kstartup-json"
    raise ImportRejected(
        f"{path.name}: 알 수 없는 형식입니다. 기업마당 CSV, K-Startup 공고 JSON(pbancSn 필드), "
        "일일 피드 JSON(sources.*.items) 중 하나여야 합니다."
    )


def _mapped_records(fmt: str, text: str | io.TextIOBase, *, today: dt.date):
    """Yield (record number, program or None, warnings, rejection or None) one record at a time."""
    if fmt == "bizinfo-csv":
        for line, rec in _bizinfo_rows(text):
            yield (line, *map_bizinfo_record(rec, line))
    elif fmt == "kstartup-json":
        data = json.loads(text if isinstance(text, str) else text.read())
        items = list(data.items()) if isinstance(data, dict) else [(str(i), v) for i, v in enumerate(data)]
        for number, (key, rec) in enumerate(items, start=1):
            yield (number, *map_kstartup_record(key, rec, number, today))
    else:
        data = json.loads(text if isinstance(text, str) else text.read())
        try:
            feed_date = _iso_date(data.get("date"))
        except ValueError:
            feed_date = None
        number = 0
        for _name, source in data["sources"].items():
            for item in (source or {}).get("items") or []:
                number += 1
                if not isinstance(item, dict):
                    yield number, None, [], RowError(number, "항목이 객체(mapping)가 아닙니다", str(item)[:80])
                    continue
                yield (number, *map_feed_item(item, number, feed_date))


def _iter_unique(records, seen: dict[str, int], rejected: list[RowError], warnings: list[RowError]):
    """Programs of ``records`` minus repeats of an announcement id already seen in the file (reported)."""
    for number, program, warns, reject in records:
        warnings.extend(warns)
        if reject is not None:
            rejected.append(reject)
            continue
        if program.slug in seen:
            warnings.append(RowError(number, f"같은 공고 id가 {seen[program.slug]}번 행에도 있어 처음 것만 저장했습니다",
                                     program.source_id))
            continue
        seen[program.slug] = number
        yield number, program


def _counted(items, counter: list[int]):
    for item in items:
        counter[0] += 1
        yield item


def map_file(path: Path, text: str, *, today: dt.date) -> tuple[str, list[tuple[int, Program]], list[RowError],
                                                                  list[RowError], int]:
    """Map a whole file: (format, [(record no, program)], rejected, warnings, records)."""
    fmt = detect_format(path, text)
    rejected: list[RowError] = []
    warnings: list[RowError] = []
    counter = [0]

    unique = list(_iter_unique(_counted(_mapped_records(fmt, text, today=today), counter), {}, rejected, warnings))
    return fmt, unique, rejected, warnings, counter[0]


def _merge_missing(new: Program, old: Program) -> Program:
    """Keep what an earlier, richer import knew when this file leaves a field empty."""
    for name in ("operator_agency", "support", "support_max_krw", "apply_start", "apply_end", "how_to_apply",
                 "description", "url", "source_date"):
        if getattr(new, name) in (None, "") and getattr(old, name) not in (None, ""):
            setattr(new, name, getattr(old, name))
    if not new.target and old.target:
        new.target = old.target
    if new.kind == "기타" and old.kind != "기타":
        new.kind = old.kind
    if new.ruleset is None and old.ruleset is not None:
        apply_ruleset(new, old.ruleset, old.rules_yaml)
    new.status = old.status  # an operator's retirement survives re-imports
    return new


CHUNK = 1000  # programs upserted per step of a streamed CSV import


def scan_file(path: Path) -> tuple[str, str]:
    """(SHA-256, encoding) of ``path`` read in 1 MiB blocks: UTF-8 (BOM or not) when the whole file decodes
    strictly, else CP949 — the file is never held in memory whole."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return digest.hexdigest(), "utf-8-sig" if utf8 else "cp949"


def import_programs_file(path: str | Path, *, today: dt.date | None = None) -> ImportReport:
    """Import one export file into the database, in one transaction.

    CSV files are read as a stream and stored in steps of :data:`CHUNK` programs inside that one
    transaction, so memory stays flat however large the file (a 100 MB 기업마당 export does not need
    1 GB).  Imports are serialised across processes (:func:`moduai.db.locks.database_lock`): two
    identical imports at once → one stores, the other finds the file in the import log and reports
    "이미 가져옴".

    Returns an :class:`ImportReport` listing every rejected and partly mapped row; raises
    :class:`ImportRejected` (nothing stored) when the file itself is unreadable or of an unknown shape.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"파일 {josa(repr(str(path)), '이/가')} 없습니다. 경로를 확인해 주세요.", field="file")
    sha, encoding = scan_file(path)
    today = today or dt.date.today()
    if path.suffix.lower() == ".csv":
        fmt = "bizinfo-csv"
    else:  # JSON exports are small (one day or one listing); they are parsed whole
        try:
            head = path.read_bytes().decode(encoding)
        except UnicodeDecodeError:
            raise ImportRejected(f"{path.name}: UTF-8도 CP949도 아닌 인코딩이라 읽을 수 없습니다.") from None
        fmt = detect_format(path, head)
    rejected: list[RowError] = []
    warnings: list[RowError] = []
    seen: dict[str, int] = {}
    counter = [0]
    sources: set[str] = set()
    total = repository.UpsertCounts()

    def store_chunk(session, chunk: list[tuple[int, Program]]) -> None:
        slugs = [p.slug for _n, p in chunk]
        old_rows = {row.slug: row for row in session.scalars(select(ProgramRow).where(ProgramRow.slug.in_(slugs)))}
        programs = [_merge_missing(p, row_to_program(old_rows[p.slug], today)) if p.slug in old_rows else p
                    for _n, p in chunk]
        counts = repository.upsert_programs(session, programs, author=f"import:{path.name}")
        total.created += counts.created
        total.updated += counts.updated
        total.unchanged += counts.unchanged
        sources.update(p.dataset_id for p in programs)
        session.expunge_all()  # flushed rows leave the session: memory does not grow with the file

    with database_lock(get_settings().database_url, "programs-import"), session_scope() as session:
        already = session.scalar(select(ImportLog.id).where(ImportLog.domain == "programs",
                                                            ImportLog.sha256 == sha)) is not None
        with path.open("r", encoding=encoding, errors="strict", newline="") as fh:
            stream = fh if fmt == "bizinfo-csv" else head
            chunk: list[tuple[int, Program]] = []
            try:
                for item in _iter_unique(_counted(_mapped_records(fmt, stream, today=today), counter), seen, rejected,
                                         warnings):
                    chunk.append(item)
                    if len(chunk) >= CHUNK:
                        store_chunk(session, chunk)
                        chunk = []
                if chunk:
                    store_chunk(session, chunk)
            except UnicodeDecodeError:
                raise ImportRejected(f"{path.name}: UTF-8도 CP949도 아닌 인코딩이라 읽을 수 없습니다.") from None
        stored = len(seen)
        records = counter[0]
        if records and not stored:
            raise ImportRejected(f"{path.name}: {records}건 중 저장할 수 있는 행이 없습니다. 아무것도 저장하지 않았습니다.",
                                 rows=rejected)
        session.add(ImportLog(domain="programs", source_name=path.name, sha256=sha, rows_ok=stored,
                              rows_rejected=len(rejected), note=fmt))
    return ImportReport(file=path.name, format=fmt, sha256=sha, records=records, stored=stored,
                        created=total.created, updated=total.updated, unchanged=total.unchanged,
                        rejected=rejected, warnings=warnings, already_imported=already, sources=sorted(sources))
