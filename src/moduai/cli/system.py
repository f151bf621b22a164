"""``moduai serve`` and ``moduai db upgrade``."""

from __future__ import annotations

import typer

from moduai.cli.output import JSON_OPTION, emit


def announce_when_ready(host: str, port: int, message: str, *, timeout: float = 600.0):
    """Print ``message`` from a background thread as soon as an HTTP request to the server gets any answer."""
    import http.client
    import threading
    import time

    probe_host = "127.0.0.1" if host in ("0.0.0.0", "", "localhost") else ("::1" if host == "::" else host)

    def wait() -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            conn = http.client.HTTPConnection(probe_host, port, timeout=5)
            try:
                conn.request("HEAD", "/static/ready-probe")
                conn.getresponse().read()
                typer.echo(message)
                return
            except OSError:
                time.sleep(0.02)
            finally:
                conn.close()

    thread = threading.Thread(target=wait, name="moduai-announce", daemon=True)
    thread.start()
    return thread


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="듣는 주소"),
        port: int = typer.Option(8000, help="포트"),
        reload: bool = typer.Option(False, help="코드 변경 시 자동 재시작 (개발용)"),
        workers: int = typer.Option(1, min=1, max=64, help="작업 프로세스 수 (전국 스냅샷 자료는 메모리 매핑으로 함께 씁니다)"),
    ) -> None:
        """웹 플랫폼을 시작합니다 (기본: http://127.0.0.1:8000)."""
        import uvicorn

        from moduai.config import get_settings
        from moduai.db import migrate

        # The session key is read (or, on a fresh install, created in MODUAI_HOME with mode 0600) before the
        # server starts; a published placeholder in MODUAI_SECRET_KEY stops it here with a Korean message.
        settings = get_settings()
        _ = settings.secret_key
        migrate()
        # X-Forwarded-* only from a proxy the operator declared (MODUAI_TRUST_PROXY); uvicorn would otherwise
        # trust them from any loopback client (HTTPS detection, client address for the login throttle).
        trust = settings.trust_proxy
        if host in ("0.0.0.0", "::") and not settings.allowed_hosts:
            typer.echo("다른 기기에서 이 서버의 주소(IP 또는 도메인)로 접속하려면 MODUAI_ALLOWED_HOSTS에 그 주소를 넣으세요. "
                       "넣지 않으면 localhost 외의 주소는 400으로 거절합니다(DNS 리바인딩 방지).", err=True)
        # The address is printed once the server answers, not before (a browser opened on it must not fail).
        announce_when_ready(host, port, f"moduai 웹 플랫폼: http://{host}:{port}  (종료: Ctrl+C)")
        uvicorn.run("moduai.web.app:create_app", factory=True, host=host, port=port, reload=reload,
                    workers=None if reload else workers, proxy_headers=trust)

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
