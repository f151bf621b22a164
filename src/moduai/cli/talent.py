"""`moduai talent` commands (thin: parse, call the domain, render)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from moduai.cli.output import JSON_OPTION, console, emit, working

app = typer.Typer(no_args_is_help=True)


def _pct(v) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


@app.command("outcomes")
def outcomes_cmd(
    by: str = typer.Option("sido", "--by", help="묶음: sido | megaregion | capital | ncs | institution | year"),
    top: int = typer.Option(20, "--top", help="기관 순위에서 보여 줄 수"),
    as_json: bool = JSON_OPTION,
) -> None:
    """K-디지털 트레이닝 성과: 정원 → 신청 → 수료 → 취업(3·6개월), 집중도, 기관 순위."""
    from moduai.talent.outcomes import outcomes_report

    with working("K-디지털 트레이닝 자료를 읽는 중…"):
        report = outcomes_report(by, top_institutions=top)

    def render(r) -> None:
        f = r.funnel
        console.print(f"[bold]K-디지털 트레이닝 성과[/] · {f.by_label}별 · 자료 기준일 {r.cutoff}")
        t = Table(f.by_label, "회차", "정원", "신청", "수료", "수료율", "3개월 취업률", "6개월 취업률 (95% 구간)")
        for x in [*f.rows, f.total]:
            t.add_row(x.label, f"{x.runs:,}", f"{x.capacity:,}", f"{x.applicants:,}", f"{x.graduates:,}",
                      _pct(x.completion_rate), _pct(x.rate3),
                      f"{_pct(x.rate6)} ({_pct(x.rate6_low)}–{_pct(x.rate6_high)})")
        console.print(t)
        c = r.concentration
        console.print(f"집중도(허핀달·허시먼 지수): 시도 {c.hhi_runs_sido:,.0f}, 훈련기관 {c.hhi_runs_institution:,.0f} (회차 기준)")
        for s in r.statement.sentences:
            console.print(f"· {s}")
        for n in f.notes:
            console.print(f"[dim]※ {n}[/]")

    emit(report, as_json, render)


def _constraints(items: list[str] | None, kind: str) -> dict[str, float]:
    from moduai.talent.matching import parse_constraint_args

    return parse_constraint_args(items, kind)


@app.command("match")
def match_cmd(
    trainees: Path = typer.Option(..., "--trainees", help="훈련생 CSV/XLSX (양식: moduai talent demo)"),
    slots: Path = typer.Option(..., "--slots", help="자리 CSV/XLSX"),
    cap: list[str] = typer.Option(None, "--cap", help="권역 상한: 권역=비율(0–1) 또는 인원 (예: 수도권=0.3), 여러 번"),
    floor: list[str] = typer.Option(None, "--floor", help="권역 하한: 권역=인원 (예: 호남권=20), 여러 번"),
    seed: int = typer.Option(0, "--seed", help="동점 추첨 시드 (같은 시드 → 같은 결과)"),
    explain: str = typer.Option(None, "--explain", help="결과를 설명할 훈련생ID"),
    as_json: bool = JSON_OPTION,
) -> None:
    """훈련생을 자리에 배정: 지연수락, 권역 상한·하한이 있으면 Kamada–Kojima 유연한 지연수락."""
    from moduai.talent.preferences import match_report

    report, _ = match_report(trainees, slots, _constraints(cap, "cap"), _constraints(floor, "floor"),
                             seed=seed, explain=explain)

    def render(rep) -> None:
        r = rep.result
        if rep.label:
            console.print(f"[yellow]{rep.label}[/]")
        console.print(f"[bold]{r.mechanism_label}[/]")
        console.print(f"배정률 {_pct(r.match_rate)} ({r.placed:,}/{r.trainees:,}명) · 참고: {r.nrmp_note}")
        console.print("받은 지망: " + ", ".join(f"{k} {v:,}" for k, v in r.rank_distribution.items()))
        t = Table("권역", "자리", "정원", "배정", "빈 자리", "상한", "하한")
        for g in r.regions:
            t.add_row(g.name, f"{g.slots:,}", f"{g.seats:,}", f"{g.filled:,}", f"{g.unfilled:,}",
                      "—" if g.cap is None else f"{g.cap:,}", "—" if g.floor is None else f"{g.floor:,}")
        console.print(t)
        console.print(f"차단쌍(blocking pair) {r.blocking_pairs:,} · 정당한 시기(justified envy) {r.justified_envy_pairs:,}"
                      f" · 상한 때문에 막힌 쌍 {r.cap_blocked_pairs:,}")
        if r.welfare:
            w = r.welfare
            console.print(f"제약의 비용: {w.worse:,}명이 더 낮은 지망을 받음 (그중 {w.newly_unplaced:,}명은 미배정), {w.same:,}명 같음")
        for x in r.warnings:
            console.print(f"[yellow]※ {x}[/]")
        if rep.explanation:
            console.print(f"[bold]{rep.explanation.trainee_id}[/]")
            for line in rep.explanation.lines:
                console.print(f"  · {line}")

    emit(report, as_json, render)


@app.command("retention")
def retention_cmd(file: Path = typer.Argument(..., help="배정 이력 CSV/XLSX"), as_json: bool = JSON_OPTION) -> None:
    """배정 1년·3년 뒤 지역 잔류율 (프로그램·시도·5극3특별)."""
    from moduai.talent.retention import retention

    result = retention(file)

    def render(r) -> None:
        for title, rows in (("프로그램", r.by_program), ("시도", r.by_region), ("5극3특", r.by_megaregion)):
            t = Table(title, "배정", "1년 잔류 (확인)", "3년 잔류 (확인)", "미확인 1년/3년")
            for x in [*rows, r.total]:
                t.add_row(x.label, f"{x.placements:,}", f"{_pct(x.rate_1y)} ({x.observed_1y:,})",
                          f"{_pct(x.rate_3y)} ({x.observed_3y:,})", f"{x.unknown_1y:,}/{x.unknown_3y:,}")
            console.print(t)
        for n in r.rules:
            console.print(f"[dim]※ {n}[/]")

    emit(result, as_json, render)


@app.command("demo")
def demo_cmd(
    out: Path = typer.Option(Path("talent_demo"), "--out", help="파일을 쓸 폴더"),
    trainees: int = typer.Option(300, "--trainees", help="합성 훈련생 수"),
    slots: int = typer.Option(60, "--slots", help="합성 자리 수"),
    seed: int = typer.Option(0, "--seed"),
    as_json: bool = JSON_OPTION,
) -> None:
    """예시 파일 쓰기: 합성 훈련생·자리·배정 이력과 빈 양식(CSV·XLSX)."""
    from moduai.talent.preferences import write_demo

    result = write_demo(out, trainees, slots, seed=seed)

    def render(r) -> None:
        console.print(f"[yellow]{r.label}[/] 파일을 썼습니다:")
        for f in r.files:
            console.print(f"  {f}")
        console.print(f"다음: moduai talent match --trainees {r.files[0]} --slots {r.files[1]} --cap 수도권=0.6")

    emit(result, as_json, render)
