"""Pages and API for `data` (thin: parse, call the domain, render)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
