"""Publish refresh outcomes and membership changes to Redis pub/sub for live subscriptions.

Channels (JSON messages), prefixed with the Redis database number because pub/sub,
unlike keys, is shared by all databases of one server:
- `segmentql:<db>:segments:<id>:membership`: one message per enter/exit event,
  `{segment_id, customer_id, website_id, change, at, event_id}`; a subscriber without
  a segment filter uses the pattern `segmentql:<db>:segments:*:membership`.
- `segmentql:<db>:segments:<id>:refreshed`: one message per full refresh and per live
  (restricted) re-evaluation that changed membership, after its membership messages,
  `{segment_id, matched_count, entered_count, exited_count, refreshed_at, restricted,
  membership_published}`; pattern
  `segmentql:<db>:segments:*:refreshed` for all segments.

Events are read back by id range in chunks, so memory stays flat whatever the
refresh size. A refresh with more than `MAX_PUBLISHED_EVENTS` changes (typically the
first refresh of a large segment) publishes no per-customer messages, only the
refreshed message with `membership_published: false`: nobody watches a million
websocket messages, and a client should re-read the members instead.

The listener runs in every process that refreshes (server and worker). Installing it
twice in one process (the in-process worker next to the server) still publishes once.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import orjson

from models.segments.events import on_segment_refreshed
from models.segments.orm import MembershipChange, SegmentMembershipEvent

if TYPE_CHECKING:
    from models.segments.refresh import RefreshOutcome

log = logging.getLogger(__name__)

MAX_PUBLISHED_EVENTS = 10_000
EVENT_CHUNK = 1000


def channel_prefix(redis: Any) -> str:
    db = redis.connection_pool.connection_kwargs.get("db", 0)
    return f"segmentql:{db}:segments:"


def membership_channel(redis: Any, segment_id: int | str | None) -> str:
    """The channel of one segment's changes, or the pattern of all when segment_id is None."""
    return f"{channel_prefix(redis)}{'*' if segment_id is None else segment_id}:membership"


def refreshed_channel(redis: Any, segment_id: int | str | None) -> str:
    """The channel of one segment's refreshes, or the pattern of all when segment_id is None."""
    return f"{channel_prefix(redis)}{'*' if segment_id is None else segment_id}:refreshed"


async def _events(outcome: RefreshOutcome) -> AsyncIterator[list[SegmentMembershipEvent]]:
    if outcome.first_event_id is None or outcome.last_event_id is None:
        return
    after = outcome.first_event_id - 1
    while True:
        chunk = (
            await SegmentMembershipEvent.filter(
                segment_id=outcome.segment_id, id__gt=after, id__lte=outcome.last_event_id
            )
            .order_by("id")
            .limit(EVENT_CHUNK)
        )
        if not chunk:
            return
        yield chunk
        after = chunk[-1].id


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


def refreshed_message(outcome: RefreshOutcome, *, membership_published: bool) -> bytes:
    return orjson.dumps(
        {
            "segment_id": outcome.segment_id,
            "matched_count": outcome.matched_count,
            "entered_count": outcome.entered_count,
            "exited_count": outcome.exited_count,
            "refreshed_at": outcome.refreshed_at.isoformat(),
            "restricted": outcome.restricted,
            "membership_published": membership_published,
        }
    )


async def publish_outcome(redis: Any, outcome: RefreshOutcome) -> None:
    """Publish the outcome's membership changes, then the outcome itself."""
    changes = outcome.entered_count + outcome.exited_count
    publish_membership = changes <= MAX_PUBLISHED_EVENTS
    if publish_membership:
        channel = membership_channel(redis, outcome.segment_id)
        async for chunk in _events(outcome):
            async with redis.pipeline(transaction=False) as pipe:
                for event in chunk:
                    pipe.publish(channel, membership_message(event))
                await pipe.execute()
    if not outcome.restricted or changes:
        await redis.publish(
            refreshed_channel(redis, outcome.segment_id),
            refreshed_message(outcome, membership_published=publish_membership),
        )


_clients: list[Any] = []
_registered = False


async def _publish(outcome: RefreshOutcome) -> None:
    if not _clients:
        return
    try:
        await publish_outcome(_clients[-1], outcome)
    except Exception:
        # The refresh is committed; a lost live message must not turn it into an error.
        log.exception("could not publish the refresh of segment %s", outcome.segment_id)


def install_broadcast(redis: Any) -> Callable[[], None]:
    """Publish every refresh of this process through `redis`; returns the uninstaller."""
    global _registered
    if not _registered:
        on_segment_refreshed(_publish)
        _registered = True
    _clients.append(redis)

    def uninstall() -> None:
        for index in range(len(_clients) - 1, -1, -1):
            if _clients[index] is redis:
                del _clients[index]
                return

    return uninstall
