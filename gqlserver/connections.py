"""Websocket connections held to their token: each operation re-checks it, and revoking it
closes the token's sockets (with their subscriptions) within seconds, in every process.

A revocation made through this process's GraphQL API closes the sockets at once; one made
elsewhere (`segmentql token revoke`, another replica) is found by the watcher, which asks
the database every `recheck_seconds` which of the tokens holding sockets here are still
live: one query per process per period however many sockets are open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ErrorMessage,
    SubscribeMessage,
)

from gqlserver.auth import Authenticator
from models.auth import tokens

log = logging.getLogger("segmentql.connections")

# graphql-transport-ws closes a socket whose token is refused with 4403 Forbidden.
REVOKED_CLOSE_CODE = 4403
REVOKED_CLOSE_REASON = "API token revoked"
REVOKED_MESSAGE = "The API token of this connection was revoked."


class ConnectionRegistry:
    """The open, authenticated websocket connections of this process, by token id."""

    def __init__(self, authenticator: Authenticator) -> None:
        self.authenticator = authenticator
        self._by_token: dict[int, set[TokenCheckedHandler]] = defaultdict(set)

    def add(self, token_id: int, handler: TokenCheckedHandler) -> None:
        self._by_token[token_id].add(handler)

    def discard(self, token_id: int, handler: TokenCheckedHandler) -> None:
        handlers = self._by_token.get(token_id)
        if handlers is not None:
            handlers.discard(handler)
            if not handlers:
                del self._by_token[token_id]

    def token_ids(self) -> set[int]:
        return set(self._by_token)

    def count(self, token_id: int) -> int:
        return len(self._by_token.get(token_id, ()))

    def handlers(self, token_id: int) -> frozenset[TokenCheckedHandler]:
        return frozenset(self._by_token.get(token_id, ()))

    async def token_revoked(self, token_id: int) -> None:
        """Stop honouring a revoked token here: forget its verification, close its sockets."""
        self.authenticator.forget(token_id)
        for handler in list(self._by_token.pop(token_id, ())):
            await handler.close_revoked()

    async def drop_revoked(self) -> None:
        """Close the sockets of every token revoked (or deleted) since it connected."""
        held = self.token_ids()
        if not held:
            return
        for token_id in await tokens.revoked_among(held):
            log.info("closing websocket connections of revoked token %s", token_id)
            await self.token_revoked(token_id)

    @contextlib.asynccontextmanager
    async def watching(self, recheck_seconds: float) -> AsyncIterator[None]:
        """Run the revocation watcher around the block (the app's lifespan)."""
        task = asyncio.create_task(self._watch(recheck_seconds), name="token-revocation-watcher")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _watch(self, recheck_seconds: float) -> None:
        while True:
            await asyncio.sleep(recheck_seconds)
            try:
                await self.drop_revoked()
            except Exception:  # a database hiccup must not end the watcher
                log.warning("checking websocket tokens for revocation failed", exc_info=True)


def refused_message(operation_id: str, error: GraphQLError) -> ErrorMessage:
    """The `error` message that refuses one operation; the connection stays open."""
    return {"id": operation_id, "type": "error", "payload": [error.formatted]}


class TokenCheckedHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """graphql-transport-ws whose every operation first re-checks the connection's token."""

    registered_token: int | None = None

    @property
    def registry(self) -> ConnectionRegistry:
        return self.view.connections  # type: ignore[attr-defined,no-any-return]

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        token_id = getattr(self.context, "token_id", None)
        if self.connection_acknowledged and token_id is not None:
            self.registered_token = token_id
            self.registry.add(token_id, self)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and not await self._token_still_valid():
            error = GraphQLError(REVOKED_MESSAGE, extensions={"code": "UNAUTHENTICATED"})
            with contextlib.suppress(Exception):
                await self.send_message(refused_message(message["id"], error))
            await self.close_revoked()
            return
        await super().handle_subscribe(message)

    async def _token_still_valid(self) -> bool:
        if self.registered_token is None:  # auth is off
            return True
        authorization = getattr(self.context, "authorization", None)
        # Cached for a few seconds at most, and forgotten at once on a revocation made here.
        identity = await self.registry.authenticator.authenticate(authorization)
        return identity is not None and identity.token_id == self.registered_token

    async def close_revoked(self) -> None:
        """End every operation of this connection, then close it with 4403."""
        for operation_id in list(self.operations):
            await self.cleanup_operation(operation_id)
        with contextlib.suppress(Exception):
            await self.websocket.close(code=REVOKED_CLOSE_CODE, reason=REVOKED_CLOSE_REASON)

    async def shutdown(self) -> None:
        if self.registered_token is not None:
            self.registry.discard(self.registered_token, self)
        await super().shutdown()
