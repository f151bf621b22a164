"""Property-based API test: schemathesis over the whole OpenAPI spec finds no server error (5xx).

Bounded so it runs in the normal suite: a few positive and a few negative examples per operation, NUL
bytes allowed, on SQLite and on PostgreSQL (the ``db_url`` fixture). Unsafe requests carry a real CSRF
token (as an API client would, from ``GET /api/v1/csrf``), so they reach the handlers.
Raise ``MODUAI_SCHEMATHESIS_EXAMPLES`` for a longer local run.
"""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.generation.modes import GenerationMode  # noqa: E402

EXAMPLES = int(os.environ.get("MODUAI_SCHEMATHESIS_EXAMPLES", "3"))
# Operations whose every call runs a heavy analysis; fewer examples keep the whole test well under 2 minutes.
HEAVY = {"/api/v1/commerce/report", "/api/v1/commerce/sites", "/api/v1/balance/disparity", "/api/v1/balance/rank",
         "/api/v1/programs/search"}


def test_no_server_errors_over_the_whole_api(db_url):
    from fastapi.testclient import TestClient

    from moduai.web.app import create_app

    app = create_app()
    token_client = TestClient(app)
    token = token_client.get("/api/v1/csrf").json()["csrf_token"]
    cookies = dict(token_client.cookies.items())
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    schema.config.generation.update(allow_x00=True)
    failures: list[str] = []
    calls = 0
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 30
    for op in operations:
        n = 2 if op.path in HEAVY else EXAMPLES
        # Negative cases need something to make invalid: a query parameter or a body (any text is a valid path
        # segment, so path-only operations would only make hypothesis search in vain).
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if len(op.query) or len(op.body) else [])
        for mode in modes:

            @given(case=op.as_strategy(generation_mode=mode))
            @settings(max_examples=n, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            def run(case):
                nonlocal calls
                calls += 1
                headers = {**(case.headers or {}), "X-CSRF-Token": token}
                response = case.call(headers=headers, cookies=cookies)
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path} query={case.query!r} "
                                    f"body={str(case.body)[:200]!r} → {response.status_code} {response.text[:300]}")

            t_op = time.perf_counter()
            try:
                run()
            except Unsatisfiable:
                pass  # nothing to make invalid (no parameters, or any text is a valid path segment)
            except Exception as exc:  # noqa: BLE001 - a generation problem for one operation is reported, not hidden
                failures.append(f"{op.method.upper()} {op.path}: {type(exc).__name__}: {exc}"[:400])
            timings[f"{op.method.upper()} {op.path} {mode.value}"] = time.perf_counter() - t_op
    elapsed = time.perf_counter() - t0
    for name, seconds in sorted(timings.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {seconds:6.2f} s  {name}")
    print(f"schemathesis: {len(operations)} operations, {calls} calls, {elapsed:.1f} s on {db_url.split(':')[0]}")
    assert not failures, "\n".join(failures[:20])
