"""Refresh: exact enters and exits with their events, one transaction, errors keep old members."""

from __future__ import annotations

import asyncio

import pytest

from models.db import connection
from models.errors import DomainError, ErrorCode
from models.segments import refresh as refresh_module
from models.segments.compiler import CompiledQuery
from models.segments.events import on_segment_refreshed
from models.segments.orm import MembershipChange, RefreshStatus, Segment
from models.segments.refresh import RefreshFailed, RefreshOutcome, refresh_segment
from models.segments.service import create_segment
from tests.segments.refresh_lock import (
    postgres_only,
    refresh_lock_held,
    wait_until_blocked_on_lock,
)
from tests.segments.segment_rows import (
    T1,
    T2,
    T3,
    customer,
    events,
    firstname_is,
    member_ids,
    members,
    reference_rows,
    rename,
    segment_data,
)

ENTERED, EXITED = MembershipChange.ENTERED, MembershipChange.EXITED


async def _anns(**overrides) -> Segment:
    """Customers 1, 2 (Ann), 3 (Bob), 4 (inactive Ann), 5 (Ann of website 2); a segment of Anns."""
    await reference_rows()
    await customer(1, "Ann")
    await customer(2, "Ann")
    await customer(3, "Bob")
    await customer(4, "Ann", is_active=False)
    await customer(5, "Ann", website_id=2)
    return await create_segment(segment_data(**overrides))


async def test_first_refresh_enters_the_matching_customers_with_events(db):
    segment = await _anns()

    outcome = await refresh_segment(segment.id, now=T1)

    assert await members(segment.id) == {1: (1, T1), 2: (1, T1)}
    assert await events(segment.id) == [(1, ENTERED, T1), (2, ENTERED, T1)]
    assert (outcome.matched_count, outcome.entered_count, outcome.exited_count) == (2, 2, 0)
    assert (outcome.refreshed_at, outcome.restricted) == (T1, False)
    assert outcome.last_event_id is not None and outcome.first_event_id is not None
    assert outcome.last_event_id - outcome.first_event_id == 1
    row = await Segment.get(id=segment.id)
    assert (row.matched_customers_count, row.last_refresh_at) == (2, T1)
    assert (row.refresh_status, row.refresh_error) == (RefreshStatus.COMPLETED, None)


async def test_a_refresh_leaves_no_temporary_tables_behind(db):
    segment = await _anns()
    await refresh_segment(segment.id, now=T1)
    await rename(1, "Bob")

    await refresh_segment(segment.id, now=T2)

    if db.dialect == "sqlite":
        sql = "SELECT name FROM sqlite_temp_master WHERE type = 'table'"
    else:
        sql = "SELECT relname FROM pg_class WHERE relpersistence = 't'"
    assert await connection().execute_query_dict(sql) == []


async def test_next_refresh_records_exactly_who_entered_and_who_exited(db):
    segment = await _anns()
    await refresh_segment(segment.id, now=T1)
    await rename(1, "Bob")
    await rename(3, "Ann")

    outcome = await refresh_segment(segment.id, now=T2)

    # Customer 2 stayed: it keeps the time it entered.
    assert await members(segment.id) == {2: (1, T1), 3: (1, T2)}
    assert await events(segment.id) == [
        (1, ENTERED, T1),
        (2, ENTERED, T1),
        (1, EXITED, T2),
        (3, ENTERED, T2),
    ]
    assert (outcome.matched_count, outcome.entered_count, outcome.exited_count) == (2, 1, 1)
    assert outcome.last_event_id is not None and outcome.first_event_id is not None
    assert outcome.last_event_id - outcome.first_event_id == 1
    row = await Segment.get(id=segment.id)
    assert (row.matched_customers_count, row.last_refresh_at) == (2, T2)


async def test_refreshing_again_without_changes_records_nothing(db):
    segment = await _anns()
    await refresh_segment(segment.id, now=T1)

    outcome = await refresh_segment(segment.id, now=T2)

    assert (outcome.entered_count, outcome.exited_count) == (0, 0)
    assert (outcome.first_event_id, outcome.last_event_id) == (None, None)
    assert await members(segment.id) == {1: (1, T1), 2: (1, T1)}
    assert await events(segment.id) == [(1, ENTERED, T1), (2, ENTERED, T1)]
    row = await Segment.get(id=segment.id)
    assert (row.matched_customers_count, row.last_refresh_at) == (2, T2)


async def test_groups_and_websites_scope_the_members(db):
    segment = await _anns(website_ids=[1, 2], customer_group_ids=[1])
    await customer(6, "Ann", group_id=2)

    await refresh_segment(segment.id, now=T1)

    assert await member_ids(segment.id) == {1, 2, 5}
    assert (await members(segment.id))[5] == (2, T1)


async def test_an_empty_rule_matches_every_active_customer_of_the_websites(db):
    segment = await _anns(conditions={"type": "combine", "aggregator": "all", "conditions": []})

    await refresh_segment(segment.id, now=T1)

    assert await member_ids(segment.id) == {1, 2, 3}


async def test_an_inactive_segment_refreshes_to_zero_members(db):
    segment = await _anns()
    await refresh_segment(segment.id, now=T1)
    await Segment.filter(id=segment.id).update(is_active=False)

    outcome = await refresh_segment(segment.id, now=T2)

    assert await member_ids(segment.id) == set()
    assert await events(segment.id) == [
        (1, ENTERED, T1),
        (2, ENTERED, T1),
        (1, EXITED, T2),
        (2, EXITED, T2),
    ]
    assert (outcome.matched_count, outcome.exited_count) == (0, 2)
    row = await Segment.get(id=segment.id)
    assert (row.matched_customers_count, row.refresh_status) == (0, RefreshStatus.COMPLETED)


async def test_a_failing_refresh_keeps_the_old_members_and_records_the_error(db, monkeypatch):
    segment = await _anns()
    await refresh_segment(segment.id, now=T1)
    await rename(3, "Ann")

    def broken(*args, **kwargs) -> CompiledQuery:
        return CompiledQuery("SELECT customer_id, website_id FROM no_such_table", [])

    monkeypatch.setattr(refresh_module, "compile_members_query", broken)
    with pytest.raises(RefreshFailed) as failure:
        await refresh_segment(segment.id, now=T2)

    # Read tokens see the message: no driver text (the log has it).
    assert failure.value.reason.startswith("The refresh failed in the database; nothing was")
    assert "no_such_table" not in failure.value.reason
    assert await members(segment.id) == {1: (1, T1), 2: (1, T1)}
    assert await events(segment.id) == [(1, ENTERED, T1), (2, ENTERED, T1)]
    row = await Segment.get(id=segment.id)
    assert (row.matched_customers_count, row.last_refresh_at) == (2, T1)
    assert row.refresh_status == RefreshStatus.ERROR
    assert row.refresh_error == failure.value.reason

    monkeypatch.undo()
    await refresh_segment(segment.id, now=T3)

    row = await Segment.get(id=segment.id)
    assert (row.refresh_status, row.refresh_error) == (RefreshStatus.COMPLETED, None)
    assert await member_ids(segment.id) == {1, 2, 3}


async def test_a_failure_after_members_changed_rolls_everything_back(db, monkeypatch):
    segment = await _anns()
    await refresh_segment(segment.id, now=T1)
    await rename(1, "Bob")
    await rename(3, "Ann")

    async def fail_on_update(*args, **kwargs):
        raise RuntimeError("disk full")

    # Fails after members and events were written inside the refresh transaction.
    monkeypatch.setattr(refresh_module, "drop_temp_tables", fail_on_update)
    with pytest.raises(RefreshFailed):
        await refresh_segment(segment.id, now=T2)

    assert await members(segment.id) == {1: (1, T1), 2: (1, T1)}
    assert await events(segment.id) == [(1, ENTERED, T1), (2, ENTERED, T1)]
    row = await Segment.get(id=segment.id)
    assert row.refresh_status == RefreshStatus.ERROR
    assert (row.refresh_error or "").startswith("The refresh failed unexpectedly; nothing was")


async def test_refreshing_a_missing_segment_is_not_found(db):
    with pytest.raises(DomainError) as error:
        await refresh_segment(404, now=T1)

    assert [(e.field, e.code) for e in error.value.errors] == [("id", ErrorCode.NOT_FOUND)]


async def test_a_restricted_refresh_touches_only_the_given_customers(db):
    segment = await _anns()
    await refresh_segment(segment.id, now=T1)
    await rename(1, "Bob")  # left, but not re-evaluated below
    await rename(2, "Bob")
    await rename(3, "Ann")

    outcome = await refresh_segment(segment.id, now=T2, customer_ids=[2, 3, 99])

    assert await members(segment.id) == {1: (1, T1), 3: (1, T2)}
    assert await events(segment.id) == [
        (1, ENTERED, T1),
        (2, ENTERED, T1),
        (2, EXITED, T2),
        (3, ENTERED, T2),
    ]
    assert (outcome.matched_count, outcome.entered_count, outcome.exited_count) == (2, 1, 1)
    assert outcome.restricted is True
    row = await Segment.get(id=segment.id)
    # The count follows the change; the last full refresh is still the one at T1.
    assert (row.matched_customers_count, row.last_refresh_at) == (2, T1)

    again = await refresh_segment(segment.id, now=T3, customer_ids=[2, 3])

    assert (again.entered_count, again.exited_count, again.matched_count) == (0, 0, 2)
    assert len(await events(segment.id)) == 4


async def test_a_restricted_refresh_of_no_customers_changes_nothing(db):
    segment = await _anns()
    await refresh_segment(segment.id, now=T1)

    outcome = await refresh_segment(segment.id, now=T2, customer_ids=[])

    assert (outcome.entered_count, outcome.exited_count, outcome.matched_count) == (0, 0, 2)
    assert len(await events(segment.id)) == 2


async def test_listeners_hear_each_committed_refresh_and_a_failing_one_is_isolated(db):
    segment = await _anns()
    heard: list[tuple[RefreshOutcome, set[int]]] = []

    async def broken(outcome: RefreshOutcome) -> None:
        raise RuntimeError("listener bug")

    async def record(outcome: RefreshOutcome) -> None:
        # Runs after commit: the members are already visible.
        heard.append((outcome, await member_ids(outcome.segment_id)))

    remove_broken = on_segment_refreshed(broken)
    remove_record = on_segment_refreshed(record)
    try:
        outcome = await refresh_segment(segment.id, now=T1)
    finally:
        remove_broken()
        remove_record()

    assert heard == [(outcome, {1, 2})]


@postgres_only
async def test_a_refresh_waits_for_the_one_in_progress_and_reads_its_members(db, monkeypatch):
    segment = await _anns()
    for customer_id in range(10, 60):
        await customer(customer_id, "Ann")
    apply = refresh_module.apply_diff
    first_read = asyncio.Event()
    let_first_write = asyncio.Event()

    async def first_waits(*args, **kwargs):
        # The first refresh stops between reading the members and writing the new ones.
        if not first_read.is_set():
            first_read.set()
            await let_first_write.wait()
        return await apply(*args, **kwargs)

    monkeypatch.setattr(refresh_module, "apply_diff", first_waits)
    first = asyncio.create_task(refresh_segment(segment.id, now=T1))
    await first_read.wait()
    second = asyncio.create_task(refresh_segment(segment.id, now=T2))

    # Without the lock the second would read no members too, enter all 52 and commit,
    # and the first would then fail on the members the second inserted.
    try:
        await wait_until_blocked_on_lock(db, segment.id, second)
    finally:
        let_first_write.set()
    first_outcome, second_outcome = await asyncio.gather(first, second)

    assert (first_outcome.entered_count, first_outcome.exited_count) == (52, 0)
    assert (second_outcome.entered_count, second_outcome.exited_count) == (0, 0)
    assert (second_outcome.first_event_id, second_outcome.last_event_id) == (None, None)
    anns = {1, 2, *range(10, 60)}
    assert await members(segment.id) == {customer_id: (1, T1) for customer_id in anns}
    assert await events(segment.id) == [(customer_id, ENTERED, T1) for customer_id in sorted(anns)]
    row = await Segment.get(id=segment.id)
    assert (row.matched_customers_count, row.last_refresh_at) == (52, T2)
    assert (row.refresh_status, row.refresh_error) == (RefreshStatus.COMPLETED, None)


@postgres_only
async def test_a_restricted_refresh_that_waited_for_a_delete_finds_the_segment_gone(db):
    segment = await _anns()
    await refresh_segment(segment.id, now=T1)
    await rename(3, "Ann")

    # Another session deletes the segment as delete_segment does, under its lock.
    async with refresh_lock_held(db, segment.id) as other:
        for table in ("segment_membership_event", "segment_member"):
            await other.execute(f"DELETE FROM {table} WHERE segment_id = $1", segment.id)
        await other.execute("DELETE FROM segment WHERE id = $1", segment.id)
        refreshing = asyncio.create_task(refresh_segment(segment.id, now=T2, customer_ids=[3]))
        # Without the lock the refresh would still read the segment, enter customer 3 and
        # leave that member and its event behind once the delete commits.
        await wait_until_blocked_on_lock(db, segment.id, refreshing)

    with pytest.raises(DomainError) as error:
        await refreshing

    assert [(e.field, e.code) for e in error.value.errors] == [("id", ErrorCode.NOT_FOUND)]
    assert await Segment.filter(id=segment.id).exists() is False
    assert await members(segment.id) == {}
    assert await events(segment.id) == []


async def test_a_segment_saved_with_a_long_type_alias_refreshes_like_the_short_one(db):
    long_name = "customersegmentation/segment_condition_customer_attributes"
    segment = await _anns(conditions=firstname_is("Ann", type_name=long_name))

    await refresh_segment(segment.id, now=T1)

    assert await member_ids(segment.id) == {1, 2}
