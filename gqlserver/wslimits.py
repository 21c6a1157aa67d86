"""How many websocket connections, and operations over them, one API token may hold open.

Counted per server process (a token's sockets on another replica count there). A
connection over the cap is closed with 4429 right after it is acknowledged (the token
is known only then); a subscription over the cap gets an `error` message for its id,
and the connection stays open.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ErrorMessage,
    SubscribeMessage,
)

from gqlserver.connections import TokenCheckedHandler

TOO_MANY_CONNECTIONS = 4429
DEFAULT_CONNECTIONS = 20
DEFAULT_SUBSCRIPTIONS = 100


class LimitedConnectionHandler(TokenCheckedHandler):
    """graphql-transport-ws with per-token caps on connections and open operations."""

    def _limit(self, name: str, default: int) -> int:
        settings = getattr(self.context, "settings", None)
        return int(getattr(settings, name, default))

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        token = self.registered_token
        if token is None:
            return
        most = self._limit("max_ws_connections_per_token", DEFAULT_CONNECTIONS)
        if self.registry.count(token) > most:
            await self.websocket.close(
                code=TOO_MANY_CONNECTIONS,
                reason=f"Too many websocket connections for this API token (at most {most})",
            )

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        token = self.registered_token
        if self.connection_acknowledged and token is not None:
            most = self._limit("max_subscriptions_per_token", DEFAULT_SUBSCRIPTIONS)
            open_now = sum(len(h.operations) for h in self.registry.handlers(token))
            if open_now >= most:
                await self.send_message(_refused(message["id"], most))
                return
        await super().handle_subscribe(message)


def _refused(operation_id: str, most: int) -> ErrorMessage:
    error = GraphQLError(
        f"Too many subscriptions for this API token: at most {most} may be open at once; "
        "complete one first.",
        extensions={"code": "TOO_MANY_SUBSCRIPTIONS"},
    )
    return {"id": operation_id, "type": "error", "payload": [error.formatted]}
