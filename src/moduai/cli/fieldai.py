"""`moduai fieldai` commands (thin: read the file, call the domain, render)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from moduai.cli.output import JSON_OPTION, console, emit, working

app = typer.Typer(no_args_is_help=True)

FILE_ARG = typer.Argument(..., help="센서 기록 CSV 또는 XLSX 파일 (기록기·PLC 내보내기)")


def _synthetic(r) -> None:
    if getattr(r, "synthetic", False):
        console.print("[bold yellow]합성 자료[/] — 실제 측정값이 아닙니다.")


@app.command("profile")
def profile_cmd(file: Path = FILE_ARG, as_json: bool = JSON_OPTION) -> None:
    """파일 점검: 시간 열·형식, 측정 간격, 빈 구간, 중복, 센서별 범위·결측 비율·고착 의심 구간."""
    from moduai.fieldai.ingest import profile_file

    with working("파일을 읽는 중…"):
        result = profile_file(file)
    emit(result, as_json, _render_profile)


def _render_profile(p) -> None:
    _synthetic(p)
    console.print(f"[bold]{p.file}[/] · {p.rows_used:,}행 사용 / {p.rows_read:,}행 · {p.start} ~ {p.end} · 간격 {p.interval_label}")
    t = Table("센서", "단위", "최소", "중앙값", "최대", "결측", "고착 의심")
    for s in p.sensors:
        t.add_row(s.label, s.unit or "—", f"{s.min:,.2f}" if s.min is not None else "—",
                  f"{s.median:,.2f}" if s.median is not None else "—", f"{s.max:,.2f}" if s.max is not None else "—",
                  f"{s.missing_share:.1%}", str(len(s.stuck_runs)))
    console.print(t)
    for n in p.notes:
        console.print(f"[yellow]※ {n}[/]")


@app.command("detect")
def detect_cmd(file: Path = FILE_ARG, z: float = typer.Option(6.0, "--z", help="기준선 이탈 문턱 (강건 z, 기본 6)"),
               as_json: bool = JSON_OPTION) -> None:
    """이상 구간: 시간대별 기준선 이탈, 수준 변화, 센서 고착, 여러 변수 조합 이상 — 이유와 함께."""
    from moduai.fieldai.anomalies import detect
    from moduai.fieldai.ingest import read_field_file

    with working("이상 구간을 찾는 중…"):
        result = detect(read_field_file(file), z_threshold=z)
    emit(result, as_json, _render_detect)


def _render_detect(r) -> None:
    _synthetic(r)
    console.print(f"[bold]{r.file}[/] · 기준선: {r.baseline_kind} · 이상 구간 {len(r.windows)}곳")
    for w in r.windows:
        console.print(f"[bold]{w.start} ~ {w.end}[/] {w.kind_label} (점수 {w.score:g})\n  {w.reason}", highlight=False)


@app.command("forecast")
def forecast_cmd(file: Path = FILE_ARG, hours: int = typer.Option(24, "--hours", help="예측할 시간 수 (1–168)"),
                 as_json: bool = JSON_OPTION) -> None:
    """센서별 다음 몇 시간 예측과 예측 구간 — 계절 단순 예측보다 나을 때만 모형을 씁니다."""
    from moduai.fieldai.forecast import forecast
    from moduai.fieldai.ingest import read_field_file

    with working("예측 모형을 비교하는 중…"):
        result = forecast(read_field_file(file), horizon=hours)
    emit(result, as_json, _render_forecast)


def _render_forecast(r) -> None:
    _synthetic(r)
    for s in r.sensors:
        console.print(f"[bold]{s.label}[/] ({s.unit or '단위 없음'}): {s.reason}")
        console.print(f"  다음 {len(s.point)}시간: " + ", ".join(f"{t[11:]} {v:,.1f}" for t, v in list(zip(s.times, s.point))[:6]) + " …")
    for n in r.notes:
        console.print(f"[yellow]※ {n}[/]")


@app.command("alerts")
def alerts_cmd(file: Path = FILE_ARG,
               site: str = typer.Option(None, "--site", help="규칙 틀: 온실 | 축사 | 사출 | 프레스 (없으면 파일을 보고 고름)"),
               rules: Path = typer.Option(None, "--rules", help="현장 규칙 YAML 파일 (틀 대신)"),
               as_json: bool = JSON_OPTION) -> None:
    """경보 규칙(YAML)을 파일 전체에 적용한 경보 이력과 근거."""
    from moduai.errors import InputError
    from moduai.fieldai.alerts import evaluate_alerts, parse_rules
    from moduai.fieldai.ingest import read_field_file

    ruleset = None
    if rules is not None:
        if not rules.exists():
            raise InputError(f"규칙 파일을 찾을 수 없습니다: {rules}.", field="rules")
        ruleset = parse_rules(rules.read_text(encoding="utf-8"), source=rules.name)
    result = evaluate_alerts(read_field_file(file), ruleset or site)
    emit(result, as_json, _render_alerts)


def _render_alerts(r) -> None:
    _synthetic(r)
    console.print(f"[bold]{r.site_label}[/] 규칙 · 경보 {len(r.alerts)}건")
    for s in r.rules:
        console.print(f"  {s.name}: " + (f"{s.alerts}건 ({s.sensor})" if s.applied else s.note))
    for a in r.alerts:
        console.print(f"[{'red' if a.severity == '위험' else 'yellow'}]{a.severity}[/] {a.message}")


@app.command("quality")
def quality_cmd(file: Path = FILE_ARG, train_share: float = typer.Option(0.3, "--train-share", help="시간순 학습 비율"),
                as_json: bool = JSON_OPTION) -> None:
    """양품/불량 표시가 있는 파일: 시간순 분할 불량 예측 모형의 정밀도·재현율·F1·AUC와 주요 변수."""
    from moduai.fieldai.ingest import read_field_file
    from moduai.fieldai.quality import defect_model

    emit(defect_model(read_field_file(file), train_share=train_share), as_json, None)


@app.command("generate")
def generate_cmd(out: Path = typer.Argument(..., help="만들 CSV 경로"),
                 days: int = typer.Option(30, "--days", help="일수 (10–365)"),
                 seed: int = typer.Option(0, "--seed", help="난수 시드 (같은 시드 → 같은 파일)"),
                 as_json: bool = JSON_OPTION) -> None:
    """합성 온실 로그(고장 표시 포함)를 CSV로 만듭니다. 실제 측정값이 아닙니다."""
    from moduai.fieldai.generator import generate_greenhouse, greenhouse_csv

    log = generate_greenhouse(days=days, seed=seed)
    out.write_bytes(greenhouse_csv(log))
    emit({"file": str(out), "rows": len(log.frame), "seed": seed, "synthetic": True, "faults": log.faults,
          "sources": log.sources}, as_json, lambda r: console.print(f"합성 온실 로그 {r['rows']:,}행 → {r['file']}"))
