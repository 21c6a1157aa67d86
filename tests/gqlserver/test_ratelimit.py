"""GraphQL requests per second per API token: 429 with Retry-After, counted in Redis."""

from __future__ import annotations

import pytest

from gqlserver.app import create_app
from gqlserver.ratelimit import RateLimiter
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
    """The app with 2 requests per second per token, on the in-process and on real Redis."""
    env = {"SEGMENTQL_RATE_LIMIT_PER_SECOND": "2"}
    if request.param == "redis":
        env["REDIS_URL"] = redis_url
    await create_token("fixture", ["read"])
    async with running(create_app(make_settings(db.url, **env))) as app:
        yield app


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_over_its_rate_gets_429_with_retry_after(limited_app):
    clock = FrozenClock(1_000_000.25)
    limited_app.state.rate_limiter = RateLimiter(limited_app.state.redis, 2, clock=clock)
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


async def test_the_limit_is_counted_in_the_apps_redis(limited_app):
    """Two apps on one Redis (two replicas) share a token's count."""
    clock = FrozenClock(2_000_000.5)
    token = await create_token("dashboard", ["read"])
    limiter = RateLimiter(limited_app.state.redis, 2, clock=clock)
    limited_app.state.rate_limiter = limiter

    assert [await limiter.retry_after(token) for _ in range(2)] == [None, None]
    replica = RateLimiter(limited_app.state.redis, 2, clock=clock)
    assert await replica.retry_after(token) == pytest.approx(0.5)


async def test_zero_turns_the_limit_off(limited_app):
    limiter = RateLimiter(limited_app.state.redis, 0)

    assert [await limiter.retry_after("sq_anything") for _ in range(50)] == [None] * 50
