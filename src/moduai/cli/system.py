"""``moduai serve`` and ``moduai db upgrade``."""

from __future__ import annotations

import typer

from moduai.cli.output import JSON_OPTION, emit
from moduai.cli.serving import announce_when_ready, prepare_server, run_server

__all__ = ["announce_when_ready", "register"]


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="듣는 주소"),
        port: int = typer.Option(8000, help="포트"),
        reload: bool = typer.Option(False, help="코드 변경 시 자동 재시작 (개발용)"),
        workers: int = typer.Option(1, min=1, max=64, help="작업 프로세스 수 (전국 스냅샷 자료는 메모리 매핑으로 함께 씁니다)"),
    ) -> None:
        """웹 플랫폼을 시작합니다 (기본: http://127.0.0.1:8000)."""
        run_server(prepare_server(), host, port, reload, workers)

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
