"""`moduai marketing` commands (thin: parse, call the domain, render)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.table import Table

from moduai.cli.output import JSON_OPTION, console, emit, err_console
from moduai.errors import InputError

app = typer.Typer(no_args_is_help=True)


def _read_file(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"파일을 찾을 수 없습니다: {path}", field="file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"폴더가 아니라 CSV 파일을 주세요: {path}", field="file") from exc


def _date(text: str | None, name: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"'{name}' 값은 YYYY-MM-DD 날짜여야 합니다. 받은 값: '{text}'.", field=name) from exc


# ---------------------------------------------------------------------------------------------- copy
def _render_copy(res) -> None:
    console.print(f"[bold]{res.profile.name}[/] · {res.backend['label']} · 계절: {res.season}")
    console.print(f"[dim]{res.trade_area_note}[/]")
    for w in res.profile_warnings:
        console.print(f"[yellow]⚠ 가게 정보의 '{w.found}': {w.reason}[/]")
    for ch in res.channels:
        console.rule(f"{ch.label} (권장 {ch.target_chars}자, 최대 {ch.max_chars}자)")
        for i, v in enumerate(ch.variants, 1):
            console.print(f"[bold]안 {i}[/] ({v.char_count}자{'' if v.within_target else ', 권장보다 김'})")
            console.print(v.text + ("\n" + " ".join(v.hashtags) if v.hashtags else ""), highlight=False)
            if v.fell_back:
                console.print(f"[yellow]{v.reason}[/]")
            for w in v.warnings:
                console.print(f"[yellow]⚠ '{w.found}': {w.reason}[/]")


@app.command("copy")
def copy_cmd(
    profile: Path = typer.Option(..., "--profile", help="가게 정보 YAML (이름, 업종, 위치, 강점, 가격대, 타깃 …); 예시: moduai/marketing/data/example_profile.yaml"),
    channel: list[str] = typer.Option(None, "--channel", help="place, instagram, blog, kakao, flyer, event (여러 번 가능)"),
    variants: int = typer.Option(3, "--variants", help="채널마다 만들 문구 수 (1~3)"),
    month: int = typer.Option(None, "--month", help="계절 문구에 쓸 달 (기본: 이번 달)"),
    as_json: bool = JSON_OPTION,
) -> None:
    """소개글·SNS·전단·이벤트 문구: 채널별 여러 안, 길이 제한, 과장 표현 경고."""
    from moduai.marketing.copy import generate_copy
    from moduai.marketing.profile import load_profile

    chans = [c for item in (channel or []) for c in item.split(",") if c.strip()] or None
    emit(generate_copy(load_profile(profile), chans, variants=variants, month=month), as_json, _render_copy)


# ------------------------------------------------------------------------------------------ calendar
def _render_calendar(cal) -> None:
    console.print(f"[bold]{cal.year}년 {cal.category} 콘텐츠 달력[/]")
    t = Table("날짜", "이름", "구분", "게시 권장일", "게시 아이디어")
    for e in cal.events:
        when = f"{e.date:%m/%d}" + (f"~{e.end_date:%m/%d}" if e.end_date != e.date else "")
        t.add_row(when, e.name + (" (추정)" if e.approximate else ""), e.label or e.kind, f"{e.post_on:%m/%d}", e.idea)
    console.print(t)


@app.command("calendar")
def calendar_cmd(
    year: int = typer.Option(..., "--year", help="연도 (예: 2027)"),
    category: str = typer.Option("일반", "--category", help="업종 (카페, 빵집, 한식, 치킨, 분식, 미용실, 꽃집, 의류, 학원, 일반)"),
    ics: Path = typer.Option(None, "--ics", help="ICS(iCalendar) 파일로도 저장할 경로"),
    as_json: bool = JSON_OPTION,
) -> None:
    """12개월 콘텐츠 달력: 공휴일(음력 포함)·기념일·복날·수능·계절 게시 아이디어, ICS 내보내기."""
    from moduai.marketing.calendar import build_content_calendar, calendar_to_ics
    from moduai.marketing.exports import write_atomic

    cal = build_content_calendar(year, category)
    if ics:  # the document stays the calendar (as GET /api/v1/marketing/calendar); the file is a side note
        path = write_atomic(ics, calendar_to_ics(cal).encode("utf-8"))
        err_console.print(f"ICS 파일: {path}", highlight=False)
    emit(cal, as_json, _render_calendar)


# ------------------------------------------------------------------------------------------- reviews
@dataclass
class ReviewsAnswer:
    analysis: object
    stored: object | None = None
    replies_csv: str | None = None
    sources: list[str] = field(default_factory=list)
    duplicate_rows: list = field(default_factory=list)  # (line, first line): identical rows counted once
    duplicates_note: str | None = None


def _render_reviews(ans: ReviewsAnswer) -> None:
    a = ans.analysis
    console.print(f"리뷰 {a.review_count}건 · 평균 평점 {a.avg_rating if a.avg_rating is not None else '—'} · "
                  + " · ".join(f"{k} {v}" for k, v in a.sentiment_counts.items()))
    t = Table("측면", "언급", "긍정", "긍정 속 아쉬움", "부정")
    for s in a.aspects:
        t.add_row(s.aspect, str(s.mentions), str(s.positive), str(s.conceded), str(s.negative))
    console.print(t)
    for r in a.attention:
        console.print(f"[red]확인 필요[/] {r.line}행 ({', '.join(f.flag for f in r.flags)}): {r.text}", highlight=False)
    for r in a.reviews[:20]:
        console.print(f"[bold]{r.line}행 {r.sentiment_ko}[/] {r.text}\n  → {r.reply}", highlight=False)
    if ans.stored:
        console.print(f"저장됨: 가져오기 {ans.stored.import_id}번 ({ans.stored.shop})")
    if ans.duplicates_note:
        console.print(f"[yellow]중복[/] {ans.duplicates_note}", highlight=False)


@app.command("reviews")
def reviews_cmd(
    file: Path = typer.Argument(..., help="리뷰 CSV (날짜, 평점, 내용[, 작성자]); CSV(UTF-8·CP949) 또는 .xlsx"),
    tone: str = typer.Option("정중", "--tone", help="답글 말투: 정중, 친근, 간결"),
    shop: str = typer.Option(None, "--shop", help="가게 이름: 주면 데이터베이스에 저장하고 답글 초안에 씁니다 (없으면 답글 초안 없음)"),
    replies: Path = typer.Option(None, "--replies-csv", help="답글 초안을 CSV로 저장할 경로"),
    llm: bool = typer.Option(False, "--llm", help="설정된 언어 모델 서버로 급한 리뷰 30건의 답글을 다시 씁니다"),
    as_json: bool = JSON_OPTION,
) -> None:
    """리뷰 분석: 감성·측면(맛, 친절, 가격 …)·월별 추이·확인이 필요한 리뷰·답글 초안."""
    from moduai.marketing.csvio import duplicates_note
    from moduai.marketing.exports import replies_csv, write_atomic
    from moduai.marketing.reviews import analyze_reviews, parse_reviews_csv, validate_tone

    validate_tone(tone)
    data = _read_file(file)
    stored = None
    if shop:
        from moduai.db import migrate
        from moduai.marketing.store import import_reviews, load_reviews

        migrate()
        stored = import_reviews(data, file.name, shop, learn="now")  # a command ends when it is done: learn here
        records = load_reviews(stored.import_id)
        dups = stored.duplicate_rows
    else:
        table, records = parse_reviews_csv(data, file.name)
        dups = table.duplicates
    analysis = analyze_reviews(records, tone=tone, shop=shop)
    if llm:
        from moduai.marketing.reply_llm import polish_replies_with_llm

        analysis = polish_replies_with_llm(analysis, shop=shop or "")
    out = str(write_atomic(replies, replies_csv(analysis))) if replies else None
    emit(ReviewsAnswer(analysis, stored, out, analysis.sources, dups, duplicates_note(dups, "리뷰")), as_json,
         _render_reviews)


# ----------------------------------------------------------------------------------------- customers
@dataclass
class CustomersAnswer:
    analysis: object
    stored: object | None = None
    exports: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    duplicate_rows: list = field(default_factory=list)  # (line, first line): identical rows counted once
    duplicates_note: str | None = None


def _render_customers(ans: CustomersAnswer) -> None:
    a = ans.analysis
    console.print(f"고객 {a.customer_count}명 · 거래 {a.transaction_count}건 · 매출 {a.revenue:,}원 · "
                  f"재방문율 {a.revisit_rate:.1%} · 기준일 {a.as_of}")
    t = Table("세그먼트", "고객 수", "비중", "매출(원)", "추천 쿠폰")
    for s in a.segments:
        t.add_row(s.name, str(s.customers), f"{s.share:.0%}", f"{s.revenue:,}", s.action)
    console.print(t)
    console.print(f"[dim]{a.rules}[/]")
    for p in ans.exports:
        console.print(f"저장: {p}")
    if ans.duplicates_note:
        console.print(f"[yellow]중복[/] {ans.duplicates_note}", highlight=False)


@app.command("customers")
def customers_cmd(
    file: Path = typer.Argument(..., help="매출 장부 CSV (고객번호 또는 전화번호, 날짜, 금액); CSV(UTF-8·CP949) 또는 .xlsx"),
    as_of: str = typer.Option(None, "--as-of", help="최근성 기준일 YYYY-MM-DD (기본: 장부의 마지막 날짜)"),
    shop: str = typer.Option(None, "--shop", help="가게 이름: 주면 데이터베이스에 저장합니다 (마스킹된 값만)"),
    csv_out: Path = typer.Option(None, "--csv", help="세그먼트 표를 CSV로 저장할 경로"),
    xlsx_out: Path = typer.Option(None, "--xlsx", help="세그먼트 표를 엑셀(XLSX)로 저장할 경로"),
    as_json: bool = JSON_OPTION,
) -> None:
    """고객 분석: RFM 1~3점, 세그먼트(챔피언·충성·신규·관심 필요·이탈 위험·휴면), 쿠폰 제안, 재방문율."""
    from moduai.marketing.csvio import duplicates_note
    from moduai.marketing.customers import analyze_customers, parse_ledger_csv
    from moduai.marketing.exports import segments_csv, segments_xlsx, write_atomic

    day = _date(as_of, "as_of")
    data = _read_file(file)
    stored = None
    if shop:
        from moduai.db import migrate
        from moduai.marketing.store import import_ledger, load_sales

        migrate()
        stored = import_ledger(data, file.name, shop)
        sales = load_sales(stored.import_id)
        dups = stored.duplicate_rows
    else:
        table, sales = parse_ledger_csv(data, file.name)
        dups = table.duplicates
    analysis = analyze_customers(sales, as_of=day)
    exports = []
    if csv_out:
        exports.append(str(write_atomic(csv_out, segments_csv(analysis))))
    if xlsx_out:
        exports.append(str(write_atomic(xlsx_out, segments_xlsx(analysis))))
    emit(CustomersAnswer(analysis, stored, exports, analysis.sources, dups, duplicates_note(dups, "매출 장부")),
         as_json, _render_customers)


# -------------------------------------------------------------------------------------------- abtest
def _render_ab(r) -> None:
    console.print(f"A안 {r.a_success}/{r.a_total} = {r.rate_a:.2%} · B안 {r.b_success}/{r.b_total} = {r.rate_b:.2%}")
    console.print(f"z = {r.z:.3f}, p = {r.p_value:.4f}")
    console.print(f"[bold]{r.verdict}[/]")
    for w in r.warnings:
        console.print(f"[yellow]⚠ {w}[/]")


@app.command("abtest")
def abtest_cmd(
    a: str = typer.Option(..., "--a", help="A안 '성공/전체' (예: 120/1000)"),
    b: str = typer.Option(..., "--b", help="B안 '성공/전체' (예: 150/1000)"),
    alpha: float = typer.Option(0.05, "--alpha", help="유의수준 (기본 0.05)"),
    as_json: bool = JSON_OPTION,
) -> None:
    """A/B 테스트: 두 비율 z-검정, p값, 차이의 신뢰구간, 쉬운 말 결론."""
    from moduai.marketing.abtest import parse_arm, two_proportion_test

    xa, na = parse_arm(a, "a")
    xb, nb = parse_arm(b, "b")
    emit(two_proportion_test(xa, na, xb, nb, alpha=alpha), as_json, _render_ab)
