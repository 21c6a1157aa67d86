"""`segmentql serve`: check the settings, the database and Redis, then run uvicorn."""

from __future__ import annotations

import asyncio

import uvicorn

from gqlserver.preflight import require_redis
from gqlserver.settings import Settings, get_settings


def run_server(host: str | None = None, port: int | None = None) -> None:
    """Serve until stopped. Unsafe settings (UnsafeSettings), an unreachable database or
    Redis (command errors) are raised before a socket is opened."""
    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    settings.check_serving(host)
    # The lifespan applies migrations and opens Redis too, but a failure there is a
    # traceback in uvicorn's log; here it is one line and an exit code.
    asyncio.run(_preflight(settings))
    # The app prints its own URL (first start), so it needs the interface actually bound.
    settings = settings.model_copy(update={"host": host, "port": port})

    from gqlserver.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port, lifespan="on")


async def _preflight(settings: Settings) -> None:
    from gqlserver.migrate import apply_migrations

    await apply_migrations(settings.database_url)
    await require_redis(settings.redis_url)
