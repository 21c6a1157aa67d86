"""Automation stats on both databases: counts per status and step, steps that left rows behind,
distinct customers, and sends per UTC day around midnight."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from models.automation.orm import EmailSequence, ProgressStatus, SequenceProgress, TriggerEvent
from models.automation.stats import (
    StatusCounts,
    StepStats,
    segment_stats,
    sent_per_day,
    step_stats_for,
)
from models.errors import DomainError, ErrorCode
from models.segments.orm import Segment

NOW = datetime(2025, 3, 10, 15, 30, tzinfo=UTC)
ENTER, EXIT = TriggerEvent.ENTER, TriggerEvent.EXIT
SCHEDULED, SENDING, SENT, FAILED, SKIPPED = (
    ProgressStatus.SCHEDULED,
    ProgressStatus.SENDING,
    ProgressStatus.SENT,
    ProgressStatus.FAILED,
    ProgressStatus.SKIPPED,
)


async def _step(segment: Segment, trigger: TriggerEvent, number: int) -> EmailSequence:
    return await EmailSequence.create(
        segment_id=segment.id, trigger_event=trigger, step_number=number, template_id=1
    )


async def _row(
    segment: Segment,
    sequence_id: int,
    customer_id: int,
    status: ProgressStatus,
    *,
    trigger: TriggerEvent = ENTER,
    step_number: int = 1,
    **fields: Any,
) -> SequenceProgress:
    return await SequenceProgress.create(
        customer_id=customer_id,
        segment_id=segment.id,
        sequence_id=sequence_id,
        step_number=step_number,
        trigger_type=trigger,
        status=status,
        scheduled_at=NOW - timedelta(days=1),
        **fields,
    )


@dataclass(frozen=True)
class History:
    a: Segment
    b: Segment
    e1: EmailSequence
    gone: EmailSequence
    e2: EmailSequence
    x1: EmailSequence
    x2: EmailSequence
    moved: EmailSequence


async def _history() -> History:
    """Rows of every status in two segments.

    Segment A's enter steps: e1; `gone`, number 3 until an earlier step's deletion made it
    2, then deleted itself, which moved e2 from 3 to 2. Exit steps x1 and x2 (x2 without
    rows). `moved` sent from A as exit step 3, then moved to segment B as enter step 1.
    """
    a = await Segment.create(name="A", auto_email_active=True)
    b = await Segment.create(name="B", auto_email_active=True)
    e1 = await _step(a, ENTER, 1)
    gone = await _step(a, ENTER, 3)
    e2 = await _step(a, ENTER, 2)
    x1 = await _step(a, EXIT, 1)
    x2 = await _step(a, EXIT, 2)
    moved = await _step(b, ENTER, 1)

    for customer_id, status in ((1, SENT), (2, SENT), (3, FAILED), (4, SCHEDULED), (5, SENDING)):
        await _row(a, e1.id, customer_id, status)
    await _row(a, e1.id, 1, SKIPPED)
    await _row(a, e2.id, 2, SKIPPED, step_number=3)
    await _row(a, e2.id, 1, SCHEDULED, step_number=2)
    await _row(a, x1.id, 6, SENT, trigger=EXIT)
    await _row(a, x1.id, 6, FAILED, trigger=EXIT)
    await _row(a, gone.id, 7, SENT, step_number=3)
    await _row(a, gone.id, 1, SENT, step_number=2)
    await _row(a, gone.id, 7, SKIPPED, step_number=2)
    await EmailSequence.filter(id=gone.id).delete()
    await _row(a, moved.id, 9, SENT, trigger=EXIT, step_number=3)
    await _row(b, moved.id, 1, SENT)
    await _row(b, moved.id, 8, SCHEDULED)
    return History(a=a, b=b, e1=e1, gone=gone, e2=e2, x1=x1, x2=x2, moved=moved)


def counts(
    scheduled: int = 0,
    sending: int = 0,
    sent: int = 0,
    failed: int = 0,
    skipped: int = 0,
    *,
    unique: int,
) -> StatusCounts:
    total = scheduled + sending + sent + failed + skipped
    return StatusCounts(total, scheduled, sending, sent, failed, skipped, unique)


async def test_segment_stats_count_every_status_per_step_and_keep_steps_that_left_rows(db):
    s = await _history()

    totals, steps = await segment_stats(s.a.id)

    assert totals == StatusCounts(
        total=14, scheduled=2, sending=1, sent=6, failed=2, skipped=3, unique_customers=8
    )
    assert steps == [
        StepStats(s.e1.id, ENTER, 1, counts(1, 1, 2, 1, 1, unique=5)),
        # Deleted: shown where its newest rows were scheduled.
        StepStats(s.gone.id, ENTER, 2, counts(sent=2, skipped=1, unique=2)),
        # Its row from when it was step 3 counts under its current number.
        StepStats(s.e2.id, ENTER, 2, counts(scheduled=1, skipped=1, unique=2)),
        StepStats(s.x1.id, EXIT, 1, counts(sent=1, failed=1, unique=1)),
        StepStats(s.x2.id, EXIT, 2, counts(unique=0)),
        StepStats(s.moved.id, EXIT, 3, counts(sent=1, unique=1)),
    ]


async def test_a_moved_step_counts_only_the_rows_of_its_new_segment_there(db):
    s = await _history()

    totals, steps = await segment_stats(s.b.id)

    assert totals == counts(scheduled=1, sent=1, unique=2)
    assert steps == [StepStats(s.moved.id, ENTER, 1, counts(scheduled=1, sent=1, unique=2))]


async def test_a_segment_without_rows_lists_its_steps_with_zeros(db):
    segment = await Segment.create(name="quiet")
    exit_step = await _step(segment, EXIT, 1)
    enter_step = await _step(segment, ENTER, 1)
    empty = await Segment.create(name="empty")

    assert await segment_stats(segment.id) == (
        StatusCounts(),
        [
            StepStats(enter_step.id, ENTER, 1, StatusCounts()),
            StepStats(exit_step.id, EXIT, 1, StatusCounts()),
        ],
    )
    assert await segment_stats(empty.id) == (StatusCounts(), [])


async def test_step_stats_for_answers_every_step_asked_for_in_its_current_segment(db):
    s = await _history()

    stats = await step_stats_for([s.e1.id, s.x2.id, s.gone.id, s.moved.id, s.e1.id, 999])

    assert stats == {
        s.e1.id: counts(1, 1, 2, 1, 1, unique=5),
        s.x2.id: StatusCounts(),
        s.gone.id: StatusCounts(),
        s.moved.id: counts(scheduled=1, sent=1, unique=2),
        999: StatusCounts(),
    }
    assert await step_stats_for([]) == {}


async def _sends() -> tuple[Segment, Segment]:
    a = await Segment.create(name="A")
    b = await Segment.create(name="B")
    for sent_at in (
        datetime(2025, 3, 3, 12, 0, tzinfo=UTC),
        datetime(2025, 3, 7, 23, 59, 59, tzinfo=UTC),
        datetime(2025, 3, 8, 0, 0, 0, tzinfo=UTC),
        datetime(2025, 3, 8, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2025, 3, 9, 0, 0, 0, tzinfo=UTC),
        datetime(2025, 3, 10, 15, 0, tzinfo=UTC),
        NOW,
    ):
        await _row(a, 1, 1, SENT, sent_at=sent_at)
    # Not sends of A: another status, or another segment.
    await _row(a, 1, 2, FAILED)
    await _row(a, 1, 3, SENDING, sent_at=datetime(2025, 3, 9, 12, 0, tzinfo=UTC))
    await _row(b, 2, 1, SENT, sent_at=datetime(2025, 3, 9, 12, 0, tzinfo=UTC))
    return a, b


def d(day: int, month: int = 3) -> date:
    return date(2025, month, day)


async def test_sent_per_day_lists_every_day_and_splits_at_utc_midnight(db):
    a, b = await _sends()

    assert await sent_per_day(a.id, days=7, now=NOW) == [
        (d(4), 0),
        (d(5), 0),
        (d(6), 0),
        (d(7), 1),
        (d(8), 2),
        (d(9), 1),
        (d(10), 2),
    ]
    assert await sent_per_day(a.id, days=3, now=NOW) == [(d(8), 2), (d(9), 1), (d(10), 2)]
    assert await sent_per_day(a.id, days=1, now=NOW) == [(d(10), 2)]
    assert await sent_per_day(b.id, days=2, now=NOW) == [(d(9), 1), (d(10), 0)]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2025, 3, 8, 23, 59, 59, tzinfo=UTC), [(d(7), 1), (d(8), 2)]),
        (datetime(2025, 3, 9, 0, 0, 0, tzinfo=UTC), [(d(8), 2), (d(9), 1)]),
        # 23:00 UTC on the 10th, in a zone where it is already the 11th.
        (datetime(2025, 3, 11, 1, 0, tzinfo=timezone(timedelta(hours=2))), [(d(9), 1), (d(10), 2)]),
    ],
)
async def test_today_is_the_utc_day_of_now(db, now, expected):
    a, _ = await _sends()

    assert await sent_per_day(a.id, days=2, now=now) == expected


async def test_a_year_of_days_is_listed_in_full(db):
    a, _ = await _sends()

    year = await sent_per_day(a.id, days=366, now=NOW)

    assert len(year) == 366
    assert (year[0], year[-1]) == ((date(2024, 3, 10), 0), (d(10), 2))
    assert [day for day, _ in year] == [date(2024, 3, 10) + timedelta(days=i) for i in range(366)]
    assert {day: n for day, n in year if n} == {d(3): 1, d(7): 1, d(8): 2, d(9): 1, d(10): 2}


@pytest.mark.parametrize("days", [0, -1, 367])
async def test_days_out_of_bounds_are_refused(db, days):
    a, _ = await _sends()

    with pytest.raises(DomainError) as raised:
        await sent_per_day(a.id, days=days, now=NOW)

    [error] = raised.value.errors
    assert (error.field, error.code) == ("days", ErrorCode.INVALID)
    assert error.message == f"Must be between 1 and 366, got {days}."
