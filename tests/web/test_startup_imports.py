"""What building the web app imports: counted by modules in a fresh interpreter (deterministic, unlike timing).

`moduai serve` answers nothing until ``create_app`` has returned, so every library imported there is paid before
the first page.  Libraries a route needs only on use (statistics, optimisation, migrations, the assistant's reach
into every domain, models) must be imported inside the handler or the domain function (see
tests/foundation/test_architecture.py for how a deferred import is written)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import moduai

SRC = str(Path(moduai.__file__).resolve().parent.parent)

# imported by nothing on the way to the first answer (each ≈ 0.1–1 CPU s)
NOT_AT_START = ["scipy", "alembic", "sklearn", "kiwipiepy", "statsmodels", "linearmodels", "matplotlib",
                "plotly", "reportlab", "openpyxl", "duckdb",
                # the assistant's tools import every domain; its result dataclasses (the API's models) are cheap
                "moduai.assistant.tools", "moduai.assistant.service", "moduai.assistant.router"]


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    env = dict(os.environ, PYTHONPATH=SRC, MODUAI_WARMUP="0")
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300, check=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_create_app_does_not_import_slow_libraries_used_only_by_some_requests():
    """Even with every route group loaded (url_path_for of a name not loaded yet loads them all)."""
    mods = _modules_after("from moduai.web.app import create_app\napp = create_app()\nassert app.url_path_for('ask_page') == '/ask'")
    assert "fastapi" in mods and "moduai.web.routes.assistant" in mods  # the probe did build the app
    assert [m for m in NOT_AT_START if m in mods] == []


# Paid by the first request under a domain's paths (moduai.web.lazyroutes), not by create_app or the light pages.
NOT_BEFORE_A_DOMAIN_PAGE = ["sqlalchemy", "moduai.accounts.service", "pandas", "numpy", "pyarrow", "pyproj", "shapely", "moduai.regions", "moduai.balance",
                            "moduai.commerce", "moduai.hubs", "moduai.programs", "moduai.web.schemas.balance",
                            "moduai.web.maps", "moduai.web.charts"]


def test_a_cold_app_answers_its_light_pages_without_any_domain():
    """No session cookie: neither the account service nor SQLAlchemy is needed (the sign-in pages are a group)."""
    mods = _modules_after(
        "from fastapi.testclient import TestClient\nfrom moduai.web.app import create_app\n"
        "from moduai.web.lazyroutes import GROUPS, loaded_groups\napp = create_app()\n"
        "with TestClient(app) as client:\n"
        "    assert [client.get(p).status_code for p in ('/', '/api/v1/csrf', '/static/moduai.css')] == [200] * 3\n"
        "assert loaded_groups(app) == ()\n")
    assert "moduai.web.lazyroutes" in mods and "moduai.web.routes.home" in mods  # the probe did answer
    assert [m for m in NOT_BEFORE_A_DOMAIN_PAGE if m in mods] == []
    assert sorted(m for m in mods if m.startswith("moduai.web.routes.")) == [
        "moduai.web.routes.apidocs", "moduai.web.routes.home"]
    mods = _modules_after(
        "from fastapi.testclient import TestClient\nfrom moduai.web.app import create_app\n"
        "with TestClient(create_app()) as client:\n    assert client.get('/balance/index').status_code == 200\n")
    assert "moduai.web.routes.balance" in mods and "pandas" in mods  # a domain page does load its group
    assert "moduai.web.routes.hubs" not in mods  # and only its group


def test_the_probe_sees_a_library_a_module_does_import():
    mods = _modules_after("import moduai.impact.did\nmoduai.impact.did.analyse_panel")
    assert "moduai.impact.did" in mods and "pandas" in mods
    assert "scipy" not in mods  # deferred to the functions that compute p-values


def test_migrate_on_a_database_at_every_head_does_not_import_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    no_template = "import moduai.db.heads as h\nh.TEMPLATE_DIR = h.TEMPLATE_DIR / 'none'\n"
    mods = _modules_after(f"{no_template}from moduai.db import migrate\nmigrate({url!r})")
    assert "alembic" in mods  # first start without the shipped empty database: migrates
    mods = _modules_after(f"from moduai.db import migrate\nmigrate({url!r})")
    assert "alembic" not in mods  # restart: the version table already names every head
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    mods = _modules_after(f"from moduai.db import migrate\nmigrate({fresh!r})")
    assert "alembic" not in mods  # first start: the shipped empty database at every head is copied


def test_the_assistants_result_types_load_without_its_tools():
    """web/schemas may derive the API's response model from ``Answer``: naming it must not load every domain."""
    mods = _modules_after("from moduai.assistant import Answer, Conversation\nAnswer('q', 'answer', 't', [], 'r')")
    assert "moduai.assistant.results" in mods
    assert [m for m in ("moduai.assistant.tools", "moduai.assistant.service", "pandas") if m in mods] == []
    mods = _modules_after("from moduai.assistant import ask")
    assert "moduai.assistant.tools" in mods  # asking does load them
