"""Demo data speed vs a raw COPY of the same customer rows, plus peak memory.

    .venv/bin/python -m tests.bench.bench_demo_data --customers 1000000 [--dialect sqlite]

Writes the demo store for N customers into a fresh database (as `segmentql demo-data`
does: generation, COPY/executemany, ANALYZE) and reports rows per second over all tables.
The baseline, in the same run, is a raw bulk load (COPY on PostgreSQL, executemany on
SQLite) of just the same customer rows, pre-generated, into the customer table of another
fresh database as the schema stands (foreign keys checked row by row, which the demo load
instead checks once at the end): the ratio says how much a demo customer with everything
that hangs on it costs relative to the bare customer row. Peak memory is this process's
high-water mark after the demo load.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from tortoise.transactions import in_transaction

from gqlserver.db import open_database
from models.db import connection
from models.store import demo_catalog as catalog
from models.store.demo import CHUNK_CUSTOMERS, COLUMNS, _bulk_insert, generate, write_demo_data
from tests.bench.bench_import import fresh_database, peak_mb


async def raw_customer_copy(url: str, customers: int, seed: int) -> float:
    """Seconds to bulk-load only the customer rows of the same demo data."""
    parts = generate(customers, seed, CHUNK_CUSTOMERS)
    reference = next(parts)
    chunks = [part["customer"] for part in parts]
    async with open_database(url):
        conn = connection()
        async with in_transaction(conn.connection_name) as tx:
            for table in ("website", "store", "customer_group"):
                await _bulk_insert(tx, table, COLUMNS[table], reference[table])
        started = time.perf_counter()
        async with in_transaction(conn.connection_name) as tx:
            for rows in chunks:
                await _bulk_insert(tx, "customer", COLUMNS["customer"], rows)
        return time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--dialect", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        async with fresh_database(args.dialect, workdir) as url, open_database(url):
            started = time.perf_counter()
            summary = await write_demo_data(args.customers, args.seed)
            elapsed = time.perf_counter() - started
        peak = peak_mb()
        async with fresh_database(args.dialect, workdir) as url:
            raw = await raw_customer_copy(url, args.customers, args.seed)

    total = sum(summary.rows.values())
    for table, count in summary.rows.items():
        print(f"  {table}: {count}")
    print(f"{args.dialect}: demo data for {args.customers} customers: {elapsed:.1f} s, "
          f"{total} rows = {total / elapsed:,.0f} rows/s, {args.customers / elapsed:,.0f} "
          f"customers/s (reference time {catalog.DEMO_NOW.isoformat()})")  # fmt: skip
    print(f"{args.dialect}: raw bulk load of the {args.customers} customer rows alone: {raw:.1f} s "
          f"= {args.customers / raw:,.0f} rows/s")  # fmt: skip
    per_row = (elapsed / total) / (raw / args.customers)
    print(f"ratio demo / raw customers: {elapsed / raw:.1f}x the time for "
          f"{total / args.customers:.1f}x the rows; per row {per_row:.2f}x")  # fmt: skip
    print(f"peak memory after demo data: {peak:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
