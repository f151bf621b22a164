"""The program list as one document: ``moduai programs list --json`` and ``GET /api/v1/programs`` both
serialise :func:`list_programs` (before, the CLI renamed six keys and dropped two)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from moduai.programs.catalog import SAMPLE_NOTICE, Program
from moduai.programs.service import active_programs


@dataclass
class ProgramBrief:
    """One row of the program list (the fields a list needs; ``/api/v1/programs/{slug}`` has the rest)."""

    slug: str
    name: str
    agency: str
    kind: str
    region_text: str
    period_text: str
    apply_end: dt.date | None
    is_sample: bool
    status: str
    has_rules: bool
    source_label: str

    @classmethod
    def of(cls, p: Program) -> ProgramBrief:
        return cls(p.slug, p.name, p.agency, p.kind, p.region_text, p.period_text, p.apply_end, p.is_sample,
                   p.status, p.has_rules, p.source_label)


@dataclass
class ProgramList:
    programs: list[ProgramBrief]
    count: int
    notice: str = SAMPLE_NOTICE
    sources: list[str] = field(default_factory=list)


def list_programs(*, kind: str | None = None, sido: str | None = None, include_retired: bool = False) -> ProgramList:
    """Programs open to the filters (sample and imported real ones), briefly, with the datasets they came from."""
    programs = active_programs(kind=kind, sido=sido, include_retired=include_retired)
    return ProgramList([ProgramBrief.of(p) for p in programs], len(programs),
                       sources=sorted({p.dataset_id for p in programs}))
