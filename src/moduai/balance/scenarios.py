"""Saved composite-index scenarios: the only place that queries ``balance_scenarios``.

Scenarios are aggregates (no personal data): everyone may read and use them. Each has an owner (the user
who saved it); only the owner or an admin may overwrite or delete it — for anyone else the name is taken.
Scenarios from before accounts have no owner: admin only. ``principal`` None is the local command line.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from moduai.accounts.policy import Principal, can_touch
from moduai.balance.composite import CompositeSpec, validate_spec
from moduai.balance.models import BalanceScenarioRow
from moduai.db import session_scope
from moduai.errors import InputError, NotFound


@dataclass
class Scenario:
    """A saved scenario as the CLI, API and pages show it."""

    name: str
    description: str | None
    weights: dict[str, float]
    directions: dict[str, str]
    method: str
    year: int
    level: str
    created_at: str | None = None
    updated_at: str | None = None
    owner_id: int | None = None

    @property
    def spec(self) -> CompositeSpec:
        return validate_spec(self.weights, self.method, self.year, self.directions, self.level)


def _public(row: BalanceScenarioRow) -> Scenario:
    return Scenario(row.name, row.description, dict(row.weights), dict(row.directions or {}), row.method, row.year,
                    row.level, row.created_at.isoformat() if row.created_at else None,
                    row.updated_at.isoformat() if row.updated_at else None, row.owner_id)


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not (1 <= len(name) <= 100):
        raise InputError(f"시나리오 이름(name)은 1–100자여야 합니다. 받은 값: '{name}'.", field="name")
    return name


def save_scenario(name: str, spec: CompositeSpec, *, description: str | None = None, overwrite: bool = False,
                  engine=None, principal: Principal | None = None) -> Scenario:
    """Store a scenario (validated again here); an existing name is replaced only with ``overwrite``."""
    name = _check_name(name)
    spec = validate_spec(spec.weights, spec.method, spec.year, spec.directions, spec.level)
    with session_scope(engine) as s:
        row = s.scalar(select(BalanceScenarioRow).where(BalanceScenarioRow.name == name))
        if row is not None and not overwrite:
            raise InputError(
                f"'{name}' 시나리오가 이미 있습니다. 덮어쓰려면 '덮어쓰기'를 고르거나 다른 이름을 쓰세요.",
                field="name",
            )
        if row is not None and principal is not None and not can_touch(principal, row.owner_id):
            raise InputError(f"'{name}' 시나리오는 다른 사람이 저장한 것이라 덮어쓸 수 없습니다. 다른 이름을 쓰세요.",
                             field="name")
        if row is None:
            row = BalanceScenarioRow(name=name, owner_id=principal.user_id if principal else None)
            s.add(row)
        row.description = description
        row.weights = dict(spec.weights)
        row.directions = dict(spec.directions)
        row.method = spec.method
        row.year = spec.year
        row.level = spec.level
        s.flush()
        s.refresh(row)
        return _public(row)


def list_scenarios(engine=None) -> list[Scenario]:
    with session_scope(engine) as s:
        return [_public(r) for r in s.scalars(select(BalanceScenarioRow).order_by(BalanceScenarioRow.name))]


def get_scenario(name: str, engine=None) -> Scenario:
    with session_scope(engine) as s:
        row = s.scalar(select(BalanceScenarioRow).where(BalanceScenarioRow.name == name))
        if row is None:
            names = [r.name for r in s.scalars(select(BalanceScenarioRow).order_by(BalanceScenarioRow.name))]
            have = ", ".join(names) if names else "저장된 시나리오 없음"
            raise NotFound(f"'{name}' 시나리오가 없습니다. 있는 시나리오: {have}.", field="scenario")
        return _public(row)


def delete_scenario(name: str, engine=None, principal: Principal | None = None) -> None:
    with session_scope(engine) as s:
        row = s.scalar(select(BalanceScenarioRow).where(BalanceScenarioRow.name == name))
        if row is None or (principal is not None and not can_touch(principal, row.owner_id)):
            raise NotFound(f"'{name}' 시나리오가 없습니다.", field="scenario")
        s.delete(row)
