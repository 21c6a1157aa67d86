"""Jobs hold a short, renewed lease on arq's in-progress key, so a dead worker's job reruns soon.

arq marks a started job with an in-progress key that expires `job_timeout + 10` seconds
later (15 minutes here) and re-runs a queued job only once no such key exists. A worker
killed mid-job never deletes it, so the job (a segment's refresh, with `wait: true`
callers on it) sat for the whole 15 minutes. A leased job shortens that key to
`job_lease_seconds` as soon as it starts and renews it every third of that while it
runs; when its worker dies, the key runs out within one lease and the next worker that
polls the queue starts the same job (same id, so waiters get its result). A worker
that is alive but stalled past its lease lets a second worker start the job as well:
every job is idempotent, and refreshes of one segment are serialized by its lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any, cast

from arq.constants import in_progress_key_prefix
from arq.typing import WorkerCoroutine
from arq.worker import Function, func
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

JobFunction = Callable[..., Awaitable[Any]]


async def _extend(redis: Any, key: str, lease_ms: int) -> None:
    """Set the key to expire one lease from now; a missing key stays missing (PEXPIRE)."""
    try:
        await redis.pexpire(key, lease_ms)
    except (RedisError, OSError):
        # Redis is away: the worker notices on its next poll; the job itself goes on.
        log.warning("could not renew the lease of %s", key, exc_info=True)


async def _renew(redis: Any, key: str, lease_ms: int) -> None:
    while True:
        await asyncio.sleep(lease_ms / 3000)
        await _extend(redis, key, lease_ms)


def leased(job: JobFunction) -> WorkerCoroutine:
    """`job` renewing a lease of `ctx["settings"].job_lease_seconds` on its in-progress key."""

    @functools.wraps(job)
    async def run(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        key = in_progress_key_prefix + ctx["job_id"]
        lease_ms = max(1000, round(ctx["settings"].job_lease_seconds * 1000))
        await _extend(ctx["redis"], key, lease_ms)
        renewal = asyncio.create_task(_renew(ctx["redis"], key, lease_ms))
        try:
            return await job(ctx, *args, **kwargs)
        finally:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal

    return cast(WorkerCoroutine, run)


def leased_functions(functions: Sequence[JobFunction | Function]) -> list[Function]:
    """The worker's job functions, each leased; names, timeouts and retries stay as given."""
    return [
        replace(f, coroutine=leased(f.coroutine)) if isinstance(f, Function) else func(leased(f))
        for f in functions
    ]
