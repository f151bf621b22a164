"""`moduai grants` commands (thin: parse, call one domain function, render)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from moduai.cli.output import JSON_OPTION, console, emit, working
from moduai.korean import won

app = typer.Typer(no_args_is_help=True)


@app.command("schemes")
def schemes_cmd(as_json: bool = JSON_OPTION) -> None:
    """내장된 배분 방식(날짜가 있는 YAML) 목록."""
    from moduai.grants import list_schemes

    emit({"schemes": [s.summary() for s in list_schemes()]}, as_json, _render_schemes)


def _render_schemes(r: dict) -> None:
    t = Table("id", "이름", "연도", "예산")
    for s in r["schemes"]:
        t.add_row(s["id"], s["name"], str(s["year"]), won(s["budget_krw"]))
    console.print(t)


@app.command("simulate")
def simulate_cmd(
    scheme: str = typer.Option("pogwal-2026", "--scheme", help="배분 방식 id (moduai grants schemes)"),
    budget: str = typer.Option(None, "--budget", help="예산 (예: 10.6조, 3.8조). 없으면 방식의 예산"),
    top: int = typer.Option(20, "--top", min=1, max=500, help="화면에 보일 시군구 수 (--json은 전부)"),
    as_json: bool = JSON_OPTION,
) -> None:
    """배분 모의실험: 모든 시군구의 배분액과 항목별 기여, 1인당 금액, 지방비 부담."""
    from moduai.grants import allocate

    with working("배분을 계산하는 중…"):
        result = allocate(scheme, budget=budget)
    emit(result, as_json, lambda r: _render_allocation(r, top))


def _render_allocation(r, top: int) -> None:
    console.print(f"[bold]{r.scheme['name']}[/] — 예산 {won(r.budget_krw)}, 배분 {won(r.allocated_krw)}, "
                  f"유보 {won(r.reserve_krw)}")
    console.print(f"분류: {r.class_source} — " + ", ".join(f"{k} {v}곳" for k, v in r.class_counts.items()))
    t = Table("시군구", "분류", "등급", "배분액", "1인당", "지방비 부담")
    for row in r.rows[:top]:
        t.add_row(row.name, row.cls, row.grade or "—", won(row.amount_krw), f"{row.per_capita_krw:,.0f}원",
                  won(row.local_share_krw))
    console.print(t)
    for n in r.notes:
        console.print(f"[dim]{n}[/]")


@app.command("compare")
def compare_cmd(
    a: str = typer.Argument(..., help="방식 A id"),
    b: str = typer.Argument(..., help="방식 B id"),
    budget_a: str = typer.Option(None, "--budget-a", help="A의 예산 (예: 3.8조)"),
    budget_b: str = typer.Option(None, "--budget-b", help="B의 예산 (예: 10.6조)"),
    top: int = typer.Option(10, "--top", min=1, max=500),
    as_json: bool = JSON_OPTION,
) -> None:
    """두 방식(또는 두 예산) 비교: 늘어나는 곳·줄어드는 곳, 격차의 변화."""
    from moduai.grants.simulate import compare_schemes

    with working("두 배분을 계산하는 중…"):
        result = compare_schemes(a, b, budget_a=budget_a, budget_b=budget_b)
    emit(result, as_json, lambda r: _render_compare(r, top))


def _render_compare(r, top: int) -> None:
    console.print(f"늘어나는 곳 {r.winners}곳, 줄어드는 곳 {r.losers}곳, 같은 곳 {r.unchanged}곳")
    console.print(r.verdict)
    t = Table("시군구", "A", "B", "변화")
    for row in r.rows[:top] + r.rows[-top:]:
        t.add_row(row.name, won(row.amount_a_krw), won(row.amount_b_krw), f"{row.change_krw / 1e8:+,.1f}억")
    console.print(t)


@app.command("sensitivity")
def sensitivity_cmd(
    scheme: str = typer.Option("pogwal-2026", "--scheme"),
    region: str = typer.Option(None, "--region", help="한 시군구만 보기 (이름 또는 코드)"),
    as_json: bool = JSON_OPTION,
) -> None:
    """민감도: 항목 비중·가중치를 조금 바꿀 때 배분액이 얼마나 움직이는지."""
    from moduai.grants.simulate import sensitivity
    from moduai.regions import resolve_region

    code = None if not region else (region if region.isdigit() else resolve_region(region).code)
    with working("민감도를 계산하는 중…"):
        result = {"scheme": scheme, "region": code, "parameters": sensitivity(scheme, code=code)}
    emit(result, as_json, _render_sensitivity)


def _render_sensitivity(r: dict) -> None:
    t = Table("변수", "변화", "평균 |변화율|", "최대", "이 시군구")
    for s in r["parameters"]:
        mine = f"{s.region['change_pct']:+.2f}%" if s.region and s.region.get("change_pct") is not None else "—"
        t.add_row(s.label, s.change, f"{s.mean_abs_pct:.2f}%", f"{s.max_abs_pct:.2f}%", mine)
    console.print(t)


@app.command("portfolio")
def portfolio_cmd(
    projects: Path = typer.Option(None, "--projects", help="사업 목록 CSV/XLSX (moduai grants template로 서식 받기)"),
    budget: str = typer.Option(..., "--budget", help="쓸 수 있는 국비 (예: 120억)"),
    region: str = typer.Option("", "--region", help="지자체 이름 (예: 해남군)"),
    cash: list[str] = typer.Option(None, "--cash", help="연도별 국비 한도, 여러 번 (예: --cash 2026=45억)"),
    local: str = typer.Option(None, "--local", help="지방비 한도 (예: 30억)"),
    field_min: list[str] = typer.Option(None, "--field-min", help="분야 최소 국비 (예: 청년정착=15억)"),
    field_max: list[str] = typer.Option(None, "--field-max", help="분야 최대 국비 (예: 관광=40억)"),
    as_json: bool = JSON_OPTION,
) -> None:
    """사업 조합 최적화 (혼합정수계획): 사업마다 들어간/빠진 이유, 예산에 따른 효율 경계. --projects가 없으면
    해남군 예시."""
    from moduai.grants.portfolio import plan_portfolio

    with working("사업 조합을 푸는 중…"):
        result = plan_portfolio(projects, budget=budget, region=region, yearly_cash=cash, local_funds=local,
                                field_min=field_min, field_max=field_max)
    emit(result, as_json, _render_portfolio)


def _render_portfolio(r) -> None:
    if r.label:
        console.print(f"[yellow]{r.label}[/]")
    console.print(f"[bold]{r.region}[/] 가치 {r.objective:.3f}, 국비 {won(r.grant_used_krw)} / "
                  f"{won(r.rules['grant_krw'])}, 지방비 {won(r.local_used_krw)}")
    console.print("묶인 조건: " + (", ".join(r.binding) or "없음"))
    t = Table("선정", "사업", "분야", "국비", "가치", "이유")
    for d in r.decisions:
        t.add_row("✔" if d.selected else "", d.name, d.field, won(d.grant_cost_krw), f"{d.value:.3f}", d.reason)
    console.print(t)


@app.command("test")
def test_cmd(as_json: bool = JSON_OPTION) -> None:
    """각 배분 방식 YAML에 적힌 계산 예제를 돌려 확인합니다."""
    from moduai.errors import InputError
    from moduai.grants import run_scheme_tests

    results = run_scheme_tests()
    emit({"passed": sum(r.passed for r in results), "failed": sum(not r.passed for r in results),
          "results": results}, as_json, lambda r: console.print(f"통과 {r['passed']}, 실패 {r['failed']}"))
    if any(not r.passed for r in results):
        raise InputError("배분 방식 예제 중 실패한 것이 있습니다.", field="scheme")


@app.command("template")
def template_cmd(out: Path = typer.Argument(..., help="쓸 파일 (예: 사업목록.csv)")) -> None:
    """사업 목록 서식(해남군 예시 내용)을 파일로 씁니다."""
    from moduai.grants.portfolio import DEMO_FILE

    out.write_bytes(DEMO_FILE.read_bytes())
    console.print(f"{out}에 서식을 썼습니다 (예시 내용 — 실제 사업으로 바꿔 쓰세요).")


@app.command("capacity")
def capacity_cmd(
    scheme: str = typer.Option("pogwal-2026", "--scheme"),
    budget: str = typer.Option(None, "--budget"),
    top: int = typer.Option(20, "--top", min=1, max=500),
    as_json: bool = JSON_OPTION,
) -> None:
    """집행 역량: 전국 집행률, 배분을 쓰기 어려울 수 있는 시군구(예시 기준), 기록된 집행 실적."""
    from moduai.grants.capacity import capacity_view

    with working("배분과 재정 여건을 계산하는 중…"):
        result = capacity_view(scheme, budget=budget)
    emit(result, as_json, lambda r: _render_capacity(r, top))


def _render_capacity(r, top: int) -> None:
    for e in r.national:
        console.print(f"지방소멸대응기금 {e.alloc_year}년 배분분: {e.as_of} 기준 집행률 {e.rate_pct}%")
    console.print("기준(예시): " + "; ".join(r.rules.values()))
    t = Table("시군구", "경고")
    for f in r.flagged[:top]:
        t.add_row(f.name, " / ".join(f.flags))
    console.print(t)
