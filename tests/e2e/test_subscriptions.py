"""Subscriptions over a real websocket in one process (memory:// Redis): filtering, payloads,
errors, and unsubscribing when the client completes or disconnects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest_asyncio
from starlette.applications import Starlette

from models.auth.tokens import create_token
from models.segments.orm import Segment
from models.store.reference import Website
from tasks.broadcast import membership_channel, refreshed_channel
from tests.e2e.documents import MEMBERSHIP_CHANGED, SEGMENT_REFRESHED
from tests.e2e.wsclient import SubscriptionClient, subscription_client, wait_subscribed
from tests.graphql_client import app, uvicorn_server  # noqa: F401

WAIT = 5.0
AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest_asyncio.fixture
async def ws(app: Starlette) -> AsyncIterator[SubscriptionClient]:  # noqa: F811
    token = await create_token("subscriber", ["read"])
    async with uvicorn_server(app) as base_url:
        url = base_url.replace("http://", "ws://") + "/graphql"
        async with subscription_client(url, token, WAIT) as client:
            yield client


async def _segments(count: int) -> list[int]:
    await Website.create(id=1, code="base", name="Base")
    rows = [await Segment.create(name=f"s{n}", website_ids=[1]) for n in range(count)]
    return [row.id for row in rows]


async def _subscribed(redis: Any, channel: str, expected: int = 1) -> None:
    await wait_subscribed(redis, channel, expected, WAIT)


def _change(segment_id: int, customer_id: int, change: str, event_id: int = 1) -> bytes:
    return orjson.dumps(
        {
            "segment_id": segment_id,
            "customer_id": customer_id,
            "website_id": 1,
            "change": change,
            "at": AT.isoformat(),
            "event_id": event_id,
        }
    )


async def test_a_segment_filter_receives_only_that_segments_changes(app, ws):  # noqa: F811
    first, second = await _segments(2)
    redis = app.state.redis
    await ws.subscribe("s", MEMBERSHIP_CHANGED, {"id": str(first)})
    await _subscribed(redis, membership_channel(redis, first))

    await redis.publish(membership_channel(redis, second), _change(second, 5, "entered"))
    await redis.publish(membership_channel(redis, first), _change(first, 7, "exited"))

    assert await ws.next("s", WAIT) == {
        "segmentMembershipChanged": {
            "segmentId": str(first),
            "customerId": "7",
            "change": "EXITED",
            "at": AT.isoformat(),
        }
    }


async def test_no_filter_receives_every_segment(app, ws):  # noqa: F811
    first, second = await _segments(2)
    redis = app.state.redis
    await ws.subscribe("all", MEMBERSHIP_CHANGED, {"id": None})
    await _subscribed(redis, membership_channel(redis, None))

    await redis.publish(membership_channel(redis, second), _change(second, 5, "entered"))
    await redis.publish(membership_channel(redis, first), _change(first, 7, "exited"))

    got = [(await ws.next("all", WAIT))["segmentMembershipChanged"] for _ in range(2)]
    assert [(g["segmentId"], g["customerId"], g["change"]) for g in got] == [
        (str(second), "5", "ENTERED"),
        (str(first), "7", "EXITED"),
    ]


async def test_a_repeated_event_reaches_a_subscriber_once(app, ws):  # noqa: F811
    # A broadcaster that died before its cursor committed publishes its range again.
    (segment_id,) = await _segments(1)
    redis = app.state.redis
    channel = membership_channel(redis, segment_id)
    await ws.subscribe("s", MEMBERSHIP_CHANGED, {"id": str(segment_id)})
    await _subscribed(redis, channel)

    for customer_id, event_id in ((5, 10), (6, 11), (5, 10), (6, 11), (7, 12)):
        await redis.publish(channel, _change(segment_id, customer_id, "entered", event_id))

    got = [(await ws.next("s", WAIT))["segmentMembershipChanged"] for _ in range(3)]
    assert [g["customerId"] for g in got] == ["5", "6", "7"]
    await ws.quiet("s", 0.5)


async def test_segment_refreshed_shows_the_stored_segment(app, ws):  # noqa: F811
    (segment_id,) = await _segments(1)
    await Segment.filter(id=segment_id).update(matched_customers_count=42)
    redis = app.state.redis
    await ws.subscribe("r", SEGMENT_REFRESHED, {"id": str(segment_id)})
    await _subscribed(redis, refreshed_channel(redis, segment_id))

    await redis.publish(
        refreshed_channel(redis, segment_id), orjson.dumps({"segment_id": segment_id})
    )

    assert await ws.next("r", WAIT) == {
        "segmentRefreshed": {"id": str(segment_id), "matchedCustomersCount": 42}
    }


async def test_a_deleted_segment_is_skipped(app, ws):  # noqa: F811
    kept, gone = await _segments(2)
    redis = app.state.redis
    await ws.subscribe("r", SEGMENT_REFRESHED, {"id": None})
    await _subscribed(redis, refreshed_channel(redis, None))
    await Segment.filter(id=gone).delete()

    await redis.publish(refreshed_channel(redis, gone), orjson.dumps({"segment_id": gone}))
    await redis.publish(refreshed_channel(redis, kept), orjson.dumps({"segment_id": kept}))

    assert (await ws.next("r", WAIT))["segmentRefreshed"]["id"] == str(kept)


async def test_an_unknown_or_invalid_segment_is_an_error(app, ws):  # noqa: F811
    await _segments(1)

    await ws.subscribe("missing", MEMBERSHIP_CHANGED, {"id": "999"})
    await ws.subscribe("bad", SEGMENT_REFRESHED, {"id": "abc"})

    missing = await ws.error("missing", WAIT)
    assert [e["message"] for e in missing] == ["segmentId: Segment 999 does not exist."]
    bad = await ws.error("bad", WAIT)
    assert [e["message"] for e in bad] == ["segmentId: 'abc' is not a valid id."]


async def test_completing_or_disconnecting_unsubscribes(app):  # noqa: F811
    (segment_id,) = await _segments(1)
    redis = app.state.redis
    channel = membership_channel(redis, segment_id)
    token = await create_token("subscriber", ["read"])
    async with uvicorn_server(app) as base_url:
        url = base_url.replace("http://", "ws://") + "/graphql"
        async with subscription_client(url, token, WAIT) as client:
            await client.subscribe("a", MEMBERSHIP_CHANGED, {"id": str(segment_id)})
            await client.subscribe("b", MEMBERSHIP_CHANGED, {"id": str(segment_id)})
            # Both share the process's one Redis subscription to the channel.
            await _local_subscribers(app, channel, 2)
            await _subscribed(redis, channel, 1)

            await client.complete("a")
            await _local_subscribers(app, channel, 1)
            await _subscribed(redis, channel, 1)

        await _local_subscribers(app, channel, 0)
        await _subscribed(redis, channel, 0)


async def _local_subscribers(started: Starlette, channel: str, expected: int) -> None:
    deadline = asyncio.get_running_loop().time() + WAIT
    hub = started.state.pubsub
    while hub.subscriber_count(channel, pattern=False) != expected:
        assert asyncio.get_running_loop().time() < deadline, f"{channel}: not {expected}"
        await asyncio.sleep(0.02)
