"""Apply the aerich migrations of DATABASE_URL's dialect, safely from several processes at once.

aerich writes dialect-specific SQL, so each dialect has its own tree:
`migrations/<dialect>/models/*.py` (aerich location `migrations/<dialect>`, app `models`).
Regenerate them with `python -m gqlserver.makemigrations` (see that module).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from aerich import Command
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext

import migrations
from gqlserver.clierrors import DatabaseFileUnavailable, DatabaseUnreachable
from gqlserver.db import APP_LABEL, normalize_db_url, tortoise_config
from models.db import Dialect

MIGRATIONS_ROOT = Path(migrations.__file__).parent

# Any fixed 64-bit number shared by every process that migrates the same PostgreSQL database.
PG_MIGRATION_LOCK_KEY = 0x5E6_0E7_0001

# aerich keeps its state on class attributes, so two migrations in one process must not overlap.
_in_process = asyncio.Lock()


def url_dialect(database_url: str) -> Dialect:
    return "sqlite" if database_url.startswith("sqlite://") else "postgres"


def migration_location(dialect: Dialect) -> Path:
    """The aerich `location` of one dialect; its files live in `<location>/models/`."""
    return MIGRATIONS_ROOT / dialect


def migration_names(dialect: Dialect) -> list[str]:
    """The migration files of a dialect in the order aerich applies them."""
    files = (migration_location(dialect) / APP_LABEL).glob("*.py")
    versions = [f.name for f in files if f.name.split("_", 1)[0].isdigit()]
    return sorted(versions, key=lambda name: int(name.split("_", 1)[0]))


async def apply_migrations(database_url: str) -> list[str]:
    """Apply pending migrations and return the applied file names (empty when up to date).

    Opens and closes a Tortoise context of its own. Tortoise binds model classes process-wide
    at init, so initialise the application's Tortoise after this returns. An empty database
    gets aerich's own table from the initial migration.
    """
    dialect = url_dialect(database_url)
    config = _migration_config(database_url)
    location = str(migration_location(dialect))
    async with _in_process, _cross_process_lock(database_url), TortoiseContext() as context:
        await context.init(config=config)
        command = Command(tortoise_config=config, app=APP_LABEL, location=location)
        await command.init()
        return await command.upgrade(run_in_transaction=True)


def _migration_config(database_url: str) -> dict[str, Any]:
    # Tortoise caches compiled statements per connection name: a name per dialect keeps
    # SQLite and PostgreSQL statements apart in a process that migrates both.
    config = tortoise_config(database_url)
    name = f"migrate_{url_dialect(database_url)}"
    config["connections"] = {name: config["connections"]["default"]}
    config["apps"][APP_LABEL]["default_connection"] = name
    return config


@asynccontextmanager
async def _cross_process_lock(database_url: str) -> AsyncIterator[None]:
    if url_dialect(database_url) == "postgres":
        async with _pg_advisory_lock(database_url):
            yield
    else:
        async with _sqlite_file_lock(database_url):
            yield


@asynccontextmanager
async def _pg_advisory_lock(database_url: str) -> AsyncIterator[None]:
    # A connection of its own: a session-level lock must stay on one connection, and
    # Tortoise's pool hands migration statements to whichever connection is free.
    credentials = expand_db_url(normalize_db_url(database_url))["credentials"]
    try:
        conn = await asyncpg.connect(
            host=credentials.get("host"),
            port=credentials.get("port"),
            user=credentials.get("user"),
            password=credentials.get("password"),
            database=credentials.get("database"),
            ssl=credentials.get("ssl"),
            timeout=10,
        )
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        where = f"{credentials.get('host')}:{credentials.get('port')}/{credentials.get('database')}"
        raise DatabaseUnreachable(
            f"cannot connect to PostgreSQL at {where}: {_connect_failure(exc)}"
        ) from exc
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", PG_MIGRATION_LOCK_KEY)
        try:
            yield
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", PG_MIGRATION_LOCK_KEY)
    finally:
        await conn.close()


@asynccontextmanager
async def _sqlite_file_lock(database_url: str) -> AsyncIterator[None]:
    path = expand_db_url(database_url)["credentials"]["file_path"]
    if path == ":memory:":
        yield
        return
    # flock is independent of the POSIX locks SQLite itself takes on the same file.
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DatabaseFileUnavailable(
            f"cannot open the SQLite database {path}: {_open_failure(path, exc)}"
        ) from exc
    try:
        await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _connect_failure(exc: BaseException) -> str:
    """Why connecting failed, in a few words (asyncpg's messages may list every address)."""
    if isinstance(exc, TimeoutError):
        return "no answer within 10 seconds"
    if isinstance(exc, ConnectionRefusedError) or "Connect call failed" in str(exc):
        return "connection refused"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc)


def _open_failure(path: str, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"directory {os.path.dirname(os.path.abspath(path))} does not exist"
    return (exc.strerror or str(exc)).lower()
