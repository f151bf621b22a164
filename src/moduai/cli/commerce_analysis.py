"""`moduai commerce` commands (commerce_analysis part)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this part's commands to the `moduai commerce` group."""
    _ = app
