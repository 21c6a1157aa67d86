"""The PostgreSQL connections the server and the worker open (gqlserver/db.py): a statement
timeout bounds a runaway statement, and a read after the server dropped the connections
succeeds on the first try."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import pytest
import pytest_asyncio
from tortoise.context import TortoiseContext

from gqlserver.db import tortoise_config
from models.db import connection
from models.segments.orm import RefreshStatus, Segment
from models.segments.refresh import RefreshFailed, refresh_segment
from models.segments.sql.refresh import REFRESH_LOCK_NAMESPACE
from models.store.reference import Website
from tests.conftest import _empty_pg_tables, _pg_test_database, require


async def _open(url: str, statement_timeout: float | None) -> AsyncIterator[str]:
    async with TortoiseContext() as context:
        config = tortoise_config(url, with_aerich=False, statement_timeout=statement_timeout)
        await context.init(config=config)
        try:
            yield url
        finally:
            await context.close_connections()


async def _empty_pg() -> str:
    await require("postgres")
    url = await _pg_test_database()
    await _empty_pg_tables(url)
    return url


@pytest_asyncio.fixture
async def pg_with_timeout() -> AsyncIterator[str]:
    """The run's PostgreSQL database, emptied, with Tortoise as the server opens it and a
    half-second statement timeout."""
    async for url in _open(await _empty_pg(), 0.5):
        yield url


@pytest_asyncio.fixture
async def pg_as_served() -> AsyncIterator[str]:
    async for url in _open(await _empty_pg(), None):
        yield url


async def _admin(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))


def test_the_statement_timeout_is_a_server_setting_of_every_pooled_connection():
    config = tortoise_config("postgresql://u@h:5432/db", statement_timeout=300)
    default = config["connections"]["default"]

    assert default["engine"] == "gqlserver.pgclient"
    assert default["credentials"]["server_settings"] == {"statement_timeout": "300000"}
    assert (
        "server_settings"
        not in (
            tortoise_config("postgres://u@h/db", statement_timeout=0)["connections"]["default"][
                "credentials"
            ]
        )
    )
    assert tortoise_config("sqlite://x.db", statement_timeout=300)["connections"] == {
        "default": "sqlite://x.db"
    }


async def test_a_refresh_blocked_past_the_statement_timeout_fails_and_keeps_the_members(
    pg_with_timeout: str,
):
    await Website.create(id=1, code="base", name="Main")
    segment = await Segment.create(
        name="All", website_ids=[1], refresh_status=RefreshStatus.COMPLETED
    )
    _, rows = await connection().execute_query("SHOW statement_timeout")
    assert rows[0]["statement_timeout"] == "500ms"
    admin = await _admin(pg_with_timeout)
    try:
        # Another session holds the segment's lock: the refresh's first statement waits.
        await admin.execute("SELECT pg_advisory_lock($1, $2)", REFRESH_LOCK_NAMESPACE, segment.id)

        with pytest.raises(RefreshFailed) as failed:
            await asyncio.wait_for(refresh_segment(segment.id), 30)
    finally:
        await admin.close()

    assert "statement timeout" in failed.value.reason
    row = await Segment.get(id=segment.id)
    assert row.refresh_status == RefreshStatus.ERROR
    assert row.refresh_error is not None and "statement timeout" in row.refresh_error
    assert (row.matched_customers_count, row.last_refresh_at) == (0, None)


def _terminate_other_backends(url: str) -> int:
    """Terminate every other backend of the database and wait until they are gone.

    Run in a thread while the test's event loop is blocked, so the pool cannot notice
    before its next query: what a server whose database restarted meets."""

    async def terminate() -> int:
        admin = await _admin(url)
        try:
            others = "datname = current_database() AND pid <> pg_backend_pid()"
            count = await admin.fetchval(
                f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {others}"
            )
            left = f"SELECT count(*) FROM pg_stat_activity WHERE {others}"
            for _ in range(500):
                if not await admin.fetchval(left):
                    break
                await asyncio.sleep(0.01)
            return int(count)
        finally:
            await admin.close()

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, terminate()).result()


async def test_reads_right_after_the_server_dropped_every_connection_succeed(
    pg_as_served: str,
):
    await Website.create(id=1, code="base", name="Main")
    # Five pooled connections open and idle.
    await asyncio.gather(*(Website.all().count() for _ in range(5)))

    assert _terminate_other_backends(pg_as_served) == 5
    counts = await asyncio.gather(*(Website.all().count() for _ in range(5)))
    names = await Website.all().values_list("name", flat=True)
    await Website.create(id=2, code="second", name="Second")

    assert counts == [1] * 5
    assert names == ["Main"]
    assert await Website.all().count() == 2
