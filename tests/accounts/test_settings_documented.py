"""Every ``MODUAI_*`` variable the code mentions is in the README settings table, and only the settings
module (and the key module it delegates to) reads the environment."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "moduai"


def test_readme_settings_table_lists_every_variable_the_code_reads():
    names = set()
    for path in SRC.rglob("*.py"):
        names |= set(re.findall(r"MODUAI_[A-Z_]+[A-Z](?![A-Z_]*\*)", path.read_text(encoding="utf-8")))  # not MODUAI_LLM_*
    assert {"MODUAI_HOME", "MODUAI_SECRET_KEY", "MODUAI_IDENTIFIER_KEY", "MODUAI_WARMUP"} <= names
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## 설정"):readme.index("## 계정, 역할, 키")]
    rows = set(re.findall(r"^\| (.+?) \|", table, flags=re.M))
    documented = {n for row in rows for n in re.findall(r"MODUAI_[A-Z_]+[A-Z]", row)}
    assert names <= documented, f"missing from the README settings table: {sorted(names - documented)}"


def test_only_the_settings_module_reads_moduai_variables_from_the_environment():
    readers = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"(os\.environ|os\.getenv|environ\.get|\benv\.get)\s*[\[(.]?\s*(get\()?\s*[\"']MODUAI_", text):
            readers.append(path.relative_to(SRC).as_posix())
    assert readers == ["config.py"], readers
