"""`moduai commerce report | sites | survival` (thin: parse, call one domain function, render)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from moduai.cli.output import JSON_OPTION, console, emit, working


def _render_report(r) -> None:
    ta = r.trade_area
    console.print(
        f"[bold]{r.place.label if r.place else ''}[/] 반경 {r.radius_m:,.0f} m · 업종 [bold]{r.category['name']}[/] "
        f"({r.category['code']}) · 스냅샷 {r.snapshot.id}",
        highlight=False,
    )
    if r.synthetic:
        console.print(f"[yellow]합성 자료 포함: 이 상권 점포의 {r.synthetic_share:.0%}는 생성된 자료입니다.[/]")
    console.print()
    for line in r.summary:
        console.print(f"• {line}", highlight=False)
    console.print()
    k = Table(title="상권 요약", show_header=False)
    k.add_row("점포 수", f"{ta.store_count:,}")
    k.add_row(f"{r.category['name']} 점포", f"{ta.category_count:,}")
    k.add_row("거주 인구(추정)", f"{ta.residents:,.0f}명 (2020 인구총조사)")
    k.add_row("가구 / 사업체(추정)", f"{ta.households:,.0f} / {ta.businesses:,.0f}")
    k.add_row("육지 면적", f"{ta.land_area_km2:.2f} km²")
    if ta.category_per_1000_residents is not None:
        k.add_row("주민 1,000명당", f"{ta.category_per_1000_residents:.2f}곳")
    k.add_row("과밀 판단", r.saturation.verdict)
    k.add_row("허프 모형 예상 고객", f"{r.huff.captured_residents:,.0f}명 ({r.huff.captured_share:.1%})")
    console.print(k)
    if ta.competitors:
        t = Table(title=f"가까운 {r.category['name']} 점포 ({ta.category_count:,}곳 중 {min(10, len(ta.competitors))}곳)")
        for col in ("거리(m)", "상호", "업종", "주소"):
            t.add_column(col)
        for c in ta.competitors[:10]:
            t.add_row(f"{c.distance_m:,.0f}", c.name + (f" {c.branch}" if c.branch else ""), c.minor_name,
                      c.address or "")
        console.print(t)
    else:
        console.print(f"반경 안에 {r.category['name']} 점포가 없습니다.", highlight=False)
    if r.gaps.items:
        g = Table(title="부족 업종 (비슷한 지역 대비)")
        for col in ("업종", "실제", "기대", "이유"):
            g.add_column(col)
        for i in r.gaps.items[:5]:
            g.add_row(i.name, str(i.observed), f"{i.expected:.1f}", i.reason)
        console.print(g)
    console.print(f"[dim]출처: {', '.join(r.sources)} (moduai data list)[/]", highlight=False)


def _render_sites(r) -> None:
    console.print(
        f"[bold]{r.region_name}[/] · {r.category['name']} 입지 후보 (H3 해상도 {r.resolution}, 후보 셀 {r.candidates:,}개)",
        highlight=False,
    )
    ko = {"demand": "수요", "competition": "경쟁", "gap": "부족", "churn": "생존"}
    console.print("가중치: " + ", ".join(f"{ko[k]} {v:.2f}" for k, v in r.weights.items()), highlight=False)
    if r.data_note:
        console.print(f"[bold red]{r.data_note}[/]", highlight=False)
    if r.note:
        console.print(f"[yellow]{r.note}[/]")
    if r.excluded_no_stores:
        console.print(f"주변에 점포가 하나도 없는 셀 {r.excluded_no_stores:,}곳은 후보에서 뺐습니다.", highlight=False)
    if r.border_note:
        console.print(r.border_note, highlight=False)
    t = Table()
    parts = list(r.weights)
    short = {"demand": "수요", "competition": "경쟁", "gap": "부족", "churn": "생존"}
    for col in ["순위", "동", "점수", "주민", "경쟁점", "기대"] + [short[p] for p in parts]:
        t.add_column(col, justify="left" if col == "동" else "right", no_wrap=True)
    for c in r.cells:
        t.add_row(str(c.rank), c.emd_name or "", f"{c.score:.3f}", f"{c.residents:,.0f}", str(c.competitors),
                  f"{c.expected:.1f}", *[f"{c.parts[p]:.2f}" for p in parts])
    console.print(t)
    console.print("수요·경쟁·부족·생존: 후보 셀 가운데 백분위(0~1, 클수록 좋음). 점수 = 가중 평균.", highlight=False)
    for c in r.cells:
        console.print(f"{c.rank}. [{c.h3_cell}] {c.reason}", highlight=False)


def _render_survival(r) -> None:
    tot = r.total
    console.print(
        f"[bold]{r.from_snapshot} → {r.to_snapshot}[/]: 이전 {tot.before:,} · 이후 {tot.after:,} · 생존 {tot.survived:,} "
        f"({tot.survival_text}) · 개업 {tot.opened:,} · 폐업 {tot.closed:,}",
        highlight=False,
    )
    if r.id_note:
        console.print(f"[yellow]{r.id_note}[/]", highlight=False)
    for title, rows in (("업종별", r.by_category), ("지역별", r.by_area)):
        t = Table(title=title)
        for col in ("이름", "이전", "이후", "생존율", "개업률", "폐업률"):
            t.add_column(col)
        for x in rows[:30]:
            t.add_row(x.name, f"{x.before:,}", f"{x.after:,}", x.survival_text, x.opening_text,
                      x.closure_text)
        console.print(t)


def register(app: typer.Typer) -> None:
    """Add this part's commands to the `moduai commerce` group."""

    @app.command("report")
    def report(
        lat: float = typer.Option(None, "--lat", help="위도 (WGS84), 예: 37.5898"),
        lon: float = typer.Option(None, "--lon", help="경도 (WGS84), 예: 127.0579"),
        place: str = typer.Option(None, "--place", help="위도·경도 대신 장소 이름: 읍면동(회기동) 또는 시군구"),
        radius: float = typer.Option(500.0, "--radius", help="반경(m), 0 초과 5,000 이하"),
        category: str = typer.Option(..., "--category", help="업종: 카페, 편의점, I21201 …"),
        snapshot: str = typer.Option(None, "--snapshot", help="스냅샷 id (기본: 내장 기본값)"),
        pdf: Path = typer.Option(None, "--pdf", help="보고서를 PDF로도 저장할 경로"),
        xlsx: Path = typer.Option(None, "--xlsx", help="보고서를 XLSX로도 저장할 경로"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """상권 보고서: 점포·업종 구성, 경쟁점, 과밀, 허프 모형 예상 고객, 부족 업종, 한국어 요약."""
        from moduai.commerce.report import build_commerce_report

        with working("상권 자료를 준비하고 분석하는 중…"):
            r = build_commerce_report(lat, lon, radius_m=radius, category=category, place=place, snapshot=snapshot)
        if pdf or xlsx:
            from moduai.commerce.export import write_report_pdf, write_report_xlsx

            if pdf:
                from moduai.commerce.trade_area import get_stores

                write_report_pdf(r, pdf, get_stores(None, snapshot))
            if xlsx:
                write_report_xlsx(r, xlsx)
        emit(r, as_json, _render_report)

    @app.command("sites")
    def sites(
        region: str = typer.Option(..., "--region", help="시군구 이름 또는 코드: 포항시, 강릉시, 47110"),
        category: str = typer.Option(..., "--category", help="업종: 카페, 편의점, I21201 …"),
        top: int = typer.Option(10, "--top", help="보여 줄 후보 셀 수 (1~100)"),
        resolution: int = typer.Option(None, "--resolution", help="H3 해상도 (6~10, 기본 8)"),
        snapshot: str = typer.Option(None, "--snapshot", help="스냅샷 id (기본: 내장 기본값)"),
        previous: str = typer.Option(None, "--previous", help="생존율 항목에 쓸 이전 스냅샷 id"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """입지 추천: 시군구 안 H3 셀을 수요·경쟁·부족분·생존율 점수로 줄 세웁니다."""
        from moduai.commerce.sites import rank_sites

        with working("입지 후보를 계산하는 중…"):
            r = rank_sites(region, category, snapshot=snapshot, previous_snapshot=previous, top=top,
                           resolution=resolution)
        emit(r, as_json, _render_sites)

    @app.command("survival")
    def survival(
        from_snapshot: str = typer.Option(..., "--from", help="이전 스냅샷 id (예: 2024Q3)"),
        to_snapshot: str = typer.Option(..., "--to", help="이후 스냅샷 id (예: 2024Q4)"),
        level: str = typer.Option("major", "--level", help="업종 단계: major/mid/minor"),
        area: str = typer.Option("sigungu", "--area", help="지역 단계: sido/sigungu/adm_dong"),
        category: str = typer.Option(None, "--category", help="한 업종만 볼 때 (예: 카페)"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """두 스냅샷 사이 개업·폐업·생존율 (상가업소번호로 연결)."""
        from moduai.commerce.churn import survival_between_snapshots

        r = survival_between_snapshots(from_snapshot, to_snapshot, category_level=level, area_level=area,
                                       category=category)
        emit(r, as_json, _render_survival)
