"""Live re-evaluation: changed customers listed in the database with the change, Redis only
wakes the job, and the job drains the list (idempotent, safe with two workers)."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from arq import ArqRedis
from arq.constants import default_queue_name

from gqlserver.worker import run_pending_jobs
from models.automation.hooks import unsubscribe_customer
from models.db import transaction
from models.segments import live_changes
from models.segments import reevaluation as domain_live
from models.segments.orm import MembershipChange, Segment, SegmentMembershipEvent
from models.segments.refresh import refresh_segment
from models.store.changed_customers import (
    ChangedCustomer,
    claim_changed_customers,
    record_changed_customers,
)
from models.store.changes import notify_customers_changed
from models.store.customers import Customer
from models.store.upsert import upsert_records
from tasks import changed_customers as live
from tests.segments.segment_rows import customers_named, firstname_is, member_ids

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
# A window a little ahead of the real clock (arq derives the job's expiry from real time).
WINDOW_START = (int(time.time() // live.COALESCE_SECONDS) + 10) * live.COALESCE_SECONDS


def at(seconds: float):
    return lambda: WINDOW_START + seconds


async def _queued(queue: ArqRedis) -> list[tuple[str, float]]:
    return [
        (j.decode(), s) for j, s in await queue.zrange(default_queue_name, 0, -1, withscores=True)
    ]


# Waking the job (Redis).


async def test_wake_ups_of_one_window_share_one_deferred_job(arq_queue):
    await live.schedule_window(arq_queue, clock=at(0.1))
    await live.schedule_window(arq_queue, clock=at(1.9))

    window = int(WINDOW_START // live.COALESCE_SECONDS)
    end_ms = (WINDOW_START + live.COALESCE_SECONDS) * 1000
    assert await _queued(arq_queue) == [(live.window_job_id(window), end_ms)]


async def test_the_next_window_gets_its_own_job(arq_queue):
    await live.schedule_window(arq_queue, clock=at(0.5))
    await live.schedule_window(arq_queue, clock=at(live.COALESCE_SECONDS + 0.5))

    window = int(WINDOW_START // live.COALESCE_SECONDS)
    assert [job for job, _ in await _queued(arq_queue)] == [
        live.window_job_id(window),
        live.window_job_id(window + 1),
    ]


async def test_store_changes_wake_the_job_through_the_listener(db, arq_queue):
    remove = live.install_live_reevaluation(arq_queue)
    try:
        await notify_customers_changed({4, 5})
    finally:
        remove()
    await notify_customers_changed({6})  # after removal: nothing queued

    assert len(await _queued(arq_queue)) == 1


async def test_the_listener_logs_a_redis_failure_instead_of_raising(caplog):
    unreachable = ArqRedis(host="127.0.0.1", port=1)
    listener = live.changes_listener(unreachable)
    try:
        with caplog.at_level(logging.WARNING, logger=live.log.name):
            # Raising here would fail an import whose store change already committed.
            await listener({1, 2})
    finally:
        await unreachable.aclose()

    assert [(r.name, r.levelno) for r in caplog.records] == [(live.log.name, logging.WARNING)]
    assert (
        caplog.records[0]
        .getMessage()
        .startswith("could not wake live re-evaluation of 2 customers")
    )


# Recording the changes (the database, in the writer's transaction).


def _customer(customer_id: int, firstname: str) -> dict[str, Any]:
    return {
        "type": "customer",
        "id": customer_id,
        "website_id": 1,
        "group_id": 1,
        "email": f"c{customer_id}@example.com",
        "firstname": firstname,
        "lastname": "Example",
        "created_at": "2024-01-10T09:00:00Z",
        "is_active": True,
    }


async def _listed() -> list[int]:
    return sorted(row.customer_id for row in await ChangedCustomer.all())


async def test_an_upsert_lists_the_customers_it_changed_and_only_those(db):
    await customers_named({1: "Bob", 2: "Bob"})
    await ChangedCustomer.all().delete()

    report = await upsert_records([_customer(1, "Ann"), _customer(3, "Cy")])

    assert not report.rejected
    assert await _listed() == [1, 3]
    await ChangedCustomer.all().delete()
    await upsert_records([_customer(1, "Ann")])  # the same data again: nothing changed
    assert await _listed() == []


async def test_a_one_click_unsubscribe_lists_its_customer(db):
    await customers_named({1: "Ann"})
    await ChangedCustomer.all().delete()

    assert await unsubscribe_customer(1, now=T0) is True
    assert await unsubscribe_customer(99, now=T0) is False  # unknown: nothing changed

    assert await _listed() == [1]


async def test_a_change_rolled_back_lists_nobody(db):
    await customers_named({1: "Bob"})
    await ChangedCustomer.all().delete()

    with pytest.raises(RuntimeError):
        async with transaction() as tx:
            await record_changed_customers(tx, [1], now=T0)
            raise RuntimeError("the batch failed")

    assert await _listed() == []


# Draining the list (the job).


async def _store_and_segment(firstnames: dict[int, str]) -> Segment:
    await customers_named(firstnames)
    segment = await Segment.create(name="anns", website_ids=[1], conditions=firstname_is("Ann"))
    await refresh_segment(segment.id, now=T0)
    return segment


async def _record(*customer_ids: int) -> None:
    async with transaction() as tx:
        await record_changed_customers(tx, customer_ids, now=datetime.now(UTC))


async def _changes(segment: Segment) -> list[tuple[int, str]]:
    rows = await SegmentMembershipEvent.filter(segment_id=segment.id).order_by("id")
    return [(r.customer_id, MembershipChange(r.change).value) for r in rows]


async def test_the_job_re_evaluates_the_listed_customers_and_empties_the_list(db, arq_queue):
    segment = await _store_and_segment({1: "Ann", 2: "Bob", 3: "Bob"})
    await Customer.filter(id=2).update(firstname="Ann")
    await Customer.filter(id=1).update(firstname="Bob")
    await _record(1, 2)
    await live.schedule_window(arq_queue)

    assert await run_pending_jobs(arq_queue) == 1

    assert await member_ids(segment.id) == {2}
    assert sorted(await _changes(segment)) == [(1, "entered"), (1, "exited"), (2, "entered")]
    assert await _listed() == []


async def test_a_job_with_nothing_listed_does_nothing(db):
    segment = await _store_and_segment({1: "Ann"})

    summary = await live.reevaluate_changed_customers({})

    assert summary == {
        "customers": 0,
        "full_refreshes": 0,
        "refreshes": 0,
        "entered": 0,
        "exited": 0,
    }
    assert await _changes(segment) == [(1, "entered")]


async def test_rows_claimed_by_a_running_drain_are_left_to_it(db):
    segment = await _store_and_segment({1: "Bob", 2: "Bob"})
    await Customer.filter(id__in=[1, 2]).update(firstname="Ann")
    await _record(1, 2)
    now = datetime.now(UTC)
    assert await claim_changed_customers(
        "other-job", now=now, lease_until=now + timedelta(minutes=5), limit=1
    ) == [1]

    summary = await live_changes.drain_changed_customers()

    assert summary.customers == 1
    assert await member_ids(segment.id) == {2}
    assert await _listed() == [1]  # still the other job's


async def test_a_claim_whose_lease_ran_out_is_taken_over(db):
    segment = await _store_and_segment({1: "Bob"})
    await Customer.filter(id=1).update(firstname="Ann")
    await _record(1)
    past = datetime.now(UTC) - timedelta(hours=1)
    # A worker claimed it and died.
    await claim_changed_customers("dead-job", now=past, lease_until=past, limit=10)

    summary = await live_changes.drain_changed_customers()

    assert summary.customers == 1
    assert await member_ids(segment.id) == {1}
    assert await _listed() == []


async def test_a_customer_changed_again_while_claimed_stays_listed(db, monkeypatch):
    segment = await _store_and_segment({1: "Bob"})
    await Customer.filter(id=1).update(firstname="Ann")
    await _record(1)
    reevaluate = domain_live.reevaluate_customers

    rounds: list[list[int]] = []

    async def changed_meanwhile(ids: Any, **kwargs: Any) -> Any:
        rounds.append(sorted(ids))
        outcomes = await reevaluate(ids, **kwargs)
        if len(rounds) == 1:
            await Customer.filter(id=1).update(firstname="Bob")
            await _record(1)  # after this round read customer 1
        return outcomes

    monkeypatch.setattr(domain_live, "reevaluate_customers", changed_meanwhile)
    summary = await live_changes.drain_changed_customers()

    assert rounds == [[1], [1]]  # the next round took the newer change
    assert summary.customers == 2
    assert await member_ids(segment.id) == set()
    assert await _changes(segment) == [(1, "entered"), (1, "exited")]
    assert await _listed() == []


async def test_two_drains_at_once_evaluate_each_change_once(db):
    segment = await _store_and_segment({i: "Bob" for i in range(1, 41)})
    await Customer.filter(id__lte=30).update(firstname="Ann")
    await _record(*range(1, 41))

    await asyncio.gather(
        live_changes.drain_changed_customers(), live_changes.drain_changed_customers()
    )

    assert await member_ids(segment.id) == set(range(1, 31))
    assert sorted(await _changes(segment)) == [(i, "entered") for i in range(1, 31)]
    assert await _listed() == []


async def test_a_failed_drain_gives_its_rows_back(db, monkeypatch):
    await _store_and_segment({1: "Bob"})
    await _record(1)

    async def broken(ids: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(domain_live, "reevaluate_customers", broken)
    with pytest.raises(RuntimeError):
        await live_changes.drain_changed_customers()

    row = await ChangedCustomer.get(customer_id=1)
    assert (row.claimed_by, row.claimed_until) == (None, None)


async def test_a_long_list_fully_refreshes_the_live_segments_once(db, monkeypatch):
    monkeypatch.setattr(domain_live, "FULL_REFRESH_THRESHOLD", 2)
    segment = await _store_and_segment({1: "Bob", 2: "Bob", 3: "Bob", 4: "Bob"})
    await Customer.filter(id__in=[1, 2, 3, 4]).update(firstname="Ann")
    await _record(1, 2, 3, 4)

    summary = await live_changes.drain_changed_customers()

    assert (summary.customers, summary.full_refreshes, summary.refreshes) == (4, 1, 1)
    assert await member_ids(segment.id) == {1, 2, 3, 4}
    assert await _listed() == []


async def test_the_sweep_schedules_a_job_only_when_changes_wait(db, arq_queue):
    assert await live.sweep_live_reevaluation({"redis": arq_queue}) == {"scheduled": False}
    assert await _queued(arq_queue) == []

    await _record(7)

    assert await live.sweep_live_reevaluation({"redis": arq_queue}) == {"scheduled": True}
    assert len(await _queued(arq_queue)) == 1


async def test_a_memory_import_re_evaluates_inline_at_the_end(db):
    segment = await _store_and_segment({1: "Bob", 2: "Bob", 3: "Bob"})

    async with live.live_changes_for_import("memory://"):
        await upsert_records([_customer(1, "Ann"), _customer(2, "Ann")])
        assert await member_ids(segment.id) == set()  # nothing during the import

    assert await member_ids(segment.id) == {1, 2}
    assert await _listed() == []


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


async def test_an_import_goes_on_when_redis_is_unreachable_and_its_changes_wait(db, monkeypatch):
    from arq.connections import RedisSettings

    unreachable = RedisSettings(host="127.0.0.1", port=1, conn_retries=0)
    monkeypatch.setattr("tasks.queue.RedisSettings.from_dsn", lambda url: unreachable)
    segment = await _store_and_segment({1: "Bob"})

    async with live.live_changes_for_import("redis://127.0.0.1:1/0"):
        await upsert_records([_customer(1, "Ann")])

    assert await member_ids(segment.id) == set()  # no worker woken...
    assert await _listed() == [1]  # ...but the change waits for the sweep
