"""The first report after an import opens the analysis files the import built: it never calls the builder."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient

from moduai.commerce import snapshot_files, snapshots
from moduai.commerce.importer import import_sangga_files

HOEGI = {"lat": 37.5898, "lon": 127.0579}


def test_first_report_after_an_import_opens_the_files_without_building(db_url, fixture_data, hoegi_frame,
                                                                        monkeypatch):
    report = import_sangga_files([fixture_data / "sangga/seoul_dongdaemun_hoegidong_2026q1.csv"], snapshot="2026Q1")
    assert [b.status for b in report.structures] == ["built"]
    snapshots.clear_cache()  # as a freshly started server: nothing of the snapshot in memory

    calls: list[str] = []

    def spy(*args, **kwargs):
        calls.append("build")
        raise AssertionError("the report built the structure files")

    monkeypatch.setattr(snapshot_files, "write_structures_from_parquet", spy)
    monkeypatch.setattr(snapshot_files, "write_structures", spy)
    from moduai.web.app import create_app

    r = TestClient(create_app()).get("/api/v1/commerce/report",
                                     params={**HOEGI, "radius": 300, "category": "카페", "snapshot": "2026Q1"})
    assert r.status_code == 200, r.text
    assert calls == []
    s = snapshots.get_store_set("2026Q1")
    assert isinstance(s.structures.grid.xs.base, np.memmap)  # opened from the files
    # counted independently from the published file (pyproj + NumPy, not the importer)
    from moduai.commerce.trade_area import to_xy

    x, y = to_xy(HOEGI["lon"], HOEGI["lat"])
    d = np.hypot(hoegi_frame["x"] - x, hoegi_frame["y"] - y)
    doc = r.json()
    assert doc["trade_area"]["store_count"] == int((d <= 300).sum())
    assert doc["trade_area"]["category_count"] == int(((d <= 300) & (hoegi_frame["minor_code"] == "I21201")).sum())
