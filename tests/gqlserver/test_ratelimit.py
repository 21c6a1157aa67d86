"""GraphQL requests per second per API token: 429 with Retry-After, counted in Redis."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from gqlserver.app import create_app
from gqlserver.ratelimit import MemoryCounter, RateLimiter, RedisCounter
from models.auth.tokens import create_token
from tests.graphql_client import asgi_client, make_settings, running

WEBSITES = {"query": "{ websites { id } }"}


class FrozenClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
async def limited_app(request, db, redis_url):
    """The app with 2 requests per second per token, counted in the process (memory://)
    and in real Redis."""
    env = {"SEGMENTQL_RATE_LIMIT_PER_SECOND": "2"}
    if request.param == "redis":
        env["REDIS_URL"] = redis_url
    await create_token("fixture", ["read"])
    async with running(create_app(make_settings(db.url, **env))) as app:
        yield app


def frozen_limiter(app, per_second: int, clock: FrozenClock) -> RateLimiter:
    """The app's kind of limiter, on a clock that stays in one second unless moved."""
    in_memory = app.state.settings.redis_in_memory
    counter = MemoryCounter() if in_memory else RedisCounter(app.state.redis)
    app.state.rate_limiter = RateLimiter(counter, per_second, clock=clock)
    return app.state.rate_limiter


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_over_its_rate_gets_429_with_retry_after(limited_app):
    clock = FrozenClock(1_000_000.25)
    frozen_limiter(limited_app, 2, clock)
    busy = await create_token("dashboard", ["read"])
    other = await create_token("integrator", ["read"])

    async with asgi_client(limited_app) as http:
        statuses = [
            (await http.post("/graphql", json=WEBSITES, headers=bearer(busy))).status_code
            for _ in range(2)
        ]
        refused = await http.post("/graphql", json=WEBSITES, headers=bearer(busy))
        others = await http.post("/graphql", json=WEBSITES, headers=bearer(other))
        clock.now += 1
        next_second = await http.post("/graphql", json=WEBSITES, headers=bearer(busy))

    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.json() == {
        "errors": [
            {
                "message": "Too many requests: at most 2 per second per API token. Retry in 1 s.",
                "extensions": {"code": "RATE_LIMITED", "retryAfterSeconds": 1},
            }
        ]
    }
    assert (others.status_code, others.json()) == (200, {"data": {"websites": []}})
    assert next_second.status_code == 200


async def test_a_new_large_document_counts_once_per_2_kb_parsed(limited_app):
    frozen_limiter(limited_app, 4, FrozenClock(1_500_000.0))
    token = await create_token("integrator", ["read"])
    # A comment pads the document to 2 units of 2 KB beyond the request itself.
    large = {"query": "{ websites { id } }\n#" + "x" * 4100}
    # Variables cost nothing: graphql-core does not parse them.
    small = {"query": "query($n: Int) { websites { id } }", "variables": {"n": 10**1000}}

    async with asgi_client(limited_app) as http:
        new = await http.post("/graphql", json=large, headers=bearer(token))
        small_ok = await http.post("/graphql", json=small, headers=bearer(token))
        refused = await http.post("/graphql", json=small, headers=bearer(token))

    assert [r.status_code for r in (new, small_ok, refused)] == [200, 200, 429]


async def test_a_document_parsed_before_counts_once(limited_app):
    clock = FrozenClock(1_600_000.0)
    frozen_limiter(limited_app, 4, clock)
    token = await create_token("integrator", ["read"])
    large = {"query": "{ websites { id } }\n#" + "x" * 4100}

    async with asgi_client(limited_app) as http:
        first = await http.post("/graphql", json=large, headers=bearer(token))
        clock.now += 1
        again = [
            (await http.post("/graphql", json=large, headers=bearer(token))).status_code
            for _ in range(5)
        ]

    assert first.status_code == 200
    assert again == [200, 200, 200, 200, 429]


async def test_two_replicas_share_a_tokens_count(redis_url):
    clock = FrozenClock(2_000_000.5)
    redis = Redis.from_url(redis_url)
    try:
        first, second = (RateLimiter(RedisCounter(redis), 2, clock=clock) for _ in range(2))

        assert [await first.retry_after("k") for _ in range(2)] == [None, None]
        assert await second.retry_after("k") == pytest.approx(0.5)
        assert await second.retry_after("other") is None
    finally:
        await redis.aclose()


async def test_requests_run_while_redis_is_unreachable(caplog):
    redis = Redis.from_url("redis://127.0.0.1:1", socket_connect_timeout=1)
    try:
        limiter = RateLimiter(RedisCounter(redis), 1)

        assert [await limiter.retry_after("k") for _ in range(3)] == [None] * 3
    finally:
        await redis.aclose()
    assert [r.getMessage()[:40] for r in caplog.records if r.name == "segmentql.ratelimit"] == [
        "rate limit not applied, Redis failed: Er"
    ]


async def test_zero_turns_the_limit_off():
    limiter = RateLimiter(MemoryCounter(), 0)

    assert [await limiter.retry_after("k") for _ in range(50)] == [None] * 50
