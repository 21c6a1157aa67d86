"""NDJSON import throughput vs a raw bulk load of the same rows, plus peak memory.

    .venv/bin/python -m tests.bench.bench_import --lines 1000000 [--dialect postgres]

Generates a realistic NDJSON file from the demo data generator (every record type, items
nested in their orders, carts and wishlists), imports it into a fresh database, imports it
again (every record unchanged), and loads the same rows into another fresh database with
COPY (PostgreSQL) or executemany (SQLite) - no parsing, no validation, no upsert. The
ratio is import time / raw load time. Peak memory is this process's high-water mark
(resource.getrusage) after the import, before the raw load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from tortoise.transactions import in_transaction

from gqlserver.db import open_database
from gqlserver.migrate import apply_migrations
from models.db import connection
from models.store.demo import COLUMNS, _bulk_insert, generate
from models.store.importer import import_ndjson

ADMIN_DSN = os.environ.get("SEGMENTQL_BENCH_PG", "postgres://postgres@127.0.0.1:5432/test")
RECORD_TYPE = {"sales_order": "order", "sales_creditmemo": "creditmemo", "sales_quote": "quote"}
# child table -> (parent table, parent column, record field)
NESTED = {
    "sales_order_item": ("sales_order", "order_id", "items"),
    "sales_quote_item": ("sales_quote", "quote_id", "items"),
    "wishlist_item": ("wishlist", "wishlist_id", "items"),
}
CHUNK = 2000


def _records(rows: dict[str, list[tuple]]) -> Iterator[dict[str, Any]]:
    """Import records of one generated chunk, parents in table order, items nested."""
    nested: dict[str, dict[int, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for child, (_, parent_column, _) in NESTED.items():
        columns = COLUMNS[child]
        for row in rows.get(child, ()):
            item = dict(zip(columns, row, strict=True))
            nested[child][item.pop(parent_column)].append(item)
    categories: dict[int, list[int]] = defaultdict(list)
    for product_id, category_id in rows.get("product_category", ()):
        categories[product_id].append(category_id)
    for table, columns in COLUMNS.items():
        if table in NESTED or table == "product_category":
            continue
        items_of = next((nested[c] for c, (p, _, _) in NESTED.items() if p == table), None)
        for row in rows.get(table, ()):
            record = {"type": RECORD_TYPE.get(table, table), **dict(zip(columns, row, strict=True))}
            if items_of is not None:
                record["items"] = items_of.get(record["id"], [])
            if table == "product":
                record["category_ids"] = categories.get(record["id"], [])
            yield record


def write_file(path: Path, lines: int, seed: int) -> tuple[int, int]:
    """Whole customers until at least `lines` lines; returns (lines, customers)."""
    written = customers = 0
    with path.open("wb") as out:
        # Generous upper bound on customers; stops once enough lines are out.
        for rows in generate(lines, seed, CHUNK):
            for record in _records(rows):
                out.write(orjson.dumps(record, default=str) + b"\n")
                written += 1
            customers += len(rows.get("customer", ()))
            if written >= lines:
                break
    return written, customers


@asynccontextmanager
async def fresh_database(dialect: str, workdir: Path) -> AsyncIterator[str]:
    """An empty, migrated database, removed afterwards."""
    name = f"segmentql_bench_{uuid.uuid4().hex[:10]}"
    if dialect == "sqlite":
        url = f"sqlite://{workdir}/{name}.sqlite3"
    else:
        admin = await asyncpg.connect(ADMIN_DSN)
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.close()
        url = f"{ADMIN_DSN.rsplit('/', 1)[0]}/{name}"
    try:
        await apply_migrations(url)
        yield url
    finally:
        if dialect == "postgres":
            admin = await asyncpg.connect(ADMIN_DSN)
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()


async def raw_load(url: str, customers: int, seed: int) -> tuple[float, int]:
    """Seconds to bulk-load the rows the file was made of (generation excluded), and rows."""
    chunks = list(generate(customers, seed, CHUNK))
    rows = 0
    async with open_database(url):
        conn = connection()
        started = time.perf_counter()
        async with in_transaction(conn.connection_name) as tx:
            for chunk in chunks:
                for table, columns in COLUMNS.items():
                    if chunk.get(table):
                        await _bulk_insert(tx, table, columns, chunk[table])
                        rows += len(chunk[table])
        return time.perf_counter() - started, rows


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--dialect", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        source = workdir / "store.ndjson"
        started = time.perf_counter()
        lines, customers = write_file(source, args.lines, args.seed)
        size = source.stat().st_size / 2**20
        print(f"file: {lines} lines, {customers} customers, {size:.0f} MiB, "
              f"written in {time.perf_counter() - started:.1f} s")  # fmt: skip
        print(f"peak memory before import: {peak_mb():.0f} MiB")

        async with fresh_database(args.dialect, workdir) as url, open_database(url):
            with source.open("rb") as lines_in:
                started = time.perf_counter()
                report = await import_ndjson(lines_in)
                first = time.perf_counter() - started
            assert not report.rejected, report.rejected[:3]
            peak = peak_mb()
            with source.open("rb") as lines_in:
                started = time.perf_counter()
                again = await import_ndjson(lines_in)
                second = time.perf_counter() - started
            changed = sum(c.upserted for c in again.counts.values())
        async with fresh_database(args.dialect, workdir) as url:
            raw, rows = await raw_load(url, customers, args.seed)

    print(f"{args.dialect}: import {first:.1f} s = {lines / first:,.0f} lines/s "
          f"({rows / first:,.0f} rows/s)")  # fmt: skip
    print(f"{args.dialect}: re-import (unchanged) {second:.1f} s = {lines / second:,.0f} lines/s, "
          f"{changed} records changed")  # fmt: skip
    print(f"{args.dialect}: raw bulk load of the same {rows} rows {raw:.1f} s = "
          f"{rows / raw:,.0f} rows/s")  # fmt: skip
    print(f"ratio import / raw load: {first / raw:.2f}x")
    print(f"peak memory after import: {peak:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
