"""What every subscription shares: the segment filter, and JSON messages read from Redis pub/sub.

Publishers are in tasks/ (the broadcaster, delivery); a subscriber on any server process
sees what any worker published.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator

import orjson
import strawberry
from redis.asyncio import Redis

from models.errors import DomainError, ErrorCode
from models.segments.orm import Segment as SegmentRow
from resolvers.context import Info
from resolvers.ids import parse_id

log = logging.getLogger(__name__)


async def segment_filter(segment_id: strawberry.ID | None) -> int | None:
    """The segment a subscription asks for (None: all of them); NOT_FOUND when there is none."""
    if segment_id is None:
        return None
    wanted = parse_id(segment_id, "segmentId")
    if not await SegmentRow.exists(id=wanted):
        raise DomainError.single(
            "segmentId", ErrorCode.NOT_FOUND, f"Segment {segment_id} does not exist."
        )
    return wanted


def redis_of(info: Info) -> Redis:
    """The Redis client subscriptions read from."""
    redis = info.context.redis
    if redis is None:
        raise RuntimeError("subscriptions need a Redis client in the request context")
    return redis


async def messages(redis: Redis, channel: str, *, pattern: bool) -> AsyncGenerator[dict, None]:
    """Decoded JSON messages of one channel (or pattern) until the subscriber goes away."""
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    try:
        if pattern:
            await pubsub.psubscribe(channel)
        else:
            await pubsub.subscribe(channel)
        async for message in pubsub.listen():
            if message.get("type") in ("message", "pmessage"):
                yield orjson.loads(message["data"])
    finally:
        # Runs when the client completes the operation or disconnects (task cancelled).
        # Unsubscribing explicitly matters for memory://, where closing alone leaves the
        # subscription registered on the in-process server.
        try:
            await (pubsub.punsubscribe() if pattern else pubsub.unsubscribe())
        except Exception:
            log.debug("unsubscribing from %s failed", channel, exc_info=True)
        finally:
            await pubsub.aclose()
