"""Live re-evaluation wiring: the database lists the changed customers, Redis wakes the job.

Every write of store data records its customers in the `changed_customer` table in its
own transaction (`models.store.effects`), so no change depends on Redis. After the
commit the store-changes listener only schedules one arq job per `COALESCE_SECONDS`
window, deferred to the end of that window (the job id names the window, so every batch
of the window shares one job). The job drains the table
(`models.segments.live_changes`): idempotent, and safe with several workers. Whatever
a wake-up missed (Redis down at the time, a worker killed mid-drain) the sweep cron
finds in the table within a minute and schedules a job for it.

With `REDIS_URL=memory://` the CLI import has no worker to wake: `live_changes_for_import`
drains the table itself once the import ends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from arq import ArqRedis
from arq.cron import CronJob, cron
from redis.exceptions import RedisError

from models.segments.live_changes import drain_changed_customers
from models.store.changed_customers import has_claimable_changes
from models.store.changes import on_customers_changed
from tasks.automation import install_progress_events

log = logging.getLogger(__name__)

JOB_NAME = "reevaluate_changed_customers"
COALESCE_SECONDS = 2.0

Listener = Callable[[set[int]], Awaitable[None]]


def window_job_id(window: int) -> str:
    return f"segmentql:live:{window}"


async def schedule_window(queue: ArqRedis, *, clock: Callable[[], float] = time.time) -> None:
    """Make sure the job of the current window is queued (a no-op if it already is)."""
    window = int(clock() // COALESCE_SECONDS)
    run_at = datetime.fromtimestamp((window + 1) * COALESCE_SECONDS, UTC)
    await queue.enqueue_job(JOB_NAME, _job_id=window_job_id(window), _defer_until=run_at)


def changes_listener(queue: ArqRedis) -> Listener:
    """A store-changes listener that wakes the worker (the ids are already in the table)."""

    async def listener(customer_ids: set[int]) -> None:
        try:
            await schedule_window(queue)
        except Exception as error:
            # The change and its row in changed_customer are committed: the sweep finds
            # them once Redis is back. An import must not fail because Redis is away.
            log.warning(
                "could not wake live re-evaluation of %d customers (%s): the sweep will",
                len(customer_ids),
                error,
            )

    return listener


def install_live_reevaluation(queue: ArqRedis) -> Callable[[], None]:
    """Register the enqueuing listener; returns the function that removes it."""
    return on_customers_changed(changes_listener(queue))


async def reevaluate_changed_customers(ctx: dict[str, Any]) -> dict[str, Any]:
    """arq job: drain the changed-customer table into live re-evaluation (idempotent)."""
    return asdict(await drain_changed_customers())


async def sweep_live_reevaluation(ctx: dict[str, Any]) -> dict[str, Any]:
    """arq cron: schedule a drain when changed customers wait with no job to take them."""
    waiting = await has_claimable_changes()
    if waiting:
        await schedule_window(ctx["redis"])
    return {"scheduled": waiting}


@asynccontextmanager
async def live_changes_for_import(redis_url: str) -> AsyncIterator[None]:
    """Keep live segments current across a CLI import.

    With a real Redis each batch wakes the worker. With memory:// no worker runs, so the
    changed customers the import recorded are re-evaluated here once it has finished:
    the import itself is not slowed down per batch.
    """
    if redis_url.startswith("memory://"):
        yield
        await drain_changed_customers()
        return

    from tasks.queue import create_queue

    try:
        queue = await create_queue(redis_url)
    except (OSError, RedisError) as error:
        # The import matters more: the worker's sweep finds the changes once Redis is back.
        log.warning("Redis unreachable, live segments follow this import later: %s", error)
        yield
        return
    remove = install_live_reevaluation(queue)
    # Orders the import attributes are published to progress subscribers too.
    remove_progress = install_progress_events(queue)
    try:
        yield
    finally:
        remove_progress()
        remove()
        await queue.aclose()


# What the worker registers. The job's name is its function's (`JOB_NAME`).
LIVE_FUNCTIONS: list[Callable[..., Awaitable[Any]]] = [reevaluate_changed_customers]
LIVE_CRON_JOBS: list[CronJob] = [cron(sweep_live_reevaluation, second=30)]
