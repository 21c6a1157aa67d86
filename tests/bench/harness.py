"""Shared pieces of the benchmarks: a PostgreSQL database with demo data, child-process
measurements (time and peak memory of one call in a fresh process), and statistics."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg

ADMIN_DSN = os.environ.get("SEGMENTQL_BENCH_PG", "postgres://postgres@127.0.0.1:5432/test")
SEGMENTQL = str(Path(sys.executable).with_name("segmentql"))


def base_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--customers", type=int, default=100_000, help="demo customers")
    parser.add_argument("--seed", type=int, default=1, help="demo data seed")
    parser.add_argument(
        "--database-url",
        help="reuse this PostgreSQL database (demo data is written only if it has no customers)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database it created")
    return parser


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cli_env(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": "memory://"}


def run_cli(database_url: str, *args: str) -> None:
    started = time.perf_counter()
    subprocess.run([SEGMENTQL, *args], env=cli_env(database_url), check=True)
    log(f"  segmentql {' '.join(args)}: {time.perf_counter() - started:.1f} s")


async def _customer_count(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        exists = await conn.fetchval("SELECT to_regclass('customer') IS NOT NULL")
        return int(await conn.fetchval("SELECT count(*) FROM customer")) if exists else 0
    finally:
        await conn.close()


async def _prepare(database_url: str, customers: int, seed: int) -> None:
    run_cli(database_url, "migrate")
    if await _customer_count(database_url) == 0:
        run_cli(database_url, "demo-data", "--customers", str(customers), "--seed", str(seed))
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


@asynccontextmanager
async def bench_database(args: argparse.Namespace) -> AsyncIterator[str]:
    """The database to measure on: the one given, or a new one dropped afterwards."""
    if args.database_url:
        await _prepare(args.database_url, args.customers, args.seed)
        # A reused database may hold another number of customers than --customers says.
        args.customers = await _customer_count(args.database_url)
        yield args.database_url
        return
    name = f"segmentql_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = f"{ADMIN_DSN.rsplit('/', 1)[0]}/{name}"
    log(f"database {name}")
    try:
        await _prepare(url, args.customers, args.seed)
        yield url
    finally:
        if args.keep:
            log(f"kept database: {url}")
        else:
            admin = await asyncpg.connect(ADMIN_DSN)
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()


# Memory of this process, from /proc (Linux): resident now, and the high-water mark,
# which writing 5 to clear_refs resets so a peak can be measured around one call.


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def rss_mb() -> float:
    return _status_kb("VmRSS") / 1024


def peak_mb() -> float:
    return _status_kb("VmHWM") / 1024


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def run_child(module: str, *args: str) -> dict[str, Any]:
    """Run `python -m <module> --child ...`; its result is the JSON on its last stdout line."""
    done = subprocess.run(
        [sys.executable, "-m", module, "--child", *args],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def emit(result: dict[str, Any]) -> None:
    """A child's result, for `run_child`."""
    print(json.dumps(result), flush=True)


async def timed_count(
    database_url: str, sql: str, params: Sequence[Any], runs: int = 3
) -> tuple[float, int]:
    """Median seconds of `sql` (a count) over `runs` warm runs, and its answer."""
    conn = await asyncpg.connect(database_url)
    try:
        answer = int(await conn.fetchval(sql, *params))  # warms the cache
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            await conn.fetchval(sql, *params)
            times.append(time.perf_counter() - started)
    finally:
        await conn.close()
    return statistics.median(times), answer


async def delete_segments(database_url: str, segment_ids: Sequence[int]) -> None:
    """Remove the segments a run created with their members and events."""
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction():
            for table in ("segment_membership_event", "segment_member"):
                await conn.execute(
                    f"DELETE FROM {table} WHERE segment_id = ANY($1::int[])", list(segment_ids)
                )
            await conn.execute("DELETE FROM segment WHERE id = ANY($1::int[])", list(segment_ids))
    finally:
        await conn.close()


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def run(main: Any) -> None:
    asyncio.run(main())
