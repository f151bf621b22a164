"""Load the slow caches once, in the background, when the server starts.

The first visitor should not pay for reading the census table (seconds), Kiwi's model (≈1.3 s, 530 MB)
or building the region name index.  Each step is optional: a failure is logged and the page that needs
that cache loads it on demand as before.  Disabled with ``MODUAI_WARMUP=0`` (tests of single pages).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("moduai.warmup")


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


def _kiwi() -> None:
    from moduai.ai.korean import get_kiwi

    get_kiwi()


STEPS: list[tuple[str, Callable[[], None]]] = [
    ("assets", _assets), ("regions", _regions), ("census", _census), ("balance", _balance), ("kiwi", _kiwi),
]


def run_warmup() -> dict[str, float | str]:
    """Run every step; returns seconds per step (or the error text), for logs and tests."""
    report: dict[str, float | str] = {}
    for name, step in STEPS:
        t = time.perf_counter()
        try:
            step()
            report[name] = round(time.perf_counter() - t, 2)
        except Exception as exc:  # noqa: BLE001 - warm-up must never stop the server
            report[name] = f"{type(exc).__name__}: {exc}"
            log.warning("warm-up step %s failed: %s", name, exc)
    log.info("warm-up done: %s", report)
    return report


def start_warmup() -> threading.Thread | None:
    from moduai.config import get_settings

    if not get_settings().warmup:
        return None
    thread = threading.Thread(target=run_warmup, name="moduai-warmup", daemon=True)
    thread.start()
    return thread
