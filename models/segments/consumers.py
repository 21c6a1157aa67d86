"""Durable consumers of membership events: each acts on every event exactly once, in any process.

A consumer (the subscription broadcaster, email scheduling) keeps one cursor per
segment: the id of the last event it acted on. `consume_segment` takes the cursor's
lock, hands the consumer the range of newer events, and advances the cursor in the
same transaction as the consumer's own writes, so a crash anywhere leaves either both
or neither. Two processes consuming the same segment do not both act: on PostgreSQL
the second skips the locked cursor, on SQLite it waits for the first's write lock and
then finds nothing new.

A consumer whose effect is outside the database (publishing to Redis) acts before the
cursor commits, so a crash in between repeats that range once (at least once); such
messages carry the event id for their readers to drop repeats.

Segments are found by `segments_with_new_events` (a poll that works across processes)
or woken by the in-process hints of `models.segments.events`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from tortoise.backends.base.client import BaseDBAsyncClient

from models.db import connection, dialect, transaction
from models.segments.orm import MembershipChange, SegmentMembershipEvent
from models.segments.sql import consumers as sql

READ_CHUNK = 1000


@dataclass(frozen=True)
class EventRange:
    """A segment's events a consumer has not acted on yet: `after_id < id <= last_id`."""

    segment_id: int
    after_id: int
    last_id: int


class EventConsumer(Protocol):
    """Acts on ranges of events; `name` identifies its cursors and must never change."""

    @property
    def name(self) -> str: ...

    async def consume(self, conn: BaseDBAsyncClient, events: EventRange) -> None:
        """Act on `events` on `conn`, inside the transaction that then advances the cursor."""


async def register_consumer(name: str) -> None:
    """Record the consumer once; it starts after the newest event there is at that moment."""
    async with transaction() as conn:
        await sql.register(conn, dialect(conn), name, datetime.now(UTC))


async def segments_with_new_events(name: str) -> list[int]:
    """Segments holding events after the consumer's cursor, highest priority first."""
    conn = connection()
    return await sql.pending_segments(conn, dialect(conn), name)


async def consume_segment(consumer: EventConsumer, segment_id: int) -> EventRange | None:
    """Hand the segment's new events to `consumer` and advance its cursor past them.

    Returns the range acted on, or None when there was nothing new, the segment is
    gone, or another process holds the cursor right now (it hands over everything
    committed before it took the lock; what commits later shows up at the next poll).
    """
    async with transaction() as conn:
        kind = dialect(conn)
        now = datetime.now(UTC)
        after = await sql.lock_cursor(conn, kind, consumer.name, segment_id, now)
        if after is None:
            return None
        last = await sql.last_event_id(conn, kind, segment_id)
        if last is None or last <= after:
            return None
        events = EventRange(segment_id, after, last)
        await consumer.consume(conn, events)
        await sql.advance_cursor(conn, kind, consumer.name, segment_id, last, now)
    return events


async def read_events(
    conn: BaseDBAsyncClient, events: EventRange
) -> AsyncIterator[list[SegmentMembershipEvent]]:
    """The range's events in id order, `READ_CHUNK` rows at a time (memory stays flat)."""
    after = events.after_id
    while after < events.last_id:
        rows = (
            await SegmentMembershipEvent.filter(
                segment_id=events.segment_id, id__gt=after, id__lte=events.last_id
            )
            .order_by("id")
            .limit(READ_CHUNK)
            .using_db(conn)
        )
        if not rows:
            return
        yield rows
        after = rows[-1].id


async def count_changes(conn: BaseDBAsyncClient, events: EventRange) -> dict[MembershipChange, int]:
    """How many enters and exits the range holds."""
    counts = await sql.count_changes(
        conn, dialect(conn), events.segment_id, events.after_id, events.last_id
    )
    return {change: counts.get(change.value, 0) for change in MembershipChange}
