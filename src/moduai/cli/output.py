"""Rendering and error handling shared by every CLI command."""

from __future__ import annotations

import contextvars
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from typer.core import TyperGroup

from moduai.errors import ModuaiError
from moduai.results import dumps

console = Console()
err_console = Console(stderr=True)

_json_mode = contextvars.ContextVar("moduai_json_mode", default=False)


def _remember_json(value: bool) -> bool:
    """Option callback: errors of this invocation are then printed as JSON too."""
    _json_mode.set(bool(value))
    return value


JSON_OPTION = typer.Option(
    False, "--json", help="결과를 JSON 문서 하나로 출력합니다 (machine-readable).", callback=_remember_json
)


def _wants_json() -> bool:
    return _json_mode.get() or "--json" in sys.argv[1:]


def report_error(exc: ModuaiError, *, as_json: bool) -> None:
    """Print a platform error to stderr: Korean message first, English detail after."""
    if as_json:
        sys.stderr.write(json.dumps({"error": exc.to_dict()}, ensure_ascii=False) + "\n")
        return
    err_console.print(f"[bold red]오류:[/] {exc.message}", highlight=False)
    for cand in exc.candidates[:10]:
        label = cand.get("label", cand) if isinstance(cand, dict) else cand
        code = f"  [dim]{cand['code']}[/]" if isinstance(cand, dict) and cand.get("code") else ""
        err_console.print(f"  · {label}{code}", highlight=False)
    if exc.detail:
        err_console.print(f"[dim]{exc.detail}[/]", highlight=False)
    for row in getattr(exc, "rows", [])[:50]:
        err_console.print(f"  {row.line}행: {row.reason}", highlight=False)


class ModuaiGroup(TyperGroup):
    """Top-level group: turns :class:`ModuaiError` into a message and an exit code.

    Command groups listed in ``lazy_groups`` (name → module, Typer attribute, help) are imported and built
    only when named, so ``moduai region …`` does not import and convert all ~70 commands of the others.
    """

    lazy_groups: dict[str, tuple[str, str, str]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in self.lazy_groups if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_groups:
            self.add_command(build_lazy_group(cmd_name, *self.lazy_groups[cmd_name]), cmd_name)
        return super().get_command(ctx, cmd_name)

    def load_all(self) -> ModuaiGroup:
        """Build every lazy group now (for code that walks ``commands``)."""
        for name in self.lazy_groups:
            self.get_command(click.Context(self), name)
        return self

    def invoke(self, ctx: click.Context) -> Any:
        _json_mode.set("--json" in (ctx.protected_args + ctx.args if hasattr(ctx, "protected_args") else ctx.args))
        try:
            return super().invoke(ctx)
        except ModuaiError as exc:
            report_error(exc, as_json=_wants_json())
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise  # --help, explicit exits and usage errors keep click's own handling
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001 - the one place that turns surprises into a message
            from moduai.config import get_settings

            try:
                debug = get_settings().debug
            except Exception:  # noqa: BLE001 - a broken setting must not hide the original error
                debug = False
            if debug:
                raise
            internal = ModuaiError(
                "내부 오류가 났습니다. 입력을 확인해 다시 시도하고, 계속되면 MODUAI_DEBUG=1 로 실행한 결과와 함께 알려 주세요.",
                detail=f"{type(exc).__name__}: {exc}",
            )
            report_error(internal, as_json=_wants_json())
            raise typer.Exit(70) from None


def build_lazy_group(name: str, module: str, attribute: str, help_text: str) -> click.Command:
    """The click group ``app.add_typer(<module>.<attribute>, name=name, help=help_text)`` would have made."""
    import importlib

    from typer.main import TyperInfo, get_group_from_info

    sub = getattr(importlib.import_module(module), attribute)
    return get_group_from_info(TyperInfo(sub, name=name, help=help_text), pretty_exceptions_short=True,
                               suggest_commands=True, rich_markup_mode="rich")


@contextmanager
def progress_bar(description: str, total: float | None = None, *, bytes_unit: bool = False) -> Iterator[Callable]:
    """A Rich progress bar on stderr; yields ``update(done, total=None)``.

    Drawn only on a terminal, so ``--json`` output, pipes and tests see nothing of it.  ``total=None``
    gives a spinner with the elapsed time (work whose size is not known in advance).
    """
    if not err_console.is_terminal:
        yield lambda done, total=None: None
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               DownloadColumn(binary_units=False) if bytes_unit else MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err_console, transient=True) as prog:
        task = prog.add_task(description, total=total)

        def update(done: float, total: float | None = None) -> None:
            prog.update(task, completed=done, **({"total": total} if total is not None else {}))

        yield update


class _AmountColumn(ProgressColumn):
    """Bytes for a line started with ``bytes_unit=True``, else 'done/total' steps."""

    def __init__(self) -> None:
        super().__init__()
        self._bytes, self._steps = DownloadColumn(binary_units=False), MofNCompleteColumn()

    def render(self, task):
        return (self._bytes if task.fields.get("bytes_unit") else self._steps).render(task)


@contextmanager
def progress_stages() -> Iterator[Callable[..., Callable]]:
    """One Rich progress line per step of a command, on stderr; yields ``stage(description, *, bytes_unit=False)``,
    which returns that step's ``update(done, total=None)``.  A step's line appears at its first update (a step
    that never runs shows nothing).  Drawn only on a terminal, like :func:`progress_bar`."""
    if not err_console.is_terminal:
        yield lambda description, *, bytes_unit=False: (lambda done, total=None: None)
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), _AmountColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err_console, transient=True) as prog:

        def stage(description: str, *, bytes_unit: bool = False) -> Callable:
            task: list = []

            def update(done: float, total: float | None = None) -> None:
                if not task:
                    task.append(prog.add_task(description, total=total, bytes_unit=bytes_unit))
                prog.update(task[0], completed=done, **({"total": total} if total is not None else {}))

            return update

        yield stage


@contextmanager
def working(message: str) -> Iterator[None]:
    """A spinner on stderr for a step of unknown length (first load of census tables, Kiwi …)."""
    if not err_console.is_terminal:
        yield
        return
    with err_console.status(message):
        yield


def emit(result: Any, as_json: bool, render: Callable[[Any], None] | None = None) -> None:
    """Print ``result``: one JSON document with ``--json``, else the human rendering (Rich)."""
    if as_json:
        sys.stdout.write(dumps(result) + "\n")
        return
    if render is None:
        console.print_json(dumps(result))
    else:
        render(result)
