"""The one check for English words and code in interface text (``english_in``), shared by the browser walk of
every page (tests/e2e/test_every_page.py) and the messages forms show (tests/web/test_form_messages.py), and the
text of a page's message boxes (``shown``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Latin tokens a Korean reader meets in Korean public documents as they are. Kept short on purpose:
ALLOWED_LATIN = {
    "moduai",                                   # the product's name (header, title, footer)
    "AI",                                       # 「모두의 AI」 is the plan's own name
    "km", "m", "kg", "ha", "ms", "MB", "ppm", "CO",  # units (m² with ²; CO₂ is a chemical formula)
    "CSV", "XLSX", "PDF", "ICS", "JSON", "YAML", "API", "URL",   # file formats users pick and download
    "UTF-8", "CP949", "PySAL",                  # the encodings a user chooses when saving a CSV; a library cited
    "KSIC", "KOSIS", "SGIS", "GRDP", "ID",      # official Korean statistics names and their own acronyms
    "A", "B",                                   # A안/B안 of a comparison or an A/B test
    "Q", "H",                                   # 2026Q1, H3 grid names are shown as 분기/격자 but keep the letter
    # acronyms Korean public documents print in Latin letters (the Korean words are next to them on the page)
    "SNS", "IT", "ICT", "DX", "AX", "KPI", "RFM", "CV", "HHI", "BM25", "KAIST", "KAMP", "K-Startup",
    "NCS",  # 국가직무능력표준: 고용24 and the KDT course lists print the 분야 as "NCS 분야"
    "KDI", "DRT",  # 한국개발연구원's own name (as KAIST); 수요응답형 버스(DRT) as 해남군's project list writes it
}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[-_][A-Za-z0-9_]+)*")
CODE = re.compile(r"\d(?:\.\d+)?e[+-]\d\d|\b[a-z]+_[a-z_]+\b|\[\s*'|\{'|</?[a-z]+>|--[a-z]")


# a user's own address and the names of the files they uploaded are data, not interface text
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[^\s·(]+\.(?:csv|xlsx)\b")


def english_in(texts: list[str]) -> list[str]:
    bad = []
    for text in texts:
        text = EMAIL.sub("", text)
        hits = [w for w in WORD.findall(text) if w not in ALLOWED_LATIN and not re.fullmatch(r"[A-Z]\d*", w)
                and not re.fullmatch(r"\d*[A-Za-z]?\d+", w)]
        hits += CODE.findall(text)
        if hits:
            bad.append(f"{hits[:4]} in {text[:80]!r}")
    return bad


class _Boxes(HTMLParser):
    """The text of every ``role="alert"``/``role="status"`` element, without textareas and ``translate="no"``."""

    VOID = {"br", "input", "img", "meta", "link", "hr", "source", "wbr", "col", "area", "base", "embed", "track"}

    def __init__(self) -> None:
        super().__init__()
        self.boxes: list[str] = []
        self._parts: list[str] | None = None
        self._depth = 0
        self._skipping: list[bool] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        if self._parts is None and a.get("role") in ("alert", "status"):
            self._parts, self._depth = [], 0
        if self._parts is not None:
            self._depth += 1
            self._skipping.append(tag == "textarea" or a.get("translate") == "no")

    def handle_endtag(self, tag):
        if tag in self.VOID or self._parts is None:
            return
        self._skipping.pop()
        self._depth -= 1
        if self._depth == 0:
            self.boxes.append(" ".join(" ".join(self._parts).split()))
            self._parts = None

    def handle_data(self, data):
        if self._parts is not None and not any(self._skipping) and data.strip():
            self._parts.append(data.strip())


def shown(html: str) -> str:
    """The text of a page's message boxes (``role="alert"``/``role="status"``), one box after another, " | "."""
    p = _Boxes()
    p.feed(html)
    return " | ".join(p.boxes)
