"""`moduai impact` commands (thin: parse, call one domain function, render)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from moduai.cli.output import JSON_OPTION, console, emit, working

app = typer.Typer(no_args_is_help=True)


@app.command("concentration")
def concentration_cmd(file: Path = typer.Argument(..., help="지원 내역 CSV/XLSX (수혜자, 지원일, 금액, 지역코드)"),
                      as_json: bool = JSON_OPTION) -> None:
    """누가 지원을 받았나: 반복 수혜, 첫 수혜, 상위 10 % 몫, 지니계수·허핀달·허시먼 집중도 지수, 인구감소지역·비수도권 비중."""
    from moduai.impact.concentration import concentration_of_file

    emit(concentration_of_file(file), as_json, _render_concentration)


def _pct(v) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _render_concentration(c) -> None:
    console.print(f"지원 {c.awards:,}건, 수혜자 {c.recipients:,}곳, 합계 {c.total_krw:,.0f}원")
    t = Table("지표", "값", "정의")
    for key, label in (("repeat_recipient_share", "반복 수혜자 비율"), ("repeat_amount_share", "반복 수혜자 금액 비중"),
                       ("top10_share", "상위 10 % 몫"), ("decline_area_amount_share", "인구감소지역 금액 비중"),
                       ("non_capital_amount_share", "비수도권 금액 비중")):
        t.add_row(label, _pct(getattr(c, key)), c.definitions.get(key, ""))
    t.add_row("수혜자 지니계수", f"{c.gini_recipients:.3f}", c.definitions["gini_recipients"])
    console.print(t)


@app.command("did")
def did_cmd(study: str = typer.Option("population-decline-2021", "--study", help="내장 연구 id"),
            outcome: str = typer.Option("residents_20_39", "--outcome", help="residents_20_39 | population"),
            control: str = typer.Option("non_designated", "--control", help="non_designated | interest"),
            as_json: bool = JSON_OPTION) -> None:
    """내장 연구: 2021년 인구감소지역 지정이 인구 추세를 바꿨는가 (이중차분, 사건연구, 가짜 연도 검사)."""
    from moduai.errors import InputError
    from moduai.impact.study import decline_study

    if study != "population-decline-2021":
        raise InputError(f"내장 연구는 population-decline-2021 하나입니다. 받은 값: '{study}'.", field="study")
    with working("패널 회귀와 부트스트랩을 계산하는 중…"):
        result = decline_study(outcome, control)
    emit(result, as_json, _render_study)


def _render_study(s) -> None:
    e = s.estimate
    console.print(f"[bold]{s.outcome_label}[/] — 인구감소지역 {s.n_treated}곳 vs {s.control_label} {s.n_control}곳")
    console.print(f"TWFE {e.estimate:+.4f} (95% {e.ci_low:+.4f} ~ {e.ci_high:+.4f}), {e.inference}")
    t = Table("사건 시점", "계수", "95% 구간")
    for term in s.event_study.terms:
        t.add_row(str(term.event_time), f"{term.estimate:+.4f}", f"{term.ci_low:+.4f} ~ {term.ci_high:+.4f}")
    console.print(t)
    console.print(s.reading)


@app.command("survival")
def survival_cmd(file: Path = typer.Argument(..., help="CSV: group, duration, event[, stratum]"),
                 stratum: bool = typer.Option(False, "--match", help="stratum 열로 정확 매칭"),
                 as_json: bool = JSON_OPTION) -> None:
    """지원 기업과 비교 기업의 생존 곡선 (카플란–마이어, 로그순위 검정)."""
    from moduai.impact.survival import survival_of_file

    emit(survival_of_file(file, match=stratum), as_json, _render_survival)


def _render_survival(r) -> None:
    t = Table("집단", "기업 수", "폐업", "1년", "3년", "5년")
    for c in r.curves:
        t.add_row(c.group, str(c.n), str(c.events), *[_pct(c.at.get(h)) for h in ("1", "3", "5")])
    console.print(t)
    if r.logrank_p is not None:
        console.print(f"로그순위 검정 p = {r.logrank_p:.4f}")
    console.print(f"[dim]{r.caveat}[/]")
