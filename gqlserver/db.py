"""Tortoise configuration built from DATABASE_URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url

from models.registry import APP_LABEL, MODEL_MODULES


def normalize_db_url(url: str) -> str:
    """Tortoise names the scheme `postgres`; accept the common `postgresql` too."""
    if url.startswith("postgresql://"):
        return "postgres://" + url[len("postgresql://") :]
    return url


# Tortoise's asyncpg client, repeating a read once after a dropped connection.
POSTGRES_ENGINE = "gqlserver.pgclient"


def connection_config(
    database_url: str, *, statement_timeout: float | None = None
) -> str | dict[str, Any]:
    """Tortoise's connection entry: PostgreSQL on the reconnecting client, with
    `statement_timeout` (seconds; None or 0: none) set on every pooled connection."""
    url = normalize_db_url(database_url)
    if not url.startswith("postgres://"):
        return url
    config = expand_db_url(url)
    config["engine"] = POSTGRES_ENGINE
    if statement_timeout:
        server_settings = config["credentials"].setdefault("server_settings", {})
        server_settings["statement_timeout"] = str(max(1, round(statement_timeout * 1000)))
    return config


def tortoise_config(
    database_url: str, *, with_aerich: bool = True, statement_timeout: float | None = None
) -> dict[str, Any]:
    """`statement_timeout` (seconds) bounds every statement on PostgreSQL: the server and
    the worker pass SEGMENTQL_STATEMENT_TIMEOUT_SECONDS; migrations and CLI commands run
    without one."""
    modules = [*MODEL_MODULES, "aerich.models"] if with_aerich else list(MODEL_MODULES)
    return {
        "connections": {
            "default": connection_config(database_url, statement_timeout=statement_timeout)
        },
        "apps": {APP_LABEL: {"models": modules, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


@asynccontextmanager
async def open_database(database_url: str) -> AsyncIterator[None]:
    """Tortoise for a CLI command or the worker (the server registers it in its lifespan)."""
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        yield
    finally:
        await Tortoise.close_connections()
