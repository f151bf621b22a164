"""Import progress: the callback sees every byte of the files once, in order, ending at the total."""

from __future__ import annotations

from moduai.commerce.importer import import_sangga_files


def test_progress_reaches_the_total_bytes(fixture_data, db_url):
    src = fixture_data / "sangga" / "gangwon_first200.csv"
    calls: list[tuple[int, int]] = []
    report = import_sangga_files([src], snapshot="2026Q1", progress=lambda done, total: calls.append((done, total)))
    assert report.rows_ok == 200
    size = src.stat().st_size
    assert calls and calls[-1] == (size, size)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    # re-import: nothing to read, but the bar still completes
    again: list[tuple[int, int]] = []
    assert import_sangga_files([src], snapshot="2026Q1", progress=lambda d, t: again.append((d, t))).already_imported
    assert again[-1] == (size, size)
