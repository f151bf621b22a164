"""Rendering and error handling shared by every CLI command."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click
import typer
from rich.console import Console
from typer.core import TyperGroup

from moduai.errors import ModuaiError
from moduai.results import dumps

console = Console()
err_console = Console(stderr=True)

JSON_OPTION = typer.Option(False, "--json", help="결과를 JSON 문서 하나로 출력합니다 (machine-readable).")


def _wants_json() -> bool:
    return "--json" in sys.argv[1:]


def report_error(exc: ModuaiError, *, as_json: bool) -> None:
    """Print a platform error to stderr: Korean message first, English detail after."""
    if as_json:
        sys.stderr.write(json.dumps({"error": exc.to_dict()}, ensure_ascii=False) + "\n")
        return
    err_console.print(f"[bold red]오류:[/] {exc.message}", highlight=False)
    for cand in exc.candidates[:10]:
        err_console.print(f"  · {cand}", highlight=False)
    if exc.detail:
        err_console.print(f"[dim]{exc.detail}[/]", highlight=False)
    for row in getattr(exc, "rows", [])[:50]:
        err_console.print(f"  {row.line}행: {row.reason}", highlight=False)


class ModuaiGroup(TyperGroup):
    """Top-level group: turns :class:`ModuaiError` into a message and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ModuaiError as exc:
            report_error(exc, as_json=_wants_json())
            raise typer.Exit(exc.exit_code) from None


def emit(result: Any, as_json: bool, render: Callable[[Any], None] | None = None) -> None:
    """Print ``result``: one JSON document with ``--json``, else the human rendering (Rich)."""
    if as_json:
        sys.stdout.write(dumps(result) + "\n")
        return
    if render is None:
        console.print_json(dumps(result))
    else:
        render(result)
