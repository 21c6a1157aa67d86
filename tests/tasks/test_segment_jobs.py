"""Segment jobs on a real Redis: refresh by job id, re-enqueue after completion, the cron."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from arq.worker import FailedJobs, Function

from gqlserver.settings import Settings
from models.segments import refresh as refresh_module
from models.segments.compiler import CompiledQuery
from models.segments.orm import RefreshMode, RefreshStatus, Segment, SegmentMembershipEvent
from models.segments.refresh import segment_ids_due_for_auto_refresh
from models.segments.service import create_segment
from tasks.codec import JobFailed
from tasks.registry import FUNCTIONS, cron_jobs
from tasks.schedules import cron_schedule
from tasks.segments import (
    AUTO_REFRESH_CRON_NAME,
    auto_refresh_cron_jobs,
    auto_refresh_segments,
    due_max_age,
    enqueue_refresh,
    run_refresh_job,
)
from tests.segments.segment_rows import customer, member_ids, reference_rows, segment_data

NOW = datetime.now(UTC)


async def _anns() -> Segment:
    await reference_rows()
    await customer(1, "Ann")
    await customer(2, "Bob")
    return await create_segment(segment_data())


async def test_a_refresh_job_refreshes_the_segment(db, arq_queue, run_burst_worker):
    segment = await _anns()

    job = await enqueue_refresh(arq_queue, segment.id)
    assert await run_burst_worker(arq_queue) == 1

    assert job.job_id == f"refresh-segment:{segment.id}"
    result = await job.result(timeout=5)
    assert {k: result[k] for k in ("segment_id", "status", "matched_count", "entered_count")} == {
        "segment_id": segment.id,
        "status": "completed",
        "matched_count": 1,
        "entered_count": 1,
    }
    assert await member_ids(segment.id) == {1}
    row = await Segment.get(id=segment.id)
    assert row.refresh_status == RefreshStatus.COMPLETED


async def test_a_request_while_queued_joins_the_queued_job(db, arq_queue, run_burst_worker):
    segment = await _anns()

    first = await enqueue_refresh(arq_queue, segment.id)
    second = await enqueue_refresh(arq_queue, segment.id)

    assert first.job_id == second.job_id
    assert await arq_queue.zcard(arq_queue.default_queue_name) == 1
    assert await run_burst_worker(arq_queue) == 1


async def test_a_request_after_a_finished_refresh_runs_again(db, arq_queue, run_burst_worker):
    segment = await _anns()
    await enqueue_refresh(arq_queue, segment.id)
    await run_burst_worker(arq_queue)
    await customer(3, "Ann")

    again = await enqueue_refresh(arq_queue, segment.id)
    assert await run_burst_worker(arq_queue) == 1

    assert (await again.result(timeout=5))["entered_count"] == 1
    assert await member_ids(segment.id) == {1, 3}


async def test_running_the_job_twice_records_each_change_once(db, arq_queue, run_burst_worker):
    segment = await _anns()

    for _ in range(2):
        await enqueue_refresh(arq_queue, segment.id)
        await run_burst_worker(arq_queue)

    assert await member_ids(segment.id) == {1}
    assert await SegmentMembershipEvent.filter(segment_id=segment.id).count() == 1


async def test_a_failed_refresh_fails_the_job_and_the_segment_tells_why(
    db, arq_queue, run_burst_worker, monkeypatch
):
    segment = await _anns()
    monkeypatch.setattr(
        refresh_module,
        "compile_members_query",
        lambda *a, **k: CompiledQuery("SELECT customer_id, website_id FROM no_such_table", []),
    )
    job = await enqueue_refresh(arq_queue, segment.id)

    with pytest.raises(FailedJobs):
        await run_burst_worker(arq_queue)

    with pytest.raises(JobFailed) as failure:
        await job.result(timeout=5)
    assert failure.value.error_type == "RefreshFailed"
    row = await Segment.get(id=segment.id)
    assert row.refresh_status == RefreshStatus.ERROR
    assert (row.refresh_error or "").startswith("The refresh failed in the database;")
    assert await member_ids(segment.id) == set()


async def test_a_job_for_a_deleted_segment_has_nothing_to_do(db):
    assert await run_refresh_job({}, 404) == {"segment_id": 404, "status": "not_found"}


async def _aged(name: str, *, age: timedelta | None, **fields) -> int:
    segment = await create_segment(segment_data(name=name, **fields))
    if age is not None:
        await Segment.filter(id=segment.id).update(last_refresh_at=NOW - age)
    return segment.id


async def test_due_segments_are_active_auto_ones_never_or_long_ago_refreshed(db):
    await reference_rows()
    never = await _aged("never", age=None, priority=1)
    stale = await _aged("stale", age=timedelta(hours=25), priority=5)
    await _aged("fresh", age=timedelta(hours=23))
    await _aged("manual", age=None, refresh_mode=RefreshMode.MANUAL)
    await _aged("inactive", age=None, is_active=False)

    due = await segment_ids_due_for_auto_refresh(NOW, timedelta(hours=24))

    assert due == [stale, never]  # highest priority first


async def test_the_cron_queues_the_due_segments_and_the_worker_refreshes_them(
    db, arq_queue, run_burst_worker
):
    await reference_rows()
    await customer(1, "Ann")
    due = await _aged("never", age=None)
    # Refreshed by yesterday's run a few seconds after it fired: due again today.
    yesterday = await _aged("yesterday", age=timedelta(hours=23, minutes=59, seconds=50))
    fresh = await _aged("fresh", age=timedelta(hours=12))
    ctx = {"redis": arq_queue, "settings": SimpleNamespace(refresh_max_age_hours=24.0)}

    summary = await auto_refresh_segments(ctx)
    assert await run_burst_worker(arq_queue) == 2

    assert summary == {"queued": 2, "segment_ids": [due, yesterday]}
    assert await member_ids(due) == {1}
    assert await member_ids(yesterday) == {1}
    assert await member_ids(fresh) == set()
    statuses = dict(await Segment.all().values_list("id", "refresh_status"))
    assert statuses[due] == statuses[yesterday] == RefreshStatus.COMPLETED


def test_the_due_age_leaves_slack_for_the_time_a_refresh_takes():
    assert due_max_age(24) == timedelta(hours=23, minutes=50)
    assert due_max_age(1) == timedelta(minutes=54)


@pytest.mark.parametrize(
    ("expression", "schedules"),
    [
        (
            "0 5 * * *",
            [{"minute": {0}, "hour": {5}, "day": None, "month": None, "weekday": None}],
        ),
        (
            "*/20 1-2 * 6 1-5",
            [
                {
                    "minute": {0, 20, 40},
                    "hour": {1, 2},
                    "day": None,
                    "month": {6},
                    "weekday": {0, 1, 2, 3, 4},
                }
            ],
        ),
        # Cron's Sunday is 0 or 7; arq's is 6.
        ("30 4 * * 0", [{"minute": {30}, "hour": {4}, "day": None, "month": None, "weekday": {6}}]),
        # Both day fields restricted: cron runs when either matches.
        (
            "0 0 1 * sun",
            [
                {"minute": {0}, "hour": {0}, "month": None, "day": {1}},
                {"minute": {0}, "hour": {0}, "month": None, "weekday": {6}},
            ],
        ),
    ],
)
def test_cron_expressions_become_arq_schedules(expression, schedules):
    assert cron_schedule(expression) == schedules


@pytest.mark.parametrize("expression", ["", "0 5 * *", "0 5 * * * *", "61 5 * * *", "daily"])
def test_malformed_cron_expressions_are_refused(expression):
    with pytest.raises(ValueError, match="5-field cron"):
        cron_schedule(expression)


def test_the_auto_refresh_cron_fires_at_the_configured_times():
    (job,) = auto_refresh_cron_jobs("15 3 * * 1")

    job.calculate_next(datetime(2025, 1, 1, 4, 0))  # a Wednesday

    assert job.name == AUTO_REFRESH_CRON_NAME
    assert job.next_run == datetime(2025, 1, 6, 3, 15, 0, 123_456)  # next Monday


def test_refresh_job_and_cron_are_registered():
    registered = [f for f in FUNCTIONS if isinstance(f, Function) and f.name == "refresh_segment"]
    # Leased (tasks/lease.py): the registered coroutine wraps the job.
    assert [f.coroutine.__wrapped__ for f in registered] == [run_refresh_job]  # type: ignore[attr-defined]
    assert AUTO_REFRESH_CRON_NAME in [job.name for job in cron_jobs(Settings())]
