"""Settings read from the environment (``MODUAI_*``): the ONE place the code reads these variables.

- ``MODUAI_HOME``: folder for the SQLite file, imported snapshots and the key files (default ``~/.moduai``).
- ``MODUAI_DATABASE_URL``: SQLAlchemy URL; default ``sqlite:///$MODUAI_HOME/moduai.db``.
- ``MODUAI_ENV``: ``development`` (default) or ``production`` (cookies marked ``Secure``).
- ``MODUAI_SECRET_KEY``: signs session cookies and CSRF tokens. Unset → a random key written on first use
  to ``$MODUAI_HOME/secret.key`` (mode 0600). A published placeholder or a short value is refused in every
  mode (see :mod:`moduai.accounts.keys`).
- ``MODUAI_IDENTIFIER_KEY``: keys the hashes of customer identifiers; unset → ``$MODUAI_HOME/identifier.key``.
  Never stored in the database.
- ``MODUAI_LLM_BASE_URL`` / ``MODUAI_LLM_MODEL`` / ``MODUAI_LLM_API_KEY`` / ``MODUAI_LLM_TIMEOUT``: an
  OpenAI-compatible server; unset means the offline generator.
- ``MODUAI_WARMUP``: ``0`` turns off the server's background warm-up.
- ``MODUAI_DEBUG``: set → the CLI shows tracebacks of unexpected errors.
- ``MODUAI_DATA_GO_KR_KEY``: the user's own 공공데이터포털 service key (상가(상권)정보 API,
  ``moduai commerce fetch``); unset → only the offline data. ``MODUAI_DATA_GO_KR_URL`` overrides the API's
  base address (a proxy, or the local replay server of the tests).

The keys are read lazily (first use of ``secret_key`` / ``identifier_key``), so commands that never sign
a cookie or hash an identifier do not create key files.
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
import secrets
import time
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from moduai.errors import InputError


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    env: str
    llm_base_url: str | None
    llm_model: str | None
    llm_api_key: str | None
    llm_timeout_s: float
    allowed_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    trust_proxy: bool = False
    warmup: bool = True
    debug: bool = False
    job_workers: int = 2
    data_go_kr_key: str | None = field(default=None, repr=False)
    data_go_kr_url: str | None = None
    secret_key_env: str | None = field(default=None, repr=False)
    identifier_key_env: str | None = field(default=None, repr=False)

    @property
    def imports_dir(self) -> Path:
        return self.home / "imports"

    def _key_environ(self) -> dict[str, str]:
        env = {}
        if self.secret_key_env is not None:
            env["MODUAI_SECRET_KEY"] = self.secret_key_env
        if self.identifier_key_env is not None:
            env["MODUAI_IDENTIFIER_KEY"] = self.identifier_key_env
        return env

    @cached_property
    def secret_key(self) -> str:
        """The session-signing key: ``MODUAI_SECRET_KEY`` or ``$MODUAI_HOME/secret.key`` (created on first use)."""
        return load_key("MODUAI_SECRET_KEY", SESSION_KEY_FILE, self.home, self._key_environ()).decode("utf-8")

    @cached_property
    def identifier_key(self) -> bytes:
        """The key of customer-identifier hashes: ``MODUAI_IDENTIFIER_KEY`` or ``$MODUAI_HOME/identifier.key``."""
        return load_key("MODUAI_IDENTIFIER_KEY", IDENTIFIER_KEY_FILE, self.home, self._key_environ())


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read settings from ``environ`` (default: ``os.environ``); refuse malformed values with a Korean message."""
    env = dict(os.environ if environ is None else environ)
    home = Path(env.get("MODUAI_HOME") or Path.home() / ".moduai").expanduser()
    database_url = env.get("MODUAI_DATABASE_URL") or f"sqlite:///{home / 'moduai.db'}"
    mode = env.get("MODUAI_ENV", "development")
    if mode not in ("development", "production"):
        raise InputError(f"MODUAI_ENV는 development 또는 production이어야 합니다. 받은 값: {mode!r}.", field="MODUAI_ENV")
    try:
        timeout = float(env.get("MODUAI_LLM_TIMEOUT", "20"))
    except ValueError as exc:
        raise InputError("MODUAI_LLM_TIMEOUT은 초 단위 숫자여야 합니다.", field="MODUAI_LLM_TIMEOUT") from exc
    settings = Settings(
        home=home,
        database_url=database_url,
        env=mode,
        llm_base_url=env.get("MODUAI_LLM_BASE_URL") or None,
        llm_model=env.get("MODUAI_LLM_MODEL") or None,
        llm_api_key=env.get("MODUAI_LLM_API_KEY") or None,
        llm_timeout_s=timeout,
        allowed_hosts=_csv(env.get("MODUAI_ALLOWED_HOSTS")),
        allowed_origins=_csv(env.get("MODUAI_ALLOWED_ORIGINS")),
        trust_proxy=(env.get("MODUAI_TRUST_PROXY") or "").strip().lower() in ("1", "true", "yes", "on"),
        warmup=_flag(env.get("MODUAI_WARMUP"), True),
        job_workers=_int(env.get("MODUAI_JOB_WORKERS"), 2, "MODUAI_JOB_WORKERS"),
        debug=_flag(env.get("MODUAI_DEBUG"), False),
        data_go_kr_key=(env.get("MODUAI_DATA_GO_KR_KEY") or "").strip() or None,
        data_go_kr_url=(env.get("MODUAI_DATA_GO_KR_URL") or "").strip() or None,
        # An empty variable counts as unset (the key file is used), as in ``MODUAI_SECRET_KEY=`` in a unit file.
        secret_key_env=env.get("MODUAI_SECRET_KEY") or None,
        identifier_key_env=env.get("MODUAI_IDENTIFIER_KEY") or None,
    )
    if settings.secret_key_env is not None or settings.identifier_key_env is not None:
        # A key given in the environment is checked now, in every mode: a placeholder never starts anything.
        for name, value in (("MODUAI_SECRET_KEY", settings.secret_key_env),
                            ("MODUAI_IDENTIFIER_KEY", settings.identifier_key_env)):
            if value is not None:
                check_env_key(name, value)
    return settings


# --- key files ---------------------------------------------------------------------------------------
# The primitives live here (floor 0) so Settings can read its keys without importing a domain;
# moduai.accounts.keys is the public face (keyed_hash, rotation helpers) and re-exports these.

# Strings that were ever published as defaults; a key equal to one of them is refused.
PUBLISHED_PLACEHOLDERS = frozenset({"moduai-dev-secret-change-me", "change-me", "changeme", "secret", ""})
MIN_KEY_LENGTH = 32
SESSION_KEY_FILE = "secret.key"
IDENTIFIER_KEY_FILE = "identifier.key"


def check_env_key(env_name: str, value: str) -> bytes:
    """Refuse a published placeholder or a short key given in the environment."""
    if value in PUBLISHED_PLACEHOLDERS or len(value) < MIN_KEY_LENGTH or "change-me" in value.lower():
        raise InputError(
            f"{env_name}에 공개된 자리표시 값이나 {MIN_KEY_LENGTH}자보다 짧은 값은 쓸 수 없습니다. "
            f"`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`로 만든 값을 넣거나 변수를 비워 "
            f"두면 첫 실행에서 무작위 키를 만듭니다.",
            field=env_name,
        )
    return value.encode("utf-8")


def _read_key_file(path: Path) -> bytes:
    # Another process may have created the file (O_EXCL) a moment before writing it: wait for its bytes.
    for _ in range(50):
        key = path.read_bytes().strip()
        if key:
            if key.decode("utf-8", "replace") in PUBLISHED_PLACEHOLDERS or len(key) < MIN_KEY_LENGTH:
                raise InputError(f"{path}의 키가 너무 짧거나 공개된 자리표시 값입니다. 파일을 지우면 새 키를 만듭니다.",
                                 field=path.name)
            return key
        time.sleep(0.02)
    raise InputError(f"{path} 키 파일이 비어 있습니다. 파일을 지우고 다시 시작하면 새 키를 만듭니다.", field=path.name)


def new_key() -> bytes:
    return secrets.token_urlsafe(48).encode("ascii")


def write_key_file(path: Path, key: bytes, *, replace: bool = False) -> None:
    """Write ``key`` with mode 0600; ``replace`` swaps it in atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not replace:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load_key(env_name: str, filename: str, home: Path, environ: dict[str, str] | None = None) -> bytes:
    """The key from ``environ[env_name]`` when set (checked), else from ``home/filename``, written with
    random bytes on first use (O_EXCL: two processes starting at once never overwrite each other's key)."""
    env = os.environ if environ is None else environ
    value = env.get(env_name)
    if value:
        return check_env_key(env_name, value)
    path = home / filename
    if path.exists():
        return _read_key_file(path)
    key = new_key()
    try:
        write_key_file(path, key)
    except FileExistsError:
        return _read_key_file(path)
    return key


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip().lower().rstrip("/") for v in (value or "").split(",") if v.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings (tests call ``get_settings.cache_clear()`` after changing the env)."""
    return load_settings()


def _int(value: str | None, default: int, name: str) -> int:
    if not value:
        return default
    try:
        return max(1, int(value))
    except ValueError:
        raise InputError(f"{name}은 1 이상의 정수여야 합니다. 받은 값: '{value}'.", field=name) from None


# The variables a worker process needs to see the same home, database and keys as the server.
CHILD_ENV_KEYS = ("MODUAI_HOME", "MODUAI_DATABASE_URL", "MODUAI_SECRET_KEY", "MODUAI_IDENTIFIER_KEY", "MODUAI_ENV",
                  "MODUAI_DATA_GO_KR_KEY", "MODUAI_DATA_GO_KR_URL")


def settings_environ() -> dict[str, str | None]:
    """The caller's MODUAI_* variables a worker process must share (read here, the one reader)."""
    return {k: os.environ.get(k) for k in CHILD_ENV_KEYS}


def apply_environ(env: dict[str, str | None]) -> None:
    """In a worker process: take the caller's variables and forget cached settings."""
    for key in CHILD_ENV_KEYS:
        if env.get(key) is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = env[key]
    get_settings.cache_clear()
