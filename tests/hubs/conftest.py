"""Fixtures of the hubs tests: principals and two hubs in one database."""

from __future__ import annotations

import pytest

from moduai.accounts.policy import Principal

ADMIN = Principal(role="admin", user_id=1)
KEY = b"k" * 40  # identifier key for tests (never the real one)


@pytest.fixture(autouse=True)
def _identifier_key(monkeypatch):
    monkeypatch.setenv("MODUAI_IDENTIFIER_KEY", "test-identifier-key-" + "x" * 40)


@pytest.fixture
def two_hubs(db_url):
    """Hub A (포항) and hub B (전주), each with an organisation; returns ids."""
    from moduai.db import session_scope
    from moduai.hubs import service as S

    with session_scope() as s:
        a = S.create_hub(s, ADMIN, name="포항 거점센터", region="47110", focus=["AI 도입"], slug="hub-a")
        b = S.create_hub(s, ADMIN, name="전주 거점센터", region="52110", focus=["스마트팜"], slug="hub-b")
        oa = S.add_organisation(s, ADMIN, a.id, name="포항테크", brn="124-81-00998", region_code="47111")
        ob = S.add_organisation(s, ADMIN, b.id, name="전주팜", brn="220-81-62517", region_code="52111")
    return {"db": db_url, "a": a.id, "b": b.id, "org_a": oa.id, "org_b": ob.id}
