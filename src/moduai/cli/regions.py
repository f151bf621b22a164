"""``moduai region`` and ``moduai megaregions`` — the region spine from the command line."""

from __future__ import annotations

import typer
from rich.table import Table

from moduai.cli.output import JSON_OPTION, console, emit
from moduai.cli.region_render import render_region
from moduai.regions.lookup import RegionAnswer, lookup_region, megaregion_list


def _render(ans: RegionAnswer) -> None:
    render_region(ans, console)


def register(app: typer.Typer) -> None:
    @app.command("region")
    def region(
        query: str = typer.Argument(None, help="지역 이름 (예: '포항시 북구', '강릉', '양덕동', '강원도')"),
        lat: float = typer.Option(None, "--lat", help="위도 (WGS84)"),
        lon: float = typer.Option(None, "--lon", help="경도 (WGS84)"),
        code: str = typer.Option(None, "--code", help="행안부 지역 코드 (2·5·8자리)"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """지역 찾기: 이름·코드·좌표로 시도/시군구/읍면동과 5극3특 권역을 알려 줍니다."""
        emit(lookup_region(query, lat, lon, code), as_json, _render)

    @app.command("megaregions")
    def megaregions_cmd(
        variant: str = typer.Option("official", help="official (정부 5극3특) 또는 seed-blog"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """5극3특 권역과 소속 시도."""
        def render(doc):
            t = Table("권역", "구분", "시도", title=f"5극3특 ({doc.variant})")
            for g in doc.groups:
                t.add_row(g.name, g.kind, ", ".join(g.sido))
            console.print(t)

        emit(megaregion_list(variant), as_json, render)
