"""Bearer-token authentication for HTTP requests and websocket connections."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import TTLCache
from starlette.responses import JSONResponse

from models.auth import tokens

ALL_SCOPES = frozenset(tokens.SCOPES)


@dataclass(frozen=True)
class Identity:
    """Who is asking: the token (None when auth is off) and its scopes."""

    name: str | None
    scopes: frozenset[str]
    token_id: int | None = None


ANONYMOUS_ADMIN = Identity(name=None, scopes=ALL_SCOPES)


def unauthorized(token_given: bool) -> JSONResponse:
    """The 401 for a request without a valid token, as /graphql and the exports send it."""
    challenge = 'Bearer realm="segmentql"' + (', error="invalid_token"' if token_given else "")
    message = "Invalid or revoked API token." if token_given else "Missing API token."
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers={"WWW-Authenticate": challenge},
    )


class TooManyFailures(Exception):
    """This client address sent too many wrong tokens lately; it may retry after a while."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed authentications; retry after {retry_after}s")
        self.retry_after = retry_after


def too_many_failures(error: TooManyFailures) -> JSONResponse:
    """The 429 for a throttled client address, as /graphql and the exports send it."""
    message = (
        "Too many failed authentication attempts from this address; "
        f"retry after {error.retry_after} seconds."
    )
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "TOO_MANY_REQUESTS"}}]},
        status_code=429,
        headers={"Retry-After": str(error.retry_after)},
    )


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` value, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


class FailureThrottle:
    """Counts failed authentications per client address in fixed windows.

    A window opens at an address's first failure and lasts `window_seconds`; once it holds
    `limit` failures the address is refused (without looking at its token) until the
    window closes. Memory is bounded: the least recently used addresses are forgotten.
    """

    MAX_ADDRESSES = 100_000

    def __init__(
        self, *, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self._clock = clock
        # address -> [failures, window start]; entries expire with their window.
        self._windows: TTLCache = TTLCache(self.MAX_ADDRESSES, window_seconds, timer=clock)

    def check(self, address: str | None) -> None:
        """Raise TooManyFailures while the address is over its limit."""
        if address is None or self.limit <= 0:
            return
        window = self._windows.get(address)
        if window is not None and window[0] >= self.limit:
            closes = window[1] + self._windows.ttl
            raise TooManyFailures(max(1, math.ceil(closes - self._clock())))

    def failed(self, address: str | None) -> None:
        if address is None or self.limit <= 0:
            return
        window = self._windows.get(address)
        if window is None:
            self._windows[address] = [1, self._clock()]
        else:
            window[0] += 1  # in place: re-inserting would restart the window


class Authenticator:
    """Resolves bearer tokens to identities for one app.

    Verified tokens are remembered for `cache_seconds`, so a busy client costs one query
    per period instead of one per request; a token revoked by another process is therefore
    refused within that period (at once when revoked through this process, which calls
    `forget`). Tokens found wrong are remembered for `negative_cache_seconds`, so repeating
    one costs no query at all; tokens are random, so a wrong one never becomes right.
    Failures also count against the client address (`throttle`).
    """

    MAX_CACHED = 10_000

    def __init__(
        self,
        *,
        required: bool,
        cache_seconds: float = 2.0,
        negative_cache_seconds: float = 60.0,
        throttle: FailureThrottle | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.required = required
        self.cache_seconds = cache_seconds
        self.throttle = throttle or FailureThrottle(limit=0, window_seconds=1)
        self._clock = clock
        self._cache: dict[str, tuple[float, Identity]] = {}
        self._wrong: TTLCache = TTLCache(self.MAX_CACHED, negative_cache_seconds, timer=clock)

    async def authenticate(
        self, authorization: str | None, client: str | None = None
    ) -> Identity | None:
        """The identity behind an Authorization value; None if it must be refused.

        `client` is the caller's address: a wrong token counts against it, and an address
        over its limit gets TooManyFailures whatever token it sends. Without it (a
        websocket re-checking the token it connected with) nothing is counted.
        """
        if not self.required:
            return ANONYMOUS_ADMIN
        self.throttle.check(client)
        token = bearer_token(authorization)
        if token is None:
            if authorization:
                self.throttle.failed(client)
            return None
        key = tokens.hash_token(token)
        now = self._clock()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        row = None if key in self._wrong else await tokens.verify(token)
        if row is None:
            self._cache.pop(key, None)
            self._wrong[key] = True
            self.throttle.failed(client)
            return None
        await tokens.mark_used(row.id)
        identity = Identity(name=row.name, scopes=frozenset(row.scopes), token_id=row.id)
        if len(self._cache) >= self.MAX_CACHED:
            self._cache.clear()
        self._cache[key] = (now + self.cache_seconds, identity)
        return identity

    def forget(self, token_id: int | None = None) -> None:
        """Drop cached verifications of one token (all when None), e.g. after revoking it."""
        if token_id is None:
            self._cache.clear()
            return
        for key, (_, identity) in list(self._cache.items()):
            if identity.token_id == token_id:
                del self._cache[key]
