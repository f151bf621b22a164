"""``moduai users …`` (accounts, roles, export/purge, audit log) and ``moduai keys rotate``.

Commands run on the server itself, as its administrator: the audit log records them with role ``admin``
and no user id (``cli``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from moduai.cli.output import JSON_OPTION, console, emit

app = typer.Typer(no_args_is_help=True)
keys_app = typer.Typer(no_args_is_help=True)



def _admin():
    from moduai.accounts.policy import Principal

    return Principal(role="admin")


def _db():
    from moduai.db import migrate

    migrate()
    from moduai.db import session_scope

    return session_scope()


def _password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("비밀번호", hide_input=True, confirmation_prompt=True)


@app.command("add")
def add(
    email: str = typer.Argument(..., help="이메일"),
    role: str = typer.Option("member", "--role", help="admin | operator | mentor | member | planner"),
    hub_id: int = typer.Option(None, "--hub", help="운영자·멘토의 거점 번호"),
    region_code: str = typer.Option(None, "--region", help="기획 담당자의 시도(2자리)·시군구(5자리) 코드, 예: 11, 51150"),
    name: str = typer.Option(None, "--name", help="표시 이름"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="비밀번호를 표준입력에서 읽기"),
    as_json: bool = JSON_OPTION,
) -> None:
    """계정을 만듭니다 (비밀번호는 묻거나 표준입력에서 읽음)."""
    from moduai.accounts.service import _check_scope, audit, create_user, user_create

    region_code = _check_scope(role, hub_id, region_code)  # before the password prompt: nothing asked in vain
    data = user_create(email, _password(password_stdin), role=role, display_name=name)
    with _db() as s:
        user = create_user(s, data, hub_id=hub_id, region_code=region_code)
        audit(s, _admin(), "user_add", "user", user.id, {"role": role})
    emit(user, as_json, lambda u: console.print(f"계정을 만들었습니다: {u.email} ({u.role}, {u.id}번)"))


@app.command("list")
def list_(as_json: bool = JSON_OPTION) -> None:
    """모든 계정 (비밀번호 해시는 나오지 않습니다)."""
    from moduai.accounts.service import list_users

    with _db() as s:
        users = list_users(s)

    def render(us):
        for u in us:
            scope = f" 거점 {u.hub_id}" if u.hub_id is not None else (f" 지역 {u.region_code}" if u.region_code else "")
            console.print(f"{u.id:>4}  {u.email}  {u.role}{scope}  {'사용 중' if u.is_active else '사용 중지'}",
                          highlight=False)

    emit({"users": users} if as_json else users, as_json, None if as_json else render)


@app.command("disable")
def disable(who: str = typer.Argument(..., help="번호 또는 이메일"), as_json: bool = JSON_OPTION) -> None:
    """계정을 사용 중지합니다 (모든 로그인이 바로 끝남)."""
    from moduai.accounts.service import find_user, set_active

    with _db() as s:
        user = set_active(s, _admin(), find_user(s, who).id, False)
    emit(user, as_json, lambda u: console.print(f"사용 중지했습니다: {u.email}"))


@app.command("enable")
def enable(who: str = typer.Argument(..., help="번호 또는 이메일"), as_json: bool = JSON_OPTION) -> None:
    """사용 중지한 계정을 다시 쓰게 합니다."""
    from moduai.accounts.service import find_user, set_active

    with _db() as s:
        user = set_active(s, _admin(), find_user(s, who).id, True)
    emit(user, as_json, lambda u: console.print(f"다시 사용하게 했습니다: {u.email}"))


@app.command("set-role")
def set_role_cmd(
    who: str = typer.Argument(..., help="번호 또는 이메일"),
    role: str = typer.Argument(..., help="admin | operator | mentor | member | planner"),
    hub_id: int = typer.Option(None, "--hub", help="운영자·멘토의 거점 번호"),
    region_code: str = typer.Option(None, "--region", help="기획 담당자의 시도(2자리)·시군구(5자리) 코드, 예: 11, 51150"),
    as_json: bool = JSON_OPTION,
) -> None:
    """역할을 바꿉니다 (그 사용자의 로그인이 모두 끝나고 감사 기록에 남음)."""
    from moduai.accounts.service import find_user, set_role

    with _db() as s:
        user = set_role(s, _admin(), find_user(s, who).id, role, hub_id=hub_id, region_code=region_code)
    emit(user, as_json, lambda u: console.print(f"{u.email}의 역할: {u.role}"))


@app.command("reset-password")
def reset_password_cmd(who: str = typer.Argument(..., help="번호 또는 이메일"),
                       password_stdin: bool = typer.Option(False, "--password-stdin",
                                                           help="새 비밀번호를 표준입력에서 읽기 (없으면 무작위)"),
                       as_json: bool = JSON_OPTION) -> None:
    """비밀번호를 재설정합니다 (무작위 임시 비밀번호는 한 번만 출력)."""
    from moduai.accounts.service import find_user, reset_password

    new = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with _db() as s:
        uid = find_user(s, who).id
        pw = reset_password(s, _admin(), uid, new)
    out = {"user_id": uid, "temporary_password": None if password_stdin else pw}
    emit(out, as_json, lambda d: console.print(f"재설정했습니다. 임시 비밀번호: {d['temporary_password']}"
                                                if d["temporary_password"] else "재설정했습니다."))


@app.command("invite")
def invite(role: str = typer.Option("member", "--role"), email: str = typer.Option(None, "--email"),
           hub_id: int = typer.Option(None, "--hub"), region_code: str = typer.Option(None, "--region"),
           days: int = typer.Option(7, "--days", min=1, max=90), as_json: bool = JSON_OPTION) -> None:
    """가입 초대 코드를 만듭니다 (/accounts/signup?invite=코드)."""
    from moduai.accounts.service import create_invite

    with _db() as s:
        token = create_invite(s, _admin(), role, email=email, hub_id=hub_id, region_code=region_code, days=days)
    out = {"invite": token, "path": f"/accounts/signup?invite={token}", "role": role, "days": days}
    emit(out, as_json, lambda d: console.print(f"가입 링크: {d['path']} ({days}일, 한 번)"))


@app.command("export")
def export(who: str = typer.Argument(..., help="번호 또는 이메일"),
           out: Path = typer.Option(..., "--out", help="만들 zip 파일"), as_json: bool = JSON_OPTION) -> None:
    """한 사용자의 모든 데이터를 zip(JSON)으로 내보냅니다."""
    from moduai.accounts.lifecycle import export_user_data, write_export
    from moduai.accounts.service import audit

    with _db() as s:
        data = export_user_data(s, who)
        audit(s, _admin(), "export", "user", data.user["id"], {"counts": data.counts})
    write_export(data, out)
    result = {"user_id": data.user["id"], "file": str(out), "counts": data.counts}
    emit(result, as_json, lambda d: console.print(f"내보냈습니다: {d['file']} {d['counts']}"))


@app.command("purge")
def purge(who: str = typer.Argument(..., help="번호 또는 이메일"),
          out: Path = typer.Option(..., "--out", help="삭제 전에 내보낼 zip 파일"),
          yes: bool = typer.Option(False, "--yes", help="묻지 않고 삭제"), as_json: bool = JSON_OPTION) -> None:
    """한 사용자의 데이터를 내보낸 뒤 모두 지웁니다 (올린 파일·분석·시나리오와 계정)."""
    from moduai.accounts.lifecycle import purge_user

    if not yes:
        typer.confirm(f"{who}의 모든 데이터를 {out}로 내보낸 뒤 지웁니다. 계속할까요?", abort=True)
    with _db() as s:
        report = purge_user(s, _admin(), who, out)
    emit(report, as_json, lambda r: console.print(f"지웠습니다: {r.email} {r.deleted} (내보낸 파일: {r.export_path})"))


@app.command("audit")
def audit_cmd(limit: int = typer.Option(100, "--limit", min=1, max=10000), actor: int = typer.Option(None, "--actor"),
              action: str = typer.Option(None, "--action"), as_json: bool = JSON_OPTION) -> None:
    """감사 기록: 누가 언제 무엇(개인정보 열람·내보내기, 역할 변경 등)을 했는지."""
    from moduai.accounts.service import list_audit

    with _db() as s:
        entries = list_audit(s, limit=limit, actor_id=actor, action=action)

    def render(es):
        for e in es:
            console.print(f"{e.at}  {e.actor_role}#{e.actor_id or '-'}  {e.action}  {e.object_type}:{e.object_id or '-'}",
                          highlight=False)

    emit({"entries": entries} if as_json else entries, as_json, None if as_json else render)


@keys_app.command("rotate")
def rotate(which: str = typer.Argument(..., help="session | identifier"), as_json: bool = JSON_OPTION) -> None:
    """키를 바꿉니다. session: 모든 로그인이 끝남. identifier: 저장된 고객 해시를 새 키로 다시 묶음."""
    from moduai.accounts import lifecycle
    from moduai.config import get_settings
    from moduai.errors import InputError

    settings = get_settings()
    if which == "session":
        report = lifecycle.rotate_session_key(settings)
    elif which == "identifier":
        with _db() as s:
            report = lifecycle.rotate_identifier_key(settings, s)
        lifecycle.finish_identifier_rotation(settings)
    else:
        raise InputError(f"바꿀 키는 session 또는 identifier입니다. 받은 값: '{which}'.", field="which")
    emit(report, as_json, lambda r: console.print(f"{r.key} 키를 바꿨습니다 ({r.file}). {r.note} 서버를 다시 시작하세요."))
