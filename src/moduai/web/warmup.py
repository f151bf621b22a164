"""Load the slow caches once, in the background, when the server starts.

The first visitor should not pay for reading the census table (seconds), the platform's one Kiwi and the
E5 model (≈ 3 CPU s and ≈ 480 MB for a search query no process asked before, or a first review analysis)
or building the region name index.  Each step is optional: a failure is logged and the page that needs
that cache loads it on demand as before.  Disabled with ``MODUAI_WARMUP=0`` (tests of single pages).

The thread gives way to visitors: it starts after the first request has been answered (or after
``FIRST_REQUEST_WAIT`` seconds without one), and before each step it waits while requests are in flight
(at most ``STEP_WAIT`` seconds), so the first page does not share the interpreter lock with a census read.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("moduai.warmup")

FIRST_REQUEST_WAIT = 10.0  # seconds the warm-up waits for a first visitor before starting anyway
STEP_WAIT = 5.0  # seconds a step waits for the requests in flight to finish before running anyway
READY_PROBE = "/static/ready-probe"  # `moduai serve` asks this to know when to print the URL: not a visitor


class _Traffic:
    """Requests in flight and whether one has been answered (one per process, shared with the middleware)."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.in_flight = 0
        self.answered = False

    def begin(self) -> None:
        with self.cond:
            self.in_flight += 1

    def end(self) -> None:
        with self.cond:
            self.in_flight -= 1
            self.answered = True
            self.cond.notify_all()

    def wait_first_answer(self, timeout: float) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: self.answered, timeout)

    def wait_idle(self, timeout: float) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: self.in_flight == 0, timeout)


TRAFFIC = _Traffic()


class TrafficMiddleware:
    """Pure ASGI: counts HTTP requests in flight for the warm-up thread (the ready probe is not counted)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("path") == READY_PROBE:
            await self.app(scope, receive, send)
            return
        TRAFFIC.begin()
        try:
            await self.app(scope, receive, send)
        finally:
            TRAFFIC.end()


def _regions() -> None:
    from moduai.regions import region_at, search_regions

    search_regions("포항")
    region_at(36.019, 129.343)


def _census() -> None:
    from moduai.balance.indicators import region_census_summary

    region_census_summary("47110")


def _balance() -> None:
    from moduai.balance.dashboard import warm_dashboard_caches
    from moduai.web.maps import warm_map_caches

    warm_map_caches()
    warm_dashboard_caches()


def _assets() -> None:
    from moduai.web.assets import warm_assets

    warm_assets()


def _commerce() -> None:
    """The commerce report's 읍면동 table (polygons, census columns, 행안부 codes), the default store set, and the
    법정동·리 polygons every generated store unit is coded with (a report or site ranking outside the shipped
    units generates one: ≈ 0.3–0.5 CPU s of that first hit was reading these polygons)."""
    import numpy as np

    from moduai.commerce.demand import load_dong_demand
    from moduai.commerce.generator import shipped_units
    from moduai.commerce.snapshots import ensure_units, get_store_set
    from moduai.regions.legal import legal_codes_at

    load_dong_demand()
    get_store_set()
    legal_codes_at(np.array([127.0557]), np.array([37.5894]))  # loads both polygon layers and their trees
    ensure_units(shipped_units())  # the default report's (회기동) 시군구 units, shipped in the package


def _sites() -> None:
    """The site ranking the default report links to (its 시군구, 동대문구, for 카페): the generated units around the
    시군구 are read (≈ 0.5 CPU s of that link's first hit) and the ranking's first-call work is done.  Nothing
    is kept: a visitor's ranking is computed as a warm one is."""
    from moduai.commerce.sites import rank_sites

    rank_sites("11230", "카페")


def _search() -> None:
    """The platform's one Kiwi (:func:`moduai.ai.korean.get_kiwi`, which search shares), the E5
    model and the index of the programs the page searches: a first search with a new query then costs what a
    later one costs."""
    from moduai.programs import service
    from moduai.programs.search import warm_search

    warm_search()
    service.search("청년 창업 지원", method="hybrid", limit=20, include_closed=False)  # as /programs/search


def _fieldai() -> None:
    """The 합성 온실 example the 현장 AI page links to (/fieldai/example: 30 days, seed 0): ≈ 1 CPU s of model
    fitting, once per process (moduai.fieldai.analysis.example_analysis), then every visitor's hit is a render."""
    from moduai.fieldai.analysis import example_analysis

    example_analysis(days=30, seed=0)


def _gate_unit_writes() -> None:
    """In a server: a generated store unit is written to the cache once no request is in flight, so the page
    that generated it does not share the interpreter lock with the Parquet write (≈ 0.1 s a unit)."""
    from moduai.commerce import generator

    generator.WRITE_GATE = lambda: TRAFFIC.wait_idle(STEP_WAIT)


STEPS: list[tuple[str, Callable[[], None]]] = [
    # search first: a first search with a new query is the dearest cold page (Kiwi ≈ 3 CPU s); the census and
    # balance tables are shipped now (moduai/data/derived), so they cost little
    ("assets", _assets), ("search", _search), ("regions", _regions), ("census", _census), ("balance", _balance),
    ("commerce", _commerce), ("sites", _sites), ("fieldai", _fieldai),
]


def _route_groups(app, give_way: bool) -> Callable[[], None]:
    """Import the route groups no request has needed yet (moduai.web.lazyroutes), one group at a time, giving
    way to requests in flight between groups: the next click then finds its page's code loaded."""
    def step() -> None:
        from moduai.web.access import route_table
        from moduai.web.lazyroutes import load_all_routes, pending_groups

        for name in pending_groups(app):
            if give_way:
                TRAFFIC.wait_idle(STEP_WAIT)
            load_all_routes(app, only=name)
        if give_way:
            TRAFFIC.wait_idle(STEP_WAIT)
        # the access middleware's table of every route (FastAPI's route contexts, ≈ 0.3 CPU s): built here, not
        # by the first request after the groups were loaded (it is cached per set of loaded groups)
        route_table(app)
    return step


def run_warmup(app=None, *, give_way: bool = False) -> dict[str, float | str]:
    """Run every step (with ``app``, first load its remaining route groups); returns seconds per step (or the
    error text), for logs and tests.  With ``give_way`` it first waits for the first answer, and before each
    step for the requests in flight."""
    report: dict[str, float | str] = {}
    if give_way:
        TRAFFIC.wait_first_answer(FIRST_REQUEST_WAIT)
    steps = STEPS if app is None else [("routes", _route_groups(app, give_way)), *STEPS]
    if give_way:
        steps = [("write-gate", _gate_unit_writes), *steps]
    for name, step in steps:
        if give_way:
            TRAFFIC.wait_idle(STEP_WAIT)
        t = time.perf_counter()
        try:
            step()
            report[name] = round(time.perf_counter() - t, 2)
        except Exception as exc:  # noqa: BLE001 - warm-up must never stop the server
            report[name] = f"{type(exc).__name__}: {exc}"
            log.warning("warm-up step %s failed: %s", name, exc)
    if give_way:  # the server's warm-up thread
        # Everything loaded so far (tables, models, routes: ≈ 0.4 M objects) lives as long as the process.
        # Moved out of the collector's sight, a full collection no longer walks it: without this, one request
        # now and then paid ≈ 0.17 CPU s for a collection (a warm page at 0.2 s instead of 0.02 s).
        TRAFFIC.wait_idle(STEP_WAIT)
        t = time.perf_counter()
        gc.collect()
        gc.freeze()
        report["gc_freeze"] = round(time.perf_counter() - t, 2)
    log.info("warm-up done: %s", report)
    return report


def start_warmup(app=None) -> threading.Thread | None:
    from moduai.config import get_settings

    if not get_settings().warmup:
        return None
    thread = threading.Thread(target=run_warmup, args=(app,), kwargs={"give_way": True}, name="moduai-warmup",
                              daemon=True)
    thread.start()
    return thread
