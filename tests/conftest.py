"""Shared fixtures: a fresh database per test, on SQLite always and PostgreSQL when reachable.

Set SEGMENTQL_REQUIRE_SERVICES=1 (CI does) to make a missing PostgreSQL or Redis fail the
run instead of skipping the tests that need it.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal

import asyncpg
import pytest
import pytest_asyncio
from tortoise.backends.base.config_generator import generate_config
from tortoise.context import TortoiseContext, tortoise_test_context

from models.db import Dialect
from models.registry import MODEL_MODULES

PG_DSN = os.environ.get("SEGMENTQL_TEST_PG", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SEGMENTQL_TEST_REDIS", "redis://127.0.0.1:6379/15")
REQUIRE_SERVICES = os.environ.get("SEGMENTQL_REQUIRE_SERVICES") == "1"


def _pg_base() -> str:
    return PG_DSN.rsplit("/", 1)[0]


async def _reachable_pg() -> bool:
    try:
        conn = await asyncpg.connect(PG_DSN, timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await conn.close()
    return True


async def _reachable_redis() -> bool:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        await client.ping()
    except Exception:
        return False
    finally:
        await client.aclose()
    return True


_reachability: dict[str, bool] = {}


async def require(service: Literal["postgres", "redis"]) -> None:
    """Skip (or, under CI, fail) when a real service is not reachable."""
    if service not in _reachability:
        probe = _reachable_pg if service == "postgres" else _reachable_redis
        _reachability[service] = await probe()
    if not _reachability[service]:
        if REQUIRE_SERVICES:
            pytest.fail(f"{service} is required (SEGMENTQL_REQUIRE_SERVICES=1) but not reachable")
        pytest.skip(f"{service} not reachable")


async def drop_pg_database(name: str) -> None:
    conn = await asyncpg.connect(PG_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def new_pg_url() -> tuple[str, str]:
    name = f"segmentql_test_{uuid.uuid4().hex[:12]}"
    return name, f"{_pg_base()}/{name}"


@dataclass
class Db:
    """The database a test runs against."""

    dialect: Dialect
    url: str


_pg_run_database: dict[str, str] = {}


async def _pg_test_database() -> str:
    """One PostgreSQL database with the schema for the whole run, dropped at session end.

    Creating and dropping a database per test cost over a second each; emptying the
    tables between tests (see `db`) costs a few milliseconds.
    """
    if not _pg_run_database:
        name, url = new_pg_url()
        _pg_run_database.update(name=name, url=url)
        async with tortoise_test_context(MODEL_MODULES, db_url=url, connection_label="test_setup"):
            pass
    return _pg_run_database["url"]


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _pg_run_database:
        asyncio.run(drop_pg_database(_pg_run_database["name"]))


async def _empty_pg_tables(url: str) -> None:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        names = ", ".join(f'"{t["tablename"]}"' for t in tables)
        await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@asynccontextmanager
async def _tortoise_on(url: str, label: str) -> AsyncIterator[None]:
    """Tortoise bound to an existing database whose schema is already in place."""
    config = generate_config(url, app_modules={"models": MODEL_MODULES}, connection_label=label)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config, use_tz=True, timezone="UTC")
        yield


@pytest_asyncio.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[Db]:
    """An empty schema on each dialect: a new SQLite file, or the run's PostgreSQL database
    with every table emptied (identities restarted) before the test."""
    dialect = request.param
    # A connection label per dialect: Tortoise caches compiled queries by label.
    label = f"test_{dialect}"
    if dialect == "postgres":
        await require("postgres")
        url = await _pg_test_database()
        await _empty_pg_tables(url)
        async with _tortoise_on(url, label):
            yield Db(dialect=dialect, url=url)
    else:
        url = f"sqlite://{tmp_path}/test.sqlite3"
        async with tortoise_test_context(MODEL_MODULES, db_url=url, connection_label=label):
            yield Db(dialect=dialect, url=url)


@pytest_asyncio.fixture
async def redis_url() -> AsyncIterator[str]:
    """A real Redis database, flushed before and after the test."""
    from redis.asyncio import Redis

    await require("redis")
    client = Redis.from_url(REDIS_URL)
    await client.flushdb()
    try:
        yield REDIS_URL
    finally:
        await client.flushdb()
        await client.aclose()


@pytest_asyncio.fixture
async def arq_queue(redis_url: str) -> AsyncIterator[Any]:
    """An arq pool (tasks.queue.create_queue) on the test Redis, for enqueuing jobs."""
    from tasks.queue import create_queue

    queue = await create_queue(redis_url)
    try:
        yield queue
    finally:
        await queue.aclose()


@pytest.fixture
def run_burst_worker() -> Callable[..., Awaitable[int]]:
    """Run queued arq jobs to completion in the calling test's task and Tortoise context.

    `await run_burst_worker(queue_or_redis_url, settings=None)` runs every queued job, and jobs
    they enqueue, until the queue is empty (jobs deferred into the future are waited for; cron
    jobs are not scheduled). It returns how many jobs completed and raises arq's `FailedJobs`
    if any failed; `await job.result()` then raises `tasks.codec.JobFailed` naming the error.
    Jobs read `settings` (default: get_settings()) as `ctx["settings"]` and use the database of
    the `db` fixture. Pass the `arq_queue` fixture, or the `redis_url` fixture's URL.
    """
    from gqlserver.worker import run_pending_jobs
    from tasks.queue import create_queue

    async def run(queue_or_url: Any, *, settings: Any = None) -> int:
        if not isinstance(queue_or_url, str):
            return await run_pending_jobs(queue_or_url, settings=settings)
        queue = await create_queue(queue_or_url)
        try:
            return await run_pending_jobs(queue, settings=settings)
        finally:
            await queue.aclose()

    return run
