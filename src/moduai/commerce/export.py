"""Download a 상권 report as PDF (reportlab + embedded NanumGothic) or XLSX (openpyxl), offline.

The PDF embeds NanumGothic from koreanize-matplotlib's package folder (SIL Open Font License), so
Korean renders on any reader without system fonts.  Files are written to a temporary name and renamed,
so an interrupted export never leaves a half-written file under the final name.
"""

from __future__ import annotations

import importlib.util
import io
import math
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from moduai.commerce.huff import SENSITIVITY_CORNER
from moduai.commerce.report import CommerceReport
from moduai.commerce.trade_area import store_columns, to_xy
from moduai.data.catalog import load_catalog
from moduai.errors import DataUnavailable
from moduai.korean import floor_label, written_at
from moduai.spreadsheet import force_text_cells, safe_row

FONT = "NanumGothic"
FONT_BOLD = "NanumGothicBold"


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    # deferred: reportlab (~0.35 s to import) is needed only for PDF export
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    # find the package folder without importing it (importing koreanize_matplotlib sets up matplotlib)
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.origin:
        raise DataUnavailable(
            "한글 글꼴(koreanize-matplotlib)이 없어 PDF를 만들 수 없습니다. 'pip install koreanize-matplotlib' 후 "
            "다시 시도해 주세요.", detail="koreanize_matplotlib not installed")
    fonts = Path(spec.origin).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(fonts / "NanumGothic.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts / "NanumGothicBold.ttf")))


# What a reader sees: method names the Korean way, each explained once (no English or code text in a report).
METHOD_NOTES = (
    "입지계수: 이 상권의 업종 비중 ÷ 기준 지역(시군구)의 업종 비중. 1보다 크면 그 업종이 상대적으로 많습니다.",
    "섀넌 다양성 지수: 업종(중분류) 비중 p로 −Σ p·ln p. 업종이 고르게 섞일수록 큽니다.",
    "허핀달·허시먼 집중도 지수: 업종 비중 제곱의 합(0~1). 한 업종에 몰릴수록 1에 가깝습니다.",
    "허프 모형: 주민은 가깝고 매력도(점포 수)가 큰 점포를 더 자주 고른다고 보고, 새 점포를 고를 확률을 "
    "주민 수에 곱해 예상 고객을 셉니다.",
)
METHOD_REFERENCES = "허프(1963, 1964), 아이사드(1960), 섀넌(1948)"
# report levels (codes in the result) as a reader says them
LEVEL_NAMES = {"major": "대분류", "mid": "중분류", "minor": "소분류", "area": "이 상권", "emd": "읍면동",
               "sigungu": "시군구", "sido": "시도", "national": "전국"}


def _source_titles(dataset_ids) -> list[str]:
    """Korean catalog titles of the report's sources (the id only when a source is not in the catalog)."""
    titles = {d.id: d.title for d in load_catalog()}
    return [titles.get(s, s) for s in dataset_ids]


def _snapshot_label(r: CommerceReport) -> str:
    return r.snapshot.label or r.snapshot.id or "—"


def _atomic_write(path: Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".moduai-", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary user file
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _fmt(v, digits: int = 0) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    return f"{v:,.{digits}f}"


def _map_drawing(r: CommerceReport, size: float = 250, stores=None):
    """A small offline map: the radius, every store of the area (grey, when ``stores`` is given),
    competitors (red), the centre."""
    # deferred: reportlab (~0.35 s to import) is needed only for PDF export
    from reportlab.graphics.shapes import Circle, Drawing, Line, String
    from reportlab.lib import colors


    ta = r.trade_area
    d = Drawing(size, size)
    cx, cy = size / 2, size / 2
    scale = (size / 2 - 8) / r.radius_m
    d.add(Circle(cx, cy, r.radius_m * scale, fillColor=colors.HexColor("#eef4ff"), strokeColor=colors.HexColor("#3b6fd8")))
    x0, y0 = to_xy(r.lon, r.lat)
    if stores is not None and ta._positions is not None:
        cols = store_columns(stores)
        for x, y in zip(cols["x"][ta._positions][:3000], cols["y"][ta._positions][:3000], strict=True):
            d.add(Circle(cx + (x - x0) * scale, cy + (y - y0) * scale, 0.9, fillColor=colors.HexColor("#9aa3b2"),
                         strokeColor=None))
    for c in ta.competitors:
        x, y = to_xy(c.lon, c.lat)
        d.add(Circle(cx + (x - x0) * scale, cy + (y - y0) * scale, 2.6, fillColor=colors.HexColor("#d62728"),
                     strokeColor=colors.white, strokeWidth=0.3))
    d.add(Line(cx - 6, cy, cx + 6, cy, strokeColor=colors.black, strokeWidth=1.2))
    d.add(Line(cx, cy - 6, cx, cy + 6, strokeColor=colors.black, strokeWidth=1.2))
    bar = 100 if r.radius_m <= 600 else (500 if r.radius_m <= 3000 else 1000)
    d.add(Line(8, 8, 8 + bar * scale, 8, strokeColor=colors.black, strokeWidth=1.5))
    d.add(String(8, 12, f"{bar} m", fontName=FONT, fontSize=7))
    d.add(String(size - 60, size - 12, f"● {r.category['name']}", fontName=FONT, fontSize=7,
                 fillColor=colors.HexColor("#d62728")))
    if stores is not None:
        d.add(String(size - 60, size - 21, "● 그 밖의 점포", fontName=FONT, fontSize=7, fillColor=colors.HexColor("#9aa3b2")))
    return d


def _bar_drawing(r: CommerceReport, width: float = 250, height: float = 170):
    # deferred: reportlab (~0.35 s to import) is needed only for PDF export
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    rows = r.trade_area.by_major[:8][::-1]
    d = Drawing(width, height)
    if not rows:
        return d
    ch = HorizontalBarChart()
    ch.x, ch.y, ch.width, ch.height = 70, 10, width - 85, height - 20
    ch.data = [[x.count for x in rows]]
    ch.categoryAxis.categoryNames = [x.name for x in rows]
    ch.categoryAxis.labels.fontName = FONT
    ch.categoryAxis.labels.fontSize = 7
    ch.valueAxis.labels.fontName = FONT
    ch.valueAxis.labels.fontSize = 7
    ch.valueAxis.valueMin = 0
    ch.bars[0].fillColor = colors.HexColor("#3b6fd8")
    d.add(ch)
    return d


def report_pdf_bytes(r: CommerceReport, stores=None) -> bytes:
    """The report as PDF bytes (A4, Korean, with a map and a chart drawn by reportlab itself).

    ``stores`` (the store set the report came from) adds the area's other stores to the map.
    """
    _register_fonts()
    # deferred: reportlab (~0.35 s to import) is needed only for PDF export
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title="상권 분석 보고서", author="moduai")
    h1 = ParagraphStyle("h1", fontName=FONT_BOLD, fontSize=16, leading=21, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=FONT_BOLD, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    body = ParagraphStyle("b", fontName=FONT, fontSize=9.5, leading=14)
    small = ParagraphStyle("s", fontName=FONT, fontSize=7.5, leading=10, textColor=colors.HexColor("#555555"))
    warn = ParagraphStyle("w", parent=body, textColor=colors.HexColor("#8a5a00"))
    ta, sat, huff = r.trade_area, r.saturation, r.huff
    place = r.place.label if r.place else f"{r.lat:.5f}, {r.lon:.5f}"

    def table(rows, widths, header=True):
        t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
        style = [("FONT", (0, 0), (-1, -1), FONT, 8), ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                 ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if header:
            style += [("FONT", (0, 0), (-1, 0), FONT_BOLD, 8), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7"))]
        t.setStyle(TableStyle(style))
        return t

    story = [
        Paragraph(f"상권 분석 보고서 — {place}", h1),
        Paragraph(
            f"반경 {r.radius_m:,.0f} m · 업종 {r.category['name']} · 점포 자료 {_snapshot_label(r)} · "
            f"작성 {written_at(r.generated_at)}", small),
    ]
    if r.synthetic:
        story.append(Paragraph(f"합성 자료 포함: 이 상권 점포의 {r.synthetic_share:.0%}는 생성된 자료입니다.", warn))
    story.append(Paragraph("요약", h2))
    for s in r.summary:
        story.append(Paragraph("• " + s, body))
    story.append(Spacer(1, 4 * mm))
    story.append(Table([[_map_drawing(r, stores=stores), _bar_drawing(r)]], colWidths=[90 * mm, 90 * mm]))
    story.append(Paragraph("주요 지표", h2))
    story.append(table([
        ["지표", "값"],
        ["점포 수", _fmt(ta.store_count)],
        [f"{r.category['name']} 점포 수", _fmt(ta.category_count)],
        ["거주 인구 (2020 인구총조사, 면적 비례)", _fmt(ta.residents)],
        ["가구 / 사업체 (2020, 면적 비례)", f"{_fmt(ta.households)} / {_fmt(ta.businesses)}"],
        ["육지 면적 (km²)", _fmt(ta.land_area_km2, 2)],
        [f"{r.category['name']} 밀도 (곳/km²)", _fmt(ta.category_per_km2, 1)],
        [f"{r.category['name']} 주민 1,000명당", _fmt(ta.category_per_1000_residents, 2)],
        ["과밀 판단", sat.verdict],
        ["입지계수 (시군구 대비)", _fmt(sat.location_quotient.get("sigungu"), 2)],
        ["업종 다양성: 섀넌 다양성 지수 / 허핀달·허시먼 집중도 지수", f"{sat.shannon:.2f} / {sat.hhi:.3f}"],
        ["허프 모형 예상 고객 (명)", f"{_fmt(huff.captured_residents)} ({huff.captured_share:.1%})"],
    ], [110 * mm, 70 * mm]))
    for line in METHOD_NOTES:
        story.append(Paragraph(line, small))
    story.append(Paragraph("기준 지역 비교", h2))
    rows = [["지역", "업종 점포", "전체 점포", "주민 1,000명당", "곳/km²", "자료 포함 인구 비율"]]
    for b in [sat.area] + sat.baselines:
        rows.append([b.name, _fmt(b.category_count), _fmt(b.store_count), _fmt(b.per_1000_residents, 2),
                     _fmt(b.per_km2, 1), "—" if b.coverage is None else f"{b.coverage:.0%}"])
    story.append(table(rows, [45 * mm, 22 * mm, 22 * mm, 30 * mm, 25 * mm, 36 * mm]))
    story.append(Paragraph("가까운 경쟁 점포", h2))
    rows = [["거리(m)", "상호", "업종", "주소", "층"]]
    for c in ta.competitors[:25]:
        rows.append([_fmt(c.distance_m), Paragraph(escape(c.name + (f" {c.branch}" if c.branch else "")), small), c.minor_name,
                     Paragraph(escape(c.address or ""), small), floor_label(c.floor)])
    story.append(table(rows, [18 * mm, 45 * mm, 30 * mm, 75 * mm, 12 * mm]))
    if r.gaps.items:
        story.append(Paragraph("부족 업종 (비슷한 지역 대비)", h2))
        rows = [["업종", "실제", "기대", "이유"]]
        for g in r.gaps.items[:10]:
            rows.append([g.name, str(g.observed), f"{g.expected:.1f}", Paragraph(g.reason, small)])
        story.append(table(rows, [35 * mm, 15 * mm, 15 * mm, 115 * mm]))
    elif r.gaps.note:
        story.append(Paragraph(r.gaps.note, body))
    story.append(Paragraph("허프 모형 민감도 (예상 고객, 명)", h2))
    story.append(Paragraph("α는 매력도(점포 수)에 붙는 지수, β는 거리에 따라 선택 확률이 줄어드는 정도입니다.", small))
    alphas = sorted({s.alpha for s in huff.sensitivity})
    betas = sorted({s.beta for s in huff.sensitivity})
    grid = {(s.alpha, s.beta): s.captured_residents for s in huff.sensitivity}
    rows = [[SENSITIVITY_CORNER] + [f"{b:g}" for b in betas]]
    for a in alphas:
        rows.append([f"{a:g}"] + [_fmt(grid[(a, b)]) for b in betas])
    story.append(table(rows, [20 * mm] + [25 * mm] * len(betas)))
    if huff.attractiveness_sensitivity:
        story.append(Paragraph(
            "새 점포 매력도(기존 점포 = 1)에 따른 예상 고객: " + ", ".join(
                f"{s.new_store_attractiveness:g}배 → {_fmt(s.captured_residents)}명"
                for s in huff.attractiveness_sensitivity) + f" (β = {huff.beta:g}).", body))
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph("출처: " + ", ".join(_source_titles(r.sources)) + ". 방법: " + METHOD_REFERENCES + ".", small))
    doc.build(story)
    return buf.getvalue()


def report_xlsx_bytes(r: CommerceReport) -> bytes:
    """The report as an XLSX workbook: 요약, 업종별, 경쟁점포, 기준비교, 허프 모형 (3 sheets), 부족업종, 출처, 방법."""
    # deferred: openpyxl (~0.25 s to import) is needed only for XLSX export
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "요약"
    ta = r.trade_area
    ws.append(["상권 분석 보고서"])
    ws["A1"].font = Font(bold=True, size=14)
    for k, v in [
        ("장소", r.place.label if r.place else ""), ("위도", r.lat), ("경도", r.lon), ("반경(m)", r.radius_m),
        ("업종", r.category["name"]), ("점포 자료", _snapshot_label(r)),
        ("합성 자료 비율", round(r.synthetic_share, 4)), ("점포 수", ta.store_count),
        ("업종 점포 수", ta.category_count), ("거주 인구(추정)", round(ta.residents)),
        ("가구(추정)", round(ta.households)), ("사업체(추정)", round(ta.businesses)),
        ("과밀 판단", r.saturation.verdict), ("허프 모형 예상 고객(명)", round(r.huff.captured_residents)),
        ("작성", written_at(r.generated_at)),
    ]:
        ws.append(safe_row([k, v]))
    ws.append([])
    for s in r.summary:
        ws.append(safe_row([s]))
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 40

    def sheet(title, header, rows):
        s = wb.create_sheet(title)
        s.append(safe_row(header))
        for c in s[1]:
            c.font = Font(bold=True)
        for row in rows:
            s.append(safe_row(row))
        for i, _ in enumerate(header):
            s.column_dimensions[chr(65 + i)].width = 18
        return s

    sheet("업종별", ["단계", "코드", "업종", "점포 수", "비중", "곳/km²", "주민 1,000명당"],
          [(LEVEL_NAMES.get(c.level, c.level), c.code, c.name, c.count, round(c.share, 4), c.per_km2, c.per_1000_residents)
           for lvl in (ta.by_major, ta.by_mid, ta.by_minor) for c in lvl])
    sheet("경쟁점포", ["거리(m)", "상가업소번호", "상호", "지점", "업종", "주소", "층", "위도", "경도", "합성"],
          [(c.distance_m, c.store_id, c.name, c.branch, c.minor_name, c.address, c.floor, c.lat, c.lon, c.synthetic)
           for c in ta.competitors])
    sat = r.saturation
    sheet("기준비교", ["단계", "지역", "업종 점포", "전체 점포", "주민", "육지 km²", "곳/km²", "주민 1,000명당", "비중", "자료 포함 인구 비율"],
          [(LEVEL_NAMES.get(b.level, b.level), b.name, b.category_count, b.store_count, round(b.residents), round(b.land_area_km2, 3),
            b.per_km2, b.per_1000_residents, b.share, b.coverage) for b in [sat.area] + sat.baselines])
    sheet("허프 모형 민감도", ["α (매력도 지수)", "β (거리 감쇠 지수)", "예상 고객(명)", "비율"],
          [(s.alpha, s.beta, round(s.captured_residents, 1), round(s.captured_share, 5)) for s in r.huff.sensitivity])
    sheet("허프 모형 매력도", ["새 점포 매력도(기존=1)", "예상 고객(명)", "비율"],
          [(s.new_store_attractiveness, round(s.captured_residents, 1), round(s.captured_share, 5))
           for s in r.huff.attractiveness_sensitivity])
    sheet("허프 모형 출발지", ["위도", "경도", "주민", "신규 점포 선택 확률", "예상 고객", "동"],
          [(o.lat, o.lon, round(o.residents, 1), round(o.p_new, 5), round(o.captured, 1), o.label) for o in r.huff.origins])
    sheet("부족업종", ["코드", "업종", "실제", "기대", "표준점수", "이유"],
          [(g.code, g.name, g.observed, round(g.expected, 2), round(g.z_score, 3), g.reason) for g in r.gaps.items])
    sheet("출처", ["자료", "자료 코드"], [(title, s) for s, title in zip(r.sources, _source_titles(r.sources), strict=True)])
    sheet("방법", ["설명"], [(line,) for line in METHOD_NOTES] + [("참고 문헌: " + METHOD_REFERENCES,)])
    for ws_ in wb.worksheets:
        force_text_cells(ws_)  # store names like =HYPERLINK(…) stay text (safe_row did it; this is the guard)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_report_pdf(r: CommerceReport, path: str | Path, stores=None) -> Path:
    return _atomic_write(Path(path), report_pdf_bytes(r, stores))


def write_report_xlsx(r: CommerceReport, path: str | Path) -> Path:
    return _atomic_write(Path(path), report_xlsx_bytes(r))
