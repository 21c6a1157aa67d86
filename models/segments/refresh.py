"""Refresh: materialise a segment's members with set operations and record who entered or left.

One refresh is one transaction (SEMANTICS §4): it takes the segment's lock, computes
the new member set into a temporary table, applies the diff to `segment_member`,
records one event per change, and updates count, time and status. A failure rolls
all of that back, then a separate transaction stores status `error` and the message.
The `processing` status is committed before the refresh transaction starts so readers
can see it while the refresh runs.

A restricted refresh (`customer_ids`) re-evaluates only those customers: the same
statements limited to them, the count adjusted by the difference. It leaves
`last_refresh_at` and a successful status alone, as it does not re-check everybody
else; a failing one records status error like a full refresh.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from models.db import Dialect, transaction
from models.db import dialect as dialect_of
from models.errors import DomainError, ErrorCode, FieldError
from models.failures import describe_failure
from models.segments.compiler import compile_members_query
from models.segments.errors import segment_not_found
from models.segments.events import RefreshOutcome, notify_segment_refreshed
from models.segments.orm import RefreshMode, RefreshStatus, Segment
from models.segments.sql.refresh import (
    analyze_members_if_stale,
    apply_diff,
    compute_diff,
    create_new_set,
    drop_temp_tables,
    everyone_entered,
    has_members,
    lock_segment,
    temp_table_name,
)
from models.segments.tree import Group
from models.segments.validation import tree_from_json

log = logging.getLogger(__name__)


class RefreshFailed(DomainError):
    """The refresh was rolled back; the segment now carries status error and this message."""

    def __init__(self, segment_id: int, reason: str) -> None:
        self.segment_id = segment_id
        self.reason = reason
        super().__init__(
            FieldError(None, ErrorCode.INVALID, f"Refresh of segment {segment_id} failed: {reason}")
        )


class _SegmentGone(Exception):
    """The segment was deleted between the request and the refresh transaction."""


async def refresh_segment(
    segment_id: int,
    *,
    now: datetime | None = None,
    customer_ids: Collection[int] | None = None,
) -> RefreshOutcome:
    """Refresh one segment (all customers, or only `customer_ids`), then notify listeners."""
    now = now or datetime.now(UTC)
    scope = sorted(set(customer_ids)) if customer_ids is not None else None
    if scope is None:
        updated = await Segment.filter(id=segment_id).update(
            refresh_status=RefreshStatus.PROCESSING
        )
        if not updated:
            raise segment_not_found(segment_id)
    try:
        async with transaction() as conn:
            outcome = await _refresh_locked(conn, segment_id, now, scope)
    except _SegmentGone:
        raise segment_not_found(segment_id) from None
    except Exception as error:
        # Read tokens see this message: words, not driver text (which the log gets).
        reason = describe_failure(error, "The refresh", log, subject=f"segment {segment_id}")
        await Segment.filter(id=segment_id).update(
            refresh_status=RefreshStatus.ERROR, refresh_error=reason
        )
        raise RefreshFailed(segment_id, reason) from error
    await notify_segment_refreshed(outcome)
    return outcome


async def materialise_new_set(
    conn: BaseDBAsyncClient,
    dialect: Dialect,
    *,
    tree: Group | None,
    is_active: bool,
    website_ids: Sequence[int],
    group_ids: Sequence[int],
    now: datetime,
    scope: Sequence[int] | None = None,
    analyze: bool = True,
) -> tuple[str, int]:
    """Compute the customers the segment matches into a new temporary table: (name, count).

    `analyze=False` skips gathering the table's statistics, for a caller that only
    reads it whole.
    """
    table = temp_table_name("new")
    if tree is None or not is_active or not website_ids or (scope is not None and not scope):
        # An inactive segment matches nobody (SEMANTICS §4).
        return table, await create_new_set(conn, dialect, table, None)
    compiled = compile_members_query(
        tree,
        website_ids=list(website_ids),
        group_ids=list(group_ids),
        now=now,
        dialect=dialect,
        customer_ids=list(scope) if scope is not None else None,
    )
    matched = await create_new_set(
        conn, dialect, table, (compiled.sql, list(compiled.params)), analyze=analyze
    )
    return table, matched


async def _refresh_locked(
    conn: BaseDBAsyncClient, segment_id: int, now: datetime, scope: Sequence[int] | None
) -> RefreshOutcome:
    dialect = dialect_of(conn)
    await lock_segment(conn, dialect, segment_id)
    segment = await Segment.get_or_none(id=segment_id)
    if segment is None:
        raise _SegmentGone()
    tree = None
    if segment.is_active:
        # Ids in the rule were checked when it was saved; a website deleted since then
        # simply matches nobody rather than failing every refresh.
        tree = tree_from_json(segment.conditions)
    # Without members the new set is only copied whole, so it needs no statistics.
    diffed = await has_members(conn, dialect, segment_id, scope)
    new_set, matched = await materialise_new_set(
        conn,
        dialect,
        tree=tree,
        is_active=segment.is_active,
        website_ids=segment.website_ids,
        group_ids=segment.customer_group_ids,
        now=now,
        scope=scope,
        analyze=diffed,
    )
    temp_tables = [new_set]
    if diffed:
        diff = temp_table_name("diff")
        temp_tables.append(diff)
        await compute_diff(
            conn, dialect, segment_id=segment_id, new_set=new_set, diff=diff, scope=scope
        )
        diff_source = diff
    else:
        diff_source = everyone_entered(dialect, new_set)
    counts = await apply_diff(
        conn, dialect, segment_id=segment_id, diff_source=diff_source, now=now
    )
    await drop_temp_tables(conn, dialect, temp_tables)
    await analyze_members_if_stale(conn, dialect, counts.entered + counts.exited)
    if scope is None:
        count = matched
        await Segment.filter(id=segment_id).update(
            matched_customers_count=count,
            last_refresh_at=now,
            refresh_status=RefreshStatus.COMPLETED,
            refresh_error=None,
        )
    else:
        count = max(0, segment.matched_customers_count + counts.entered - counts.exited)
        await Segment.filter(id=segment_id).update(matched_customers_count=count)
    return RefreshOutcome(
        segment_id=segment_id,
        matched_count=count,
        entered_count=counts.entered,
        exited_count=counts.exited,
        refreshed_at=now,
        first_event_id=counts.first_event_id,
        last_event_id=counts.last_event_id,
        restricted=scope is not None,
    )


async def mark_refresh_queued(segment_id: int) -> RefreshStatus | None:
    """Show a segment whose refresh was just queued as PENDING; returns the status it had.

    A segment already PENDING or PROCESSING is left alone: its queued or running job is
    the one the caller joins. None if nothing changed (or the segment is gone).
    """
    row = await Segment.get_or_none(id=segment_id).only("id", "refresh_status")
    if row is None or row.refresh_status not in (RefreshStatus.COMPLETED, RefreshStatus.ERROR):
        return None
    updated = await Segment.filter(id=segment_id, refresh_status=row.refresh_status).update(
        refresh_status=RefreshStatus.PENDING
    )
    return row.refresh_status if updated else None


async def unmark_refresh_queued(segment_id: int, previous: RefreshStatus | None) -> None:
    """Undo `mark_refresh_queued` when the job could not be queued after all."""
    if previous is not None:
        await Segment.filter(id=segment_id, refresh_status=RefreshStatus.PENDING).update(
            refresh_status=previous
        )


async def segment_ids_due_for_auto_refresh(now: datetime, max_age: timedelta) -> list[int]:
    """Active auto-mode segments never refreshed or last refreshed more than `max_age` ago."""
    ids = (
        await Segment.filter(is_active=True, refresh_mode=RefreshMode.AUTO)
        .filter(Q(last_refresh_at__isnull=True) | Q(last_refresh_at__lt=now - max_age))
        .order_by("-priority", "id")
        .values_list("id", flat=True)
    )
    return [int(segment_id) for segment_id in ids]  # type: ignore[call-overload]
