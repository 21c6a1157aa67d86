"""Running automation by hand: start a customer's sequence, process due mail, change the
settings, make a report."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import uuid4

import strawberry
from arq.jobs import Job
from redis.exceptions import RedisError

from models.automation.orm import TriggerEvent
from models.automation.reports import generate_report
from models.automation.scheduling import start_sequence
from models.automation.settings import AutomationSettings as SettingsData
from models.automation.settings import automation_settings, update_automation_settings
from models.errors import DomainError, ErrorCode
from resolvers.automation.enums import TriggerEventType
from resolvers.automation.inputs import AutomationSettingsInput
from resolvers.automation.payloads import payload_of, refused
from resolvers.automation.stats_types import AutomationReport
from resolvers.automation.types import AutomationSettings, SequenceProgress
from resolvers.context import Info
from resolvers.errors import QUEUE_LOST_WHILE_WAITING, Error, queue_unavailable
from resolvers.ids import parse_id
from resolvers.permissions import CanWrite, IsAdmin
from tasks.automation import SEND_DUE_JOB, publish_progress, wake_delivery

log = logging.getLogger(__name__)

MAX_PROCESS_LIMIT = 10_000
DEFAULT_WAIT_SECONDS = 120.0
POLL_SECONDS = 0.1


@strawberry.type(description="The rows started, or why none could be.")
class StartSequencePayload:
    scheduled: list[SequenceProgress] = strawberry.field(
        description="One row per active step of the trigger; empty with no error when the "
        "overlap rule, max sends or the subscription leaves nothing to start."
    )
    errors: list[Error] = strawberry.field(description="Empty when the rules were applied.")


@strawberry.type(description="The queued delivery job and, after waiting, what it did.")
class ProcessEmailsPayload:
    job_id: str | None = strawberry.field(
        description="The arq job's id; null when nothing was queued."
    )
    sent: int | None = strawberry.field(
        description="Rows sent by this call's job; null with `wait: false`, when the wait ran "
        "out, or when the job failed."
    )
    failed: int | None = strawberry.field(description="Rows this call's job failed.")
    skipped: int | None = strawberry.field(description="Rows this call's job skipped.")
    deferred: int | None = strawberry.field(
        description="Rows this call's job deferred for the per-customer rate limit."
    )
    retried: int | None = strawberry.field(
        description="Rows this call's job will retry after a transient error."
    )
    errors: list[Error] = strawberry.field(
        description="Empty when the job was queued (and, with `wait`, waited for); UNAVAILABLE "
        "when the job queue is unreachable: nothing queued, or with a job id, queued but the "
        "wait was cut short."
    )


@strawberry.type(description="The settings as stored, or why they were not.")
class AutomationSettingsPayload:
    settings: AutomationSettings | None = strawberry.field(
        description="Null when there are errors."
    )
    errors: list[Error] = strawberry.field(description="Empty when the settings were stored.")


@strawberry.type(description="The report made.")
class AutomationReportPayload:
    report: AutomationReport | None = strawberry.field(description="The stored report.")
    errors: list[Error] = strawberry.field(description="Empty when the report was stored.")


async def _job_result(job: Job, seconds: float) -> dict[str, Any] | None:
    """The job's counts once it finished; None if it failed or is still running."""
    try:
        result = await job.result(timeout=seconds, poll_delay=POLL_SECONDS)
    except TimeoutError:
        return None
    except (RedisError, OSError):
        raise
    except Exception as exc:  # the job's own failure, or its result no longer kept
        log.info("delivery job %s failed: %s", job.job_id, exc)
        return None
    return result if isinstance(result, dict) else None


async def _stored_settings(input: AutomationSettingsInput) -> SettingsData:
    return await update_automation_settings(input.applied_to(await automation_settings()))


def _wait_seconds(info: Info) -> float:
    settings = info.context.settings
    return DEFAULT_WAIT_SECONDS if settings is None else settings.refresh_wait_seconds


@strawberry.type
class AutomationMutation:
    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Applies the segment's rules for one customer now, as if they had just "
        "entered or exited: subscribed only, the overlap rule, max sends.",
    )
    async def start_email_sequence(
        self,
        info: Info,
        segment_id: Annotated[strawberry.ID, strawberry.argument(description="The segment.")],
        customer_id: Annotated[strawberry.ID, strawberry.argument(description="The customer.")],
        trigger: Annotated[
            TriggerEventType,  # type: ignore[valid-type]
            strawberry.argument(description="Which sequence to start."),
        ],
    ) -> StartSequencePayload:
        try:
            rows = await start_sequence(
                parse_id(segment_id, "segmentId"),
                parse_id(customer_id, "customerId"),
                TriggerEvent(trigger),
            )
        except DomainError as exc:
            return refused(StartSequencePayload, exc, scheduled=[])
        queue = info.context.queue
        if rows and queue is not None:
            changed = [(row.id, row.segment_id) for row in rows]  # type: ignore[attr-defined]
            await publish_progress(queue, changed)
            try:
                await wake_delivery(queue)
            except (RedisError, OSError):
                # The rows are stored; the next delivery run (the `*/5` cron at the latest,
                # once the queue is back) sends them.
                log.warning("could not wake delivery for %d new rows", len(rows), exc_info=True)
        return StartSequencePayload(scheduled=[SequenceProgress.of(r) for r in rows], errors=[])

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Queues a delivery run for the rows due now; `wait: true` answers once it "
        "finished, with its counts.",
    )
    async def process_scheduled_emails(
        self,
        info: Info,
        limit: Annotated[
            int | None,
            strawberry.argument(
                description=f"At most this many rows, 1 to {MAX_PROCESS_LIMIT}; "
                "null sends until none are due."
            ),
        ] = None,
        wait: Annotated[
            bool | None, strawberry.argument(description="Answer after the job finished.")
        ] = False,
    ) -> ProcessEmailsPayload:
        if limit is not None and not 1 <= limit <= MAX_PROCESS_LIMIT:
            return refused(
                ProcessEmailsPayload,
                DomainError.single(
                    "limit",
                    ErrorCode.INVALID,
                    f"Must be between 1 and {MAX_PROCESS_LIMIT}, got {limit}.",
                ),
            )
        queue = info.context.queue
        if queue is None:
            raise RuntimeError("processScheduledEmails needs a job queue in the request context")
        try:
            job = await queue.enqueue_job(
                SEND_DUE_JOB, limit, _job_id=f"process-emails:{uuid4().hex}"
            )
        except (RedisError, OSError):
            return refused(ProcessEmailsPayload, queue_unavailable())
        assert job is not None  # a new job id is never taken
        try:
            counts = await _job_result(job, _wait_seconds(info)) if wait else None
        except (RedisError, OSError):
            return refused(
                ProcessEmailsPayload, queue_unavailable(QUEUE_LOST_WHILE_WAITING), job_id=job.job_id
            )
        return ProcessEmailsPayload(
            job_id=job.job_id,
            sent=None if counts is None else counts.get("sent"),
            failed=None if counts is None else counts.get("failed"),
            skipped=None if counts is None else counts.get("skipped"),
            deferred=None if counts is None else counts.get("deferred"),
            retried=None if counts is None else counts.get("retried"),
            errors=[],
        )

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Changes the given settings for every server and worker at once; nothing "
        "changes if any value is out of bounds.",
    )
    async def update_automation_settings(
        self,
        input: Annotated[
            AutomationSettingsInput, strawberry.argument(description="The settings to change.")
        ],
    ) -> AutomationSettingsPayload:
        return await payload_of(
            AutomationSettingsPayload,
            "settings",
            lambda: _stored_settings(input),
            AutomationSettings.of,
        )

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Makes and stores a report of the last 24 hours now.",
    )
    async def generate_automation_report(self) -> AutomationReportPayload:
        report = await generate_report(datetime.now(UTC))
        return AutomationReportPayload(report=AutomationReport.of(report), errors=[])
