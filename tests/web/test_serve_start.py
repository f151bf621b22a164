"""``moduai serve`` prints its address only once the server answers (a browser opened on it must not fail)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

from moduai.cli.system import announce_when_ready


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Quiet(BaseHTTPRequestHandler):
    def do_HEAD(self):  # noqa: N802 - http.server's naming
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_announcement_waits_for_an_answer(capsys):
    port = _free_port()
    thread = announce_when_ready("127.0.0.1", port, "READY")
    time.sleep(0.5)
    assert thread.is_alive() and "READY" not in capsys.readouterr().out  # nothing listens yet
    server = HTTPServer(("127.0.0.1", port), _Quiet)
    threading.Thread(target=server.handle_request, daemon=True).start()
    thread.join(10)
    server.server_close()
    assert not thread.is_alive()
    assert "READY" in capsys.readouterr().out


def test_serve_prints_its_url_when_the_port_answers(tmp_path):
    port = _free_port()
    env = dict(os.environ, MODUAI_HOME=str(tmp_path), MODUAI_WARMUP="0")
    env.pop("MODUAI_DATABASE_URL", None)
    code = "import sys; from moduai.cli import main; sys.argv[0] = 'moduai'; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines = []
        while not any("http://" in x for x in lines):  # uvicorn's access log shares stdout
            lines.append(proc.stdout.readline())
            assert lines[-1], "serve exited"
        assert f"http://127.0.0.1:{port}" in lines[-1]
        assert any("ready-probe" in x for x in lines[:-1])  # the probe was answered before the URL was printed
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/")  # answered at once: the URL was printed after the server answered
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        proc.terminate()
        proc.wait(30)


# ---- the fast path of `moduai serve` (moduai.cli.fast): the Typer command's options, without Typer ----------

def test_fast_serve_path_parses_like_the_typer_command_and_leaves_the_rest_to_it():
    from moduai.cli.fast import parse_serve_args

    assert parse_serve_args([]) == {"host": "127.0.0.1", "port": 8000, "reload": False, "workers": 1}
    assert parse_serve_args(["--host", "0.0.0.0", "--port=8100", "--workers", "4", "--no-reload"]) == {
        "host": "0.0.0.0", "port": 8100, "reload": False, "workers": 4}
    assert parse_serve_args(["--reload"])["reload"] is True
    for odd in (["--help"], ["--port", "팔천"], ["--port"], ["--workers", "0"], ["--workers", "65"], ["extra"],
                ["--log-level", "debug"]):
        assert parse_serve_args(odd) is None, odd


def test_fast_serve_path_runs_the_same_server_without_importing_typer(tmp_path):
    """`moduai serve --port P` prepares (session key, migration) and starts uvicorn with the Typer command's
    arguments; uvicorn.run is replaced here by a probe that prints what it was given."""
    code = ("import json, sys, uvicorn\n"
            "uvicorn.run = lambda *a, **k: print('@@', json.dumps([a, k, sorted(m for m in ('typer', 'moduai.cli.root') "
            "if m in sys.modules)]))\n"
            "from moduai.cli import main; sys.argv[0] = 'moduai'; main()\n")
    env = dict(os.environ, MODUAI_HOME=str(tmp_path), MODUAI_WARMUP="0")
    env.pop("MODUAI_DATABASE_URL", None)
    p = subprocess.run([sys.executable, "-c", code, "serve", "--port", "8123", "--workers=2"], env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    import json

    args, kwargs, cli_libs = json.loads(p.stdout.split("@@", 1)[1])
    assert args == ["moduai.web.app:create_app"] and cli_libs == []  # (click comes with uvicorn itself)
    assert kwargs == {"factory": True, "host": "127.0.0.1", "port": 8123, "reload": False, "workers": 2,
                      "proxy_headers": False}
    assert (tmp_path / "moduai.db").is_file() or any(tmp_path.rglob("*.db"))  # migrated before starting


def test_a_restart_at_every_head_starts_the_server_without_sqlalchemy(tmp_path):
    """The first start copies the shipped empty database at every head (no SQLAlchemy, no Alembic — and with
    the template switched off it migrates with both); a restart on the same home finds the SQLite file at every
    head with sqlite3 and reaches uvicorn.run without having imported SQLAlchemy."""
    import json

    code = ("import json, sys, uvicorn\n"
            "uvicorn.run = lambda *a, **k: print('@@', json.dumps(sorted(m for m in ('sqlalchemy', 'alembic') "
            "if m in sys.modules)))\n"
            "from moduai.cli import main; sys.argv[0] = 'moduai'; main()\n")
    env = dict(os.environ, MODUAI_HOME=str(tmp_path), MODUAI_WARMUP="0")
    env.pop("MODUAI_DATABASE_URL", None)
    seen = []
    for _ in range(2):
        p = subprocess.run([sys.executable, "-c", code, "serve"], env=env, capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stderr
        seen.append(json.loads(p.stdout.split("@@", 1)[1]))
    assert seen == [[], []]
    from moduai.db import heads

    assert (tmp_path / "moduai.db").read_bytes()[:16] == b"SQLite format 3\x00"
    assert heads.sqlite_file_at_heads(f"sqlite:///{tmp_path / 'moduai.db'}")
    # without a current template (an edited migration) the first start runs Alembic, as before
    code_stale = code.replace("from moduai.cli import main",
                              "import moduai.db.heads as h; h.TEMPLATE_DIR = h.TEMPLATE_DIR / 'none'\n"
                              "from moduai.cli import main")
    env["MODUAI_HOME"] = str(tmp_path / "other")
    p = subprocess.run([sys.executable, "-c", code_stale, "serve"], env=env, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout.split("@@", 1)[1]) == ["alembic", "sqlalchemy"]
