"""Bearer-token authentication for HTTP requests and websocket connections."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.responses import JSONResponse

from models.auth import tokens

ALL_SCOPES = frozenset(tokens.SCOPES)


@dataclass(frozen=True)
class Identity:
    """Who is asking: the token's name (None when auth is off) and its scopes."""

    name: str | None
    scopes: frozenset[str]


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


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` value, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


class Authenticator:
    """Resolves bearer tokens to identities for one app.

    Verified tokens are remembered for `cache_seconds` so a busy client costs one
    query per period instead of one per request; revoking a token therefore takes
    effect within that period.
    """

    MAX_CACHED = 10_000

    def __init__(
        self,
        *,
        required: bool,
        cache_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.required = required
        self.cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, Identity]] = {}

    async def authenticate(self, authorization: str | None) -> Identity | None:
        """The identity behind an Authorization value; None if it must be refused."""
        if not self.required:
            return ANONYMOUS_ADMIN
        token = bearer_token(authorization)
        if token is None:
            return None
        key = tokens.hash_token(token)
        now = self._clock()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        row = await tokens.verify(token)
        if row is None:
            self._cache.pop(key, None)
            return None
        await tokens.mark_used(row.id)
        identity = Identity(name=row.name, scopes=frozenset(row.scopes))
        if len(self._cache) >= self.MAX_CACHED:
            self._cache.clear()
        self._cache[key] = (now + self.cache_seconds, identity)
        return identity

    def forget(self) -> None:
        """Drop cached verifications (e.g. after revoking tokens in-process)."""
        self._cache.clear()
