"""Statements of event consumers: registration, per-segment cursors, counts of a range."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from models.db import Dialect, bind

REGISTER = """
INSERT INTO event_consumer (name, start_after_event_id, registered_at)
SELECT $1, COALESCE(MAX(id), 0), $2 FROM segment_membership_event WHERE true
ON CONFLICT (name) DO NOTHING
"""

# Segments with events after the consumer's cursor (or its starting point when it has
# none yet). Each EXISTS is one probe of the (segment_id, id) index.
PENDING_SEGMENTS = """
SELECT s.id FROM segment s
JOIN event_consumer ec ON ec.name = $1
LEFT JOIN segment_event_cursor c ON c.consumer = ec.name AND c.segment_id = s.id
WHERE EXISTS (
    SELECT 1 FROM segment_membership_event e
    WHERE e.segment_id = s.id AND e.id > COALESCE(c.last_event_id, ec.start_after_event_id)
)
ORDER BY s.priority DESC, s.id
"""

CREATE_CURSOR = """
INSERT INTO segment_event_cursor (consumer, segment_id, last_event_id, updated_at)
SELECT ec.name, s.id, ec.start_after_event_id, $1
FROM event_consumer ec JOIN segment s ON s.id = $2
WHERE ec.name = $3
ON CONFLICT (consumer, segment_id) DO NOTHING
"""

# PostgreSQL: another process acting on the same cursor holds its row; skip rather than
# wait, as that process will hand over everything committed so far.
LOCK_CURSOR_POSTGRES = """
SELECT last_event_id FROM segment_event_cursor
WHERE consumer = $1 AND segment_id = $2
FOR UPDATE SKIP LOCKED
"""

# SQLite: a write as the transaction's first statement takes the database's write lock
# before anything is read (what BEGIN IMMEDIATE would do), so no other process can
# advance the cursor between this read and the update.
LOCK_CURSOR_SQLITE = """
UPDATE segment_event_cursor SET last_event_id = last_event_id
WHERE consumer = $1 AND segment_id = $2
"""

READ_CURSOR = """
SELECT last_event_id FROM segment_event_cursor WHERE consumer = $1 AND segment_id = $2
"""

LAST_EVENT = "SELECT MAX(id) AS last_id FROM segment_membership_event WHERE segment_id = $1"

ADVANCE_CURSOR = """
UPDATE segment_event_cursor SET last_event_id = $1, updated_at = $2
WHERE consumer = $3 AND segment_id = $4
"""

COUNT_CHANGES = """
SELECT change, COUNT(*) AS n FROM segment_membership_event
WHERE segment_id = $1 AND id > $2 AND id <= $3
GROUP BY change
"""


async def _one(conn: BaseDBAsyncClient, dialect: Dialect, sql: str, params: list) -> dict | None:
    rows = await conn.execute_query_dict(bind(dialect, sql), params)
    return rows[0] if rows else None


async def register(conn: BaseDBAsyncClient, dialect: Dialect, name: str, now: datetime) -> None:
    await conn.execute_query(bind(dialect, REGISTER), [name, now])


async def pending_segments(conn: BaseDBAsyncClient, dialect: Dialect, name: str) -> list[int]:
    rows = await conn.execute_query_dict(bind(dialect, PENDING_SEGMENTS), [name])
    return [int(row["id"]) for row in rows]


async def lock_cursor(
    conn: BaseDBAsyncClient, dialect: Dialect, name: str, segment_id: int, now: datetime
) -> int | None:
    """The cursor, held until the transaction ends; None if the segment is gone or it is busy."""
    await conn.execute_query(bind(dialect, CREATE_CURSOR), [now, segment_id, name])
    if dialect == "postgres":
        row = await _one(conn, dialect, LOCK_CURSOR_POSTGRES, [name, segment_id])
    else:
        await conn.execute_query(bind(dialect, LOCK_CURSOR_SQLITE), [name, segment_id])
        row = await _one(conn, dialect, READ_CURSOR, [name, segment_id])
    return None if row is None else int(row["last_event_id"])


async def last_event_id(conn: BaseDBAsyncClient, dialect: Dialect, segment_id: int) -> int | None:
    row = await _one(conn, dialect, LAST_EVENT, [segment_id])
    return None if row is None or row["last_id"] is None else int(row["last_id"])


async def advance_cursor(
    conn: BaseDBAsyncClient,
    dialect: Dialect,
    name: str,
    segment_id: int,
    last_id: int,
    now: datetime,
) -> None:
    await conn.execute_query(bind(dialect, ADVANCE_CURSOR), [last_id, now, name, segment_id])


async def count_changes(
    conn: BaseDBAsyncClient, dialect: Dialect, segment_id: int, after_id: int, last_id: int
) -> dict[str, int]:
    rows = await conn.execute_query_dict(
        bind(dialect, COUNT_CHANGES), [segment_id, after_id, last_id]
    )
    return {str(row["change"]): int(row["n"]) for row in rows}
