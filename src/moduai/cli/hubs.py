"""`moduai hubs` commands (thin: parse, call the domain, render).

The command line acts as the platform's administrator (whoever can run it can read the database), so
commands call the domain with an admin :class:`~moduai.accounts.policy.Principal`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.table import Table

from moduai.cli.output import JSON_OPTION, console, emit, working

app = typer.Typer(no_args_is_help=True)


def _admin():
    from moduai.accounts.policy import Principal

    return Principal(role="admin", user_id=None)


def _session():
    from moduai.db import ensure_migrated, session_scope

    ensure_migrated()
    return session_scope()


@dataclass
class HubList:
    hubs: list
    sources: list[str] = field(default_factory=lambda: ["hubs-records"])


@app.command("create")
def create_cmd(
    name: str = typer.Option(..., "--name", help="거점센터 이름"),
    region: str = typer.Option(..., "--region", help="시도·시군구 이름 또는 행안부 코드 (예: 포항시, 47110)"),
    focus: list[str] = typer.Option(None, "--focus", help="분야 (여러 번): AI 도입, 스마트팜, 제조 AX, 상권·소상공인, 창업 일반, 인재"),
    slug: str = typer.Option(None, "--slug", help="영문 식별자 (예: pohang)"),
    as_json: bool = JSON_OPTION,
) -> None:
    """거점센터(테넌트)를 만듭니다."""
    from moduai.hubs.service import create_hub

    with _session() as s:
        hub = create_hub(s, _admin(), name=name, region=region, focus=focus or [], slug=slug)
    emit(hub, as_json, lambda h: console.print(f"[bold]{h.name}[/] ({h.slug}) · {h.region_name} · {h.megaregion_name}"))


@app.command("list")
def list_cmd(as_json: bool = JSON_OPTION) -> None:
    """거점센터 목록."""
    from moduai.hubs.service import list_hubs

    with _session() as s:
        result = HubList(list_hubs(s, _admin()))

    def render(r: HubList) -> None:
        t = Table("id", "slug", "이름", "지역", "5극3특", "분야", "")
        for h in r.hubs:
            t.add_row(str(h.id), h.slug, h.name, h.region_name, h.megaregion_name, ", ".join(h.focus), h.label or "")
        console.print(t)

    emit(result, as_json, render)


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(None, help="CSV 또는 XLSX 파일", exists=False),
    hub: str = typer.Option(None, "--hub", help="거점센터 slug 또는 id"),
    entity: str = typer.Option(None, "--entity", help="organisations | people | applications | supports | outcomes"),
    template: str = typer.Option(None, "--template", help="이 종류의 빈 양식을 --out 파일로 씁니다"),
    out: Path = typer.Option(None, "--out", help="양식을 쓸 파일 (.csv 또는 .xlsx)"),
    as_json: bool = JSON_OPTION,
) -> None:
    """엑셀·CSV 가져오기 (행마다 오류 보고, 다시 가져와도 중복 없음) 또는 --template 양식 내려받기."""
    from moduai.errors import InputError
    from moduai.hubs import io as IO

    if template:
        target = out or Path(f"hubs_{template}.csv")
        data = IO.template_xlsx(template) if target.suffix.lower() == ".xlsx" else IO.template_csv(template)
        target.write_bytes(data)
        emit({"template": template, "path": str(target), "columns": IO.TEMPLATES[template]["columns"]}, as_json,
             lambda r: console.print(f"양식을 {r['path']}에 썼습니다: {', '.join(r['columns'])}"))
        return
    if file is None or not hub or not entity:
        raise InputError("가져올 파일, --hub, --entity를 모두 적어 주세요 (양식: --template outcomes --out 양식.xlsx).",
                         field="file")
    if not file.exists():
        raise InputError(f"파일을 찾을 수 없습니다: {file}", field="file")
    with working("가져오는 중…"), _session() as s:
        result = IO.import_file(s, _admin(), hub, entity, file.read_bytes(), file.name)
    emit(result, as_json, lambda r: console.print(f"{r.rows}행 읽음 · 새로 저장 {r.inserted} · 이미 있음 {r.unchanged}"))


@app.command("kpis")
def kpis_cmd(
    hub: str = typer.Option(..., "--hub", help="거점센터 slug 또는 id"),
    year: int = typer.Option(None, "--year", help="연도 (기본: 올해)"),
    cohort: int = typer.Option(None, "--cohort", help="기수 id (주면 그 기수만)"),
    as_json: bool = JSON_OPTION,
) -> None:
    """KPI: 정의·분자·분모와 함께 (기록에서 계산, 입력값 없음)."""
    from moduai.hubs.kpis import compute_kpis

    with working("KPI를 계산하는 중…"), _session() as s:
        report = compute_kpis(s, _admin(), hub, year or dt.date.today().year, cohort)

    def render(r) -> None:
        label = f" [yellow]({r.label})[/]" if r.label else ""
        console.print(f"[bold]{r.hub.name}[/]{label} · {r.year}년 (기준일 {r.as_of})")
        t = Table("KPI", "값", "분자", "분모", "단위")
        for k in r.kpis:
            v = "—" if k.value is None else (f"{k.value:.1%}" if k.unit == "비율" else f"{k.value:,}")
            t.add_row(k.name, v, f"{k.numerator:,}", "—" if k.denominator is None else f"{k.denominator:,}", k.unit)
        console.print(t)

    emit(report, as_json, render)


@app.command("export")
def export_cmd(
    hub: str = typer.Option(..., "--hub", help="거점센터 slug 또는 id"),
    year: int = typer.Option(..., "--year", help="연도"),
    out: Path = typer.Option(None, "--out", help="XLSX 파일 (기본: <hub>_<year>_성과보고.xlsx)"),
    as_json: bool = JSON_OPTION,
) -> None:
    """연도별 성과 보고 XLSX."""
    from moduai.hubs.io import performance_report_xlsx

    target = out or Path(f"{hub}_{year}_성과보고.xlsx")
    with working("성과 보고를 만드는 중…"), _session() as s:
        data = performance_report_xlsx(s, _admin(), hub, year)
    target.write_bytes(data)
    emit({"hub": hub, "year": year, "path": str(target), "bytes": len(data)}, as_json,
         lambda r: console.print(f"{r['path']} ({r['bytes']:,} bytes)"))


@app.command("demo")
def demo_cmd(
    slug: str = typer.Option("demo", "--slug", help="데모 거점센터 slug"),
    seed: int = typer.Option(2025, "--seed", help="생성기 seed"),
    orgs: int = typer.Option(200, "--orgs", help="기관 수"),
    as_json: bool = JSON_OPTION,
) -> None:
    """합성 데이터로 채운 데모 거점센터를 만듭니다 (모든 화면에 '합성' 표시)."""
    from moduai.hubs.demo import create_demo

    with working("합성 데이터를 만드는 중…"), _session() as s:
        summary = create_demo(s, _admin(), slug=slug, seed=seed, n_orgs=orgs)

    def render(r) -> None:
        console.print(f"[bold]{r.hub.name}[/] ({r.hub.slug}) [yellow]합성[/] · seed {r.seed}")
        console.print(", ".join(f"{k} {v:,}" for k, v in r.counts.items()))
        console.print(f"[dim]{r.notice}[/]")

    emit(summary, as_json, render)


@app.command("merge")
def merge_cmd(
    hub: str = typer.Option(None, "--hub", help="거점센터: 중복 후보 찾기·목록"),
    proposal: int = typer.Option(None, "--proposal", help="이 중복 후보를 병합"),
    undo: int = typer.Option(None, "--undo", help="이 병합 기록(log id)을 되돌림"),
    as_json: bool = JSON_OPTION,
) -> None:
    """중복 후보 찾기(--hub), 병합(--proposal), 되돌리기(--undo). 자동 병합은 하지 않습니다."""
    from moduai.errors import InputError
    from moduai.hubs import service as S

    with _session() as s:
        if undo is not None:
            result = S.undo_merge(s, _admin(), undo)
        elif proposal is not None:
            result = S.merge(s, _admin(), proposal)
        elif hub:
            S.propose_duplicates(s, _admin(), hub)
            result = {"hub": hub, "proposals": S.list_proposals(s, _admin(), hub), "log": S.merge_log(s, _admin(), hub)}
        else:
            raise InputError("--hub, --proposal, --undo 가운데 하나를 적어 주세요.", field="hub")

    def render(r) -> None:
        if isinstance(r, dict):
            t = Table("후보 id", "종류", "남길 id", "합칠 id", "이유", "유사도")
            for p in r["proposals"]:
                t.add_row(str(p.id), "기관" if p.entity == "organisation" else "사람", str(p.keep_id), str(p.other_id),
                          p.reason, f"{p.similarity:.2f}")
            console.print(t)
        else:
            verb = "되돌렸습니다" if r.undone else "병합했습니다"
            console.print(f"{r.merged_id} → {r.kept_id} {verb} (기록 {r.log_id}): "
                          + ", ".join(f"{k} {len(v)}행" for k, v in r.moved.items()))

    emit(result, as_json, render)
