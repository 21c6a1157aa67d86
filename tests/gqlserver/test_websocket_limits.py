"""Websockets on real Redis: per-token caps on connections and subscriptions, and one pub/sub
connection per process shared by every subscription."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import orjson
import pytest
import websockets
from redis.asyncio import Redis
from starlette.applications import Starlette
from websockets.exceptions import ConnectionClosed

from gqlserver.app import create_app
from gqlserver.ratelimit import RateLimiter, RedisCounter
from models.auth.tokens import create_token
from models.segments.orm import Segment
from models.store.reference import Website
from resolvers.pubsub import MAX_PENDING, PubSubHub, SubscriptionFellBehind
from tasks.broadcast import membership_channel
from tests.e2e.documents import MEMBERSHIP_CHANGED
from tests.e2e.wsclient import PROTOCOL, subscription_client, wait_subscribed
from tests.graphql_client import make_settings, running, uvicorn_server

WAIT = 5.0


@dataclass
class Served:
    app: Starlette
    ws_url: str
    redis: Redis


@contextlib.asynccontextmanager
async def serving(db, redis_url: str, **env: str) -> AsyncIterator[Served]:
    await create_token("fixture", ["read"])
    app = create_app(make_settings(db.url, REDIS_URL=redis_url, **env))
    redis = Redis.from_url(redis_url)
    try:
        async with uvicorn_server(app) as base_url:
            yield Served(app, base_url.replace("http://", "ws://") + "/graphql", redis)
    finally:
        await redis.aclose()


async def segments(count: int) -> list[int]:
    await Website.create(id=1, code="base", name="Base")
    return [(await Segment.create(name=f"s{n}", website_ids=[1])).id for n in range(count)]


def change(segment_id: int, customer_id: int) -> bytes:
    return orjson.dumps(
        {
            "segment_id": segment_id,
            "customer_id": customer_id,
            "website_id": 1,
            "change": "entered",
            "at": "2026-12-01T10:00:00+00:00",
            "event_id": customer_id,
        }
    )


async def local_subscribers(hub: PubSubHub, channel: str, expected: int) -> None:
    deadline = asyncio.get_running_loop().time() + WAIT
    while (found := hub.subscriber_count(channel, pattern=False)) != expected:
        assert asyncio.get_running_loop().time() < deadline, f"{channel}: {found} subscribers"
        await asyncio.sleep(0.02)


async def pubsub_connections(redis: Redis) -> int:
    """Connections in pub/sub mode on the test's Redis database (other databases are other
    test runs')."""
    db = redis.connection_pool.connection_kwargs.get("db", 0)
    clients = await redis.client_list(_type="pubsub")
    return sum(1 for c in clients if int(c.get("db", -1)) == db)


async def test_all_subscriptions_of_a_process_share_one_redis_connection(db, redis_url):
    first, second = await segments(2)
    async with serving(db, redis_url) as served:
        token = await create_token("dashboard", ["read"])
        async with (
            subscription_client(served.ws_url, token, WAIT) as one,
            subscription_client(served.ws_url, token, WAIT) as other,
        ):
            for n in range(5):
                await one.subscribe(f"first{n}", MEMBERSHIP_CHANGED, {"id": str(first)})
                await other.subscribe(f"second{n}", MEMBERSHIP_CHANGED, {"id": str(second)})
            await other.subscribe("all", MEMBERSHIP_CHANGED, {"id": None})
            redis = served.app.state.redis
            await wait_subscribed(redis, membership_channel(redis, first), 1, WAIT)
            await wait_subscribed(redis, membership_channel(redis, second), 1, WAIT)
            await wait_subscribed(redis, membership_channel(redis, None), 1, WAIT)
            hub = served.app.state.pubsub
            await local_subscribers(hub, membership_channel(redis, second), 5)

            assert await pubsub_connections(served.redis) == 1

            await served.redis.publish(membership_channel(redis, second), change(second, 7))

            for n in range(5):
                got = await other.next(f"second{n}", WAIT)
                assert got["segmentMembershipChanged"]["customerId"] == "7"
            all_segments = await other.next("all", WAIT)
            assert all_segments["segmentMembershipChanged"]["segmentId"] == str(second)
            await one.quiet("first0", 0.3)


async def test_subscriptions_resume_after_the_pubsub_connection_is_killed(db, redis_url):
    (segment_id,) = await segments(1)
    async with serving(db, redis_url) as served:
        token = await create_token("dashboard", ["read"])
        async with subscription_client(served.ws_url, token, WAIT) as client:
            await client.subscribe("s", MEMBERSHIP_CHANGED, {"id": str(segment_id)})
            redis = served.app.state.redis
            channel = membership_channel(redis, segment_id)
            await wait_subscribed(redis, channel, 1, WAIT)

            db_number = served.redis.connection_pool.connection_kwargs.get("db", 0)
            for client_info in await served.redis.client_list(_type="pubsub"):
                if int(client_info.get("db", -1)) == db_number:
                    await served.redis.client_kill_filter(_id=client_info["id"])
            await wait_subscribed(redis, channel, 0, WAIT)
            # The hub reconnects and subscribes again on its own.
            await wait_subscribed(redis, channel, 1, 15.0)
            await served.redis.publish(channel, change(segment_id, 5))

            got = await client.next("s", WAIT)
            assert got["segmentMembershipChanged"]["customerId"] == "5"


async def test_a_subscriber_that_falls_behind_is_ended_with_an_error(redis_url):
    redis = Redis.from_url(redis_url)
    hub = PubSubHub(redis)
    try:
        stream = hub.messages("segmentql:test:behind", pattern=False)
        first = asyncio.ensure_future(stream.__anext__())
        await wait_subscribed(redis, "segmentql:test:behind", 1, WAIT)
        async with redis.pipeline(transaction=False) as pipe:
            for n in range(MAX_PENDING + 2):
                pipe.publish("segmentql:test:behind", orjson.dumps({"n": n}))
            await pipe.execute()

        received = []
        with pytest.raises(SubscriptionFellBehind, match="fell more than 1000 messages behind"):
            received.append(await first)
            while True:
                received.append(await asyncio.wait_for(stream.__anext__(), WAIT))
        # What was read before the overflow, if anything, came in order; the rest is gone.
        assert received == [{"n": n} for n in range(len(received))]
        assert len(received) < MAX_PENDING
        await stream.aclose()
        await wait_subscribed(redis, "segmentql:test:behind", 0, WAIT)
    finally:
        await hub.aclose()
        await redis.aclose()


async def connect(url: str, token: str) -> websockets.ClientConnection:
    connection = await websockets.connect(url, subprotocols=[PROTOCOL])  # type: ignore[list-item]
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
    await connection.send(json.dumps(init))
    return connection


async def test_a_connection_over_the_tokens_cap_is_closed_with_4429(db, redis_url):
    async with serving(db, redis_url, SEGMENTQL_MAX_WS_CONNECTIONS_PER_TOKEN="2") as served:
        token = await create_token("dashboard", ["read"])
        other_token = await create_token("integrator", ["read"])
        async with (
            subscription_client(served.ws_url, token, WAIT),
            subscription_client(served.ws_url, token, WAIT),
        ):
            third = await connect(served.ws_url, token)
            with pytest.raises(ConnectionClosed):
                while True:
                    await asyncio.wait_for(third.recv(), WAIT)
            assert third.close_code == 4429
            assert third.close_reason == (
                "Too many websocket connections for this API token (at most 2)"
            )

            # Other tokens are not affected; closing one frees a place.
            async with subscription_client(served.ws_url, other_token, WAIT):
                pass
        async with subscription_client(served.ws_url, token, WAIT):
            pass


async def test_a_subscription_over_the_tokens_cap_gets_an_error(db, redis_url):
    (segment_id,) = await segments(1)
    variables = {"id": str(segment_id)}
    async with serving(db, redis_url, SEGMENTQL_MAX_SUBSCRIPTIONS_PER_TOKEN="3") as served:
        token = await create_token("dashboard", ["read"])
        async with (
            subscription_client(served.ws_url, token, WAIT) as one,
            subscription_client(served.ws_url, token, WAIT) as other,
        ):
            await one.subscribe("a", MEMBERSHIP_CHANGED, variables)
            await one.subscribe("b", MEMBERSHIP_CHANGED, variables)
            await other.subscribe("c", MEMBERSHIP_CHANGED, variables)
            await other.subscribe("d", MEMBERSHIP_CHANGED, variables)

            assert await other.error("d", WAIT) == [
                {
                    "message": "Too many subscriptions for this API token: at most 3 may be "
                    "open at once; complete one first.",
                    "extensions": {"code": "TOO_MANY_SUBSCRIPTIONS"},
                }
            ]
            await one.complete("a")
            hub = served.app.state.pubsub
            channel = membership_channel(served.app.state.redis, segment_id)
            await local_subscribers(hub, channel, 2)
            await other.subscribe("e", MEMBERSHIP_CHANGED, variables)
            await local_subscribers(hub, channel, 3)
            await served.redis.publish(channel, change(segment_id, 4))

            for client, op in ((one, "b"), (other, "c"), (other, "e")):
                got = await client.next(op, WAIT)
                assert got["segmentMembershipChanged"]["customerId"] == "4"


async def test_the_app_closes_its_pubsub_connection_on_shutdown(db, redis_url):
    (segment_id,) = await segments(1)
    await create_token("fixture", ["read"])
    app = create_app(make_settings(db.url, REDIS_URL=redis_url))
    redis = Redis.from_url(redis_url)
    try:
        async with running(app):
            stream = app.state.pubsub.messages(
                membership_channel(app.state.redis, segment_id), pattern=False
            )
            pending = asyncio.ensure_future(stream.__anext__())
            await wait_subscribed(redis, membership_channel(app.state.redis, segment_id), 1, WAIT)
            assert await pubsub_connections(redis) == 1
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pending
        assert await pubsub_connections(redis) == 0
    finally:
        await redis.aclose()


async def test_operations_over_a_socket_count_against_the_tokens_rate(db, redis_url):
    (segment_id,) = await segments(1)
    variables = {"id": str(segment_id)}
    async with serving(db, redis_url) as served:
        token = await create_token("dashboard", ["read"])
        counter = RedisCounter(served.app.state.redis)
        served.app.state.rate_limiter = RateLimiter(counter, 2, clock=lambda: 3_000_000.5)
        async with subscription_client(served.ws_url, token, WAIT) as client:
            for op in ("a", "b", "c"):
                await client.subscribe(op, MEMBERSHIP_CHANGED, variables)

            assert await client.error("c", WAIT) == [
                {
                    "message": "Too many requests: at most 2 per second per API token. "
                    "Retry in 1 s.",
                    "extensions": {"code": "RATE_LIMITED", "retryAfterSeconds": 1},
                }
            ]
            channel = membership_channel(served.app.state.redis, segment_id)
            await local_subscribers(served.app.state.pubsub, channel, 2)
