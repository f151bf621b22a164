"""``moduai region`` and ``moduai serve`` without Typer: the most frequent one-shot command answers in the time
it takes to read the region spine, and the server starts answering sooner, without first building the whole
command tree (Typer, click, pydantic, Rich progress bars).

Only plain calls are taken: for ``region`` one name, ``--lat``/``--lon``/``--code`` with a value, ``--json``;
for ``serve`` ``--host``, ``--port``, ``--workers`` (1–64) with a value and ``--reload``/``--no-reload``.
Anything else (``--help``, an unknown option, a value that is not a number) and any error of the look-up or of
the server's preparation go to the Typer command, which parses and reports exactly as before — the fast path
never prints an error of its own.
"""

from __future__ import annotations

import sys

_VALUE_OPTIONS = {"--lat": float, "--lon": float, "--code": str}


def parse_region_args(args: list[str]) -> dict | None:
    """``{"query", "lat", "lon", "code", "as_json"}`` for a plain ``region`` call, else None (use Typer)."""
    out: dict = {"query": None, "lat": None, "lon": None, "code": None, "as_json": False}
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--json":
            out["as_json"] = True
        elif a.split("=", 1)[0] in _VALUE_OPTIONS:
            taken = _option_value(args, i, _VALUE_OPTIONS)
            if taken is None:
                return None
            key, value, i = taken
            out[key] = value
        elif a.startswith("-") or out["query"] is not None:
            return None  # --help, an unknown option, a second name: Typer answers
        else:
            out["query"] = a
        i += 1
    return out


def _option_value(args: list[str], i: int, options: dict) -> tuple[str, object, int] | None:
    """``(key, converted value, index of the last argument used)`` for the option at ``args[i]`` written as
    ``--name=value`` or ``--name value``; None when the value is missing or does not convert (Typer reports it)."""
    name, eq, value = args[i].partition("=")
    if not eq:
        if i + 1 >= len(args):
            return None
        i += 1
        value = args[i]
    try:
        return name[2:], options[name](value), i
    except ValueError:
        return None


_SERVE_VALUES = {"--host": str, "--port": int, "--workers": int}


def parse_serve_args(args: list[str]) -> dict | None:
    """``{"host", "port", "reload", "workers"}`` for a plain ``serve`` call (the Typer command's defaults),
    else None (use Typer)."""
    out: dict = {"host": "127.0.0.1", "port": 8000, "reload": False, "workers": 1}
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--reload", "--no-reload"):
            out["reload"] = a == "--reload"
        elif a.split("=", 1)[0] in _SERVE_VALUES:
            taken = _option_value(args, i, _SERVE_VALUES)
            if taken is None:
                return None
            key, value, i = taken
            out[key] = value
        else:
            return None  # --help, an unknown option, an argument: Typer answers
        i += 1
    if not 1 <= out["workers"] <= 64:
        return None  # Typer's range check reports it
    return out


def _serve_fast(args: list[str]) -> bool:
    parsed = parse_serve_args(args)
    if parsed is None:
        return False
    from moduai.cli.serving import prepare_server, run_server
    from moduai.errors import ModuaiError

    try:
        settings = prepare_server()  # idempotent: Typer's command repeats it and reports the error
    except ModuaiError:
        return False
    run_server(settings, parsed["host"], parsed["port"], parsed["reload"], parsed["workers"])
    return True


def answer_fast(argv: list[str]) -> bool:
    """Answer ``argv`` here when it is a plain ``region`` or ``serve`` call; False means "not handled, run
    Typer"."""
    if argv and argv[0] == "serve":
        return _serve_fast(argv[1:])
    if not argv or argv[0] != "region":
        return False
    parsed = parse_region_args(argv[1:])
    if parsed is None:
        return False
    from moduai.errors import ModuaiError
    from moduai.regions.lookup import lookup_region
    from moduai.results import dumps

    try:
        ans = lookup_region(parsed["query"], parsed["lat"], parsed["lon"], parsed["code"])
    except ModuaiError:
        return False  # the Typer command reports it (Korean message, exit code, JSON when asked)
    if parsed["as_json"]:
        sys.stdout.write(dumps(ans) + "\n")
    else:
        from rich.console import Console

        from moduai.cli.region_render import render_region

        render_region(ans, Console())
    return True
