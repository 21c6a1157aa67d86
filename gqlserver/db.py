"""Tortoise configuration built from DATABASE_URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tortoise import Tortoise

from models.registry import APP_LABEL, MODEL_MODULES


def normalize_db_url(url: str) -> str:
    """Tortoise names the scheme `postgres`; accept the common `postgresql` too."""
    if url.startswith("postgresql://"):
        return "postgres://" + url[len("postgresql://") :]
    return url


def tortoise_config(database_url: str, *, with_aerich: bool = True) -> dict[str, Any]:
    modules = [*MODEL_MODULES, "aerich.models"] if with_aerich else list(MODEL_MODULES)
    return {
        "connections": {"default": normalize_db_url(database_url)},
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
