"""Live re-evaluation wiring: coalesce changed customer ids in Redis, re-evaluate them in a job.

The store-changes listener must not slow an import down, so it only adds the ids to a
Redis set and enqueues one arq job per `COALESCE_SECONDS` window, deferred to the end
of that window (the job id names the window, so every batch of the window shares one
job). The job atomically renames the pending set to a set of its own and re-evaluates
those customers; a retried job finds its own set again. The window is computed after
the ids were added, so ids added in window w are always seen by job w, which starts
only once w has ended (on one clock; ids that a skewed clock strands in the pending
set are picked up by the sweep). A job that failed leaves its set behind; the sweep
cron (every minute) puts those ids back and schedules a job, so a change is never
lost, only delayed.

Once `needs_full_refresh` says so for the pending ids, the set is replaced by one `ALL` marker (a
bulk import): the job then fully refreshes the live segments instead, and Redis
memory stays bounded.

With `REDIS_URL=memory://` the CLI import has no worker to hand the ids to:
`live_changes_for_import` collects them and re-evaluates inline once the import ends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from arq import ArqRedis
from arq.constants import job_key_prefix
from arq.cron import CronJob, cron
from redis.exceptions import RedisError, ResponseError

from models.segments.reevaluation import (
    needs_full_refresh,
    reevaluate_customers,
    refresh_live_segments,
)
from models.store.changes import on_customers_changed

log = logging.getLogger(__name__)

JOB_NAME = "reevaluate_changed_customers"
COALESCE_SECONDS = 2.0
PENDING_KEY = "segmentql:live:pending"
PROCESSING_PREFIX = "segmentql:live:processing:"
ALL = "all"
_SADD_CHUNK = 10_000

Listener = Callable[[set[int]], Awaitable[None]]


def window_job_id(window: int) -> str:
    return f"segmentql:live:{window}"


async def schedule_window(queue: ArqRedis, *, clock: Callable[[], float] = time.time) -> None:
    """Make sure the job of the current window is queued (a no-op if it already is)."""
    window = int(clock() // COALESCE_SECONDS)
    run_at = datetime.fromtimestamp((window + 1) * COALESCE_SECONDS, UTC)
    await queue.enqueue_job(JOB_NAME, _job_id=window_job_id(window), _defer_until=run_at)


async def enqueue_reevaluation(
    queue: ArqRedis, customer_ids: Iterable[int], *, clock: Callable[[], float] = time.time
) -> None:
    """Add customers to the pending set and schedule the current window's job."""
    ids = sorted(set(customer_ids))
    if not ids:
        return
    async with queue.pipeline(transaction=False) as pipe:
        for start in range(0, len(ids), _SADD_CHUNK):
            pipe.sadd(PENDING_KEY, *ids[start : start + _SADD_CHUNK])
        pipe.scard(PENDING_KEY)
        pending = (await pipe.execute())[-1]
    if needs_full_refresh(pending):
        async with queue.pipeline(transaction=True) as pipe:
            pipe.delete(PENDING_KEY)
            pipe.sadd(PENDING_KEY, ALL)
            await pipe.execute()
    await schedule_window(queue, clock=clock)


def changes_listener(queue: ArqRedis) -> Listener:
    """A store-changes listener that hands the ids to the worker."""

    async def listener(customer_ids: set[int]) -> None:
        try:
            await enqueue_reevaluation(queue, customer_ids)
        except Exception:
            # The store change is committed either way; live membership catches up at
            # the next refresh. An import must not fail because Redis hiccupped.
            log.exception("could not queue live re-evaluation of %d customers", len(customer_ids))

    return listener


def install_live_reevaluation(queue: ArqRedis) -> Callable[[], None]:
    """Register the enqueuing listener; returns the function that removes it."""
    return on_customers_changed(changes_listener(queue))


async def _claim(redis: Any, processing: str) -> bool:
    """Move the pending set to this job's own key, unless a previous try already did."""
    if await redis.exists(processing):
        return True
    try:
        await redis.rename(PENDING_KEY, processing)
    except ResponseError as error:
        if "no such key" in str(error).lower():
            return False  # another window's job already took them
        raise
    return True


async def _reevaluate_set(redis: Any, key: str) -> dict[str, Any]:
    if await redis.sismember(key, ALL):
        outcomes = await refresh_live_segments()
        return {"customers": "all", "refreshes": len(outcomes)}
    ids = {int(member) for member in await redis.smembers(key)}
    outcomes = await reevaluate_customers(ids)
    return {
        "customers": len(ids),
        "refreshes": len(outcomes),
        "entered": sum(o.entered_count for o in outcomes),
        "exited": sum(o.exited_count for o in outcomes),
    }


async def reevaluate_changed_customers(ctx: dict[str, Any]) -> dict[str, Any]:
    """arq job: re-evaluate the customers changed during this job's window (idempotent)."""
    redis: Any = ctx["redis"]  # the worker's ArqRedis
    processing = PROCESSING_PREFIX + ctx["job_id"]
    if not await _claim(redis, processing):
        return {"customers": 0, "refreshes": 0}
    summary = await _reevaluate_set(redis, processing)
    await redis.delete(processing)
    return summary


async def sweep_live_reevaluation(ctx: dict[str, Any]) -> dict[str, Any]:
    """arq cron: give the ids of failed jobs back to the pending set and schedule a job."""
    redis: Any = ctx["redis"]  # the worker's ArqRedis
    restored = 0
    async for raw in redis.scan_iter(match=PROCESSING_PREFIX + "*"):
        key = raw.decode() if isinstance(raw, bytes) else raw
        job_id = key[len(PROCESSING_PREFIX) :]
        if await redis.exists(job_key_prefix + job_id):
            continue  # still queued or running: it will finish its own set
        async with redis.pipeline(transaction=True) as pipe:
            pipe.sunionstore(PENDING_KEY, [PENDING_KEY, key])
            pipe.delete(key)
            await pipe.execute()
        restored += 1
    if await redis.scard(PENDING_KEY):
        await schedule_window(redis)
    return {"restored_sets": restored}


@asynccontextmanager
async def live_changes_for_import(redis_url: str) -> AsyncIterator[None]:
    """Keep live segments current across a CLI import.

    With a real Redis the worker re-evaluates (the listener only enqueues). With
    memory:// no worker runs, so the ids are collected and re-evaluated here once the
    import has finished: the import itself is not slowed down per batch.
    """
    if not redis_url.startswith("memory://"):
        from tasks.queue import create_queue

        try:
            queue = await create_queue(redis_url)
        except (OSError, RedisError) as error:
            # The import matters more: live segments catch up at their next refresh.
            log.warning("Redis unreachable, live segments will not follow this import: %s", error)
            yield
            return
        remove = install_live_reevaluation(queue)
        try:
            yield
        finally:
            remove()
            await queue.aclose()
        return

    changed: set[int] = set()
    everyone = False

    async def collect(customer_ids: set[int]) -> None:
        nonlocal everyone
        if everyone:
            return
        changed.update(customer_ids)
        if needs_full_refresh(len(changed)):
            everyone = True
            changed.clear()

    remove = on_customers_changed(collect)
    try:
        yield
    finally:
        remove()
    if everyone:
        await refresh_live_segments()
    elif changed:
        await reevaluate_customers(changed)


# What the worker registers. The job's name is its function's (`JOB_NAME`).
LIVE_FUNCTIONS: list[Callable[..., Awaitable[Any]]] = [reevaluate_changed_customers]
LIVE_CRON_JOBS: list[CronJob] = [cron(sweep_live_reevaluation, second=30)]
