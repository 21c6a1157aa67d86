"""Access to the current database connection for the set-based SQL the domain runs itself."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContext
from tortoise.context import require_context
from tortoise.exceptions import ConfigurationError
from tortoise.transactions import in_transaction

from models.registry import APP_LABEL

Dialect = Literal["sqlite", "postgres"]

_NUMBERED = re.compile(r"\$(\d+)")


def connection() -> BaseDBAsyncClient:
    """The connection the domain's app lives on, in the active Tortoise context.

    Asked of the app's registered models rather than of the context's default, so the
    answer follows the app's configured connection whatever label a context gives it.
    """
    apps = require_context().apps
    if apps is None or APP_LABEL not in apps:
        raise ConfigurationError(f"Tortoise has no app {APP_LABEL!r} in the active context.")
    any_model = next(iter(apps.apps[APP_LABEL].values()))
    return any_model._meta.db


def transaction() -> TransactionContext:
    """A transaction on the domain's connection."""
    return in_transaction(connection().connection_name)


def dialect(conn: BaseDBAsyncClient | None = None) -> Dialect:
    name = (conn or connection()).capabilities.dialect
    return "sqlite" if name == "sqlite" else "postgres"


def placeholder(conn: BaseDBAsyncClient | None = None) -> str:
    """`?` for SQLite, `$n` for asyncpg: callers format this with the parameter's index."""
    return "?" if dialect(conn) == "sqlite" else "${}"


def numbered(count: int, first: int = 1) -> str:
    """`$first, $first+1, ...`: the placeholders of `count` parameters, e.g. for an IN list."""
    return ", ".join(f"${first + i}" for i in range(count))


def bind(dialect: Dialect, sql: str) -> str:
    """Statements are written with asyncpg's `$n`; SQLite reads the same numbers as `?n`, so a
    placeholder may appear in any order and more than once on both."""
    return sql if dialect == "postgres" else _NUMBERED.sub(r"?\1", sql)


async def execute_count(
    conn: BaseDBAsyncClient, dialect: Dialect, sql: str, params: Sequence[Any] = ()
) -> int:
    """Run a write statement and return how many rows it changed."""
    if dialect == "postgres":
        # Tortoise reads the wrong word of asyncpg's "INSERT 0 <n>" status: read it here.
        async with conn.acquire_connection() as raw:
            status: str = await raw.execute(sql, *params)
        last = status.rsplit(" ", 1)[-1]
        return int(last) if last.isdigit() else 0
    # Tortoise counts the connection's total changes, which include rows that foreign-key
    # cascades deleted (a progress row's clicked links): read the statement's own count.
    async with conn.acquire_connection() as raw, raw.execute(sql, list(params)) as cursor:
        await cursor.fetchall()
        changed = int(cursor.rowcount)
    return max(changed, 0)


def as_datetime(value: datetime | str) -> datetime:
    """A timestamp read with raw SQL, in UTC: SQLite hands back the stored ISO text,
    PostgreSQL a datetime."""
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
