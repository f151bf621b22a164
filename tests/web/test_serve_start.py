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
