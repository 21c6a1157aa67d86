"""arq jobs of segments: refresh one segment, and the auto-refresh cron that queues the due ones.

Refresh jobs use the id `refresh-segment:<segment id>`, so a segment is queued at most
once at a time. arq refuses an id while its job is queued or running and also while
its result is kept (the worker keeps results for `wait: true` callers);
`enqueue_refresh` drops a finished job's kept result and enqueues again, so a refresh
asked for after one finished is never swallowed, while one asked for while the same
segment is queued or running joins that job.

Both jobs are idempotent: running a refresh twice records no events the second time
(the diff is empty), and the cron only enqueues.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from arq.connections import ArqRedis
from arq.constants import result_key_prefix
from arq.cron import CronJob
from arq.jobs import Job, JobStatus
from arq.worker import Function, func

from models.errors import DomainError
from models.segments import refresh as segment_refresh
from tasks.schedules import cron_jobs_for
from tasks.settings import TaskSettings

log = logging.getLogger(__name__)

REFRESH_JOB = "refresh_segment"
AUTO_REFRESH_CRON_NAME = "auto_refresh_segments"
# A refresh stamps last_refresh_at a little after the cron fired; without this slack a
# segment refreshed by yesterday's 05:00 run would be "23h59m old" at today's 05:00 and
# wait another day. Capped at a tenth of the maximum age for short ages.
DUE_SLACK = timedelta(minutes=10)


def refresh_job_id(segment_id: int) -> str:
    return f"refresh-segment:{segment_id}"


async def enqueue_refresh(queue: ArqRedis, segment_id: int) -> Job:
    """The segment's refresh job: a new one, or the one already queued or running.

    The segment shows PENDING from now until its job starts, so a caller that stops
    waiting never reads the previous refresh's COMPLETED as this one's outcome. Raises
    Redis's errors (the status is put back) when the queue is unreachable.
    """
    previous = await segment_refresh.mark_refresh_queued(segment_id)
    try:
        return await _enqueue_refresh_job(queue, segment_id)
    except Exception:
        await segment_refresh.unmark_refresh_queued(segment_id, previous)
        raise


async def _enqueue_refresh_job(queue: ArqRedis, segment_id: int) -> Job:
    job_id = refresh_job_id(segment_id)
    existing = Job(job_id, queue, _deserializer=queue.job_deserializer)
    for _ in range(3):
        job = await queue.enqueue_job(REFRESH_JOB, segment_id, _job_id=job_id)
        if job is not None:
            return job
        if await existing.status() != JobStatus.complete:
            return existing
        # Finished: its kept result is all that blocks the id.
        await queue.delete(result_key_prefix + job_id)
    return existing  # other callers won every race: theirs is the fresh job


async def run_refresh_job(ctx: dict[str, Any], segment_id: int) -> dict[str, Any]:
    """arq job: refresh one segment; a deleted segment is nothing to do, a failure fails the job."""
    try:
        outcome = await segment_refresh.refresh_segment(int(segment_id))
    except segment_refresh.RefreshFailed:
        raise  # the segment row already carries status error and the message
    except DomainError as error:
        log.info("refresh of segment %s skipped: %s", segment_id, error)
        return {"segment_id": int(segment_id), "status": "not_found"}
    return {
        "segment_id": outcome.segment_id,
        "status": "completed",
        "matched_count": outcome.matched_count,
        "entered_count": outcome.entered_count,
        "exited_count": outcome.exited_count,
        "refreshed_at": outcome.refreshed_at,
    }


def due_max_age(max_age_hours: float) -> timedelta:
    max_age = timedelta(hours=max_age_hours)
    return max_age - min(DUE_SLACK, max_age / 10)


async def auto_refresh_segments(ctx: dict[str, Any]) -> dict[str, Any]:
    """arq cron: queue a refresh of every active auto-mode segment that is due."""
    settings: TaskSettings = ctx["settings"]
    queue: ArqRedis = ctx["redis"]
    due = await segment_refresh.segment_ids_due_for_auto_refresh(
        datetime.now(UTC), due_max_age(settings.refresh_max_age_hours)
    )
    job_ids = [(await enqueue_refresh(queue, segment_id)).job_id for segment_id in due]
    return {"queued": len(job_ids), "segment_ids": due}


def auto_refresh_cron_jobs(expression: str) -> list[CronJob]:
    """The auto-refresh cron for SEGMENTQL_REFRESH_CRON (in the worker's timezone)."""
    return cron_jobs_for(auto_refresh_segments, AUTO_REFRESH_CRON_NAME, expression)


# Registered under REFRESH_JOB, the name queued jobs carry.
SEGMENT_FUNCTIONS: list[Function] = [func(run_refresh_job, name=REFRESH_JOB)]
