"""Pages and API for 상권 분석: data/snapshot routes and report routes live in two modules."""

from __future__ import annotations

from fastapi import APIRouter

from moduai.web.routes import commerce_data, commerce_report

router = APIRouter()
router.include_router(commerce_data.router)
router.include_router(commerce_report.router)
