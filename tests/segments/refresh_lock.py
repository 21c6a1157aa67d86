"""Race tests around a segment's refresh lock, observed on the PostgreSQL server.

Tortoise runs one SQLite transaction at a time on its single connection, so two refreshes
(or a refresh and a delete) never interleave there and a race test passes with or without
the lock: these tests run on PostgreSQL only (`postgres_only`). There the lock is an
advisory lock, and `pg_locks` shows which session waits for it, so a test can start the
second party, see it waiting, and only then let the first one finish.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import pytest

from models.segments.sql.refresh import REFRESH_LOCK_NAMESPACE
from tests.conftest import Db

postgres_only = pytest.mark.parametrize("db", ["postgres"], indirect=True)

LOCK_STATEMENT = "SELECT pg_advisory_xact_lock($1, $2)"
WAIT_SECONDS = 10.0

# A two-key advisory lock shows its keys as (classid, objid) with objsubid 2.
_WAITERS = """
SELECT a.query
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND NOT l.granted
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
"""


async def wait_until_blocked_on_lock(db: Db, segment_id: int, task: asyncio.Task[Any]) -> None:
    """Return once a session waits for the segment's refresh lock with the lock statement.

    Fails if `task` (the party expected to wait) finishes first, or nobody waits within
    WAIT_SECONDS.
    """
    conn = await asyncpg.connect(db.url)
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            while True:
                waiting = await conn.fetch(_WAITERS, REFRESH_LOCK_NAMESPACE, segment_id)
                if waiting:
                    assert [row["query"] for row in waiting] == [LOCK_STATEMENT]
                    return
                if task.done():
                    pytest.fail(f"finished without waiting for segment {segment_id}'s lock")
                # pg_locks is the only place a lock wait shows: poll it.
                await asyncio.sleep(0.01)
    finally:
        await conn.close()


@asynccontextmanager
async def refresh_lock_held(db: Db, segment_id: int) -> AsyncIterator[asyncpg.Connection]:
    """Another session holding the segment's refresh lock in an open transaction.

    The transaction commits when the block ends normally and rolls back on an error.
    """
    conn = await asyncpg.connect(db.url)
    try:
        async with conn.transaction():
            await conn.execute(LOCK_STATEMENT, REFRESH_LOCK_NAMESPACE, segment_id)
            yield conn
    finally:
        await conn.close()
