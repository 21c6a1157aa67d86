"""Deleting, deactivating and moving steps: their scheduled rows are skipped, later steps of the
same trigger move up, and nothing else changes."""

from __future__ import annotations

import asyncio

import pytest

from models.automation.orm import EmailSequence, ProgressStatus, TriggerEvent
from models.automation.sequences import delete_sequence, update_sequence
from models.errors import DomainError, ErrorCode
from tests.automation.step_rows import (
    progress,
    progress_of,
    progress_table,
    segment,
    step,
    step_data,
    step_table,
    steps_of,
    template,
)

ENTER, EXIT = TriggerEvent.ENTER, TriggerEvent.EXIT
SCHEDULED, SENT = ProgressStatus.SCHEDULED, ProgressStatus.SENT


async def test_deleting_a_step_moves_up_the_later_steps_of_its_trigger_only(db):
    s, other = await segment(), await segment("other")
    e1, e2, e3, e4 = [await step(s.id, n) for n in (1, 2, 3, 4)]
    x1, x2, x3 = [await step(s.id, n, EXIT) for n in (1, 2, 3)]
    o1, o2, o3 = [await step(other.id, n) for n in (1, 2, 3)]

    assert await delete_sequence(e2.id) == e2.id

    assert await steps_of(s.id) == [
        (e1.id, "enter", 1),
        (e3.id, "enter", 2),
        (e4.id, "enter", 3),
        (x1.id, "exit", 1),
        (x2.id, "exit", 2),
        (x3.id, "exit", 3),
    ]
    assert await steps_of(other.id) == [
        (o1.id, "enter", 1),
        (o2.id, "enter", 2),
        (o3.id, "enter", 3),
    ]


async def test_steps_deleted_at_once_leave_the_rest_numbered_from_one(db):
    s = await segment()
    e1, e2, e3, e4, e5 = [await step(s.id, n) for n in (1, 2, 3, 4, 5)]

    await asyncio.gather(delete_sequence(e2.id), delete_sequence(e1.id), delete_sequence(e4.id))

    assert await steps_of(s.id) == [(e3.id, "enter", 1), (e5.id, "enter", 2)]


async def test_deleting_an_exit_step_leaves_the_enter_steps(db):
    s = await segment()
    e1, e2 = await step(s.id, 1), await step(s.id, 2)
    x1, x2, x3 = [await step(s.id, n, EXIT) for n in (1, 2, 3)]

    await delete_sequence(x1.id)

    assert await steps_of(s.id) == [
        (e1.id, "enter", 1),
        (e2.id, "enter", 2),
        (x2.id, "exit", 1),
        (x3.id, "exit", 2),
    ]


async def test_deleting_the_last_step_renumbers_nothing_and_a_gap_moves_up_by_one(db):
    s = await segment()
    e1, e3, e5 = await step(s.id, 1), await step(s.id, 3), await step(s.id, 5)

    await delete_sequence(e5.id)
    assert await steps_of(s.id) == [(e1.id, "enter", 1), (e3.id, "enter", 3)]

    await delete_sequence(e1.id)
    assert await steps_of(s.id) == [(e3.id, "enter", 2)]


async def test_deleting_a_step_skips_its_scheduled_rows_and_renumbers_the_later_ones(db):
    s = await segment()
    e1, e2, e3 = [await step(s.id, n) for n in (1, 2, 3)]
    x2 = await step(s.id, 2, EXIT)
    deleted_scheduled = [await progress(e2, c) for c in (1, 2)]
    deleted_sent = await progress(e2, 3, SENT)
    earlier = await progress(e1, 1)
    later_scheduled = await progress(e3, 1)
    later_sent = await progress(e3, 4, SENT)
    other_trigger = await progress(x2, 5)

    await delete_sequence(e2.id)

    for row in deleted_scheduled:
        assert await progress_of(row) == ("skipped", 2, "step deleted")
    assert await progress_of(deleted_sent) == ("sent", 2, None)
    assert await progress_of(earlier) == ("scheduled", 1, None)
    # The moved step's coming mails carry its new number; what was sent keeps the old one.
    assert await progress_of(later_scheduled) == ("scheduled", 2, None)
    assert await progress_of(later_sent) == ("sent", 3, None)
    assert await progress_of(other_trigger) == ("scheduled", 2, None)


async def test_deleting_a_missing_step_changes_nothing(db):
    s = await segment()
    e1 = await step(s.id, 1)
    await progress(e1, 1)
    steps_before, rows_before = await step_table(), await progress_table()

    with pytest.raises(DomainError) as error:
        await delete_sequence(e1.id + 1)

    assert [(e.field, e.code, e.message) for e in error.value.errors] == [
        ("id", ErrorCode.NOT_FOUND, f"Email sequence {e1.id + 1} does not exist.")
    ]
    assert await step_table() == steps_before
    assert await progress_table() == rows_before


async def test_deactivating_a_step_skips_its_scheduled_rows_only(db):
    s = await segment()
    await template(1)
    e1, e2 = await step(s.id, 1), await step(s.id, 2)
    mine = [await progress(e1, c) for c in (1, 2)]
    mine_sent = await progress(e1, 3, SENT)
    others = await progress(e2, 1)

    await update_sequence(e1.id, step_data(s.id, 1, is_active=False))

    assert (await EmailSequence.get(id=e1.id)).is_active is False
    for row in mine:
        assert await progress_of(row) == ("skipped", 1, "step deactivated")
    assert await progress_of(mine_sent) == ("sent", 1, None)
    assert await progress_of(others) == ("scheduled", 2, None)


async def test_editing_an_active_or_an_inactive_step_in_place_keeps_its_rows(db):
    s = await segment()
    await template(1)
    active, inactive = await step(s.id, 1), await step(s.id, 2, is_active=False)
    rows = [await progress(active, 1), await progress(inactive, 1)]
    before = await progress_table()

    await update_sequence(active.id, step_data(s.id, 1, delay_minutes=30))
    await update_sequence(inactive.id, step_data(s.id, 2, is_active=False, delay_minutes=30))

    assert await progress_table() == before
    assert [await progress_of(r) for r in rows] == [("scheduled", 1, None), ("scheduled", 2, None)]


async def test_reactivating_a_step_does_not_revive_skipped_rows(db):
    s = await segment()
    await template(1)
    e1 = await step(s.id, 1)
    row = await progress(e1, 1)
    await update_sequence(e1.id, step_data(s.id, 1, is_active=False))

    await update_sequence(e1.id, step_data(s.id, 1, is_active=True))

    assert await progress_of(row) == ("skipped", 1, "step deactivated")


async def test_a_new_step_number_carries_over_to_its_scheduled_rows(db):
    s = await segment()
    await template(1)
    e1 = await step(s.id, 1)
    scheduled, sent = await progress(e1, 1), await progress(e1, 2, SENT)

    await update_sequence(e1.id, step_data(s.id, 4))

    assert await progress_of(scheduled) == ("scheduled", 4, None)
    assert await progress_of(sent) == ("sent", 1, None)


@pytest.mark.parametrize("move", ["trigger", "segment"])
async def test_moving_a_step_skips_its_scheduled_rows(db, move):
    s, other = await segment(), await segment("other")
    await template(1)
    e1, e2 = await step(s.id, 1), await step(s.id, 2)
    mine, others = await progress(e1, 1), await progress(e2, 1)

    target = (
        step_data(s.id, 1, trigger_event="exit") if move == "trigger" else step_data(other.id, 1)
    )
    await update_sequence(e1.id, target)

    assert await progress_of(mine) == ("skipped", 1, "step moved")
    assert await progress_of(others) == ("scheduled", 2, None)


async def test_a_refused_deactivation_changes_no_rows(db):
    s = await segment()
    await template(1)
    e1 = await step(s.id, 1)
    await progress(e1, 1)
    steps_before, rows_before = await step_table(), await progress_table()

    with pytest.raises(DomainError):
        await update_sequence(e1.id, step_data(s.id, 1, is_active=False, max_sends=0))

    assert await step_table() == steps_before
    assert await progress_table() == rows_before
