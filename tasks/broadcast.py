"""The subscription broadcaster: the durable event consumer that publishes to Redis pub/sub.

Channels (JSON messages), prefixed with the Redis database number because pub/sub,
unlike keys, is shared by all databases of one server:
- `segmentql:<db>:segments:<id>:membership`: one message per enter/exit event,
  `{segment_id, customer_id, website_id, change, at, event_id}`; a subscriber without
  a segment filter uses the pattern `segmentql:<db>:segments:*:membership`.
- `segmentql:<db>:segments:<id>:refreshed`: after the membership messages of the
  events it handed over, and after a full refresh that changed nobody,
  `{segment_id, matched_count, entered_count, exited_count, refreshed_at, restricted,
  membership_published, last_event_id}`; pattern `segmentql:<db>:segments:*:refreshed`.

It consumes events through its cursor (`models.segments.consumers`), so a refresh by
any process reaches subscribers of every server, and a worker killed before
publishing loses nothing: the next one publishes from the cursor. A crash between
publishing and committing the cursor publishes that range again; messages carry
`event_id` (`last_event_id`) so subscribers drop what they have already seen.

Events are read in chunks, so memory stays flat whatever the refresh size. More than
`MAX_PUBLISHED_EVENTS` changes at once (typically the first refresh of a large
segment) publish no per-customer messages, only the refreshed message with
`membership_published: false`: nobody watches a million websocket messages, and a
client should re-read the members instead.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient

from models.segments.consumers import EventRange, count_changes, read_events
from models.segments.events import RefreshOutcome
from models.segments.orm import MembershipChange, Segment, SegmentMembershipEvent
from tasks.channels import segment_channel
from tasks.consumers import Consumer

log = logging.getLogger(__name__)

BROADCAST_CONSUMER = "subscription_broadcast"
MAX_PUBLISHED_EVENTS = 10_000


def membership_channel(redis: Any, segment_id: int | str | None) -> str:
    """The channel of one segment's changes, or the pattern of all when segment_id is None."""
    return segment_channel(redis, segment_id, "membership")


def refreshed_channel(redis: Any, segment_id: int | str | None) -> str:
    """The channel of one segment's refreshes, or the pattern of all when segment_id is None."""
    return segment_channel(redis, segment_id, "refreshed")


def membership_message(event: SegmentMembershipEvent) -> bytes:
    return orjson.dumps(
        {
            "segment_id": event.segment_id,  # type: ignore[attr-defined]
            "customer_id": event.customer_id,
            "website_id": event.website_id,
            "change": MembershipChange(event.change).value,
            "at": event.occurred_at.isoformat(),
            "event_id": event.id,
        }
    )


def refreshed_message(
    *,
    segment_id: int,
    matched_count: int,
    entered_count: int,
    exited_count: int,
    refreshed_at: datetime,
    restricted: bool,
    membership_published: bool,
    last_event_id: int | None,
) -> bytes:
    return orjson.dumps(
        {
            "segment_id": segment_id,
            "matched_count": matched_count,
            "entered_count": entered_count,
            "exited_count": exited_count,
            "refreshed_at": refreshed_at.isoformat(),
            "restricted": restricted,
            "membership_published": membership_published,
            "last_event_id": last_event_id,
        }
    )


class Broadcaster(Consumer):
    """Publishes every membership event, then a refreshed summary, through `redis`."""

    name = BROADCAST_CONSUMER

    def __init__(self, redis: Any) -> None:
        self.redis = redis

    async def consume(self, conn: BaseDBAsyncClient, events: EventRange) -> None:
        counts = await count_changes(conn, events)
        publish_membership = sum(counts.values()) <= MAX_PUBLISHED_EVENTS
        if publish_membership:
            channel = membership_channel(self.redis, events.segment_id)
            async for chunk in read_events(conn, events):
                async with self.redis.pipeline(transaction=False) as pipe:
                    for event in chunk:
                        pipe.publish(channel, membership_message(event))
                    await pipe.execute()
        last = await SegmentMembershipEvent.get(id=events.last_id, using_db=conn)
        segment = await Segment.get_or_none(id=events.segment_id, using_db=conn)
        if segment is None:
            return
        await self.redis.publish(
            refreshed_channel(self.redis, events.segment_id),
            refreshed_message(
                segment_id=events.segment_id,
                matched_count=segment.matched_customers_count,
                entered_count=counts[MembershipChange.ENTERED],
                exited_count=counts[MembershipChange.EXITED],
                refreshed_at=last.occurred_at,
                # A full refresh stamps the segment with the time its events carry.
                restricted=segment.last_refresh_at != last.occurred_at,
                membership_published=publish_membership,
                last_event_id=events.last_id,
            ),
        )

    async def after_refresh(self, outcome: RefreshOutcome, consumed: EventRange | None) -> None:
        """A full refresh that changed nobody still tells subscribers it ran."""
        if outcome.restricted or outcome.first_event_id is not None:
            return
        await self.redis.publish(
            refreshed_channel(self.redis, outcome.segment_id),
            refreshed_message(
                segment_id=outcome.segment_id,
                matched_count=outcome.matched_count,
                entered_count=0,
                exited_count=0,
                refreshed_at=outcome.refreshed_at,
                restricted=False,
                membership_published=True,
                last_event_id=None,
            ),
        )
