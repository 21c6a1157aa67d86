"""Access to the current database connection for the set-based SQL the domain runs itself."""

from __future__ import annotations

from typing import Literal

from tortoise.backends.base.client import BaseDBAsyncClient


def connection() -> BaseDBAsyncClient:
    """The connection the store models live on (resolved through the active Tortoise context)."""
    from models.store.customers import Customer

    return Customer._meta.db


def dialect(conn: BaseDBAsyncClient | None = None) -> Literal["sqlite", "postgres"]:
    name = (conn or connection()).capabilities.dialect
    return "sqlite" if name == "sqlite" else "postgres"


def placeholder(conn: BaseDBAsyncClient | None = None) -> str:
    """`?` for SQLite, `$n` for asyncpg: callers format this with the parameter's index."""
    return "?" if dialect(conn) == "sqlite" else "${}"
