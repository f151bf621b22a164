"""Imports persist per shop on SQLite and PostgreSQL, all-or-nothing, with personal data masked."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from moduai.errors import ImportRejected, NotFound
from moduai.marketing import store

LEDGER = "고객,날짜,금액\n010-1111-2222,2025-01-05,10000\n김민수,2025-02-20,8000\n010-1111-2222,2025-03-01,5000\n"
REVIEWS = "날짜,평점,내용,작성자\n2025-03-02,5,맛있어요 010-9999-8888로 예약했어요,박지민\n2025-03-03,2,비싸요,\n"


def _count(url: str, table: str) -> int:
    eng = sa.create_engine(url)
    with eng.connect() as c:
        n = c.execute(sa.text(f"select count(*) from {table}")).scalar_one()
    eng.dispose()
    return n


def _dump(url: str, table: str) -> str:
    eng = sa.create_engine(url)
    with eng.connect() as c:
        rows = c.execute(sa.text(f"select * from {table}")).all()
    eng.dispose()
    return repr(rows)


def test_ledger_import_is_masked_and_idempotent(db_url):
    s1 = store.import_ledger(LEDGER.encode("cp949"), "장부.csv", "모두 빵집")
    assert (s1.rows, s1.encoding, s1.already_imported) == (3, "CP949", False)
    stored = _dump(db_url, "marketing_sale")
    assert "010-****-2222" in stored and "김*수" in stored
    assert "1111-2222" not in stored and "01011112222" not in stored and "김민수" not in stored
    again = store.import_ledger(LEDGER.encode("cp949"), "장부.csv", "모두 빵집")
    assert again.already_imported and again.import_id == s1.import_id
    assert _count(db_url, "marketing_sale") == 3
    assert _count(db_url, "import_log") == 1  # the shared log got one entry, not two
    sales = store.load_sales(s1.import_id)
    assert len({s.customer_key for s in sales}) == 2  # same phone → same customer
    assert store.get_import(s1.import_id, "ledger").shop == "모두 빵집"


def test_reviews_import_masks_text_and_author(db_url):
    s = store.import_reviews(REVIEWS.encode(), "리뷰.csv", "모두 빵집")
    recs = store.load_reviews(s.import_id)
    assert recs[0].text == "맛있어요 010-****-8888로 예약했어요" and recs[0].author == "박*민"
    assert "9999" not in _dump(db_url, "marketing_review")


def test_malformed_file_stores_nothing(db_url):
    bad = LEDGER + "C-9,2025-02-31,1000\nC-10,2025-01-01,-3000\n"
    with pytest.raises(ImportRejected) as ei:
        store.import_ledger(bad.encode(), "bad.csv", "모두 빵집")
    assert [r.line for r in ei.value.rows] == [5, 6]
    for table in ("marketing_shop", "marketing_import", "marketing_sale", "import_log"):
        assert _count(db_url, table) == 0


def test_missing_import_is_not_found(db_url):
    with pytest.raises(NotFound):
        store.load_sales(999)
    s = store.import_reviews(REVIEWS.encode(), "r.csv")
    with pytest.raises(NotFound):
        store.load_sales(s.import_id)  # a reviews import is not a ledger


def test_marketing_migration_downgrades_and_upgrades_alone(db_url):
    from alembic import command

    from moduai.db.engine import alembic_config, migrate

    command.downgrade(alembic_config(db_url), "marketing@-1")  # marketing_0003 → 0002: the column goes
    eng = sa.create_engine(db_url)
    assert "duplicate_lines" not in {c["name"] for c in sa.inspect(eng).get_columns("marketing_import")}
    eng.dispose()
    command.downgrade(alembic_config(db_url), "marketing@-2")  # two steps: marketing_0002 → 0001 → core
    eng = sa.create_engine(db_url)
    tables = set(sa.inspect(eng).get_table_names())
    eng.dispose()
    assert not {t for t in tables if t.startswith("marketing_")} and "import_log" in tables  # core untouched
    migrate(db_url)
    eng = sa.create_engine(db_url)
    assert {"marketing_shop", "marketing_import", "marketing_review", "marketing_sale"} <= set(sa.inspect(eng).get_table_names())
    eng.dispose()
