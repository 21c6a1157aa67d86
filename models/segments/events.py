"""What a refresh tells the rest of the system: listeners after commit, and the event history.

Listeners run after the refresh committed, in registration order. A listener that
raises is logged and the others still run: the refresh itself has already happened,
and the recorded events stay in `segment_membership_event`, where a consumer that
must not miss a change reads them by id (the outcome names the id range).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from models.pagination import Page, decode_cursor, encode_cursor, page_from_rows, page_size
from models.segments.orm import MembershipChange, SegmentMembershipEvent

if TYPE_CHECKING:
    from models.segments.refresh import RefreshOutcome

log = logging.getLogger(__name__)

RefreshListener = Callable[["RefreshOutcome"], Awaitable[None]]
EVENT_CURSOR = "membership_event"

_listeners: list[RefreshListener] = []


def on_segment_refreshed(listener: RefreshListener) -> Callable[[], None]:
    """Call `listener` after every committed refresh; returns a function that unregisters it."""
    _listeners.append(listener)

    def remove() -> None:
        if listener in _listeners:
            _listeners.remove(listener)

    return remove


async def notify_segment_refreshed(outcome: RefreshOutcome) -> None:
    for listener in list(_listeners):
        try:
            await listener(outcome)
        except Exception:
            log.exception("refresh listener %r failed for segment %s", listener, outcome.segment_id)


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
    if key is not None:
        query = query.filter(id__gt=key[0])
    rows = await query.order_by("id").limit(size + 1)
    events = [_event(row) for row in rows]
    return page_from_rows(events, size, lambda e: event_cursor(e.id))
