"""``moduai`` command line: thin Typer commands that call domain functions and render their results.

Every command takes ``--json`` and then prints exactly one JSON document on stdout.  Errors of the
platform's vocabulary (:mod:`moduai.errors`) are caught in one place (``ModuaiGroup``): the Korean
message goes to stderr (as JSON when ``--json`` was given) with the error's exit code, never a traceback.

The Typer application lives in :mod:`moduai.cli.root` and is imported on first use of ``moduai.cli.app``:
``moduai region …`` with plain arguments is answered by :mod:`moduai.cli.fast` without importing Typer,
click, pydantic or Rich's progress bars (≈ 0.25 CPU s of a 0.5 s command).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

    app: typer.Typer


def main() -> None:
    """Console-script entry point."""
    from moduai.cli.fast import answer_fast

    if answer_fast(sys.argv[1:]):
        return
    from moduai.cli.root import app

    app(prog_name="moduai")


def __getattr__(name: str):
    if name == "app":
        from moduai.cli.root import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
