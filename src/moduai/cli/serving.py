"""``moduai serve``'s work, without Typer: the Typer command (:mod:`moduai.cli.system`) and the fast path
(:mod:`moduai.cli.fast`, a plain ``serve`` call) both run :func:`run_server`, so the server the first visitor
waits for does not first build the whole command tree (Typer, click, every command module: ≈ 0.25 CPU s)."""

from __future__ import annotations

import sys

ADDRESS_HINT = ("다른 기기에서 이 서버의 주소(IP 또는 도메인)로 접속하려면 MODUAI_ALLOWED_HOSTS에 그 주소를 넣으세요. "
                "넣지 않으면 localhost 외의 주소는 400으로 거절합니다(DNS 리바인딩 방지).")


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
                print(message, flush=True)
                return
            except OSError:
                time.sleep(0.02)
            finally:
                conn.close()

    thread = threading.Thread(target=wait, name="moduai-announce", daemon=True)
    thread.start()
    return thread


def prepare_server() -> object:
    """Before the server starts: the session key and the database schema; returns the settings.

    The session key is read (or, on a fresh install, created in MODUAI_HOME with mode 0600) before the server
    starts; a published placeholder in MODUAI_SECRET_KEY stops it here with a Korean message (ModuaiError)."""
    from moduai.config import get_settings
    from moduai.db.heads import create_from_template, sqlite_file_at_heads

    settings = get_settings()
    _ = settings.secret_key
    # A restart on a SQLite file already at every head: nothing to migrate, and checking it with sqlite3 keeps
    # SQLAlchemy out of the start (the first request that needs the database imports it).  A fresh SQLite home
    # gets the shipped empty database at every head (moduai.db.heads.create_from_template), not Alembic.
    create_from_template(settings.database_url)
    if not sqlite_file_at_heads(settings.database_url):
        from moduai.db import migrate

        migrate()
    return settings


def run_server(settings, host: str, port: int, reload: bool, workers: int) -> None:
    import uvicorn

    # X-Forwarded-* only from a proxy the operator declared (MODUAI_TRUST_PROXY); uvicorn would otherwise
    # trust them from any loopback client (HTTPS detection, client address for the login throttle).
    trust = settings.trust_proxy
    if host in ("0.0.0.0", "::") and not settings.allowed_hosts:
        print(ADDRESS_HINT, file=sys.stderr, flush=True)
    # The address is printed once the server answers, not before (a browser opened on it must not fail).
    announce_when_ready(host, port, f"moduai 웹 플랫폼: http://{host}:{port}  (종료: Ctrl+C)")
    uvicorn.run("moduai.web.app:create_app", factory=True, host=host, port=port, reload=reload,
                workers=None if reload else workers, proxy_headers=trust)
