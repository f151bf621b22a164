"""Every database query of the programs domain: load, seed, upsert, version rules, retire.

Rule sets are stored as the YAML text that was validated, one row per version; the active version on a
day is the highest one whose ``effective_from`` has come (else the earliest, so a program announced
ahead of its rules' start still shows them).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from moduai.errors import InputError, NotFound
from moduai.korean import josa
from moduai.programs.catalog import Program, apply_ruleset, load_starter_catalog
from moduai.programs.models import DraftRejectionRow, ProgramRow, RuleSetRow
from moduai.programs.rules import RuleSet, parse_ruleset

COPY_FIELDS = ("name", "agency", "operator_agency", "kind", "target", "region_scope", "support",
               "support_max_krw", "apply_start", "apply_end", "rolling", "how_to_apply", "description", "url",
               "source_kind", "source_id", "source_label", "source_date", "dataset_id", "is_sample", "status")


def _active_ruleset_row(rows: list[RuleSetRow], today: dt.date) -> RuleSetRow | None:
    if not rows:
        return None
    effective = [r for r in rows if r.effective_from <= today]
    return max(effective, key=lambda r: r.version) if effective else min(rows, key=lambda r: r.version)


def row_to_program(row: ProgramRow, today: dt.date | None = None) -> Program:
    today = today or dt.date.today()
    program = Program(slug=row.slug, name=row.name, agency=row.agency, kind=row.kind,
                      source_kind=row.source_kind, source_label=row.source_label, dataset_id=row.dataset_id,
                      id=row.id)
    for name in COPY_FIELDS:
        setattr(program, name, getattr(row, name))
    program.target = list(row.target or [])
    program.region_scope = dict(row.region_scope or {"nationwide": True})
    program.rule_versions = [{"version": r.version, "effective_from": r.effective_from, "author": r.author,
                              "created_at": r.created_at} for r in row.rulesets]
    active = _active_ruleset_row(list(row.rulesets), today)
    if active is not None:
        ruleset = parse_ruleset(active.rules_yaml, file=f"db:programs/{row.slug}/v{active.version}",
                                program=row.slug)
        # Stored metadata stays as saved; the rule set supplies eligibility.
        program.ruleset = ruleset
        program.rules_yaml = active.rules_yaml
    return program


def _region_sido_column(program: Program) -> str:
    return "," + ",".join(sorted(program.region_sido)) + ","


def _write_fields(row: ProgramRow, program: Program) -> None:
    for name in COPY_FIELDS:
        setattr(row, name, getattr(program, name))
    row.region_sido = _region_sido_column(program)


def _same(row: ProgramRow, program: Program) -> bool:
    return all(getattr(row, n) == getattr(program, n) for n in COPY_FIELDS)


def rules_signature(rules_yaml: str) -> str:
    """The rule text minus its version number and layout, so re-saving the same rules is a no-op."""
    try:
        data = yaml.safe_load(rules_yaml) or {}
    except yaml.YAMLError:
        return rules_yaml.strip()
    if isinstance(data, dict):
        data.pop("version", None)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=True)


def add_ruleset_version(session: Session, row: ProgramRow, ruleset: RuleSet, rules_yaml: str,
                        author: str | None) -> RuleSetRow | None:
    """Store ``ruleset`` as a new version unless the latest stored version has the same text."""
    latest = max(row.rulesets, key=lambda r: r.version, default=None)
    if latest is not None and rules_signature(latest.rules_yaml) == rules_signature(rules_yaml):
        return None
    version = max(ruleset.version, (latest.version + 1) if latest else 1)
    if version != ruleset.version:
        # Keep the text and the row in step: the stored YAML states the version it is stored under.
        rules_yaml = re.sub(r"(?m)^version:\s*\d+", f"version: {version}", rules_yaml, count=1)
        ruleset = parse_ruleset(rules_yaml, file=f"programs/{row.slug}", program=row.slug)
    new = RuleSetRow(version=version, effective_from=ruleset.effective_from, rules_yaml=rules_yaml, author=author)
    row.rulesets.append(new)
    return new


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def upsert_programs(session: Session, programs: list[Program], *, author: str | None = None) -> UpsertCounts:
    """Insert new programs and update changed ones by slug (re-running is a no-op)."""
    counts = UpsertCounts()
    slugs = [p.slug for p in programs]
    existing = {r.slug: r for r in session.scalars(
        select(ProgramRow).where(ProgramRow.slug.in_(slugs)).options(selectinload(ProgramRow.rulesets)))}
    for program in programs:
        row = existing.get(program.slug)
        if row is None:
            row = ProgramRow(slug=program.slug)
            _write_fields(row, program)
            session.add(row)
            existing[program.slug] = row
            counts.created += 1
            changed_rules = program.ruleset is not None
        else:
            changed = not _same(row, program)
            if changed:
                _write_fields(row, program)
            changed_rules = False
            if program.ruleset is not None:
                latest = max(row.rulesets, key=lambda r: r.version, default=None)
                changed_rules = latest is None or (rules_signature(latest.rules_yaml)
                                                   != rules_signature(program.rules_yaml or ""))
            if changed or changed_rules:
                counts.updated += 1
            else:
                counts.unchanged += 1
        if program.ruleset is not None and changed_rules:
            add_ruleset_version(session, row, program.ruleset, program.rules_yaml or program.ruleset.to_yaml(),
                                author)
    session.flush()
    return counts


def seed_samples(session: Session) -> UpsertCounts:
    """Load (or refresh) the shipped 표본 catalog."""
    return upsert_programs(session, list(load_starter_catalog()), author="moduai 표본 카탈로그")


def ensure_seeded(session: Session) -> bool:
    """Seed the samples on first run (no program rows yet); True if it did."""
    if session.scalar(select(func.count()).select_from(ProgramRow)):
        return False
    seed_samples(session)
    return True


def list_programs(session: Session, *, include_retired: bool = False, kind: str | None = None,
                  sido: str | None = None, today: dt.date | None = None) -> list[Program]:
    query = select(ProgramRow).options(selectinload(ProgramRow.rulesets)).order_by(ProgramRow.id)
    if not include_retired:
        query = query.where(ProgramRow.status == "active")
    if kind:
        query = query.where(ProgramRow.kind == kind)
    if sido:
        query = query.where(ProgramRow.region_sido.like(f"%,{sido},%"))
    return [row_to_program(r, today) for r in session.scalars(query)]


def _get_row(session: Session, slug: str) -> ProgramRow:
    row = session.scalar(select(ProgramRow).where(ProgramRow.slug == slug)
                         .options(selectinload(ProgramRow.rulesets)))
    if row is None:
        raise NotFound(f"지원사업 {josa(repr(slug), '을/를')} 찾을 수 없습니다. 목록(/programs/list)에서 확인해 주세요.",
                       field="slug")
    return row


def get_program(session: Session, slug: str, today: dt.date | None = None) -> Program:
    return row_to_program(_get_row(session, slug), today)


def ruleset_history(session: Session, slug: str) -> list[dict[str, Any]]:
    row = _get_row(session, slug)
    return [{"version": r.version, "effective_from": r.effective_from, "author": r.author,
             "created_at": r.created_at, "rules_yaml": r.rules_yaml} for r in row.rulesets]


def save_program(session: Session, program: Program, *, author: str | None, create: bool) -> Program:
    """Operator add/edit: store fields and, if the rules changed, a new rule-set version."""
    exists = session.scalar(select(ProgramRow.id).where(ProgramRow.slug == program.slug)) is not None
    if create and exists:
        raise InputError(f"id '{program.slug}' 사업이 이미 있습니다. 다른 id를 쓰거나 그 사업을 수정하세요.",
                         field="slug")
    if not create and not exists:
        raise NotFound(f"지원사업 {josa(repr(program.slug), '을/를')} 찾을 수 없습니다.", field="slug")
    if program.ruleset is not None:
        apply_ruleset(program, program.ruleset, program.rules_yaml)
    upsert_programs(session, [program], author=author)
    return get_program(session, program.slug)


def confirm_rules(session: Session, slug: str, ruleset: RuleSet, rules_yaml: str, *, author: str | None) -> Program:
    """An operator's confirmed rules for an imported announcement: a new dated rule-set version."""
    row = _get_row(session, slug)
    add_ruleset_version(session, row, ruleset, rules_yaml, author)
    session.flush()
    return get_program(session, slug)


def set_status(session: Session, slug: str, status: str) -> Program:
    if status not in ("active", "retired"):
        raise InputError(f"상태는 active 또는 retired여야 합니다. 받은 값: {status!r}.", field="status")
    row = _get_row(session, slug)
    row.status = status
    session.flush()
    return row_to_program(row)




def draft_rejections(session: Session, slug: str) -> list[dict[str, Any]]:
    """Every rejection of a draft criterion of ``slug`` (all texts), newest first."""
    row = _get_row(session, slug)
    rows = session.scalars(select(DraftRejectionRow).where(DraftRejectionRow.program_id == row.id)
                           .order_by(DraftRejectionRow.rejected_at.desc(), DraftRejectionRow.id.desc()))
    return [{"criterion_id": r.criterion_id, "criterion_type": r.criterion_type, "text": r.span_text,
             "params": r.params, "reason": r.reason, "rejected_by": r.rejected_by, "rejected_at": r.rejected_at,
             "text_sha256": r.text_sha256} for r in rows]


def add_draft_rejection(session: Session, slug: str, *, text_sha256: str, criterion_id: str, criterion_type: str,
                        span_text: str, params: dict[str, Any], reason: str, rejected_by: str) -> None:
    row = _get_row(session, slug)
    session.add(DraftRejectionRow(program_id=row.id, text_sha256=text_sha256, criterion_id=criterion_id,
                                  criterion_type=criterion_type, span_text=span_text[:500], params=params,
                                  reason=reason, rejected_by=rejected_by,
                                  rejected_at=dt.datetime.now(dt.UTC)))
    session.flush()


def rejected_draft_keys(session: Session) -> dict[str, set[tuple[str, str, str]]]:
    """slug → {(text fingerprint, criterion id, span text)} of every rejected draft reading (for matching)."""
    rows = session.execute(select(ProgramRow.slug, DraftRejectionRow.text_sha256, DraftRejectionRow.criterion_id,
                                  DraftRejectionRow.span_text).join(ProgramRow,
                                                                    ProgramRow.id == DraftRejectionRow.program_id))
    out: dict[str, set[tuple[str, str, str]]] = {}
    for slug, fp, cid, text in rows:
        out.setdefault(slug, set()).add((fp, cid, text))
    return out
