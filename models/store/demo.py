"""Writes the demo store: reference data, then customers in chunks with bulk inserts.

PostgreSQL gets COPY (asyncpg `copy_records_to_table`), SQLite `executemany`; everything
goes in one transaction, so a failed run leaves nothing behind. Chunks keep memory flat.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models.db import connection, dialect
from models.errors import DomainError, ErrorCode
from models.store import demo_catalog as catalog
from models.store.demo_rows import CustomerGenerator, Rows
from models.store.targets import TARGETS

CHUNK_CUSTOMERS = 5000


def _columns() -> dict[str, tuple[str, ...]]:
    tables: dict[str, tuple[str, ...]] = {}
    for target in TARGETS:
        tables[target.model._meta.db_table] = target.columns
        if target.children:
            child = target.children
            tables[child.model._meta.db_table] = (child.parent_column, *child.columns)
    return tables


COLUMNS = _columns()


@dataclass
class DemoSummary:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, count: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + count


def reference_rows(products: list[catalog.Product]) -> Rows:
    return {
        "website": list(catalog.WEBSITES),
        "store": list(catalog.STORES),
        "customer_group": list(catalog.GROUPS),
        "category": catalog.categories(),
        "product": [
            (p.id, p.sku, p.name, p.type_id, Decimal(p.cents).scaleb(-2)) for p in products
        ],
        "product_category": [(p.id, c) for p in products for c in p.category_ids],
        "sales_rule": list(catalog.SALES_RULES),
        "newsletter_template": list(catalog.TEMPLATES),
    }


def generate(customers: int, seed: int, chunk: int = CHUNK_CUSTOMERS) -> Iterator[Rows]:
    """Every table's rows, reference data first, then one dict per chunk of customers."""
    rng = random.Random(seed)
    products = catalog.products(rng)
    yield reference_rows(products)
    generator = CustomerGenerator(rng, products)
    for first in range(1, customers + 1, chunk):
        yield generator.chunk(first, min(chunk, customers + 1 - first))


async def write_demo_data(
    customers: int,
    seed: int,
    *,
    chunk: int = CHUNK_CUSTOMERS,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Generate and write the demo store; refuses a database that already has store data."""
    conn = connection()
    await _require_empty(conn)
    summary = DemoSummary()
    written = 0
    chunks = generate(customers, seed, chunk)
    async with in_transaction(conn.connection_name) as tx, _foreign_keys_checked_at_end(tx):
        # The next chunk is generated in a thread while the database stores this one.
        upcoming = asyncio.create_task(asyncio.to_thread(next, chunks, None))
        try:
            while (rows := await upcoming) is not None:
                upcoming = asyncio.create_task(asyncio.to_thread(next, chunks, None))
                # Parents before children: COLUMNS lists the tables in that order.
                for table, columns in COLUMNS.items():
                    if table in rows:
                        await _bulk_insert(tx, table, columns, rows[table])
                        summary.add(table, len(rows[table]))
                written += len(rows.get("customer", ()))
                if progress and "customer" in rows:
                    progress(written)
        finally:
            upcoming.cancel()
    if dialect(conn) == "postgres":
        # Fresh statistics, or the first segment queries plan against empty tables.
        await conn.execute_script("ANALYZE")
    return summary


@asynccontextmanager
async def _foreign_keys_checked_at_end(tx: BaseDBAsyncClient) -> AsyncIterator[None]:
    """On PostgreSQL, drop the store tables' foreign keys for the load and add them back.

    Adding a foreign key checks all rows in one join, several times faster than a check
    per copied row (PostgreSQL's "Populating a Database" advice); it runs in the load's
    transaction, so nothing is ever visible without its constraints.
    """
    if dialect(tx) != "postgres":
        yield
        return
    keys = await tx.execute_query_dict(
        "SELECT c.conrelid::regclass::text AS tbl, c.conname AS name, "
        "pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c "
        "WHERE c.contype = 'f' AND c.conrelid IN "
        "(SELECT to_regclass(t) FROM unnest($1::text[]) AS t)",
        [list(COLUMNS)],
    )
    for key in keys:
        await tx.execute_script(f'ALTER TABLE {key["tbl"]} DROP CONSTRAINT "{key["name"]}"')
    yield
    for key in keys:
        await tx.execute_script(
            f'ALTER TABLE {key["tbl"]} ADD CONSTRAINT "{key["name"]}" {key["definition"]}'
        )


async def _require_empty(conn: BaseDBAsyncClient) -> None:
    for table in ("website", "customer", "product", "sales_order"):
        if await conn.execute_query_dict(f'SELECT 1 FROM "{table}" LIMIT 1'):
            raise DomainError.single(
                None,
                ErrorCode.CONFLICT,
                f"the database already has store data (table {table}); demo data needs an "
                "empty store",
            )


async def _bulk_insert(
    conn: BaseDBAsyncClient, table: str, columns: Sequence[str], rows: Sequence[tuple]
) -> None:
    if not rows:
        return
    if dialect(conn) == "postgres":
        async with conn.acquire_connection() as raw:
            await raw.copy_records_to_table(table, records=rows, columns=list(columns))
        return
    marks = ", ".join("?" * len(columns))
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
    await conn.execute_many(sql, rows)  # type: ignore[arg-type]
