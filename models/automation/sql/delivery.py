"""Statements of delivery: claiming due rows under a lease, sweeping expired leases, the next
due time, renewing leases, storing coupon codes and marking rows sent."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from models.db import Dialect, bind, execute_count, numbered

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
    writer at a time, so the UPDATE itself is the claim. A customer with a row still being
    sent (by any worker, or by this one's batch in flight) waits for it: their rows go out
    one after another, and the rate limit counts every earlier send. The customers with a
    row being sent are read once per claim (NOT IN, hashed), not looked up per due row: the
    planner's estimates lag behind a burst of newly scheduled rows, and a correlated NOT
    EXISTS then probed every row being sent for every due row, which made each claim
    cost as much as the SMTP transactions of its batch.
    """
    lock = " FOR UPDATE OF d SKIP LOCKED" if kind == "postgres" else ""
    rows = await conn.execute_query_dict(
        bind(
            kind,
            "UPDATE sequence_progress SET status = 'sending', lease_until = $1, "
            "attempts = attempts + 1, updated_at = $2 "
            f"WHERE id IN (SELECT d.id {_due(kind)} AND d.scheduled_at <= $3 "
            "AND d.customer_id NOT IN (SELECT b.customer_id FROM sequence_progress b "
            "WHERE b.status = 'sending') "
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


@dataclass(frozen=True)
class Sent:
    """A row whose message the SMTP server accepted, with what its queue record keeps."""

    progress_id: int
    attempts: int
    sequence_id: int
    customer_id: int
    segment_id: int
    template_id: int
    recipient: str
    subject: str
    message_id: str


def _claimed_by_us(rows: Mapping[int, int], first: int) -> tuple[str, list[Any]]:
    """`status = 'sending' AND (attempts = $a AND id IN (...)) OR ...` for rows as this worker
    claimed them (id -> attempts): every claim counts an attempt, so a row swept and claimed
    again by another worker no longer matches. Placeholders start at `$first`."""
    by_attempts: dict[int, list[int]] = defaultdict(list)
    for progress_id, attempts in rows.items():
        by_attempts[attempts].append(progress_id)
    params: list[Any] = []
    terms = []
    for attempts, ids in by_attempts.items():
        number = first + len(params)
        params.append(attempts)
        params.extend(ids)
        terms.append(f"(attempts = ${number} AND id IN ({numbered(len(ids), number + 1)}))")
    return f"status = 'sending' AND ({' OR '.join(terms)})", params


async def renew_leases(
    conn: BaseDBAsyncClient, kind: Dialect, rows: Mapping[int, int], until: datetime
) -> set[int]:
    """Extend the lease of the rows (id -> attempts) this worker still owns; their ids."""
    owned, params = _claimed_by_us(rows, 2)
    found = await conn.execute_query_dict(
        bind(kind, f"UPDATE sequence_progress SET lease_until = $1 WHERE {owned} RETURNING id"),
        [until, *params],
    )
    return {int(row["id"]) for row in found}


async def mark_sent(
    conn: BaseDBAsyncClient, kind: Dialect, sends: Sequence[Sent], *, source: str, now: datetime
) -> set[int]:
    """In the caller's transaction, for each row this worker still owns: SENT, linked to its
    queue record, and the send counted. The ids of the rows marked.

    A handful of statements for the whole group, whatever its size: marking row by row
    cost more round trips per message than the SMTP transaction itself. The queue records
    are written first, so one UPDATE both marks a row and links its record; the records
    of rows another worker owns by now (a lease lost mid-send) are deleted again."""
    if not sends:
        return set()
    queued = await conn.execute_query_dict(
        bind(
            kind,
            "INSERT INTO newsletter_queue (template_id, customer_id, recipient_email, subject, "
            "message_id, automation_source, automation_source_id, sent_at) "
            f"VALUES {_rows(len(sends), 8)} RETURNING id, message_id",
        ),
        [
            value
            for s in sends
            for value in (s.template_id, s.customer_id, s.recipient, s.subject, s.message_id)
            + (source, s.segment_id, now)
        ],
    )
    queue_ids = {row["message_id"]: row["id"] for row in queued}
    # (id, attempts, queue id, Message-ID) per row.
    owned = _rows(len(sends), 4, first=2, types=("BIGINT", "INTEGER", "BIGINT", "TEXT"))
    marked_rows = await conn.execute_query_dict(
        bind(
            kind,
            "UPDATE sequence_progress SET status = 'sent', sent_at = $1, updated_at = $1, "
            "lease_until = NULL, last_error = NULL, queue_id = v.column3, "
            f"message_id = v.column4 FROM (VALUES {owned}) AS v "
            "WHERE sequence_progress.id = v.column1 AND sequence_progress.attempts = v.column2 "
            "AND sequence_progress.status = 'sending' RETURNING id",
        ),
        [now]
        + [
            value
            for s in sends
            for value in (s.progress_id, s.attempts, queue_ids[s.message_id], s.message_id)
        ],
    )
    marked = {int(row["id"]) for row in marked_rows}
    lost = [queue_ids[s.message_id] for s in sends if s.progress_id not in marked]
    if lost:
        await conn.execute_query(
            bind(
                kind,
                f"DELETE FROM newsletter_queue WHERE id IN ({numbered(len(lost))})",
            ),
            lost,
        )
    mine = [s for s in sends if s.progress_id in marked]
    if not mine:
        return marked
    # Summed first: one statement may not update the same count twice.
    counts = Counter((s.sequence_id, s.customer_id) for s in mine)
    await conn.execute_query(
        bind(
            kind,
            f"INSERT INTO sequence_send_count (sequence_id, customer_id, sends) "
            f"VALUES {_rows(len(counts), 3)} ON CONFLICT (sequence_id, customer_id) "
            "DO UPDATE SET sends = sequence_send_count.sends + excluded.sends",
        ),
        [value for key, sends in counts.items() for value in (*key, sends)],
    )
    return marked


def _rows(count: int, width: int, *, first: int = 1, types: Sequence[str] = ()) -> str:
    """`($1, $2), ($3, $4)` for a multi-row VALUES of `count` rows of `width` values, numbered
    from `$first`. With `types` (one per column) each value is cast: a VALUES list in FROM
    has no column types of its own to give its parameters."""

    def value(number: int, column: int) -> str:
        return f"CAST(${number} AS {types[column]})" if types else f"${number}"

    return ", ".join(
        "(" + ", ".join(value(first + row * width + c, c) for c in range(width)) + ")"
        for row in range(count)
    )


async def store_coupon_codes(
    conn: BaseDBAsyncClient, kind: Dialect, codes: Mapping[int, str]
) -> None:
    """Copy each row's coupon code (progress id -> code) onto it, so the row shows it from
    before the send on."""
    values = _rows(len(codes), 2, types=("BIGINT", "TEXT"))
    await conn.execute_query(
        bind(
            kind,
            f"UPDATE sequence_progress SET coupon_code = v.column2 FROM (VALUES {values}) AS v "
            "WHERE sequence_progress.id = v.column1",
        ),
        [value for progress_id, code in codes.items() for value in (progress_id, code)],
    )
