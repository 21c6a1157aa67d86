"""Workers inside the current event loop: the server's worker for `memory://`, and burst runs.

Both use the caller's Tortoise context (jobs are tasks created from the caller's task), so
Tortoise must already be initialised; they never open or close it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from arq.connections import ArqRedis
from arq.worker import Worker, create_worker

from tasks.worker import WorkerSettings

logger = logging.getLogger("segmentql.worker")


class InProcessWorker:
    """A running arq worker task; `close()` stops it and cancels jobs still running."""

    def __init__(self, worker: Worker, queue: ArqRedis) -> None:
        self._worker = worker
        self._queue = queue
        self._task = asyncio.create_task(worker.main(), name="segmentql-inprocess-worker")
        # Worker.main_task is what arq's own shutdown path cancels.
        worker.main_task = self._task
        self._task.add_done_callback(_log_crash)

    @property
    def running(self) -> bool:
        return not self._task.done()

    @property
    def worker(self) -> Worker:
        return self._worker

    async def close(self) -> None:
        """Stop polling, cancel running jobs and wait for them; close before closing the queue."""
        self._worker.allow_pick_jobs = False
        self._task.cancel()
        for job in self._worker.tasks.values():
            job.cancel()
        await asyncio.gather(self._task, *self._worker.tasks.values(), return_exceptions=True)
        await self._queue.delete(self._worker.health_check_key)


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("in-process worker stopped", exc_info=task.exception())


def _worker(queue: ArqRedis, settings: Any, **options: Any) -> Worker:
    if settings is None:
        from gqlserver.settings import get_settings

        settings = get_settings()
    return create_worker(
        WorkerSettings,  # type: ignore[arg-type]
        redis_pool=queue,
        handle_signals=False,
        on_startup=None,
        on_shutdown=None,
        ctx={"settings": settings},
        **options,
    )


async def start_inprocess_worker(queue: ArqRedis, *, settings: Any = None) -> InProcessWorker:
    """Run the worker (jobs and cron) as a task of this loop, on the caller's Tortoise.

    Jobs see `settings` (default: the process settings) as `ctx["settings"]`.
    """
    return InProcessWorker(_worker(queue, settings), queue)


async def run_pending_jobs(queue: ArqRedis, *, settings: Any = None) -> int:
    """Run queued jobs, and jobs they enqueue, until the queue is empty; return how many ran.

    Raises arq's `FailedJobs` if any job failed. Cron jobs are not scheduled. Jobs deferred
    into the future are waited for, as arq's burst mode does.
    """
    worker = _worker(queue, settings, burst=True, cron_jobs=None, poll_delay=0.01)
    try:
        return await worker.run_check()
    finally:
        await queue.delete(worker.health_check_key)
