"""How many websocket connections, and operations over them, one API token may hold open.

Counted per server process (a token's sockets on another replica count there). A
connection over the cap is closed with 4429 right after it is acknowledged (the token
is known only then); a subscription over the cap, or over the token's rate
(gqlserver/ratelimit.py), gets an `error` message for its id, and the connection stays
open.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

from gqlserver.auth import bearer_token
from gqlserver.connections import TokenCheckedHandler, refused_message
from gqlserver.ratelimit import CHARS_PER_UNIT, RateLimiter, rate_limited_error

TOO_MANY_CONNECTIONS = 4429


class LimitedConnectionHandler(TokenCheckedHandler):
    """graphql-transport-ws with per-token caps on connections and open operations."""

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        token = self.registered_token
        if token is None:
            return
        most: int = self.context.settings.max_ws_connections_per_token
        if self.registry.count(token) > most:
            await self.websocket.close(
                code=TOO_MANY_CONNECTIONS,
                reason=f"Too many websocket connections for this API token (at most {most})",
            )

    # An operation being started (its token re-checked) counts before it is registered.
    starting = 0

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        token = self.registered_token
        if not self.connection_acknowledged or token is None:
            await super().handle_subscribe(message)
            return
        limited = await self._over_rate(message)
        if limited is not None:
            await self.send_message(refused_message(message["id"], limited))
            return
        most: int = self.context.settings.max_subscriptions_per_token
        handlers = self.registry.handlers(token)
        if sum(len(h.operations) + getattr(h, "starting", 0) for h in handlers) >= most:
            await self.send_message(refused_message(message["id"], _too_many(most)))
            return
        self.starting += 1
        try:
            await super().handle_subscribe(message)
        finally:
            self.starting -= 1

    async def _over_rate(self, message: SubscribeMessage) -> GraphQLError | None:
        """Operations over a socket count against the token's rate as HTTP requests do:
        once, plus once per 2 KB of document (whether or not it was parsed before)."""
        limiter: RateLimiter | None = self.context.request.app.state.rate_limiter
        token = bearer_token(getattr(self.context, "authorization", None))
        if limiter is None or token is None:
            return None
        key = limiter.key(token)
        wait = await limiter.retry_after(key)
        if wait is not None:
            return rate_limited_error(limiter.per_second, wait)
        query = message.get("payload", {}).get("query")
        await limiter.charge(key, len(query) // CHARS_PER_UNIT if isinstance(query, str) else 0)
        return None


def _too_many(most: int) -> GraphQLError:
    return GraphQLError(
        f"Too many subscriptions for this API token: at most {most} may be open at once; "
        "complete one first.",
        extensions={"code": "TOO_MANY_SUBSCRIPTIONS"},
    )
