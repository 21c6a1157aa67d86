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

from models.errors import DomainError
from models.segments.orm import RefreshMode, Segment
from models.segments.refresh import RefreshOutcome, refresh_segment

log = logging.getLogger(__name__)

# Customers per restricted refresh: keeps each statement's id list (a bound array) small.
RESTRICTED_CHUNK = 1000
FULL_REFRESH_THRESHOLD = 20_000


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

    A segment whose refresh fails (it records its own error status) or that was
    deleted meanwhile is logged and skipped so the others still see the change.
    """
    ids = sorted(set(customer_ids))
    if not ids:
        return []
    now = now or datetime.now(UTC)
    if len(ids) > FULL_REFRESH_THRESHOLD:
        return await refresh_live_segments(now=now)
    outcomes: list[RefreshOutcome] = []
    for segment_id in await live_segment_ids():
        try:
            for chunk in _chunks(ids, RESTRICTED_CHUNK):
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
