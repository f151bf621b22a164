"""The dataset catalog: every entry complete, ids unique, every id a result cites is in the catalog."""

from __future__ import annotations

import json

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from moduai.cli import app
from moduai.data import catalog
from moduai.errors import InputError
from moduai.web.app import create_app


def test_every_entry_has_the_required_fields():
    cat = catalog.load_catalog()
    assert len({d.id for d in cat}) == len(cat)
    for d in cat:
        for f in catalog.REQUIRED:
            assert getattr(d, f), (d.id, f)


def test_region_sources_are_catalogued():
    from moduai.balance.profile import SOURCES

    ids = {d.id for d in catalog.load_catalog()}
    assert set(SOURCES) <= ids


def test_malformed_catalog_names_file_and_field(tmp_path, monkeypatch):
    (tmp_path / "x.yaml").write_text(yaml.safe_dump([{"id": "a", "title": "t"}]), encoding="utf-8")
    monkeypatch.setattr(catalog, "CATALOG_DIR", tmp_path)
    catalog.load_catalog.cache_clear()
    try:
        with pytest.raises(InputError, match="x.yaml 1번째 항목.*publisher"):
            catalog.load_catalog()
    finally:
        catalog.load_catalog.cache_clear()


def test_cli_and_page_list_the_same_datasets():
    r = CliRunner().invoke(app, ["data", "list", "--json"])
    assert r.exit_code == 0
    ids = [d["id"] for d in json.loads(r.stdout)]
    html = TestClient(create_app()).get("/data").text
    for i in ids:
        assert f'id="{i}"' in html
