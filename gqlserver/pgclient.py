"""Tortoise's asyncpg client, made to ride out dropped PostgreSQL connections.

asyncpg learns that the server closed a pooled connection (a restart, `pg_terminate_backend`,
a proxy's idle timeout) only when it next reads from it. A query sent on such a
connection fails with "connection was closed in the middle of operation" or, when the
server's farewell arrives mid-exchange, "another operation is in progress"; every pooled
connection closed at the same moment fails the same way in turn. So on a lost connection
this client expires the whole pool (each connection is reopened when next acquired) and
runs a read once more on a fresh connection. Writes are not repeated: whether one was
committed before the connection went is unknown. Statements inside a transaction are
not repeated either (the transaction is gone); its caller sees the error.

Used as the Tortoise engine `gqlserver.pgclient` by `gqlserver.db.tortoise_config`.
"""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient

log = logging.getLogger(__name__)

# What asyncpg raises when the server side of a connection is gone.
CONNECTION_LOST: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    ConnectionError,
)
_READ_PREFIXES = ("SELECT", "SHOW", "EXPLAIN", "VALUES")


def is_read(query: str) -> bool:
    """A statement that changes nothing, so running it twice is harmless."""
    return query.lstrip().upper().startswith(_READ_PREFIXES)


class ReconnectingAsyncpgClient(AsyncpgDBClient):
    """An asyncpg client that repeats a read once after its connection was found closed."""

    async def _connection_lost(self, error: BaseException) -> None:
        log.warning("PostgreSQL connection lost (%s): reconnecting the pool", error)
        await self._expire_connections()

    async def execute_query(self, query: str, values: list | None = None) -> tuple[int, list[Any]]:
        try:
            return await super().execute_query(query, values)
        except CONNECTION_LOST as error:
            await self._connection_lost(error)
            if not is_read(query):
                raise
        return await super().execute_query(query, values)

    async def execute_query_dict(self, query: str, values: list | None = None) -> list[dict]:
        try:
            return await super().execute_query_dict(query, values)
        except CONNECTION_LOST as error:
            await self._connection_lost(error)
            if not is_read(query):
                raise
        return await super().execute_query_dict(query, values)

    async def execute_insert(self, query: str, values: list) -> Any:
        try:
            return await super().execute_insert(query, values)
        except CONNECTION_LOST as error:
            await self._connection_lost(error)
            raise

    async def execute_many(self, query: str, values: list) -> None:
        try:
            await super().execute_many(query, values)
        except CONNECTION_LOST as error:
            await self._connection_lost(error)
            raise


client_class = ReconnectingAsyncpgClient
