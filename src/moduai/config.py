"""Settings read from the environment (``MODUAI_*``), with safe embedded defaults.

- ``MODUAI_HOME``: folder for the SQLite file and imported snapshots (default ``~/.moduai``).
- ``MODUAI_DATABASE_URL``: SQLAlchemy URL; default ``sqlite:///$MODUAI_HOME/moduai.db``.
- ``MODUAI_LLM_BASE_URL`` / ``MODUAI_LLM_MODEL`` / ``MODUAI_LLM_API_KEY``: an OpenAI-compatible server;
  unset means the offline generator.
- ``MODUAI_SECRET_KEY``: signs session cookies; must be set (not the placeholder) when
  ``MODUAI_ENV=production``.
- ``MODUAI_ALLOWED_HOSTS``: comma-separated host names the server answers (``Host`` header; DNS-rebinding
  guard). Always allowed: ``localhost``, ``127.0.0.1``, ``[::1]``, ``testserver``. ``*.example.kr`` allows
  sub-domains; ``*`` allows any host (only behind a proxy that checks it).
- ``MODUAI_ALLOWED_ORIGINS``: comma-separated extra origins (``https://site.example.kr``) whose pages may
  send POST/PUT/PATCH/DELETE requests; the server's own origin is always allowed.
- ``MODUAI_TRUST_PROXY``: ``1`` → honour ``X-Forwarded-Proto``/``X-Forwarded-Host`` (set only behind a
  reverse proxy that overwrites them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from moduai.errors import InputError

_PLACEHOLDER_SECRET = "moduai-dev-secret-change-me"


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    env: str
    secret_key: str
    llm_base_url: str | None
    llm_model: str | None
    llm_api_key: str | None
    llm_timeout_s: float
    allowed_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    trust_proxy: bool = False

    @property
    def imports_dir(self) -> Path:
        return self.home / "imports"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read settings from ``environ`` (default: ``os.environ``) and refuse unsafe production values."""
    env = dict(os.environ if environ is None else environ)
    home = Path(env.get("MODUAI_HOME") or Path.home() / ".moduai").expanduser()
    database_url = env.get("MODUAI_DATABASE_URL") or f"sqlite:///{home / 'moduai.db'}"
    mode = env.get("MODUAI_ENV", "development")
    secret = env.get("MODUAI_SECRET_KEY") or _PLACEHOLDER_SECRET
    if mode == "production" and secret == _PLACEHOLDER_SECRET:
        raise InputError(
            "운영 모드(MODUAI_ENV=production)에서는 MODUAI_SECRET_KEY를 직접 정해야 합니다.",
            field="MODUAI_SECRET_KEY",
            detail="refusing the placeholder secret in production",
        )
    try:
        timeout = float(env.get("MODUAI_LLM_TIMEOUT", "20"))
    except ValueError as exc:
        raise InputError("MODUAI_LLM_TIMEOUT은 초 단위 숫자여야 합니다.", field="MODUAI_LLM_TIMEOUT") from exc
    return Settings(
        home=home,
        database_url=database_url,
        env=mode,
        secret_key=secret,
        llm_base_url=env.get("MODUAI_LLM_BASE_URL") or None,
        llm_model=env.get("MODUAI_LLM_MODEL") or None,
        llm_api_key=env.get("MODUAI_LLM_API_KEY") or None,
        llm_timeout_s=timeout,
        allowed_hosts=_csv(env.get("MODUAI_ALLOWED_HOSTS")),
        allowed_origins=_csv(env.get("MODUAI_ALLOWED_ORIGINS")),
        trust_proxy=(env.get("MODUAI_TRUST_PROXY") or "").strip().lower() in ("1", "true", "yes", "on"),
    )


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip().lower().rstrip("/") for v in (value or "").split(",") if v.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings (tests call ``get_settings.cache_clear()`` after changing the env)."""
    return load_settings()
