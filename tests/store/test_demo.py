"""Demo data: deterministic per seed, written exactly as generated, realistically shaped."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import timedelta

import pytest

from models.db import connection
from models.errors import DomainError
from models.store.demo import COLUMNS, generate, write_demo_data
from models.store.demo_catalog import DEMO_NOW
from models.store.sales import Creditmemo, Order, Quote
from tests.store.tables import rows

# tests.store.tables name -> demo table
TABLE_NAMES = {
    "website": "website",
    "store": "store",
    "customer_group": "customer_group",
    "category": "category",
    "product": "product",
    "product_category": "product_category",
    "sales_rule": "sales_rule",
    "newsletter_template": "newsletter_template",
    "customer": "customer",
    "customer_address": "customer_address",
    "newsletter_subscriber": "newsletter_subscriber",
    "order": "sales_order",
    "order_item": "sales_order_item",
    "creditmemo": "sales_creditmemo",
    "quote": "sales_quote",
    "quote_item": "sales_quote_item",
    "product_view": "product_view",
    "wishlist": "wishlist",
    "wishlist_item": "wishlist_item",
    "customer_login": "customer_login",
}


def generated(customers: int, seed: int, chunk: int = 100) -> dict[str, list[tuple]]:
    tables: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
    for part in generate(customers, seed, chunk):
        for table, table_rows in part.items():
            tables[table] += table_rows
    return tables


def test_same_seed_same_rows_whatever_the_chunking():
    assert generated(250, 7, chunk=100) == generated(250, 7, chunk=33)


def test_a_larger_run_starts_with_the_smaller_one():
    small, large = generated(100, 7), generated(200, 7)
    assert large["customer"][:100] == small["customer"]
    assert large["sales_order"][: len(small["sales_order"])] == small["sales_order"]


def test_another_seed_other_rows():
    assert generated(100, 7)["customer"] != generated(100, 8)["customer"]


async def test_rows_are_written_exactly_as_generated(db):
    expected = generated(300, 11)

    summary = await write_demo_data(300, 11, chunk=128)

    for name, table in TABLE_NAMES.items():
        # Generated in the order the tables read back: by parent, then insertion or key.
        assert await rows(name) == expected[table], name
    assert summary.rows == {t: len(r) for t, r in expected.items() if r}


async def test_a_database_with_store_data_is_refused(db):
    await write_demo_data(20, 1)
    before = await rows("customer")

    with pytest.raises(DomainError) as raised:
        await write_demo_data(20, 2)

    assert "already has store data" in str(raised.value)
    assert await rows("customer") == before


async def test_the_data_is_shaped_like_a_real_store(db):
    customers = 2000
    await write_demo_data(customers, 5)

    people = await rows("customer")
    dobs = [c[8] for c in people]
    assert 0.08 < sum(d is None for d in dobs) / customers < 0.25
    assert any(d is not None and (d.month, d.day) == (2, 29) for d in dobs)
    assert {d.month for d in dobs if d} == set(range(1, 13))
    assert {c[7] for c in people} == {"male", "female", None}
    assert 0.01 < sum(not c[-1] for c in people) / customers < 0.1
    assert {s[2] for s in await rows("newsletter_subscriber")} == {1, 2, 3, 4}

    per_customer = Counter(o[2] for o in await rows("order"))
    counts = [per_customer.get(c[0], 0) for c in people]
    assert 0.25 < counts.count(0) / customers < 0.5
    assert max(counts) >= 10
    totals = [o.grand_total for o in await Order.all()]
    assert statistics.mean(totals) > statistics.median(totals) > 0

    states = Counter(o.state for o in await Order.all())
    assert states["canceled"] > 0 and states["closed"] > 0
    closed = {o.id: o.grand_total for o in await Order.filter(state="closed")}
    memos = {
        m["order_id"]: m["grand_total"]
        for m in await Creditmemo.filter(order_id__in=list(closed)).values(
            "order_id", "grand_total"
        )
    }
    assert memos == closed

    ages = [DEMO_NOW - q.updated_at for q in await Quote.filter(is_active=True) if q.updated_at]
    assert min(ages) < timedelta(days=1) and max(ages) > timedelta(days=30)
    assert await Quote.filter(is_active=False).count() > 0

    created = {c[0]: c[9] for c in people}
    orders = await rows("order")
    assert all(created[o[2]] <= o[6] <= DEMO_NOW for o in orders)
    for name in (
        "customer_address",
        "product_view",
        "wishlist_item",
        "customer_login",
        "order_item",
    ):
        assert len(await rows(name)) > customers / 10, name
    logins = await rows("customer_login")
    assert max(at for _, at in logins) <= DEMO_NOW
    assert len(set(logins)) == len(logins)


async def test_foreign_keys_are_the_same_after_the_load(db):
    if db.dialect == "sqlite":
        sql = (
            "SELECT m.name AS tbl, p.* FROM sqlite_master m, pragma_foreign_key_list(m.name) p "
            "WHERE m.type = 'table' ORDER BY m.name, p.id"
        )
    else:
        sql = (
            "SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def "
            "FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2"
        )
    before = await connection().execute_query_dict(sql)

    await write_demo_data(50, 3)

    assert await connection().execute_query_dict(sql) == before
    assert any(row["tbl"] == "sales_order_item" for row in before)


async def test_a_failed_load_leaves_nothing_behind(db, monkeypatch):
    from models.store import demo

    real_insert = demo._bulk_insert

    async def failing(conn, table, columns, table_rows):
        if table == "sales_order":
            raise RuntimeError("disk full")
        await real_insert(conn, table, columns, table_rows)

    monkeypatch.setattr(demo, "_bulk_insert", failing)

    with pytest.raises(RuntimeError):
        await write_demo_data(50, 3)

    assert await rows("website") == []
    assert await rows("customer") == []
    monkeypatch.undo()
    await write_demo_data(50, 3)
    assert len(await rows("customer")) == 50
