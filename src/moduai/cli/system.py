"""``moduai serve`` and ``moduai db upgrade``."""

from __future__ import annotations

import typer

from moduai.cli.output import JSON_OPTION, emit


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="듣는 주소"),
        port: int = typer.Option(8000, help="포트"),
        reload: bool = typer.Option(False, help="코드 변경 시 자동 재시작 (개발용)"),
    ) -> None:
        """웹 플랫폼을 시작합니다 (기본: http://127.0.0.1:8000)."""
        import uvicorn

        from moduai.config import get_settings
        from moduai.db import migrate

        # The session key is read (or, on a fresh install, created in MODUAI_HOME with mode 0600) before the
        # server starts; a published placeholder in MODUAI_SECRET_KEY stops it here with a Korean message.
        _ = get_settings().secret_key
        migrate()
        typer.echo(f"moduai 웹 플랫폼: http://{host}:{port}  (종료: Ctrl+C)")
        from moduai.config import get_settings

        # X-Forwarded-* only from a proxy the operator declared (MODUAI_TRUST_PROXY); uvicorn would otherwise
        # trust them from any loopback client (HTTPS detection, client address for the login throttle).
        settings = get_settings()
        trust = settings.trust_proxy
        if host in ("0.0.0.0", "::") and not settings.allowed_hosts:
            typer.echo("다른 기기에서 이 서버의 주소(IP 또는 도메인)로 접속하려면 MODUAI_ALLOWED_HOSTS에 그 주소를 넣으세요. "
                       "넣지 않으면 localhost 외의 주소는 400으로 거절합니다(DNS 리바인딩 방지).", err=True)
        uvicorn.run("moduai.web.app:create_app", factory=True, host=host, port=port, reload=reload,
                    proxy_headers=trust)

    @app.command("db-upgrade")
    def db_upgrade(as_json: bool = JSON_OPTION) -> None:
        """데이터베이스를 최신 스키마로 올립니다 (Alembic, 모든 도메인)."""
        from alembic.script import ScriptDirectory

        from moduai.config import get_settings
        from moduai.db import migrate
        from moduai.db.engine import alembic_config

        url = get_settings().database_url
        migrate(url)
        heads = sorted(ScriptDirectory.from_config(alembic_config(url)).get_heads())
        safe_url = url.split("@")[-1] if "@" in url else url  # never print a password
        emit({"database": safe_url, "heads": heads}, as_json,
             lambda d: typer.echo(f"데이터베이스 최신화 완료: {d['database']} ({', '.join(d['heads'])})"))
