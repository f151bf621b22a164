"""Pages and API for `commerce` (thin: parse, call the domain, render)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
