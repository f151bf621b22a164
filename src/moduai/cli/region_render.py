"""The human rendering of ``moduai region`` (Rich only, no Typer): shared by the Typer command and the fast path."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from moduai.regions.lookup import RegionAnswer


def render_region(ans: RegionAnswer, console: Console) -> None:
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
