"""Automation jobs on real Redis: scheduling from a refresh wakes delivery at the due time, the
delivery job sends to the outbox and publishes progress, and the crons obey the global switch."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from arq.jobs import Job, JobStatus

from gqlserver.settings import Settings
from gqlserver.worker import start_inprocess_worker
from models.automation.orm import (
    AutomationSettingsRow,
    EmailSequence,
    ProgressStatus,
    SequenceProgress,
)
from models.segments.orm import Segment
from models.segments.refresh import refresh_segment
from models.store.customers import NewsletterSubscriber
from models.store.reference import NewsletterTemplate
from tasks.automation import (
    SEND_DUE_JOB,
    Scheduling,
    cleanup_progress,
    progress_channel,
    wake_delivery,
)
from tasks.consumers import ConsumerRunner
from tasks.queue import create_queue
from tasks.registry import cron_jobs
from tests.automation.step_rows import progress
from tests.segments.segment_rows import customers_named, firstname_is

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


async def _automated_segment(delay_minutes: int) -> Segment:
    await customers_named({1: "Ann", 2: "Ann"})
    for customer_id in (1, 2):
        await NewsletterSubscriber.create(customer_id=customer_id, subscriber_status=1)
    await NewsletterTemplate.create(id=1, code="hi", subject="Hi", text="Hi {{var customer_name}}")
    segment = await Segment.create(
        name="anns", website_ids=[1], conditions=firstname_is("Ann"), auto_email_active=True
    )
    step = await EmailSequence.create(
        segment_id=segment.id, template_id=1, step_number=1, delay_minutes=delay_minutes
    )
    await EmailSequence.filter(id=step.id).update(created_at=LONG_AGO)
    return segment


async def test_a_refresh_schedules_and_wakes_delivery_at_the_due_time(db, arq_queue):
    segment = await _automated_segment(delay_minutes=30)
    runner = ConsumerRunner([Scheduling(arq_queue)], poll_seconds=3600)
    await runner.start()
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        await refresh_segment(segment.id, now=now)
    finally:
        await runner.stop()

    rows = await SequenceProgress.filter(segment_id=segment.id).order_by("customer_id")
    assert [(r.customer_id, r.status, r.scheduled_at) for r in rows] == [
        (1, ProgressStatus.SCHEDULED, now + timedelta(minutes=30)),
        (2, ProgressStatus.SCHEDULED, now + timedelta(minutes=30)),
    ]
    due = int((now + timedelta(minutes=30)).timestamp() * 1000)
    job = Job(f"send-due:{due}", arq_queue, _deserializer=arq_queue.job_deserializer)
    assert await job.status() == JobStatus.deferred
    assert (await job.info()).function == SEND_DUE_JOB  # type: ignore[union-attr]


async def test_waking_twice_for_one_moment_queues_one_job(db, arq_queue):
    segment = await _automated_segment(delay_minutes=10)
    row = await SequenceProgress.create(
        customer_id=1,
        segment_id=segment.id,
        sequence_id=(await EmailSequence.get(segment_id=segment.id)).id,
        step_number=1,
        trigger_type="enter",
        scheduled_at=datetime.now(UTC) + timedelta(minutes=10),
    )

    await wake_delivery(arq_queue)
    await wake_delivery(arq_queue)

    queued = await arq_queue.queued_jobs()
    assert [j.job_id for j in queued] == [f"send-due:{int(row.scheduled_at.timestamp() * 1000)}"]


async def test_the_delivery_job_sends_due_rows_and_publishes_their_progress(
    db, arq_queue, run_burst_worker, tmp_path: Path
):
    segment = await _automated_segment(delay_minutes=0)
    step = await EmailSequence.get(segment_id=segment.id)
    rows = [
        await SequenceProgress.create(
            customer_id=customer_id,
            segment_id=segment.id,
            sequence_id=step.id,
            step_number=1,
            trigger_type="enter",
            scheduled_at=datetime.now(UTC) - timedelta(seconds=1),
        )
        for customer_id in (1, 2)
    ]
    pubsub = arq_queue.pubsub()
    await pubsub.subscribe(progress_channel(arq_queue, segment.id))
    settings = Settings(SEGMENTQL_OUTBOX_DIR=str(tmp_path / "outbox"))  # type: ignore[call-arg]
    job = await arq_queue.enqueue_job(SEND_DUE_JOB)
    assert job is not None

    await run_burst_worker(arq_queue, settings=settings)

    assert await job.result(timeout=5) == {
        "sent": 2,
        "failed": 0,
        "skipped": 0,
        "deferred": 0,
        "retried": 0,
        "swept": 0,
    }
    assert sorted(p.name for p in (tmp_path / "outbox").iterdir()) == sorted(
        f"seq-progress-{r.id}@localhost.eml" for r in rows
    )
    published = []
    for _ in range(20):  # a None is the subscribe confirmation, or a quiet second
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
        if message is not None:
            published.append(orjson.loads(message["data"]))
        if len(published) == 2:
            break
    await pubsub.aclose()
    assert sorted(p["progress_id"] for p in published) == [r.id for r in rows]
    assert {p["segment_id"] for p in published} == {segment.id}


async def _finished_long_ago(status: ProgressStatus) -> SequenceProgress:
    """A row for customer 1 of an automated segment's step, finished with `status`, scheduled
    and written on 2020-01-01, without sent_at."""
    segment = await _automated_segment(delay_minutes=0)
    step = await EmailSequence.get(segment_id=segment.id)
    old = await progress(step, 1, status, scheduled_at=LONG_AGO, sent_at=None)
    await SequenceProgress.filter(id=old.id).update(created_at=LONG_AGO)
    return old


async def test_crons_do_nothing_while_automation_is_off(db):
    old = await _finished_long_ago(ProgressStatus.SENT)
    await AutomationSettingsRow.create(id=1, enabled=False)

    assert await cleanup_progress({}) == {}
    assert await SequenceProgress.filter(id=old.id).exists()

    await AutomationSettingsRow.filter(id=1).update(enabled=True)
    assert await cleanup_progress({}) == {"deleted": 1}
    assert not await SequenceProgress.filter(id=old.id).exists()


def test_the_four_automation_crons_follow_their_settings():
    settings = Settings(  # type: ignore[call-arg]
        SEGMENTQL_PROCESS_EMAILS_CRON="*/2 * * * *",
        SEGMENTQL_CLEANUP_PROGRESS_CRON="30 1 * * *",
        SEGMENTQL_CLEANUP_COUPONS_CRON="45 1 * * *",
        SEGMENTQL_AUTOMATION_REPORT_CRON="0 6 * * 1",
    )

    crons = {job.name: job for job in cron_jobs(settings)}

    assert crons["process_scheduled_emails"].minute == set(range(0, 60, 2))
    assert (crons["cleanup_progress"].hour, crons["cleanup_progress"].minute) == ({1}, {30})
    assert (crons["cleanup_coupons"].hour, crons["cleanup_coupons"].minute) == ({1}, {45})
    report = crons["automation_report"]
    assert (report.hour, report.minute, report.weekday) == ({6}, {0}, {0})
    assert all(job.unique for job in crons.values())


async def test_a_cleanup_run_twice_deletes_once(db):
    # Idempotence of the cron body: the second run finds nothing left to delete.
    await _finished_long_ago(ProgressStatus.FAILED)

    results = [await cleanup_progress({}), await cleanup_progress({})]

    assert results == [{"deleted": 1}, {"deleted": 0}]


async def test_rows_due_moments_apart_each_go_out_through_the_wake_up_chain(db, tmp_path: Path):
    # Crons never run here: only the wake-ups deliver. Each run wakes the next due row,
    # also one due within the same second as the run itself.
    segment = await _automated_segment(delay_minutes=0)
    step = await EmailSequence.get(segment_id=segment.id)
    start = datetime.now(UTC)
    rows = [
        await SequenceProgress.create(
            customer_id=customer_id,
            segment_id=segment.id,
            sequence_id=step.id,
            step_number=1,
            trigger_type="enter",
            scheduled_at=start + timedelta(milliseconds=300 * customer_id),
        )
        for customer_id in (1, 2)
    ]
    settings = Settings(  # type: ignore[call-arg]
        SEGMENTQL_OUTBOX_DIR=str(tmp_path / "outbox"),
        SEGMENTQL_PROCESS_EMAILS_CRON="0 0 1 1 *",
    )
    queue = await create_queue("memory://")
    await queue.flushdb()
    worker = await start_inprocess_worker(queue, settings=settings)
    try:
        await wake_delivery(queue)
        for _ in range(150):
            sent = await SequenceProgress.filter(status=ProgressStatus.SENT).count()
            if sent == len(rows):
                break
            await asyncio.sleep(0.1)
    finally:
        await worker.close()
        await queue.flushdb()
        await queue.aclose()

    delivered = await SequenceProgress.filter(id__in=[r.id for r in rows]).order_by("id")
    assert [r.status for r in delivered] == [ProgressStatus.SENT, ProgressStatus.SENT]
    assert all(r.sent_at >= r.scheduled_at for r in delivered)  # type: ignore[operator]
