"""Live membership: re-evaluate the customers whose store data changed against every live segment.

A live segment is active, in auto refresh mode and refreshed at least once. A segment
that was never refreshed has no member set to keep current yet: its first full
refresh establishes one, so re-evaluating a few customers there would only produce a
misleading partial membership.

Each segment gets a restricted refresh (the compiled query limited to the changed
customers), which records enter/exit events exactly like a full refresh and is
idempotent: re-evaluating the same customers twice records nothing the second time.
Past `FULL_REFRESH_THRESHOLD` changed customers (a bulk import) one full refresh per
segment is cheaper than many restricted ones, and gives the same result.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

from models.db import dialect, transaction
from models.errors import DomainError
from models.segments.events import notify_segment_refreshed
from models.segments.orm import RefreshMode, Segment
from models.segments.refresh import RefreshOutcome, refresh_segment
from models.segments.sql.reevaluation import SegmentDiff, reevaluate_batch

log = logging.getLogger(__name__)

# Customers per restricted statement: keeps each bound id array small.
RESTRICTED_CHUNK = 1000
FULL_REFRESH_THRESHOLD = 20_000


def needs_full_refresh(changed_count: int) -> bool:
    """Whether so many customers changed that refreshing the live segments in full is cheaper.

    The one place this rule lives: each drain round of `live_changes` asks it too, having
    claimed at most one customer past the threshold, to decide whether to claim every
    waiting row and refresh in full.
    """
    return changed_count > FULL_REFRESH_THRESHOLD


async def live_segment_ids() -> list[int]:
    """Active auto-mode segments that have been refreshed before, highest priority first."""
    ids = (
        await Segment.filter(
            is_active=True, refresh_mode=RefreshMode.AUTO, last_refresh_at__isnull=False
        )
        .order_by("-priority", "id")
        .values_list("id", flat=True)
    )
    return [int(segment_id) for segment_id in ids]  # type: ignore[call-overload]


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


async def reevaluate_customers(
    customer_ids: Iterable[int], *, now: datetime | None = None
) -> list[RefreshOutcome]:
    """Bring every live segment's membership of these customers up to date.

    Outcomes come per chunk of customers, in segment priority order. A segment whose
    refresh fails (it records its own error status) or that was deleted meanwhile is
    logged and skipped so the others still see the change.
    """
    ids = sorted(set(customer_ids))
    if not ids:
        return []
    now = now or datetime.now(UTC)
    if needs_full_refresh(len(ids)):
        return await refresh_live_segments(now=now)
    segment_ids = await live_segment_ids()
    if not segment_ids:
        return []
    outcomes: list[RefreshOutcome] = []
    for chunk in _chunks(ids, RESTRICTED_CHUNK):
        if dialect() == "postgres":
            outcomes.extend(await _in_one_transaction(segment_ids, chunk, now))
        else:
            outcomes.extend(await _one_by_one(segment_ids, chunk, now))
    return outcomes


async def _in_one_transaction(
    segment_ids: list[int], chunk: list[int], now: datetime
) -> list[RefreshOutcome]:
    try:
        async with transaction() as conn:
            locked, diffs = await reevaluate_batch(conn, segment_ids, chunk, now)
    except Exception as error:
        log.warning("batched live re-evaluation failed, one segment at a time: %s", error)
        return await _one_by_one(segment_ids, chunk, now)
    done = {diff.segment_id: _outcome(diff, now) for diff in diffs}
    for outcome in done.values():
        await notify_segment_refreshed(outcome)
    # Segments locked by a refresh in progress wait for it on the one-by-one path.
    busy = [segment_id for segment_id in segment_ids if segment_id not in locked]
    done.update({o.segment_id: o for o in await _one_by_one(busy, chunk, now)})
    return [done[segment_id] for segment_id in segment_ids if segment_id in done]


def _outcome(diff: SegmentDiff, now: datetime) -> RefreshOutcome:
    return RefreshOutcome(
        segment_id=diff.segment_id,
        matched_count=diff.matched_count,
        entered_count=diff.entered,
        exited_count=diff.exited,
        refreshed_at=now,
        first_event_id=diff.first_event_id,
        last_event_id=diff.last_event_id,
        restricted=True,
    )


async def _one_by_one(
    segment_ids: list[int], chunk: list[int], now: datetime
) -> list[RefreshOutcome]:
    outcomes: list[RefreshOutcome] = []
    for segment_id in segment_ids:
        try:
            outcomes.append(await refresh_segment(segment_id, now=now, customer_ids=chunk))
        except DomainError as error:
            log.warning("live re-evaluation of segment %s skipped: %s", segment_id, error)
    return outcomes


async def refresh_live_segments(*, now: datetime | None = None) -> list[RefreshOutcome]:
    """Full refresh of every live segment (what a bulk change falls back to)."""
    now = now or datetime.now(UTC)
    outcomes: list[RefreshOutcome] = []
    for segment_id in await live_segment_ids():
        try:
            outcomes.append(await refresh_segment(segment_id, now=now))
        except DomainError as error:
            log.warning("live refresh of segment %s skipped: %s", segment_id, error)
    return outcomes
