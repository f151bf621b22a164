"""The planner view: aggregates of the hubs a caller may see, by 시군구 of 본점 — never a name, number or person."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from moduai.accounts.policy import Principal
from moduai.errors import ModuaiError
from moduai.hubs import models as M
from moduai.hubs.kpis import compute_kpis
from moduai.hubs.schemas import SYNTHETIC_LABEL, PlannerOverview, SigunguAggregate
from moduai.hubs.service import _not_found, visible_hub_ids
from moduai.regions import get_region


def planner_overview(session: Session, principal: Principal, year: int) -> Any:
    """Aggregates of the hubs the caller may see, by 시군구 of 본점 (as of 31 Dec ``year``): organisations,
    supported firms, closures, latest headcount and investment. No names, numbers or people."""
    if principal.role not in ("admin", "planner", "operator", "mentor"):
        raise _not_found("지역 집계", year)
    hubs = visible_hub_ids(session, principal)
    hub_rows = list(session.scalars(select(M.HubRow).where(M.HubRow.id.in_(hubs or {-1})) if hubs is not None
                                    else select(M.HubRow)))
    ids = [h.id for h in hub_rows] or [-1]
    as_of = dt.date(int(year), 12, 31)
    orgs = pd.DataFrame(session.execute(select(M.OrganisationRow.id, M.OrganisationRow.region_code).where(
        M.OrganisationRow.hub_id.in_(ids), M.OrganisationRow.merged_into_id.is_(None))).all(),
        columns=["id", "region_code"])
    outs = pd.DataFrame(session.execute(select(M.OutcomeRow.organisation_id, M.OutcomeRow.observed_on,
                                               M.OutcomeRow.kind, M.OutcomeRow.amount_krw, M.OutcomeRow.headcount,
                                               M.OutcomeRow.region_code).where(
        M.OutcomeRow.hub_id.in_(ids), M.OutcomeRow.observed_on <= as_of)
        .order_by(M.OutcomeRow.observed_on)).all(), columns=["org", "d", "kind", "amount", "head", "region"])
    supported = set(session.scalars(select(M.ApplicationRow.organisation_id).where(
        M.ApplicationRow.hub_id.in_(ids), M.ApplicationRow.selected_on.is_not(None),
        M.ApplicationRow.selected_on <= as_of)))
    outs["head"] = pd.to_numeric(outs["head"], errors="coerce")
    outs["amount"] = pd.to_numeric(outs["amount"], errors="coerce")
    moves = dict(outs[outs.kind == "본점 이전"].groupby("org").region.last())
    orgs["where"] = [moves.get(int(i), r) for i, r in zip(orgs.id, orgs.region_code, strict=True)]
    orgs["sigungu"] = orgs["where"].fillna("").str[:5]
    closed = set(outs[outs.kind == "폐업"].org)
    head = outs[outs.kind == "고용"].groupby("org")["head"].last()
    inv = outs[(outs.kind == "투자") & (pd.to_datetime(outs.d).dt.year == int(year))].groupby("org").amount.sum()
    rows = []
    for code, g in orgs.groupby("sigungu"):
        if not code:
            continue
        try:
            name = get_region(code).full_name
        except ModuaiError:  # an old or foreign code is still counted under its code
            name = code
        rows.append(SigunguAggregate(
            code=code, name=name, organisations=len(g), supported=int(g.id.isin(supported).sum()),
            closed=int(g.id.isin(closed).sum()), jobs=int(head.reindex(g.id).fillna(0).sum()),
            investment_krw=int(inv.reindex(g.id).fillna(0).sum())))
    rows.sort(key=lambda r: -r.organisations)
    kpis = []
    for h in hub_rows:
        rep = compute_kpis(session, Principal(role="planner", user_id=principal.user_id, region_code=h.region_code),
                           h.id, year)
        kpis.append({"hub": h.name, "hub_slug": h.slug, "label": SYNTHETIC_LABEL if h.is_synthetic else None,
                     "values": [{"id": k.id, "name": k.name, "unit": k.unit, "value": k.value,
                                 "numerator": k.numerator, "denominator": k.denominator} for k in rep.kpis]})
    return PlannerOverview(
        region_code=principal.region_code,
        hubs=[{"slug": h.slug, "name": h.name, "region_code": h.region_code, "is_synthetic": h.is_synthetic}
              for h in hub_rows],
        by_sigungu=rows, kpis=kpis,
        label=SYNTHETIC_LABEL if any(h.is_synthetic for h in hub_rows) else None)
