"""Route groups imported on first use (moduai.web.lazyroutes): a cold app answers like an eager one.

The eager reference is the app the way it was built before: every group's route modules included in
``ROUTERS`` order with the same options.  A cold app (nothing requested) must list the same routes in the
same order and produce the same OpenAPI document once anything enumerates it; a request to a group not
loaded yet must be decided by the permission table exactly as after loading; concurrent first requests load
a group once.
"""

from __future__ import annotations

import importlib
import json
import re
import threading

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from moduai.accounts.policy import PUBLIC, roles_for
from moduai.web import app as app_module
from moduai.web import lazyroutes
from moduai.web.access import _loaded_route_table, route_table
from moduai.web.app import ROUTERS, create_app
from moduai.web.lazyroutes import GROUPS, load_all_routes, loaded_groups, pending_groups


@pytest.fixture(autouse=True)
def _no_warmup(monkeypatch):
    monkeypatch.setenv("MODUAI_WARMUP", "0")
    from moduai.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _eager_app(monkeypatch):
    """create_app with every group's modules included at build time (the app before lazy groups)."""
    eager = []
    for entry in ROUTERS:
        names = GROUPS[entry].modules if isinstance(entry, str) else (entry,)
        eager += [importlib.import_module(f"moduai.web.routes.{n}") if isinstance(n, str) else n for n in names]
    with monkeypatch.context() as m:
        m.setattr(app_module, "ROUTERS", tuple(eager))
        return create_app()


def _route_list(app) -> list[tuple[str, tuple[str, ...], str]]:
    out = []
    for rc in iter_route_contexts(app.routes):
        out.append((rc.path, tuple(sorted(getattr(rc, "methods", None) or ())), getattr(rc, "name", "") or ""))
    return out


def _template_paths(app) -> list[str]:
    return [t for _r, _m, t in route_table(app)]


def test_a_cold_app_has_loaded_no_group_and_lists_every_route_in_the_eager_order(monkeypatch):
    eager = _eager_app(monkeypatch)
    cold = create_app()
    assert loaded_groups(cold) == ()
    assert len(_route_list(eager)) > 150
    assert _route_list(cold) == _route_list(eager)  # app.routes loads every group first
    assert pending_groups(cold) == []


def test_groups_loaded_in_another_order_keep_the_eager_order_and_the_same_openapi(monkeypatch):
    eager = _eager_app(monkeypatch)
    cold = create_app()
    with TestClient(cold) as client:  # first requests in an order unlike ROUTERS
        for path in ("/api/v1/jobs/1", "/hubs", "/balance/index", "/data", "/ask"):
            client.get(path)
    assert loaded_groups(cold) == ("data", "balance", "assistant", "hubs", "jobs")  # reported in ROUTERS order
    assert _template_paths(cold) == _template_paths(eager)
    cold_spec, eager_spec = create_app().openapi(), eager.openapi()
    assert list(cold_spec["paths"]) == list(eager_spec["paths"])
    assert json.dumps(cold_spec, ensure_ascii=False) == json.dumps(eager_spec, ensure_ascii=False)
    with TestClient(create_app()) as client:  # the document as served, from a cold app
        served = client.get("/api/v1/openapi.json").json()
    assert served == json.loads(json.dumps(eager_spec))


def test_each_group_covers_exactly_its_own_routes(monkeypatch):
    """Every route of a group lies under its prefixes and under no other group's; eager routes under none —
    so a path cannot reach a different route because groups load in a different order."""
    eager = _eager_app(monkeypatch)
    owner: dict[str, str] = {}
    for name, group in GROUPS.items():
        for module in group.modules:
            router = importlib.import_module(f"moduai.web.routes.{module}").router
            for rc in iter_route_contexts(router.routes):
                owner[rc.path] = name
    checked = 0
    for template in _template_paths(eager):
        covering = [name for name, group in GROUPS.items() if group.covers(template)]
        assert covering == ([owner[template]] if template in owner else []), template
        checked += 1
    assert checked > 150 and len(set(owner.values())) == len(GROUPS)


def _protected_route_per_group(app) -> dict[str, tuple[str, str]]:
    """For each group: its first route (method, concrete path) that the table refuses to an anonymous caller."""
    out: dict[str, tuple[str, str]] = {}
    for _regex, methods, template in route_table(app):
        group = next((n for n, g in GROUPS.items() if g.covers(template)), None)
        if group is None or group in out:
            continue
        for method in sorted(methods or ()):
            roles = roles_for(method, template)
            if method != "HEAD" and (roles is None or PUBLIC not in roles):
                concrete = re.sub(r"\{([^}:]+)(:[^}]+)?\}", "1", template)
                out[group] = (method, concrete)
                break
    return out


def test_a_protected_request_to_a_group_not_loaded_yet_is_refused_as_after_loading(monkeypatch):
    """The access middleware loads the group before it looks the route up: an anonymous POST to a cold app
    answers the table's 401, not the route (which would have run unchecked had the look-up missed it)."""
    protected = _protected_route_per_group(create_app())
    assert {"balance", "hubs", "commerce", "marketing", "programs"} <= set(protected)
    assert protected["balance"] == ("POST", "/balance/scenarios")
    loaded = create_app()
    load_all_routes(loaded)
    with TestClient(loaded) as warm_client:
        expected = {g: warm_client.request(m, p).status_code for g, (m, p) in protected.items()}
    assert set(expected.values()) == {401}  # anonymous: every one of them needs a role
    for group, (method, path) in protected.items():
        cold = create_app()
        calls = []
        monkeypatch.setattr(lazyroutes._Shell, "load", _counting(lazyroutes._Shell.load, calls))
        with TestClient(cold) as client:
            response = client.request(method, path)
        assert response.status_code == expected[group], (group, method, path, response.text[:200])
        assert "로그인이 필요한 기능입니다" in response.text  # the table's answer, not the route's
        assert loaded_groups(cold) == (group,) and calls == [group]


def _counting(load, calls):
    def counted(shell):
        if not shell.loaded:
            calls.append(shell.group.name)
        return load(shell)
    return counted


def test_a_group_is_loaded_at_its_first_request_only():
    app = create_app()
    with TestClient(app) as client:
        assert client.get("/").status_code == 200
        assert client.get("/api/v1/csrf").status_code == 200
        assert loaded_groups(app) == ()  # light pages load nothing
        assert client.get("/data").status_code == 200
        assert loaded_groups(app) == ("data",)
        assert client.get("/no-such-page").status_code == 404
        assert client.get("/data/no-such-page").status_code == 404
        assert loaded_groups(app) == ("data",)
        assert client.get("/accounts/login").status_code == 200
        assert loaded_groups(app) == ("data", "accounts")
    assert app.url_path_for("ask_page") == "/ask"  # a name not loaded yet: url_path_for loads and finds it


def test_concurrent_first_requests_load_the_group_once(monkeypatch):
    app = create_app()
    imported: list[str] = []
    real_import = importlib.import_module
    gate = threading.Barrier(8)

    def slow_import(name, *args):
        imported.append(name)
        threading.Event().wait(0.3)  # a slow import: the other first requests arrive while it runs
        return real_import(name, *args)

    monkeypatch.setattr(lazyroutes.importlib, "import_module", slow_import)
    results: list[tuple[int, str]] = []
    with TestClient(app) as client:
        def first_request():
            gate.wait()
            r = client.get("/api/v1/datasets")
            results.append((r.status_code, r.text))

        threads = [threading.Thread(target=first_request) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert imported == ["moduai.web.routes.data"]
    assert len(results) == 8 and {s for s, _ in results} == {200} and len({t for _, t in results}) == 1
    assert len(json.loads(results[0][1])) > 0
    data_routes = [rc.path for rc in iter_route_contexts(app.router.routes) if rc.path.startswith(("/data", "/api/v1/datasets"))]
    assert sorted(data_routes) == ["/api/v1/datasets", "/api/v1/datasets/{dataset_id}", "/data"]  # included once


def test_the_route_table_of_the_middleware_follows_loading():
    app = create_app()
    before = {t for _r, _m, t in _loaded_route_table(app)}
    assert "/" in before and not any(t.startswith("/balance") for t in before)
    lazyroutes.ensure_routes_for(app, "/balance")
    after = {t for _r, _m, t in _loaded_route_table(app)}
    assert "/balance/scenarios" in after and not any(t.startswith("/hubs") for t in after)


def test_the_warmup_loads_the_remaining_groups(monkeypatch):
    from moduai.web import warmup

    monkeypatch.setattr(warmup, "STEPS", [])
    app = create_app()
    lazyroutes.ensure_routes_for(app, "/grants")
    report = warmup.run_warmup(app)
    assert list(report) == ["routes"] and isinstance(report["routes"], float)
    assert pending_groups(app) == [] and len(loaded_groups(app)) == len(GROUPS)
