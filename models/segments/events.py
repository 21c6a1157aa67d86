"""What a refresh tells the rest of the system: the event history, and wake-up hints.

Every enter and exit is a row of `segment_membership_event`, written in the refresh's
own transaction. Consumers that must act on each of them exactly once read them
through their cursors (`models.segments.consumers`), from any process.

The in-process listeners here are only hints: they run after a refresh committed, in
the process that refreshed, so that a consumer running there can act at once instead
of at its next poll. A crash before or during a listener loses nothing, and a listener
that raises is logged while the others still run.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from models.notices import Notice
from models.pagination import Page, decode_cursor, encode_cursor, page_from_rows, page_size
from models.segments.orm import MembershipChange, SegmentMembershipEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshOutcome:
    """What one committed refresh changed; events of this refresh have ids first..last."""

    segment_id: int
    matched_count: int
    entered_count: int
    exited_count: int
    refreshed_at: datetime
    first_event_id: int | None
    last_event_id: int | None
    restricted: bool


RefreshListener = Callable[[RefreshOutcome], Awaitable[None]]
EVENT_CURSOR = "membership_event"

_notice = Notice[RefreshOutcome](
    log,
    "refresh listener %r failed for segment %s",
    details=lambda outcome: (outcome.segment_id,),
)


def on_segment_refreshed(listener: RefreshListener) -> Callable[[], None]:
    """Hint `listener` after every committed refresh of this process; returns its remover."""
    return _notice.on(listener)


async def notify_segment_refreshed(outcome: RefreshOutcome) -> None:
    await _notice.notify(outcome)


@dataclass(frozen=True)
class MembershipEvent:
    id: int
    segment_id: int
    customer_id: int
    website_id: int
    change: MembershipChange
    occurred_at: datetime


def _event(row: SegmentMembershipEvent) -> MembershipEvent:
    return MembershipEvent(
        id=row.id,
        segment_id=row.segment_id,  # type: ignore[attr-defined]
        customer_id=row.customer_id,
        website_id=row.website_id,
        change=MembershipChange(row.change),
        occurred_at=row.occurred_at,
    )


def event_cursor(event_id: int) -> str:
    return encode_cursor(EVENT_CURSOR, event_id)


async def membership_history(
    *, segment_id: int | None, customer_id: int | None, first: int | None, after: str | None
) -> Page[MembershipEvent]:
    """Enter/exit events oldest first (by id), filtered by segment and/or customer."""
    size = page_size(first)
    key = decode_cursor(after, EVENT_CURSOR, (int,))
    query = SegmentMembershipEvent.all()
    if segment_id is not None:
        query = query.filter(segment_id=segment_id)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    matching = query
    if key is not None:
        query = query.filter(id__gt=key[0])
    rows = await query.order_by("id").limit(size + 1)
    events = [_event(row) for row in rows]
    return page_from_rows(events, size, lambda e: event_cursor(e.id), matching.count)
