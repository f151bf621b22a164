"""`moduai commerce` commands for store data: import, snapshots, generate (thin: parse, call, render)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from moduai.cli.output import JSON_OPTION, console, emit, progress_bar, progress_stages


def _render_import(report) -> None:
    state = "이미 가져옴: 같은 파일이 이미 저장되어 있어 바뀐 것이 없습니다" if report.already_imported else "가져오기 완료"
    console.print(f"[bold]{state}[/] · 스냅샷 {report.snapshot} · 저장 {report.rows_ok:,}행 · 거부 {report.rows_rejected:,}행")
    for f in report.files:
        if f.refused:
            console.print(f"  · {f.name}: [red]파일 전체 거부[/] — {f.refused}", highlight=False)
            continue
        tag = "이미 있음" if f.already_imported else f"{f.encoding}, 업종코드 {f.code_system}"
        console.print(f"  · {f.name}: {f.rows_ok:,}행 저장, {f.rows_rejected:,}행 거부 ({tag})", highlight=False)
    if report.rejected:
        table = Table(title="거부된 행", show_lines=False)
        table.add_column("행", justify="right")
        table.add_column("이유")
        for r in report.rejected[:200]:
            table.add_row(str(r.line), r.reason)
        console.print(table)
        if len(report.rejected) > 200:
            console.print(f"  … 외 {len(report.rejected) - 200:,}행 (--json으로 전체를 볼 수 있습니다)")
    for b in report.structures:  # the analysis files the first report opens (built right after the import)
        console.print(f"  · [{'red' if b.status == 'failed' else 'default'}]{b.message}[/]", highlight=False)


def _render_fetch(report) -> None:
    where = report.query.get("key") or f"반경 {report.query.get('radius')} m"
    console.print(f"[bold]{report.message}[/] · {report.operation} {where} · 기준연월 {report.stdr_ym or '-'} · "
                  f"전체 {report.total_count:,}건 · {report.pages}쪽 · 요청 {report.requests}번 (재시도 {report.retries}번)",
                  highlight=False)
    for note in report.notes:
        console.print(f"  · {note}", highlight=False)
    if report.imported is not None:
        _render_import(report.imported)


def _render_snapshots(doc) -> None:
    table = Table(title="상가 스냅샷")
    for col in ("id", "설명", "행 수", "실제/합성", "종류"):
        table.add_column(col)
    for i in doc.snapshots:
        kind = {"embedded": "내장", "imported": "가져옴", "generated": "생성"}.get(i.kind, i.kind)
        mix = f"{i.real_rows:,} / {i.synthetic_rows:,}" + (" [합성 포함]" if i.synthetic else "")
        table.add_row(i.id, i.label, f"{i.rows:,}", mix, kind)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this part's commands to the `moduai commerce` group."""

    @app.command("import")
    def import_cmd(
        paths: list[Path] = typer.Argument(..., help="상가(상권)정보 CSV 파일 또는 폴더 (여러 개 가능)"),
        snapshot: str | None = typer.Option(None, "--snapshot", help="기준 분기, 예: 2026Q1 (없으면 파일 이름에서 추정)"),
        structures: bool = typer.Option(True, "--structures/--no-structures",
                                        help="가져온 뒤 상권 보고서용 분석 색인 파일을 바로 만듭니다 (기본). "
                                             "--no-structures면 첫 보고서가 만듭니다"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """소상공인시장진흥공단 상가(상권)정보 CSV를 가져옵니다 (다시 가져와도 바뀌지 않음)."""
        from moduai.commerce.importer import import_sangga_files

        with progress_stages() as stage:
            report = import_sangga_files(paths, snapshot=snapshot, progress=stage("상가정보 가져오는 중", bytes_unit=True),
                                         structures=structures,
                                         structures_progress=stage("분석용 색인 파일 만드는 중"))
        emit(report, as_json, _render_import)

    @app.command("fetch")
    def fetch_cmd(
        dong: str | None = typer.Option(None, "--dong", help="행정동 코드 8자리 (예: 11230710 회기동)"),
        radius: float | None = typer.Option(None, "--radius", help="반경(m, 2,000 이하); --lat, --lon과 함께"),
        lat: float | None = typer.Option(None, "--lat", help="중심 위도"),
        lon: float | None = typer.Option(None, "--lon", help="중심 경도"),
        major: str | None = typer.Option(None, "--major", help="업종 대분류 코드만 (예: I2 음식)"),
        snapshot: str | None = typer.Option(None, "--snapshot", help="기준 분기 (없으면 API 답의 기준연월)"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """공공데이터포털 상가(상권)정보 API에서 실제 점포를 받아 가져옵니다 (MODUAI_DATA_GO_KR_KEY 필요)."""
        from moduai.commerce.sdsc_api import fetch_stores

        with progress_bar("상가정보 API에서 받는 중") as update:
            report = fetch_stores(dong, lat=lat, lon=lon, radius_m=radius, major=major, snapshot=snapshot,
                                  progress=update)
        emit(report, as_json, _render_fetch)

    @app.command("snapshots")
    def snapshots_cmd(as_json: bool = JSON_OPTION) -> None:
        """가져온 분기와 내장 자료(실제·합성) 목록을 보여 줍니다."""
        from moduai.commerce.snapshots import snapshot_list

        emit(snapshot_list(), as_json, _render_snapshots)

    @app.command("generate")
    def generate_cmd(
        out: Path = typer.Option(..., "--out", help="출력 경로 (parquet 파일 또는 csv 폴더)"),
        national: bool = typer.Option(False, "--national", help="전국 합성 자료 (약 250만 곳)"),
        unit: list[str] = typer.Option([], "--unit", help="통계청 시군구 코드만 (예: 37011 포항시 남구); 여러 번 가능"),
        fmt: str = typer.Option("parquet", "--format", help="parquet 또는 csv (시도별 공식 39개 열 CSV)"),
        encoding: str = typer.Option("utf-8", "--encoding", help="csv 인코딩: utf-8, utf-8-sig, cp949"),
        seed: int = typer.Option(20260101, "--seed", help="난수 시드 (같은 시드면 같은 결과)"),
        limit_units: int | None = typer.Option(None, "--limit-units", help="앞의 N개 시군구만 (빠른 확인용)"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """벤치마크·시험용 합성 상가 자료를 만듭니다 (모든 행 synthetic=True)."""
        from moduai.commerce.generator import generate_national, generate_units_file
        from moduai.errors import InputError

        if national == bool(unit):
            raise InputError("'--national' 또는 '--unit 코드' 중 하나만 주세요.", field="national")
        with progress_bar("합성 상가 만드는 중 (시군구)") as update:
            def step(done: int, total: int, rows: int) -> None:
                update(done, total)

            if national:
                result = generate_national(out, seed, fmt=fmt, encoding=encoding, limit_units=limit_units,
                                           progress=step)
            else:
                result = generate_units_file(unit, out, seed, fmt=fmt, encoding=encoding, progress=step)
        emit(result, as_json, lambda r: console.print(
            f"합성 상가 {r['rows']:,}곳 ({r['units']}개 시군구, 시드 {r['seed']}) → {r['out']}"))
