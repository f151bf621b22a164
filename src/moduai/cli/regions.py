"""``moduai region`` — find a 시도/시군구/읍면동 by name, code or point."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("region")
    def region() -> None:
        """지역 찾기 (이름·코드·좌표)."""
        raise NotImplementedError
