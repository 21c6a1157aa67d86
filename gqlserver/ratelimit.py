"""GraphQL requests per second per API token, counted in Redis so every replica shares the count.

A fixed one-second window per token: one INCRBY and EXPIRE per request, no script. A
window this short keeps a burst small (the count restarts each second); a token may at
most double its rate across a window boundary, which is fine for a guard. With
`REDIS_URL=memory://` (one process by definition) the count is a dict in the process.

A request counts once, plus once per `CHARS_PER_UNIT` characters of GraphQL document the
server had to parse for it (a document parsed before costs nothing more; variables
never count): parsing is what a large document costs (graphql-core reads a 13 KB
document in 15-25 ms), so a client sending large new documents gets fewer per second.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any, Protocol

from graphql import GraphQLError
from redis.exceptions import RedisError
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gqlserver.auth import bearer_token
from gqlserver.limits import PARSED_CHARS
from models.auth.tokens import hash_token

log = logging.getLogger("segmentql.ratelimit")

KEY_PREFIX = "segmentql:ratelimit:"
CHARS_PER_UNIT = 2048


class WindowCounter(Protocol):
    async def add(self, key: str, window: int, units: int) -> int:
        """Add units to a key's count in a one-second window; the count after adding."""
        ...


class RedisCounter:
    """Counts in Redis, shared by every replica; keys expire a second after their window."""

    def __init__(self, redis: Any) -> None:
        self.redis = redis

    async def add(self, key: str, window: int, units: int) -> int:
        name = f"{KEY_PREFIX}{key}:{window}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incrby(name, units)
            pipe.expire(name, 2)
            count, _ = await pipe.execute()
        return int(count)


class MemoryCounter:
    """Counts in this process, for the single-process embedded setup."""

    def __init__(self) -> None:
        self._window = 0
        self._counts: dict[str, int] = {}

    async def add(self, key: str, window: int, units: int) -> int:
        if window < self._window:  # a late charge for a window already over
            return 0
        if window > self._window:
            self._window, self._counts = window, {}
        count = self._counts[key] = self._counts.get(key, 0) + units
        return count


class RateLimiter:
    """Counts a token's requests and says how long to wait once it is over its rate."""

    MAX_REMEMBERED = 10_000

    def __init__(
        self, counter: WindowCounter, per_second: int, clock: Callable[[], float] = time.time
    ) -> None:
        self.counter = counter
        self.per_second = per_second
        self._clock = clock
        # Tokens known to be over their rate until a time: refused without asking Redis,
        # so a flood of refused requests costs a dict lookup each.
        self._refused_until: dict[str, float] = {}
        self._next_warning = 0.0

    @staticmethod
    def key(token: str) -> str:
        # The token's hash, never the token itself, in keys anyone with Redis may read.
        return hash_token(token)

    async def retry_after(self, key: str) -> float | None:
        """Count one request; None if it may run, else the seconds until one may."""
        if self.per_second <= 0:
            return None
        now = self._clock()
        refused_until = self._refused_until.get(key)
        if refused_until is not None and now < refused_until:
            return refused_until - now
        window = math.floor(now)
        if await self._add(key, window, 1) <= self.per_second:
            return None
        if len(self._refused_until) >= self.MAX_REMEMBERED:
            self._refused_until.clear()
        self._refused_until[key] = window + 1
        return window + 1 - now

    async def charge(self, key: str, units: int) -> None:
        """Count the extra cost of a request that ran (the document it had parsed)."""
        if self.per_second > 0 and units > 0:
            await self._add(key, math.floor(self._clock()), units)

    async def _add(self, key: str, window: int, units: int) -> int:
        # A guard must not take the API down with Redis: without a count, requests run.
        try:
            return await self.counter.add(key, window, units)
        except (RedisError, OSError) as error:
            now = self._clock()
            if now >= self._next_warning:
                self._next_warning = now + 60
                log.warning("rate limit not applied, Redis failed: %s", error)
            return 0


def rate_limiter(redis: Any, in_memory: bool, per_second: int) -> RateLimiter:
    """The app's limiter: in Redis, or in the process for `REDIS_URL=memory://`."""
    return RateLimiter(MemoryCounter() if in_memory else RedisCounter(redis), per_second)


def _whole_seconds(retry_after: float) -> int:
    """The wait a client is told: whole seconds, at least one."""
    return max(1, math.ceil(retry_after))


def rate_limited_error(per_second: int, retry_after: float) -> GraphQLError:
    """What a token over its rate is told, with the whole seconds to wait."""
    seconds = _whole_seconds(retry_after)
    return GraphQLError(
        f"Too many requests: at most {per_second} per second per API token. Retry in {seconds} s.",
        extensions={"code": "RATE_LIMITED", "retryAfterSeconds": seconds},
    )


def too_many_requests(per_second: int, retry_after: float) -> JSONResponse:
    """The 429 a token over its rate gets, with the whole seconds to wait in Retry-After."""
    error = rate_limited_error(per_second, retry_after)
    return JSONResponse(
        {"errors": [error.formatted]},
        status_code=429,
        headers={"Retry-After": str(_whole_seconds(retry_after))},
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
        limiter: RateLimiter | None = None
        if scope["type"] == "http" and scope["path"] == self.path:
            limiter = scope["app"].state.rate_limiter
        token = bearer_token(Headers(scope=scope).get("authorization")) if limiter else None
        if limiter is None or token is None:
            await self.app(scope, receive, send)
            return
        key = limiter.key(token)
        wait = await limiter.retry_after(key)
        if wait is not None:
            await too_many_requests(limiter.per_second, wait)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            parsed = scope.get("state", {}).get(PARSED_CHARS, 0)
            await limiter.charge(key, parsed // CHARS_PER_UNIT)
