"""Pages and API for 상권 분석 (commerce_report part; thin: parse, call the domain, render)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
