"""Export and purge all data of a user, and key rotation — generic over the schema, so no domain import.

Owned data = every table with an ``owner_id`` column (marketing imports, balance scenarios, …) plus the
rows of tables whose foreign key points at an owned row (a marketing import's reviews and sales). The
database is reflected, so a domain that adds ``owner_id`` to its table is covered without touching this
module. ``purge`` writes the export first (JSON in a zip) and then deletes everything in ONE transaction,
and finally the user row itself; the audit log keeps who purged whom (ids only).

Identifier-key rotation re-keys every column listed in :data:`KEYED_HASH_COLUMNS` by chaining (see
:mod:`moduai.accounts.keys`): ``h → HMAC(K_new, "rekey" ‖ h)``, in one transaction, then the new key file
replaces the old one.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from moduai.accounts.keys import (
    IDENTIFIER_KEY_FILE,
    SESSION_KEY_FILE,
    new_key,
    rekey_hash,
    write_key_file,
)
from moduai.accounts.policy import Principal
from moduai.accounts.service import audit, find_user
from moduai.errors import InputError

# Columns holding keyed hashes of personal identifiers: (table, column). Domains adding one list it here.
KEYED_HASH_COLUMNS: list[tuple[str, str]] = [("marketing_sale", "customer_key")]


def _owned_tables(session: Session) -> tuple[list[sa.Table], dict[str, list[tuple[sa.Table, str, str]]]]:
    """Tables with ``owner_id`` and, for each, its child tables as (table, fk column, parent column)."""
    md = sa.MetaData()
    md.reflect(bind=session.connection())
    owned = [t for t in md.sorted_tables if "owner_id" in t.c]
    children: dict[str, list[tuple[sa.Table, str, str]]] = {t.name: [] for t in owned}
    for t in md.sorted_tables:
        for fk in t.foreign_keys:
            parent = fk.column.table.name
            if parent in children and t.name not in children:
                children[parent].append((t, fk.parent.name, fk.column.name))
    return owned, children


def _jsonable(row) -> dict:
    out = {}
    for k, v in row._mapping.items():
        out[k] = v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v
    return out


@dataclass
class UserExport:
    user: dict
    tables: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.tables.items()}


def export_user_data(session: Session, who: str | int) -> UserExport:
    """Everything the platform holds that belongs to ``who`` (id or e-mail), by table. No password hash."""
    row = find_user(session, who)
    user = {"id": row.id, "email": row.email, "display_name": row.display_name, "role": row.role,
            "hub_id": row.hub_id, "region_code": row.region_code, "is_active": row.is_active,
            "created_at": row.created_at.isoformat() if row.created_at else None}
    out = UserExport(user)
    owned, children = _owned_tables(session)
    for t in owned:
        rows = session.execute(sa.select(t).where(t.c.owner_id == row.id)).all()
        out.tables[t.name] = [_jsonable(r) for r in rows]
        for child, fk_col, parent_col in children[t.name]:
            parent_ids = [r._mapping[parent_col] for r in rows]
            got = session.execute(sa.select(child).where(child.c[fk_col].in_(parent_ids))).all() if parent_ids else []
            out.tables.setdefault(child.name, []).extend(_jsonable(r) for r in got)
    return out


def write_export(export: UserExport, path: Path) -> Path:
    """A zip with ``user.json`` and one ``<table>.json`` per table."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("user.json", json.dumps(export.user, ensure_ascii=False, indent=1, default=str))
        for name, rows in export.tables.items():
            zf.writestr(f"{name}.json", json.dumps(rows, ensure_ascii=False, indent=1, default=str))
    path.chmod(0o600)
    return path


@dataclass
class PurgeReport:
    user_id: int
    email: str
    export_path: str
    deleted: dict[str, int]


def purge_user(session: Session, actor: Principal, who: str | int, export_path: Path) -> PurgeReport:
    """Export, then delete every owned row (children first) and the account, in the caller's transaction."""
    export = export_user_data(session, who)
    write_export(export, export_path)
    uid = export.user["id"]
    owned, children = _owned_tables(session)
    deleted: dict[str, int] = {}
    for t in owned:
        parent_ids = [r[0] for r in session.execute(sa.select(t.c.id).where(t.c.owner_id == uid))] if "id" in t.c else []
        for child, fk_col, parent_col in children[t.name]:
            if parent_ids and parent_col == "id":
                n = session.execute(sa.delete(child).where(child.c[fk_col].in_(parent_ids))).rowcount
                deleted[child.name] = deleted.get(child.name, 0) + (n or 0)
        n = session.execute(sa.delete(t).where(t.c.owner_id == uid)).rowcount
        deleted[t.name] = deleted.get(t.name, 0) + (n or 0)
    row = find_user(session, uid)
    email = row.email
    session.delete(row)
    session.flush()
    audit(session, actor, "purge", "user", uid, {"deleted": deleted})
    return PurgeReport(uid, email, str(export_path), deleted)


# --- key rotation ----------------------------------------------------------------------------------

@dataclass
class RotationReport:
    key: str
    file: str
    rehashed: dict[str, int] = field(default_factory=dict)
    note: str = ""


def _refuse_env(settings, which: str) -> None:
    env_value = settings.secret_key_env if which == "session" else settings.identifier_key_env
    if env_value is not None:
        name = "MODUAI_SECRET_KEY" if which == "session" else "MODUAI_IDENTIFIER_KEY"
        raise InputError(f"{name} 환경변수로 키를 주고 있어 파일 키를 바꿀 수 없습니다. 변수를 지우고 다시 실행하거나, "
                         f"새 값을 직접 정해 변수를 바꾸세요(식별자 키라면 이 명령이 필요합니다: 변수를 지운 뒤 실행).",
                         field=name)


def rotate_session_key(settings) -> RotationReport:
    """A new random session key: every signed cookie and CSRF token stops working after the restart."""
    _refuse_env(settings, "session")
    path = settings.home / SESSION_KEY_FILE
    write_key_file(path, new_key(), replace=True)
    return RotationReport("session", str(path), note="서버를 다시 시작하면 모든 로그인이 끝납니다.")


def rotate_identifier_key(settings, session: Session) -> RotationReport:
    """Re-key every stored identifier hash under a new key (one transaction), then replace the key file."""
    _refuse_env(settings, "identifier")
    path = settings.home / IDENTIFIER_KEY_FILE
    key = new_key()
    staged = path.with_name(f".{path.name}.next")
    write_key_file(staged, key, replace=True)  # kept until the database commit, so a crash loses nothing
    counts: dict[str, int] = {}
    inspector = sa.inspect(session.connection())
    tables = set(inspector.get_table_names())
    for table_name, column in KEYED_HASH_COLUMNS:
        if table_name not in tables:
            continue
        t = sa.Table(table_name, sa.MetaData(), autoload_with=session.connection())
        n = 0
        for pk, value in session.execute(sa.select(t.c.id, t.c[column])).all():
            session.execute(sa.update(t).where(t.c.id == pk).values({column: rekey_hash(value, new_key=key)}))
            n += 1
        counts[f"{table_name}.{column}"] = n
    session.flush()
    return RotationReport("identifier", str(path), counts,
                          "예전 장부 안의 고객 묶음은 그대로이고, 회전 전에 올린 장부와 뒤에 올린 장부의 같은 고객은 "
                          "더 이상 이어지지 않습니다.")


def finish_identifier_rotation(settings) -> None:
    """After the database commit: the staged key replaces the old one (the old key is gone)."""
    path = settings.home / IDENTIFIER_KEY_FILE
    staged = path.with_name(f".{path.name}.next")
    staged.replace(path)
