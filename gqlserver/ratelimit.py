"""Requests per second per API token, counted in Redis so every replica shares the count.

A fixed one-second window per token: one INCR and EXPIRE per request, no script, so it
works the same on real Redis and on the in-process Redis of `REDIS_URL=memory://`.
A window this short keeps a burst small (the count restarts each second); a token may
at most double its rate across a window boundary, which is fine for a guard.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gqlserver.auth import bearer_token
from models.auth.tokens import hash_token

KEY_PREFIX = "segmentql:ratelimit:"


class RateLimiter:
    """Counts requests per token and says how long to wait once the limit is reached."""

    def __init__(self, redis: Any, per_second: int, clock: Callable[[], float] = time.time) -> None:
        self.redis = redis
        self.per_second = per_second
        self._clock = clock

    async def retry_after(self, token: str) -> float | None:
        """Count one request of `token`; None if it may run, else seconds until it may."""
        if self.per_second <= 0:
            return None
        now = self._clock()
        window = math.floor(now)
        # The token's hash, never the token itself, in a key anyone with Redis may read.
        key = f"{KEY_PREFIX}{hash_token(token)}:{window}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, 2)
            count, _ = await pipe.execute()
        if int(count) <= self.per_second:
            return None
        return window + 1 - now


def too_many_requests(per_second: int, retry_after: float) -> JSONResponse:
    """The 429 a token over its rate gets, with the whole seconds to wait in Retry-After."""
    seconds = max(1, math.ceil(retry_after))
    return JSONResponse(
        {
            "errors": [
                {
                    "message": f"Too many requests: at most {per_second} per second per API "
                    f"token. Retry in {seconds} s.",
                    "extensions": {"code": "RATE_LIMITED", "retryAfterSeconds": seconds},
                }
            ]
        },
        status_code=429,
        headers={"Retry-After": str(seconds)},
    )


class RateLimitMiddleware:
    """Answers 429 to GraphQL requests whose token is over its rate, before any work.

    It counts the bearer token as sent, before authentication: checking a token costs a
    database read, which is what a flood must not reach. (Failed authentications have
    their own throttle.) The limiter is the app's, created once Redis is open.
    """

    def __init__(self, app: ASGIApp, path: str) -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path:
            limiter: RateLimiter | None = scope["app"].state.rate_limiter
            token = bearer_token(Headers(scope=scope).get("authorization"))
            if limiter is not None and token is not None:
                wait = await limiter.retry_after(token)
                if wait is not None:
                    await too_many_requests(limiter.per_second, wait)(scope, receive, send)
                    return
        await self.app(scope, receive, send)
