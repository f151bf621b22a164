"""``moduai data`` — the dataset catalog (source, licence, years, coverage)."""

from __future__ import annotations

import typer
from rich.table import Table

from moduai.cli.output import JSON_OPTION, console, emit

app = typer.Typer(no_args_is_help=True)


@app.command("list")
def list_datasets(
    domain: str = typer.Option(None, help="이 도메인의 데이터셋만 (regions, commerce, balance, programs, marketing)"),
    as_json: bool = JSON_OPTION,
) -> None:
    """데이터셋 목록: 출처, 라이선스, 연도, 범위, 합성 여부."""
    from moduai.data.catalog import list_datasets

    def render(doc):
        t = Table("id", "이름", "제공", "라이선스", "연도", "비고", show_lines=False)
        for d in doc.datasets:
            t.add_row(d.id, d.title, d.publisher, d.licence, d.years, "[yellow]합성[/]" if d.synthetic else "")
        console.print(t)

    emit(list_datasets(domain), as_json, render)


@app.command("show")
def show_dataset(dataset_id: str, as_json: bool = JSON_OPTION) -> None:
    """데이터셋 하나의 자세한 정보."""
    from moduai.data.catalog import get_dataset

    emit(get_dataset(dataset_id), as_json)
