"""Contracts: every criterion type and parameter is described, every CLI command has help and --json."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from moduai.cli import app
from moduai.programs.criteria import CRITERION_TYPES

HANGUL = re.compile("[가-힣]")


def test_every_criterion_type_describes_itself_in_korean():
    for name, cls in CRITERION_TYPES.items():
        assert cls.TYPE == name and HANGUL.search(cls.LABEL), name
        assert cls.FIELDS, name
        for param, text in cls.FIELDS.items():
            assert HANGUL.search(text), (name, param)


def test_every_programs_command_has_korean_help_and_json():
    runner = CliRunner()
    out = runner.invoke(app, ["programs", "--help"]).output
    commands = ["match", "search", "import", "seed", "list", "index", "calendar", "operator-add"]
    for cmd in commands:
        assert cmd in out
        help_text = runner.invoke(app, ["programs", cmd, "--help"]).output
        assert "--json" in help_text and HANGUL.search(help_text), cmd
