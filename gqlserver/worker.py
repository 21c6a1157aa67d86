"""The arq worker's process wiring: one startup path for `segmentql worker` and the in-process one.

Both kinds start through `on_startup`, so what it prepares (the database, the event
consumers, and whatever later domains add) exists in each. The separate worker opens
Tortoise on DATABASE_URL in its main task (every job task inherits that context) and
refuses to take jobs on an unreachable or unmigrated database; the in-process worker
(`REDIS_URL=memory://`, inside `serve`) and burst runs use the Tortoise context of the
task that starts them. The worker never changes the schema: `migrate` or `serve` does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import replace
from datetime import timedelta
from typing import Any

from aerich.models import Aerich
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Worker, create_worker
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from tortoise.context import TortoiseContext, get_current_context
from tortoise.exceptions import OperationalError

from gqlserver.clierrors import (
    CommandError,
    DatabaseFileUnavailable,
    DatabaseUnreachable,
    InvalidSettings,
)
from gqlserver.db import APP_LABEL, tortoise_config
from gqlserver.migrate import migration_names, url_dialect
from gqlserver.settings import Settings, get_settings
from models.automation.mailer import Mailer
from models.automation.secret import link_secret
from models.mail.transport import transport_for
from tasks.automation import Scheduling
from tasks.broadcast import Broadcaster
from tasks.codec import deserialize, serialize
from tasks.consumers import ConsumerRunner
from tasks.registry import FUNCTIONS, cron_jobs

logger = logging.getLogger("segmentql.worker")


async def _open_database(ctx: dict[str, Any], settings: Settings) -> None:
    database_url = settings.database_url
    context = TortoiseContext()
    # Entered for good in this task: jobs are tasks created from it and inherit the context.
    context.__enter__()
    config = tortoise_config(database_url, statement_timeout=settings.statement_timeout_seconds)
    await context.init(config=config)
    ctx["tortoise"] = context
    try:
        await context.db().execute_query("SELECT 1")
    except Exception as exc:
        unavailable = (
            DatabaseFileUnavailable
            if url_dialect(database_url) == "sqlite"
            else DatabaseUnreachable
        )
        raise unavailable(f"DATABASE_URL is not reachable: {exc}") from exc
    try:
        applied = set(await Aerich.filter(app=APP_LABEL).values_list("version", flat=True))
    except OperationalError:
        applied = set()
    missing = [name for name in migration_names(url_dialect(database_url)) if name not in applied]
    if missing:
        raise CommandError(
            f"the database lacks {len(missing)} migration(s) ({', '.join(missing)}): "
            "run `segmentql migrate` first"
        )


async def mailer_for(settings: Settings) -> Mailer:
    """Where automation mail goes: SMTP_URL, or `.eml` files in the outbox without it."""
    return Mailer(
        transport=transport_for(
            settings.smtp_url, settings.outbox_dir, connections=settings.smtp_connections
        ),
        mail_from=settings.mail_from,
        public_url=settings.public_url,
        secret=await link_secret(settings.secret_key),
        concurrency=settings.smtp_connections,
        lease=timedelta(seconds=settings.delivery_lease_seconds),
    )


async def on_startup(ctx: dict[str, Any]) -> None:
    """Open the database unless the caller's is in use, then the mailer and the consumers."""
    settings: Settings = ctx["settings"]
    active = get_current_context()
    if active is None or not active.inited:
        await _open_database(ctx, settings)
    ctx["mailer"] = await mailer_for(settings)
    # Refreshes run by any process reach the subscribers of every server process, and
    # start the email sequences of their segments.
    consumers = ConsumerRunner([Broadcaster(ctx["redis"]), Scheduling(ctx["redis"])])
    await consumers.start()
    ctx["consumers"] = consumers


async def on_shutdown(ctx: dict[str, Any]) -> None:
    consumers: ConsumerRunner | None = ctx.pop("consumers", None)
    if consumers is not None:
        await consumers.stop()
    mailer: Mailer | None = ctx.pop("mailer", None)
    if mailer is not None:
        await mailer.transport.close()
    context: TortoiseContext | None = ctx.pop("tortoise", None)
    if context is not None:
        await context.close_connections()


def worker_options(settings: Settings) -> dict[str, Any]:
    """arq Worker arguments shared by every worker; whoever runs one adds its Redis."""
    return {
        "functions": FUNCTIONS,
        "cron_jobs": cron_jobs(settings),
        "on_startup": on_startup,
        "on_shutdown": on_shutdown,
        "job_serializer": serialize,
        "job_deserializer": deserialize,
        "max_jobs": 8,
        "job_timeout": 900,
        # `wait: true` callers and job status queries read results within this window.
        "keep_result": 3600,
        "ctx": {"settings": settings},
    }


def _worker(queue: ArqRedis, settings: Settings | None, **options: Any) -> Worker:
    return create_worker(
        worker_options(settings or get_settings()) | options,  # type: ignore[arg-type]
        redis_pool=queue,
        handle_signals=False,
    )


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
        """Stop polling, cancel running jobs and wait for them; close before closing the queue.

        arq's own `close()` would also close the pool, which belongs to the server here.
        """
        self._worker.allow_pick_jobs = False
        self._task.cancel()
        for job in self._worker.tasks.values():
            job.cancel()
        await asyncio.gather(self._task, *self._worker.tasks.values(), return_exceptions=True)
        await on_shutdown(self._worker.ctx)
        await self._queue.delete(self._worker.health_check_key)


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("in-process worker stopped", exc_info=task.exception())


async def start_inprocess_worker(
    queue: ArqRedis, *, settings: Settings | None = None
) -> InProcessWorker:
    """Run the worker (jobs, crons, consumers) as a task of this loop, on the caller's Tortoise.

    Jobs see `settings` (default: the process settings) as `ctx["settings"]`.
    """
    return InProcessWorker(_worker(queue, settings), queue)


async def run_pending_jobs(queue: ArqRedis, *, settings: Settings | None = None) -> int:
    """Run queued jobs, and jobs they enqueue, until the queue is empty; return how many ran.

    Raises arq's `FailedJobs` if any job failed. Cron jobs are not scheduled. Jobs deferred
    into the future are waited for, as arq's burst mode does.
    """
    worker = _worker(queue, settings, burst=True, cron_jobs=None, poll_delay=0.01)
    try:
        return await worker.run_check()
    finally:
        await on_shutdown(worker.ctx)
        await queue.delete(worker.health_check_key)


# Redis unreachable: the worker reconnects after 1, 2, 4 ... seconds, at most 30 apart.
RECONNECT_BACKOFF = ExponentialBackoff(cap=30, base=1)
# A worker that ran this long before losing Redis starts its backoff afresh.
HEALTHY_RUN_SECONDS = 60.0
REDIS_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class WorkerProcess:
    """`segmentql worker`: one arq worker after another, reconnecting with backoff whenever
    Redis goes away, until SIGINT or SIGTERM.

    arq's own `Worker.run()` ends the process when a poll meets a dropped connection.
    Here each outage closes that worker as a signal would (running jobs are cancelled:
    their lease runs out and a worker runs them again), waits, and starts a new one,
    which reopens the database and the event consumers through `on_startup`.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stopping = asyncio.Event()
        self._current: Worker | None = None

    def stop(self, signum: int = signal.SIGTERM) -> None:
        self._stopping.set()
        if self._current is not None:
            self._current.handle_sig(signal.Signals(signum))

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.stop, signum)
        failures = 0
        while not self._stopping.is_set():
            started = loop.time()
            try:
                await self._run_one()
                return  # stopped by a signal
            except CommandError:
                raise  # the database is unreachable or unmigrated: no Redis backoff helps
            except REDIS_UNREACHABLE as exc:
                failures = 1 if loop.time() - started > HEALTHY_RUN_SECONDS else failures + 1
                delay = RECONNECT_BACKOFF.compute(failures - 1)
                logger.warning(
                    "REDIS_URL is not reachable (%s): reconnecting in %.0f s", exc, delay
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)

    async def _run_one(self) -> None:
        worker = create_worker(
            worker_options(self.settings),  # type: ignore[arg-type]
            # No retries of arq's own: the backoff above is the one schedule of attempts.
            redis_settings=replace(RedisSettings.from_dsn(self.settings.redis_url), conn_retries=0),
            handle_signals=False,
        )
        self._current = worker
        worker.main_task = asyncio.create_task(worker.main())
        try:
            await worker.main_task
        except asyncio.CancelledError:
            if not self._stopping.is_set():
                raise
        finally:
            self._current = None
            await _close_after(worker)


async def _close_after(worker: Worker) -> None:
    """Cancel the worker's jobs and run its shutdown, whether or not Redis still answers."""
    for task in worker.tasks.values():
        task.cancel()
    await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
    if "redis" in worker.ctx:  # on_startup ran
        await on_shutdown(worker.ctx)
    pool = worker._pool
    if pool is not None:
        with contextlib.suppress(*REDIS_UNREACHABLE):
            await pool.delete(worker.health_check_key)
        with contextlib.suppress(*REDIS_UNREACHABLE):
            await pool.close(close_connection_pool=True)


def run_worker() -> None:
    """Run the worker until SIGINT/SIGTERM (`segmentql worker`)."""
    settings = get_settings()
    if settings.redis_in_memory:
        raise InvalidSettings(
            "REDIS_URL=memory:// keeps the queue inside `segmentql serve`, which runs the worker "
            "itself; set REDIS_URL=redis://... to run a separate worker"
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # Settings (cron schedules included) were checked as they loaded; the database and
    # Redis are checked by the worker as it starts.
    asyncio.run(WorkerProcess(settings).run())
