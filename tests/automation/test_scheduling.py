"""Scheduling from membership events (SEMANTICS §5 "Starting sequences"), through the consumer's
cursor, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.backends.base.client import BaseDBAsyncClient

from models.automation.orm import (
    AutomationSettingsRow,
    EmailSequence,
    ProgressStatus,
    SequenceProgress,
    SequenceSendCount,
    TriggerEvent,
)
from models.automation.scheduling import schedule_events, start_for_customer, start_sequence
from models.errors import DomainError, ErrorCode
from models.segments.consumers import EventRange, consume_segment, register_consumer
from models.segments.orm import Segment
from models.segments.refresh import refresh_segment
from models.store.customers import Customer, NewsletterSubscriber
from models.store.reference import NewsletterTemplate
from tests.segments.segment_rows import customers_named, firstname_is

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)
BEFORE = T0 - timedelta(days=1)


class Scheduling:
    name = "email_scheduling"

    async def consume(self, conn: BaseDBAsyncClient, events: EventRange) -> None:
        await schedule_events(conn, events)


SCHEDULING = Scheduling()


async def _store(names: dict[int, str], *, subscribed: set[int]) -> None:
    await customers_named(names)
    for customer_id in names:
        status = 1 if customer_id in subscribed else 3
        await NewsletterSubscriber.create(customer_id=customer_id, subscriber_status=status)
    await NewsletterTemplate.create(id=1, code="t", subject="Hi", text="Hello")
    await register_consumer(SCHEDULING.name)


async def _segment(**fields: Any) -> Segment:
    values = {"auto_email_active": True, **fields}
    return await Segment.create(
        name="anns", website_ids=[1], conditions=firstname_is("Ann"), **values
    )


async def _step(
    segment: Segment, number: int, *, trigger: TriggerEvent = TriggerEvent.ENTER, **fields: Any
) -> EmailSequence:
    step = await EmailSequence.create(
        segment_id=segment.id,
        trigger_event=trigger,
        template_id=1,
        step_number=number,
        **fields,
    )
    await EmailSequence.filter(id=step.id).update(created_at=BEFORE)
    return step


async def _rows(segment: Segment) -> list[tuple]:
    """(customer, step, trigger, status, scheduled_at, reason) sorted by customer, trigger, step."""
    rows = await SequenceProgress.filter(segment_id=segment.id)
    found = [
        (r.customer_id, r.step_number, r.trigger_type.value, r.status.value)
        + (r.scheduled_at, r.last_error)
        for r in rows
    ]
    return sorted(found, key=lambda r: (r[0], r[2], r[1]))


async def _refresh_and_schedule(segment: Segment, at: datetime) -> None:
    await refresh_segment(segment.id, now=at)
    await consume_segment(SCHEDULING, segment.id)


async def test_entered_subscribers_get_one_row_per_active_enter_step(db):
    await _store({1: "Ann", 2: "Ann", 3: "Bob"}, subscribed={1, 3})
    segment = await _segment()
    first = await _step(segment, 1, delay_minutes=0)
    await _step(segment, 2, delay_minutes=90)
    await _step(segment, 3, is_active=False)
    await _step(segment, 1, trigger=TriggerEvent.EXIT)

    await _refresh_and_schedule(segment, T0)

    # Customer 2 is not subscribed, customer 3 did not enter, step 3 is inactive.
    assert await _rows(segment) == [
        (1, 1, "enter", "scheduled", T0, None),
        (1, 2, "enter", "scheduled", T0 + timedelta(minutes=90), None),
    ]
    row = await SequenceProgress.get(customer_id=1, sequence_id=first.id)
    assert row.event_id is not None


async def test_acting_on_the_same_events_twice_schedules_once(db):
    await _store({1: "Ann"}, subscribed={1})
    segment = await _segment()
    await _step(segment, 1)
    await refresh_segment(segment.id, now=T0)
    consumed = await consume_segment(SCHEDULING, segment.id)
    assert consumed is not None

    # The cursor has moved: a second run finds nothing. Acting on the range again by hand
    # (a consumer that lost its cursor) is stopped by the (step, event) key.
    assert await consume_segment(SCHEDULING, segment.id) is None
    from models.db import transaction

    async with transaction() as conn:
        outcome = await schedule_events(conn, consumed)

    assert outcome.scheduled == 0
    assert await _rows(segment) == [(1, 1, "enter", "scheduled", T0, None)]


async def test_an_exit_skips_scheduled_enter_rows_and_starts_the_exit_steps(db):
    await _store({1: "Ann", 2: "Ann"}, subscribed={1, 2})
    segment = await _segment()
    await _step(segment, 1, delay_minutes=60)
    await _step(segment, 1, trigger=TriggerEvent.EXIT, delay_minutes=30)
    await _refresh_and_schedule(segment, T0)
    await SequenceProgress.filter(customer_id=2).update(status=ProgressStatus.SENT)

    await Customer.filter(id__in=[1, 2]).update(firstname="Bob")
    await _refresh_and_schedule(segment, T1)

    assert await _rows(segment) == [
        (1, 1, "enter", "skipped", T0 + timedelta(minutes=60), "exited segment"),
        (1, 1, "exit", "scheduled", T1 + timedelta(minutes=30), None),
        (2, 1, "enter", "sent", T0 + timedelta(minutes=60), None),
        (2, 1, "exit", "scheduled", T1 + timedelta(minutes=30), None),
    ]


async def test_deactivating_a_segment_mails_nobody(db):
    await _store({1: "Ann"}, subscribed={1})
    segment = await _segment()
    await _step(segment, 1, delay_minutes=60)
    await _step(segment, 1, trigger=TriggerEvent.EXIT)
    await _refresh_and_schedule(segment, T0)

    await Segment.filter(id=segment.id).update(is_active=False)
    await _refresh_and_schedule(segment, T1)

    assert await _rows(segment) == [
        (1, 1, "enter", "skipped", T0 + timedelta(minutes=60), "exited segment")
    ]


async def test_nothing_starts_while_automation_is_off(db):
    await _store({1: "Ann", 2: "Ann"}, subscribed={1, 2})
    segment = await _segment(auto_email_active=False)
    await _step(segment, 1)
    await _refresh_and_schedule(segment, T0)
    assert await _rows(segment) == []

    await Segment.filter(id=segment.id).update(auto_email_active=True)
    await AutomationSettingsRow.create(id=1, enabled=False)
    await Customer.filter(id=2).update(firstname="Bob")
    await _refresh_and_schedule(segment, T1)

    # Events recorded while it was off start nothing later either.
    await AutomationSettingsRow.filter(id=1).update(enabled=True)
    assert await consume_segment(SCHEDULING, segment.id) is None
    assert await _rows(segment) == []


async def test_a_step_created_after_the_event_starts_nothing_for_it(db):
    await _store({1: "Ann"}, subscribed={1})
    segment = await _segment()
    await refresh_segment(segment.id, now=T0)
    late = await EmailSequence.create(segment_id=segment.id, template_id=1, step_number=1)
    await EmailSequence.filter(id=late.id).update(created_at=T1)

    await consume_segment(SCHEDULING, segment.id)

    assert await _rows(segment) == []


async def test_without_overlap_a_scheduled_row_blocks_everything_new(db):
    await _store({1: "Ann"}, subscribed={1})
    segment = await _segment(allow_overlapping_sequences=False)
    await _step(segment, 1, delay_minutes=600)
    await _step(segment, 1, trigger=TriggerEvent.EXIT)
    await _refresh_and_schedule(segment, T0)
    async with _connection() as conn:
        started = await start_for_customer(conn, segment, 1, TriggerEvent.EXIT)

    assert started == []
    assert [r[:4] for r in await _rows(segment)] == [(1, 1, "enter", "scheduled")]


async def test_with_overlap_only_the_same_trigger_blocks(db):
    await _store({1: "Ann"}, subscribed={1})
    segment = await _segment(allow_overlapping_sequences=True)
    await _step(segment, 1, delay_minutes=600)
    await _step(segment, 1, trigger=TriggerEvent.EXIT)
    await _refresh_and_schedule(segment, T0)
    async with _connection() as conn:
        again = await start_for_customer(conn, segment, 1, TriggerEvent.ENTER)
        other = await start_for_customer(conn, segment, 1, TriggerEvent.EXIT)

    assert again == []
    assert len(other) == 1
    assert [r[:4] for r in await _rows(segment)] == [
        (1, 1, "enter", "scheduled"),
        (1, 1, "exit", "scheduled"),
    ]


async def test_a_row_past_max_sends_is_written_skipped_with_the_reason(db):
    await _store({1: "Ann", 2: "Ann"}, subscribed={1, 2})
    segment = await _segment()
    step = await _step(segment, 1, max_sends=2)
    # Customer 1 was sent this step twice already (the count survives cleanup).
    await SequenceSendCount.create(sequence_id=step.id, customer_id=1, sends=2)
    await SequenceSendCount.create(sequence_id=step.id, customer_id=2, sends=1)

    await _refresh_and_schedule(segment, T0)

    assert await _rows(segment) == [
        (1, 1, "enter", "skipped", T0, "max sends reached"),
        (2, 1, "enter", "scheduled", T0, None),
    ]


def _connection():  # type: ignore[no-untyped-def]
    from models.db import transaction

    return transaction()


async def test_start_sequence_starts_the_steps_for_one_customer_now(db):
    await _store({1: "Ann", 2: "Bob"}, subscribed={1, 2})
    segment = await _segment()
    await _step(segment, 1, delay_minutes=0)
    await _step(segment, 2, delay_minutes=60)

    started = await start_sequence(segment.id, 2, TriggerEvent.ENTER)

    assert [(r.customer_id, r.step_number, r.status, r.event_id) for r in started] == [
        (2, 1, ProgressStatus.SCHEDULED, None),
        (2, 2, ProgressStatus.SCHEDULED, None),
    ]
    assert started[1].scheduled_at - started[0].scheduled_at == timedelta(minutes=60)


async def test_start_sequence_names_what_is_missing_or_off_and_starts_nothing(db):
    await _store({1: "Ann"}, subscribed={1})
    segment = await _segment()
    await _step(segment, 1)
    off = await _segment(auto_email_active=False)
    await _step(off, 1)

    failures = []
    for segment_id, customer_id in ((999, 1), (segment.id, 999), (off.id, 1)):
        with pytest.raises(DomainError) as error:
            await start_sequence(segment_id, customer_id, TriggerEvent.ENTER)
        failures.append([(e.field, e.code) for e in error.value.errors])

    assert failures == [
        [("segment_id", ErrorCode.NOT_FOUND)],
        [("customer_id", ErrorCode.NOT_FOUND)],
        [("segment_id", ErrorCode.INVALID)],
    ]
    assert await SequenceProgress.all().count() == 0
