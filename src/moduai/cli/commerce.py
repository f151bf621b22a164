"""`moduai commerce` commands: import/snapshots (commerce_data) and analyses (commerce_analysis)."""

from __future__ import annotations

import typer

from moduai.cli import commerce_analysis, commerce_data

app = typer.Typer(no_args_is_help=True)
commerce_data.register(app)
commerce_analysis.register(app)
