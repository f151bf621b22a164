"""Pages and API for `marketing` (thin: parse, call the domain, render)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
