"""`moduai balance` commands (thin: parse, call the domain, render)."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)
