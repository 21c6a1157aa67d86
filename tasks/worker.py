"""The arq worker of `segmentql worker`: job registry, JSON codec, Tortoise for the jobs.

Jobs find the settings in `ctx["settings"]` and the database through Tortoise's context, which
`on_startup` opens in the worker's main task (every job task inherits it). The worker never
changes the schema: `segmentql migrate` or `segmentql serve` does.
"""

from __future__ import annotations

import logging
from typing import Any

from aerich.models import Aerich
from arq.connections import RedisSettings
from arq.worker import create_worker
from redis.exceptions import ConnectionError as RedisConnectionError
from tortoise.context import TortoiseContext
from tortoise.exceptions import OperationalError

from tasks.codec import deserialize, serialize
from tasks.registry import CRON_JOBS, FUNCTIONS


class DatabaseUnavailable(RuntimeError):
    """The worker cannot run jobs without its database."""


async def on_startup(ctx: dict[str, Any]) -> None:
    """Open Tortoise on DATABASE_URL; refuse to take jobs if it is unreachable or unmigrated."""
    from gqlserver.db import APP_LABEL, tortoise_config
    from gqlserver.migrate import migration_names, url_dialect

    if ctx.get("settings") is None:
        from gqlserver.settings import get_settings

        ctx["settings"] = get_settings()
    database_url = ctx["settings"].database_url
    context = TortoiseContext()
    # Entered for good in this task: jobs are tasks created from it and inherit the context.
    context.__enter__()
    await context.init(config=tortoise_config(database_url))
    ctx["tortoise"] = context
    try:
        await context.db().execute_query("SELECT 1")
    except Exception as exc:
        raise DatabaseUnavailable(f"DATABASE_URL is not reachable: {exc}") from exc
    try:
        applied = set(await Aerich.filter(app=APP_LABEL).values_list("version", flat=True))
    except OperationalError:
        applied = set()
    missing = [name for name in migration_names(url_dialect(database_url)) if name not in applied]
    if missing:
        raise DatabaseUnavailable(
            f"the database lacks {len(missing)} migration(s) ({', '.join(missing)}): "
            "run `segmentql migrate` first"
        )
    from tasks.broadcast import install_broadcast

    # Refreshes run by this worker reach the subscribers of every server process.
    ctx["uninstall_broadcast"] = install_broadcast(ctx["redis"])


async def on_shutdown(ctx: dict[str, Any]) -> None:
    uninstall_broadcast = ctx.pop("uninstall_broadcast", None)
    if uninstall_broadcast is not None:
        uninstall_broadcast()
    context: TortoiseContext | None = ctx.get("tortoise")
    if context is not None:
        await context.close_connections()


class WorkerSettings:
    """arq settings shared by every worker; whoever runs one passes its Redis connection."""

    functions = FUNCTIONS
    cron_jobs = CRON_JOBS
    on_startup = on_startup
    on_shutdown = on_shutdown
    job_serializer = serialize
    job_deserializer = deserialize
    max_jobs = 8
    job_timeout = 900
    # `wait: true` callers and job status queries read results within this window.
    keep_result = 3600


def run_worker() -> None:
    """Run the worker until SIGINT/SIGTERM (`segmentql worker`)."""
    from gqlserver.settings import get_settings

    settings = get_settings()
    if settings.redis_in_memory:
        raise SystemExit(
            "REDIS_URL=memory:// keeps the queue inside `segmentql serve`, which runs the worker "
            "itself; set REDIS_URL=redis://... to run a separate worker"
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    worker = create_worker(
        WorkerSettings,  # type: ignore[arg-type]
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        ctx={"settings": settings},
    )
    try:
        worker.run()
    except DatabaseUnavailable as exc:
        raise SystemExit(f"segmentql worker: {exc}") from exc
    except RedisConnectionError as exc:
        raise SystemExit(f"segmentql worker: REDIS_URL is not reachable: {exc}") from exc
