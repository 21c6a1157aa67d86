"""The subscription broadcaster: membership changes and refreshes published to Redis pub/sub
through its durable event cursor."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
import pytest_asyncio
from redis.asyncio import Redis

from models.segments import consumers
from models.segments.consumers import consume_segment
from models.segments.orm import Segment, SegmentEventCursor
from models.segments.refresh import refresh_segment
from models.store.customers import Customer
from tasks import broadcast
from tasks.broadcast import Broadcaster, membership_channel, refreshed_channel
from tasks.consumers import ConsumerRunner
from tests.segments.segment_rows import customers_named, firstname_is

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
T1 = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)
END = b'"end"'


@pytest.fixture
def redis(arq_queue: Redis) -> Redis:
    """A client of the test Redis database (an arq pool is one)."""
    return arq_queue


async def running_broadcaster(redis: Any) -> ConsumerRunner:
    """A broadcaster acting on hints; its poll waits long enough to stay out of the way."""
    runner = ConsumerRunner([Broadcaster(redis)], poll_seconds=3600)
    await runner.start()
    return runner


@pytest_asyncio.fixture
async def published(redis: Redis) -> AsyncIterator[ConsumerRunner]:
    runner = await running_broadcaster(redis)
    try:
        yield runner
    finally:
        await runner.stop()


class Listener:
    """A pub/sub subscriber that reads until the end marker the test publishes itself."""

    def __init__(self, redis: Redis, *channels: str) -> None:
        self.redis = redis
        self.channels = channels
        self.pubsub = redis.pubsub(ignore_subscribe_messages=True)

    async def __aenter__(self) -> Listener:
        for channel in self.channels:
            if "*" in channel:
                await self.pubsub.psubscribe(channel)
            else:
                await self.pubsub.subscribe(channel)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.pubsub.aclose()

    async def received(self, end_channel: str) -> list[tuple[str, Any]]:
        await self.redis.publish(end_channel, END)
        found: list[tuple[str, Any]] = []
        deadline = asyncio.get_running_loop().time() + 5.0
        while True:
            assert asyncio.get_running_loop().time() < deadline, f"no end marker; got {found}"
            message = await self.pubsub.get_message(timeout=1.0)
            if message is None:  # a subscribe confirmation, or nothing yet
                continue
            if message["data"] == END:
                return found
            channel = message["channel"].decode()
            kind = channel.rsplit(":", 1)[1]
            found.append((kind, orjson.loads(message["data"])))


async def _segment() -> Segment:
    return await Segment.create(name="anns", website_ids=[1], conditions=firstname_is("Ann"))


def _membership(payload: dict) -> tuple[int, int, str]:
    return payload["segment_id"], payload["customer_id"], payload["change"]


async def test_a_refresh_publishes_each_change_then_the_outcome(db, redis, published):
    await customers_named({1: "Ann", 2: "Ann", 3: "Bob"})
    segment = await _segment()
    own_changes = membership_channel(redis, segment.id)
    own_refreshes = refreshed_channel(redis, segment.id)

    async with Listener(redis, own_changes, own_refreshes) as listener:
        outcome = await refresh_segment(segment.id, now=T0)
        found = await listener.received(own_refreshes)

    assert [kind for kind, _ in found] == ["membership", "membership", "refreshed"]
    assert sorted(_membership(p) for _, p in found[:2]) == [
        (segment.id, 1, "entered"),
        (segment.id, 2, "entered"),
    ]
    first = found[0][1]
    assert first["website_id"] == 1
    assert first["at"] == T0.isoformat()
    assert first["event_id"] == outcome.first_event_id
    assert found[2][1] == {
        "segment_id": segment.id,
        "matched_count": 2,
        "entered_count": 2,
        "exited_count": 0,
        "refreshed_at": T0.isoformat(),
        "restricted": False,
        "membership_published": True,
        "last_event_id": outcome.last_event_id,
    }


async def test_pattern_subscribers_see_every_segment(db, redis, published):
    await customers_named({1: "Ann"})
    first, second = await _segment(), await _segment()

    async with Listener(redis, membership_channel(redis, None)) as listener:
        await refresh_segment(first.id, now=T0)
        await refresh_segment(second.id, now=T0)
        found = await listener.received(membership_channel(redis, first.id))

    assert [_membership(p) for _, p in found] == [
        (first.id, 1, "entered"),
        (second.id, 1, "entered"),
    ]


async def test_events_are_read_in_chunks_in_id_order(db, redis, published, monkeypatch):
    monkeypatch.setattr(consumers, "READ_CHUNK", 2)
    await customers_named({cid: "Ann" for cid in range(1, 6)})
    segment = await _segment()

    async with Listener(redis, membership_channel(redis, segment.id)) as listener:
        outcome = await refresh_segment(segment.id, now=T0)
        found = await listener.received(membership_channel(redis, segment.id))

    assert outcome.first_event_id is not None
    assert [p["event_id"] for _, p in found] == list(
        range(outcome.first_event_id, outcome.first_event_id + 5)
    )
    assert sorted(p["customer_id"] for _, p in found) == [1, 2, 3, 4, 5]


async def test_a_huge_refresh_publishes_only_its_summary(db, redis, published, monkeypatch):
    monkeypatch.setattr(broadcast, "MAX_PUBLISHED_EVENTS", 2)
    await customers_named({1: "Ann", 2: "Ann", 3: "Ann"})
    segment = await _segment()
    channels = membership_channel(redis, segment.id), refreshed_channel(redis, segment.id)

    async with Listener(redis, *channels) as listener:
        await refresh_segment(segment.id, now=T0)
        found = await listener.received(channels[1])

    assert [(kind, p["entered_count"], p["membership_published"]) for kind, p in found] == [
        ("refreshed", 3, False)
    ]


async def test_live_re_evaluation_publishes_only_when_something_changed(db, redis, published):
    await customers_named({1: "Ann", 2: "Bob"})
    segment = await _segment()
    await refresh_segment(segment.id, now=T0)
    channels = membership_channel(redis, segment.id), refreshed_channel(redis, segment.id)
    await Customer.filter(id=2).update(firstname="Ann")

    async with Listener(redis, *channels) as listener:
        await refresh_segment(segment.id, now=T1, customer_ids=[1])  # unchanged: silent
        await refresh_segment(segment.id, now=T1, customer_ids=[2])
        found = await listener.received(channels[1])

    assert [(kind, p.get("customer_id"), p.get("restricted")) for kind, p in found] == [
        ("membership", 2, None),
        ("refreshed", None, True),
    ]
    assert found[1][1]["matched_count"] == 2


async def test_two_broadcasters_publish_each_event_once(db, redis, published):
    await customers_named({1: "Ann"})
    segment = await _segment()
    second = await running_broadcaster(redis)
    try:
        async with Listener(redis, membership_channel(redis, segment.id)) as listener:
            await refresh_segment(segment.id, now=T0)
            await second.poll_once()
            await published.poll_once()
            found = await listener.received(membership_channel(redis, segment.id))
    finally:
        await second.stop()

    assert [_membership(p) for _, p in found] == [(segment.id, 1, "entered")]


async def test_nothing_is_published_once_stopped(db, redis):
    await customers_named({1: "Ann"})
    segment = await _segment()
    await (await running_broadcaster(redis)).stop()

    async with Listener(redis, membership_channel(redis, segment.id)) as listener:
        await refresh_segment(segment.id, now=T0)
        found = await listener.received(membership_channel(redis, segment.id))

    assert found == []


class DownRedis:
    connection_pool = type("Pool", (), {"connection_kwargs": {"db": 15}})()

    def pipeline(self, **_: object) -> Any:
        raise ConnectionError("redis is down")

    async def publish(self, *_: object) -> int:
        raise ConnectionError("redis is down")


async def test_events_a_failed_publish_left_behind_are_published_by_the_next_poll(db, redis):
    await customers_named({1: "Ann", 2: "Ann"})
    segment = await _segment()
    failing = await running_broadcaster(DownRedis())
    try:
        outcome = await refresh_segment(segment.id, now=T0)
    finally:
        await failing.stop()
    # The refresh stands; the broadcaster's cursor rolled back with its failed publish.
    assert outcome.entered_count == 2
    assert (await Segment.get(id=segment.id)).matched_customers_count == 2
    assert await SegmentEventCursor.filter(segment_id=segment.id).count() == 0

    channel = membership_channel(redis, segment.id)
    async with Listener(redis, channel) as listener:
        runner = await running_broadcaster(redis)
        await runner.poll_once()
        await runner.stop()
        found = await listener.received(channel)

    assert sorted(_membership(p) for _, p in found) == [
        (segment.id, 1, "entered"),
        (segment.id, 2, "entered"),
    ]
    cursor = await SegmentEventCursor.get(consumer=Broadcaster.name, segment_id=segment.id)
    assert cursor.last_event_id == outcome.last_event_id


async def test_a_broadcaster_registered_later_starts_after_the_history(db, redis):
    await customers_named({1: "Ann"})
    segment = await _segment()
    await refresh_segment(segment.id, now=T0)  # before any broadcaster existed

    runner = await running_broadcaster(redis)
    try:
        assert await consume_segment(runner.consumers[0], segment.id) is None
    finally:
        await runner.stop()


def test_channels_carry_the_redis_database_number():
    class Client:
        connection_pool = type("Pool", (), {"connection_kwargs": {"db": 15}})()

    assert membership_channel(Client(), 7) == "segmentql:15:segments:7:membership"
    assert refreshed_channel(Client(), None) == "segmentql:15:segments:*:refreshed"
