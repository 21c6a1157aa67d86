"""Live subscriptions: membership changes and refreshes, read from Redis pub/sub.

The publishing side is tasks/broadcast.py (every process that refreshes publishes), so
a subscriber on any server process sees refreshes run by any worker.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from models.segments.orm import MembershipChange as Change
from models.segments.orm import Segment as SegmentRow
from resolvers.context import Info
from resolvers.permissions import CanRead
from resolvers.pubsub import messages, redis_of, segment_filter
from resolvers.segments.types import MembershipChangeKind, Segment
from tasks.broadcast import membership_channel, refreshed_channel

log = logging.getLogger(__name__)

OneSegment = Annotated[
    strawberry.ID | None,
    strawberry.argument(description="Only this segment's events; null for every segment."),
]


@strawberry.type(description="A customer entered or exited a segment.")
class MembershipChange:
    segment_id: strawberry.ID = strawberry.field(description="The segment's id.")
    customer_id: strawberry.ID = strawberry.field(description="The customer's id.")
    website_id: int = strawberry.field(description="The customer's website.")
    change: MembershipChangeKind = strawberry.field(  # type: ignore[valid-type]
        description="ENTERED or EXITED."
    )
    at: datetime = strawberry.field(
        description="When the refresh or live re-evaluation recorded it (UTC)."
    )


class NewEvents:
    """Lets each segment's event through once.

    The broadcaster publishes at least once: a worker that dies after publishing and
    before its cursor commits publishes the range again. A segment's events are
    published in id order, so anything at or below the last id seen is a repeat.
    """

    def __init__(self) -> None:
        self._last: dict[int, int] = {}

    def first_time(self, segment_id: int, event_id: int | None) -> bool:
        if event_id is None:  # a refresh that changed nobody carries no event
            return True
        if event_id <= self._last.get(segment_id, 0):
            return False
        self._last[segment_id] = event_id
        return True


@strawberry.type
class SegmentSubscription:
    @strawberry.subscription(
        permission_classes=[CanRead],
        description="Customers entering or exiting a segment (all segments if none given).",
    )
    async def segment_membership_changed(
        self, info: Info, segment_id: OneSegment = None
    ) -> AsyncGenerator[MembershipChange, None]:
        wanted = await segment_filter(segment_id)
        redis = redis_of(info)
        channel = membership_channel(redis, wanted)
        seen = NewEvents()
        async for data in messages(info, channel, pattern=wanted is None):
            if not seen.first_time(int(data["segment_id"]), data.get("event_id")):
                continue
            yield MembershipChange(
                segment_id=strawberry.ID(str(data["segment_id"])),
                customer_id=strawberry.ID(str(data["customer_id"])),
                website_id=int(data["website_id"]),
                change=Change(data["change"]),
                at=datetime.fromisoformat(data["at"]),
            )

    @strawberry.subscription(
        permission_classes=[CanRead],
        description="A segment after each refresh (all segments if none given).",
    )
    async def segment_refreshed(
        self, info: Info, segment_id: OneSegment = None
    ) -> AsyncGenerator[Segment, None]:
        wanted = await segment_filter(segment_id)
        redis = redis_of(info)
        channel = refreshed_channel(redis, wanted)
        seen = NewEvents()
        async for data in messages(info, channel, pattern=wanted is None):
            if not seen.first_time(int(data["segment_id"]), data.get("last_event_id")):
                continue
            row = await SegmentRow.get_or_none(id=int(data["segment_id"]))
            if row is not None:  # deleted since: nothing left to show
                yield Segment.of(row)
