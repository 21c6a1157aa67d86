"""Live re-evaluation wiring: ids coalesced in Redis, one job per window, nothing lost."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from arq import ArqRedis
from arq.constants import default_queue_name, job_key_prefix
from redis.exceptions import ConnectionError as RedisConnectionError

from gqlserver.worker import run_pending_jobs
from models.segments import reevaluation as domain_live
from models.segments.orm import MembershipChange, Segment, SegmentMembershipEvent
from models.segments.refresh import refresh_segment
from models.store.changes import notify_customers_changed
from models.store.customers import Customer
from tasks import changed_customers as live
from tests.segments.segment_rows import customers_named, firstname_is, member_ids

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
# A window a little ahead of the real clock (arq derives the job's expiry from real time).
WINDOW_START = (int(time.time() // live.COALESCE_SECONDS) + 10) * live.COALESCE_SECONDS


def at(seconds: float):
    return lambda: WINDOW_START + seconds


async def _pending(queue: Any) -> set[str]:
    return {m.decode() for m in await queue.smembers(live.PENDING_KEY)}


async def _queued(queue: ArqRedis) -> list[tuple[str, float]]:
    return [
        (j.decode(), s) for j, s in await queue.zrange(default_queue_name, 0, -1, withscores=True)
    ]


async def test_changes_of_one_window_share_one_deferred_job(arq_queue):
    await live.enqueue_reevaluation(arq_queue, {3, 1}, clock=at(0.1))
    await live.enqueue_reevaluation(arq_queue, [2, 3], clock=at(1.9))

    assert await _pending(arq_queue) == {"1", "2", "3"}
    window = int(WINDOW_START // live.COALESCE_SECONDS)
    end_ms = (WINDOW_START + live.COALESCE_SECONDS) * 1000
    assert await _queued(arq_queue) == [(live.window_job_id(window), end_ms)]


async def test_the_next_window_gets_its_own_job(arq_queue):
    await live.enqueue_reevaluation(arq_queue, {1}, clock=at(0.5))
    await live.enqueue_reevaluation(arq_queue, {2}, clock=at(live.COALESCE_SECONDS + 0.5))

    window = int(WINDOW_START // live.COALESCE_SECONDS)
    assert [job for job, _ in await _queued(arq_queue)] == [
        live.window_job_id(window),
        live.window_job_id(window + 1),
    ]


async def test_no_ids_queue_nothing(arq_queue):
    await live.enqueue_reevaluation(arq_queue, set(), clock=at(0))

    assert await _pending(arq_queue) == set()
    assert await _queued(arq_queue) == []


async def test_too_many_pending_ids_collapse_to_one_marker(arq_queue, monkeypatch):
    monkeypatch.setattr(domain_live, "FULL_REFRESH_THRESHOLD", 3)
    await live.enqueue_reevaluation(arq_queue, {1, 2}, clock=at(0))
    await live.enqueue_reevaluation(arq_queue, {3, 4}, clock=at(0))

    assert await _pending(arq_queue) == {live.ALL}
    await live.enqueue_reevaluation(arq_queue, {5}, clock=at(0))
    assert await _pending(arq_queue) == {live.ALL, "5"}


async def test_the_listener_logs_a_redis_failure_instead_of_raising(caplog):
    unreachable = ArqRedis(host="127.0.0.1", port=1)
    listener = live.changes_listener(unreachable)
    try:
        with caplog.at_level(logging.ERROR, logger=live.log.name):
            # Raising here would fail an import whose store change already committed.
            await listener({1, 2})
    finally:
        await unreachable.aclose()

    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        (live.log.name, logging.ERROR, "could not queue live re-evaluation of 2 customers")
    ]
    exc_info = caplog.records[0].exc_info
    assert exc_info is not None and exc_info[0] is RedisConnectionError


# The job, against a database.


async def _store_and_segment(firstnames: dict[int, str]) -> Segment:
    await customers_named(firstnames)
    segment = await Segment.create(name="anns", website_ids=[1], conditions=firstname_is("Ann"))
    await refresh_segment(segment.id, now=T0)
    return segment


async def _changes(segment: Segment) -> list[tuple[int, str]]:
    rows = await SegmentMembershipEvent.filter(segment_id=segment.id).order_by("id")
    return [(r.customer_id, MembershipChange(r.change).value) for r in rows]


async def test_the_job_re_evaluates_the_window_and_clears_it(db, arq_queue):
    segment = await _store_and_segment({1: "Ann", 2: "Bob", 3: "Bob"})
    await Customer.filter(id=2).update(firstname="Ann")
    await Customer.filter(id=1).update(firstname="Bob")
    await live.enqueue_reevaluation(arq_queue, {1, 2})

    assert await run_pending_jobs(arq_queue) == 1

    assert await member_ids(segment.id) == {2}
    assert sorted(await _changes(segment)) == [(1, "entered"), (1, "exited"), (2, "entered")]
    assert await _pending(arq_queue) == set()
    assert [k async for k in arq_queue.scan_iter(match=live.PROCESSING_PREFIX + "*")] == []


async def test_a_retried_job_finishes_its_own_set_and_leaves_newer_ids(db, arq_queue):
    segment = await _store_and_segment({1: "Bob", 2: "Bob"})
    await Customer.filter(id__in=[1, 2]).update(firstname="Ann")
    # A first try claimed {1} and died; {2} arrived afterwards for a later window.
    await arq_queue.sadd(live.PROCESSING_PREFIX + "job-a", 1)
    await arq_queue.sadd(live.PENDING_KEY, 2)

    summary = await live.reevaluate_changed_customers({"redis": arq_queue, "job_id": "job-a"})

    assert summary["customers"] == 1
    assert await member_ids(segment.id) == {1}
    assert await _pending(arq_queue) == {"2"}
    assert not await arq_queue.exists(live.PROCESSING_PREFIX + "job-a")


async def test_a_job_with_nothing_pending_does_nothing(db, arq_queue):
    segment = await _store_and_segment({1: "Ann"})

    summary = await live.reevaluate_changed_customers({"redis": arq_queue, "job_id": "job-b"})

    assert summary == {"customers": 0, "refreshes": 0}
    assert await _changes(segment) == [(1, "entered")]


async def test_the_all_marker_fully_refreshes_live_segments(db, arq_queue):
    segment = await _store_and_segment({1: "Bob", 2: "Bob"})
    await Customer.filter(id__in=[1, 2]).update(firstname="Ann")
    await arq_queue.sadd(live.PENDING_KEY, live.ALL)

    summary = await live.reevaluate_changed_customers({"redis": arq_queue, "job_id": "job-c"})

    assert summary == {"customers": "all", "refreshes": 1}
    assert await member_ids(segment.id) == {1, 2}


async def test_the_sweep_returns_orphaned_sets_and_schedules_a_job(db, arq_queue):
    await arq_queue.sadd(live.PROCESSING_PREFIX + "failed-job", 7, 8)
    await arq_queue.sadd(live.PROCESSING_PREFIX + "running-job", 9)
    await arq_queue.set(job_key_prefix + "running-job", b"x")
    await arq_queue.sadd(live.PENDING_KEY, 1)

    summary = await live.sweep_live_reevaluation({"redis": arq_queue})

    assert summary == {"restored_sets": 1}
    assert await _pending(arq_queue) == {"1", "7", "8"}
    assert await arq_queue.exists(live.PROCESSING_PREFIX + "running-job")
    assert len(await _queued(arq_queue)) == 1


async def test_store_changes_reach_the_queue_through_the_listener(db, arq_queue):
    remove = live.install_live_reevaluation(arq_queue)
    try:
        await notify_customers_changed({4, 5})
    finally:
        remove()
    await notify_customers_changed({6})  # after removal: not queued

    assert await _pending(arq_queue) == {"4", "5"}
    assert len(await _queued(arq_queue)) == 1


async def test_a_memory_import_re_evaluates_inline_at_the_end(db):
    segment = await _store_and_segment({1: "Bob", 2: "Bob", 3: "Bob"})
    await Customer.filter(id__in=[1, 2, 3]).update(firstname="Ann")

    async with live.live_changes_for_import("memory://"):
        await notify_customers_changed({1})
        await notify_customers_changed({2})
        assert await member_ids(segment.id) == set()  # nothing during the import

    assert await member_ids(segment.id) == {1, 2}


async def test_a_huge_memory_import_fully_refreshes(db, monkeypatch):
    monkeypatch.setattr(domain_live, "FULL_REFRESH_THRESHOLD", 1)
    segment = await _store_and_segment({1: "Bob", 2: "Bob", 3: "Bob"})
    await Customer.filter(id__in=[1, 2, 3]).update(firstname="Ann")

    async with live.live_changes_for_import("memory://"):
        await notify_customers_changed({1, 2})

    assert await member_ids(segment.id) == {1, 2, 3}


def test_the_worker_registers_the_job_and_the_sweep():
    from gqlserver.settings import Settings
    from tasks.registry import FUNCTIONS, cron_jobs

    crons = cron_jobs(Settings())
    assert live.reevaluate_changed_customers.__name__ == live.JOB_NAME
    # Registered leased (tasks/lease.py), under its own name.
    assert [f.coroutine.__wrapped__ for f in FUNCTIONS if f.name == live.JOB_NAME] == [  # type: ignore[attr-defined]
        live.reevaluate_changed_customers
    ]
    assert [c.coroutine for c in crons if c.coroutine is live.sweep_live_reevaluation] == [
        live.sweep_live_reevaluation
    ]


async def test_an_import_goes_on_when_redis_is_unreachable(db, monkeypatch):
    from arq.connections import RedisSettings

    unreachable = RedisSettings(host="127.0.0.1", port=1, conn_retries=0)
    monkeypatch.setattr("tasks.queue.RedisSettings.from_dsn", lambda url: unreachable)
    segment = await _store_and_segment({1: "Bob"})
    await Customer.filter(id=1).update(firstname="Ann")

    async with live.live_changes_for_import("redis://127.0.0.1:1/0"):
        await notify_customers_changed({1})

    assert await member_ids(segment.id) == set()  # nothing queued, nothing re-evaluated
