"""arq jobs and crons of email automation, and the scheduling consumer.

- The scheduling consumer turns membership events into progress rows inside its cursor's
  transaction, then wakes delivery for the earliest new due time.
- `send_due_emails` delivers due rows until none are left (bounded per run), then
  queues itself for the next due time: a row goes out within seconds of becoming due,
  and the `*/5` cron only catches what a lost wake-up missed. The job id names the due
  millisecond, so every wake-up for the same moment is one job.
- Crons for cleanup and the daily report. arq runs each cron once across workers (its
  job id names the run); each is gated by the global switch.

Every job is idempotent: delivery claims rows under a lease and marks them only once,
cleanups delete what is due, and a report run twice adds a second row of the same numbers.
Progress changes are published on `segmentql:<db>:segments:<id>:progress` as
`{progress_id, segment_id}` for the `sequenceProgressChanged` subscription: delivery's and
scheduling's here, and those of committed store writes (conversions) through
`install_progress_events`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import orjson
from arq.connections import ArqRedis
from arq.cron import CronJob
from arq.worker import Function, func
from tortoise.backends.base.client import BaseDBAsyncClient

from models.automation.cleanup import delete_old_progress
from models.automation.delivery import DeliveryReport, next_due_at, send_due, send_while_due
from models.automation.mailer import Mailer
from models.automation.orm import SequenceProgress
from models.automation.progress_events import on_progress_changed
from models.automation.reports import generate_report
from models.automation.scheduling import schedule_events
from models.automation.settings import automation_settings
from models.coupons.cleanup import delete_expired_coupons
from models.segments.consumers import EventRange
from tasks.channels import segment_channel
from tasks.consumers import Consumer
from tasks.schedules import cron_jobs_for
from tasks.settings import TaskSettings

log = logging.getLogger(__name__)

SCHEDULING_CONSUMER = "email_scheduling"
SEND_DUE_JOB = "send_due_emails"
# One run keeps sending while rows are due, for at most this long, then hands over to a
# fresh job so a huge backlog never holds one job past arq's timeout.
RUN_SECONDS = 60.0
MAX_PUBLISHED_CHANGES = 10_000


def progress_channel(redis: Any, segment_id: int | str | None) -> str:
    return segment_channel(redis, segment_id, "progress")


async def publish_progress(redis: Any, changes: Iterable[tuple[int, int]]) -> None:
    """Tell `sequenceProgressChanged` subscribers which rows changed (best effort)."""
    changed = list(changes)[:MAX_PUBLISHED_CHANGES]
    if not changed:
        return
    try:
        async with redis.pipeline(transaction=False) as pipe:
            for progress_id, segment_id in changed:
                message = {"progress_id": progress_id, "segment_id": segment_id}
                pipe.publish(progress_channel(redis, segment_id), orjson.dumps(message))
            await pipe.execute()
    except Exception:
        # The rows changed either way; live screens re-read them on their next query.
        log.exception("could not publish %d progress changes", len(changed))


def install_progress_events(redis: Any) -> Callable[[], None]:
    """Publish the progress rows that committed store writes changed (orders attributed or
    withdrawn, rows skipped on conversion); returns the function that stops it."""
    return on_progress_changed(functools.partial(publish_progress, redis))


async def wake_delivery(queue: ArqRedis) -> None:
    """Queue the delivery job for the earliest due row (a no-op if it is queued already)."""
    due = await next_due_at()
    if due is None:
        return
    run_at = max(due, datetime.now(UTC))
    # Named to the millisecond: wake-ups for one moment share a job, while the running
    # job (whose id names an earlier moment) never swallows the wake-up for the next row.
    moment = int(run_at.timestamp() * 1000)
    await queue.enqueue_job(SEND_DUE_JOB, _job_id=f"send-due:{moment}", _defer_until=run_at)


def _summary(report: DeliveryReport) -> dict[str, int]:
    return {
        "sent": report.sent,
        "failed": report.failed,
        "skipped": report.skipped,
        "deferred": report.deferred,
        "retried": report.retried,
        "swept": report.swept,
    }


async def send_due_emails(ctx: dict[str, Any], limit: int | None = None) -> dict[str, int]:
    """arq job: deliver due rows (one batch of at most `limit` when given), then wake for
    the next ones."""
    mailer: Mailer = ctx["mailer"]
    total = DeliveryReport()
    if limit is not None:
        batches: AsyncIterator[DeliveryReport] = _one(send_due(mailer, limit=limit))
    else:
        batches = send_while_due(mailer, seconds=RUN_SECONDS)
    async for batch in batches:
        await publish_progress(ctx["redis"], batch.changed)
        for name, value in _summary(batch).items():
            setattr(total, name, getattr(total, name) + value)
    await wake_delivery(ctx["redis"])
    return _summary(total)


async def _one(report: Awaitable[DeliveryReport]) -> AsyncIterator[DeliveryReport]:
    yield await report


class Scheduling(Consumer):
    """Starts sequences from membership events (the consumer named `email_scheduling`)."""

    name = SCHEDULING_CONSUMER

    def __init__(self, queue: ArqRedis) -> None:
        self.queue = queue

    async def consume(self, conn: BaseDBAsyncClient, events: EventRange) -> None:
        await schedule_events(conn, events)

    async def committed(self, events: EventRange) -> None:
        rows = (
            await SequenceProgress.filter(
                segment_id=events.segment_id,
                event_id__gt=events.after_id,
                event_id__lte=events.last_id,
            )
            .limit(MAX_PUBLISHED_CHANGES)
            .values_list("id", flat=True)
        )
        if rows:
            await publish_progress(self.queue, [(int(r), events.segment_id) for r in rows])  # type: ignore[call-overload]
            await wake_delivery(self.queue)


async def process_scheduled_emails(ctx: dict[str, Any]) -> dict[str, int]:
    """arq cron (`*/5`): the safety net behind the wake-ups."""
    if not (await automation_settings()).enabled:
        return {}
    return await send_due_emails(ctx)


async def cleanup_progress(ctx: dict[str, Any]) -> dict[str, int]:
    """arq cron: delete finished progress rows older than the configured days."""
    settings = await automation_settings()
    if not settings.enabled:
        return {}
    deleted = await delete_old_progress(datetime.now(UTC), settings.progress_cleanup_days)
    return {"deleted": deleted}


async def cleanup_coupons(ctx: dict[str, Any]) -> dict[str, int]:
    """arq cron: delete unused automation coupons expired longer than the configured days."""
    settings = await automation_settings()
    if not settings.enabled:
        return {}
    deleted = await delete_expired_coupons(datetime.now(UTC), settings.coupon_cleanup_days)
    return {"deleted": deleted}


async def automation_report(ctx: dict[str, Any]) -> dict[str, int]:
    """arq cron: store the report of the last 24 h."""
    if not (await automation_settings()).enabled:
        return {}
    report = await generate_report(datetime.now(UTC))
    return {"report_id": report.id, "sent": report.sent}


# Results are read at once by `processScheduledEmails(wait: true)`; keeping each wake-up's
# result for arq's default hour would only fill Redis.
AUTOMATION_FUNCTIONS: list[Function] = [func(send_due_emails, name=SEND_DUE_JOB, keep_result=600)]


def automation_cron_jobs(settings: TaskSettings) -> list[CronJob]:
    return [
        *cron_jobs_for(
            process_scheduled_emails, "process_scheduled_emails", settings.process_emails_cron
        ),
        *cron_jobs_for(cleanup_progress, "cleanup_progress", settings.cleanup_progress_cron),
        *cron_jobs_for(cleanup_coupons, "cleanup_coupons", settings.cleanup_coupons_cron),
        *cron_jobs_for(automation_report, "automation_report", settings.automation_report_cron),
    ]
