"""Statements of delivery: claiming due rows under a lease, sweeping expired leases, and the
next due time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from models.db import Dialect, bind, execute_count

# A row is due when its step is active and its segment active with automation on
# (SEMANTICS §5); the global switch is checked before any of this runs.
DUE = (
    "FROM sequence_progress d "
    "JOIN email_sequence s ON s.id = d.sequence_id AND s.is_active = {true} "
    "JOIN segment g ON g.id = d.segment_id AND g.is_active = {true} "
    "AND g.auto_email_active = {true} "
    "WHERE d.status = 'scheduled'"
)


def _due(kind: Dialect) -> str:
    return DUE.format(true="true" if kind == "postgres" else "1")


async def claim_due(
    conn: BaseDBAsyncClient,
    kind: Dialect,
    *,
    now: datetime,
    lease_until: datetime,
    limit: int,
) -> list[int]:
    """Move up to `limit` due rows, oldest first, to SENDING under a lease; their ids.

    PostgreSQL skips rows another worker is claiming (`SKIP LOCKED`); SQLite has one
    writer at a time, so the UPDATE itself is the claim.
    """
    lock = " FOR UPDATE OF d SKIP LOCKED" if kind == "postgres" else ""
    rows = await conn.execute_query_dict(
        bind(
            kind,
            "UPDATE sequence_progress SET status = 'sending', lease_until = $1, "
            "attempts = attempts + 1, updated_at = $2 "
            f"WHERE id IN (SELECT d.id {_due(kind)} AND d.scheduled_at <= $3 "
            f"ORDER BY d.scheduled_at, d.id LIMIT $4{lock}) RETURNING id",
        ),
        [lease_until, now, now, limit],
    )
    return sorted(int(row["id"]) for row in rows)


async def sweep_expired_leases(
    conn: BaseDBAsyncClient, kind: Dialect, *, now: datetime, max_attempts: int, reason: str
) -> int:
    """Hand rows whose sender died back to scheduling, or fail them after the last attempt."""
    return await execute_count(
        conn,
        kind,
        bind(
            kind,
            "UPDATE sequence_progress SET "
            "status = CASE WHEN attempts >= $1 THEN 'failed' ELSE 'scheduled' END, "
            "last_error = $2, lease_until = NULL, updated_at = $3 "
            "WHERE status = 'sending' AND lease_until < $4",
        ),
        [max_attempts, reason, now, now],
    )


async def next_due_at(conn: BaseDBAsyncClient, kind: Dialect) -> Any:
    """The earliest due row, or the earliest lease to expire (a dead worker's rows)."""
    rows = await conn.execute_query_dict(
        bind(
            kind,
            f"SELECT MIN(due) AS due FROM (SELECT MIN(d.scheduled_at) AS due {_due(kind)} "
            "UNION ALL SELECT MIN(lease_until) AS due FROM sequence_progress "
            "WHERE status = 'sending') AS next",
        ),
        [],
    )
    return rows[0]["due"] if rows else None


async def sent_in_window(
    conn: BaseDBAsyncClient, kind: Dialect, customer_id: int, since: datetime
) -> list[Any]:
    """When the customer was sent automation mail since `since`, oldest first."""
    rows = await conn.execute_query_dict(
        bind(
            kind,
            "SELECT sent_at FROM sequence_progress WHERE customer_id = $1 "
            "AND status = 'sent' AND sent_at > $2 ORDER BY sent_at",
        ),
        [customer_id, since],
    )
    return [row["sent_at"] for row in rows]


async def hold(
    conn: BaseDBAsyncClient,
    kind: Dialect,
    *,
    progress_id: int,
    attempts: int,
    until: datetime,
    message_id: str,
    coupon_code: str | None,
) -> bool:
    """Renew the lease of a row this worker still owns (same claim, counted by attempts)."""
    return bool(
        await execute_count(
            conn,
            kind,
            bind(
                kind,
                "UPDATE sequence_progress SET lease_until = $1, message_id = $2, coupon_code = $3 "
                "WHERE id = $4 AND status = 'sending' AND attempts = $5",
            ),
            [until, message_id, coupon_code, progress_id, attempts],
        )
    )


async def mark_sent(
    conn: BaseDBAsyncClient,
    kind: Dialect,
    *,
    progress_id: int,
    sequence_id: int,
    customer_id: int,
    segment_id: int,
    template_id: int,
    recipient: str,
    subject: str,
    message_id: str,
    source: str,
    now: datetime,
) -> None:
    """In the caller's transaction: the queue record, the row SENT and linked to it, the send
    counted. Raises NotMarked, to roll all of it back, when the row is no longer SENDING."""
    queued = await conn.execute_query_dict(
        bind(
            kind,
            "INSERT INTO newsletter_queue (template_id, customer_id, recipient_email, subject, "
            "message_id, automation_source, automation_source_id, sent_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        ),
        [template_id, customer_id, recipient, subject, message_id, source, segment_id, now],
    )
    marked = await execute_count(
        conn,
        kind,
        bind(
            kind,
            "UPDATE sequence_progress SET status = 'sent', sent_at = $1, updated_at = $1, "
            "lease_until = NULL, last_error = NULL, queue_id = $2 "
            "WHERE id = $3 AND status = 'sending'",
        ),
        [now, queued[0]["id"], progress_id],
    )
    if not marked:
        raise NotMarked(progress_id)
    await conn.execute_query(
        bind(
            kind,
            "INSERT INTO sequence_send_count (sequence_id, customer_id, sends) VALUES ($1, $2, 1) "
            "ON CONFLICT (sequence_id, customer_id) "
            "DO UPDATE SET sends = sequence_send_count.sends + 1",
        ),
        [sequence_id, customer_id],
    )


class NotMarked(Exception):
    """The row was marked by another worker first: the caller's transaction is rolled back."""
