"""The 현장 AI fixtures: ``tests/fixtures/fieldai`` through the shared ``fixture_data`` fixture."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def fix(fixture_data) -> Path:
    """``fixture_data / "fieldai"``: NAB machine temperature and windows, KAMP CN7, a KAMP press slice."""
    return fixture_data / "fieldai"
