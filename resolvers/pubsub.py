"""What every subscription shares: the segment filter, and JSON messages read from Redis pub/sub.

Publishers are in tasks/ (the broadcaster, delivery); a subscriber on any server process
sees what any worker published.

A process reads pub/sub through one `PubSubHub`: one Redis connection subscribed to
each channel or pattern some subscription of the process wants, its messages fanned
out in the process. (A connection per subscription reached Redis's maxclients at about
a hundred open subscriptions.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from typing import Any

import orjson
import strawberry
from redis.asyncio import Redis
from redis.exceptions import RedisError

from models.errors import DomainError, ErrorCode
from models.segments.orm import Segment as SegmentRow
from resolvers.context import Info
from resolvers.ids import parse_id

log = logging.getLogger(__name__)

# Messages one subscription may have waiting; a subscriber further behind is ended with
# an error (it can subscribe again) rather than holding the process's memory.
MAX_PENDING = 1000
_OVERFLOWED = object()
Key = tuple[str, bool]  # (channel or pattern, is a pattern)


class SubscriptionFellBehind(Exception):
    """Shown to the client: its subscription was ended, not silently thinned."""

    expected = True


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


class PubSubHub:
    """One pub/sub connection of a process, shared by all its subscriptions.

    Redis is subscribed to a channel while at least one local subscriber wants it. One
    reader task takes every message off the connection and hands it to the queues of
    the subscribers of its channel or pattern; it survives Redis going away (redis-py
    subscribes the new connection to everything again when it reconnects).
    """

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._subscribers: dict[Key, set[asyncio.Queue[Any]]] = {}
        self._lock = asyncio.Lock()

    def subscriber_count(self, channel: str, *, pattern: bool) -> int:
        """Local subscribers of a channel (or pattern)."""
        return len(self._subscribers.get((channel, pattern), ()))

    async def messages(self, channel: str, *, pattern: bool) -> AsyncGenerator[dict, None]:
        """Decoded JSON messages of one channel (or pattern) until the subscriber goes away."""
        key = (channel, pattern)
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=MAX_PENDING)
        await self._add(key, queue)
        try:
            while True:
                message = await queue.get()
                if message is _OVERFLOWED:
                    raise SubscriptionFellBehind(
                        f"This subscription fell more than {MAX_PENDING} messages behind and "
                        "was ended; subscribe again."
                    )
                yield message
        finally:
            # Runs when the client completes the operation or disconnects (task cancelled).
            await asyncio.shield(self._remove(key, queue))

    async def _add(self, key: Key, queue: asyncio.Queue[Any]) -> None:
        async with self._lock:
            subscribers = self._subscribers.setdefault(key, set())
            subscribers.add(queue)
            if len(subscribers) > 1:
                return
            try:
                if self._pubsub is None:
                    self._pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                channel, pattern = key
                await (self._pubsub.psubscribe if pattern else self._pubsub.subscribe)(channel)
            except BaseException:
                self._discard(key, queue)
                raise
            if self._reader is None:
                self._reader = asyncio.create_task(self._read(), name="pubsub-hub-reader")

    async def _remove(self, key: Key, queue: asyncio.Queue[Any]) -> None:
        async with self._lock:
            if not self._discard(key, queue) or self._pubsub is None:
                return
            channel, pattern = key
            # Unsubscribing explicitly matters for memory://, where closing alone leaves
            # the subscription registered on the in-process server.
            try:
                await (self._pubsub.punsubscribe if pattern else self._pubsub.unsubscribe)(channel)
            except (RedisError, OSError):
                log.debug("unsubscribing from %s failed", channel, exc_info=True)

    def _discard(self, key: Key, queue: asyncio.Queue[Any]) -> bool:
        """Forget a subscriber; True if it was the channel's last."""
        subscribers = self._subscribers.get(key)
        if subscribers is None:
            return False
        subscribers.discard(queue)
        if subscribers:
            return False
        del self._subscribers[key]
        return True

    async def _read(self) -> None:
        backoff = 0.5
        while True:
            try:
                message = await self._pubsub.get_message(timeout=None)
                backoff = 0.5
            except (RedisError, OSError) as error:
                log.warning("reading pub/sub failed (%s); retrying in %.1f s", error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            if message is not None:
                self._deliver(message)

    def _deliver(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "message":
            key = (_text(message["channel"]), False)
        elif kind == "pmessage":
            key = (_text(message["pattern"]), True)
        else:
            return
        subscribers = self._subscribers.get(key)
        if not subscribers:
            return
        try:
            data = orjson.loads(message["data"])
        except orjson.JSONDecodeError:
            log.warning("dropped a message on %s that is not JSON", key[0])
            return
        for queue in subscribers:
            try:
                queue.put_nowait(data)
            except asyncio.QueueFull:
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(_OVERFLOWED)

    async def aclose(self) -> None:
        """Stop reading and close the connection (the app's shutdown)."""
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.aclose()
            self._pubsub = None


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def messages(info: Info, channel: str, *, pattern: bool) -> AsyncGenerator[dict, None]:
    """Messages of a channel (or pattern) through the process's hub.

    Without one (a schema run outside the app) the subscription gets a hub of its own.
    """
    hub = info.context.pubsub
    if hub is not None:
        async for message in hub.messages(channel, pattern=pattern):
            yield message
        return
    own = PubSubHub(redis_of(info))
    try:
        async for message in own.messages(channel, pattern=pattern):
            yield message
    finally:
        await own.aclose()
