"""Automation reports on both databases: the numbers of the 24 h before `now`, stored, and read
back newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from models.automation.orm import (
    AutomationReport,
    EmailSequence,
    ProgressStatus,
    SequenceProgress,
    TriggerEvent,
)
from models.automation.reports import generate_report, report_cursor, reports_page
from models.errors import DomainError, ErrorCode
from models.pagination import encode_cursor
from models.segments.orm import Segment

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
START = NOW - timedelta(hours=24)
SECOND = timedelta(seconds=1)
SCHEDULED, SENDING, SENT, FAILED, SKIPPED = (
    ProgressStatus.SCHEDULED,
    ProgressStatus.SENDING,
    ProgressStatus.SENT,
    ProgressStatus.FAILED,
    ProgressStatus.SKIPPED,
)


async def _segment(name: str, *steps: bool, **fields: Any) -> Segment:
    """A segment (active, automation on unless `fields` say otherwise) with a step per flag
    in `steps` (whether it is active)."""
    segment = await Segment.create(
        name=name, **{"is_active": True, "auto_email_active": True, **fields}
    )
    for number, active in enumerate(steps, start=1):
        await EmailSequence.create(
            segment_id=segment.id, step_number=number, template_id=1, is_active=active
        )
    return segment


async def _row(
    segment: Segment,
    status: ProgressStatus,
    *,
    sent_at: datetime | None = None,
    updated_at: datetime | None = None,
) -> None:
    row = await SequenceProgress.create(
        customer_id=1,
        segment_id=segment.id,
        sequence_id=1,
        step_number=1,
        trigger_type=TriggerEvent.ENTER,
        status=status,
        scheduled_at=START - timedelta(days=1),
        sent_at=sent_at,
    )
    if updated_at is not None:
        # `create` stamps the clock's time; the report reads the moment a row changed.
        await SequenceProgress.filter(id=row.id).update(updated_at=updated_at)


async def _automation() -> None:
    """Two segments that can send (A, E), four that cannot; rows at both ends of the period."""
    a = await _segment("A", True)
    await _segment("B inactive steps", False, False)
    await _segment("C inactive segment", True, is_active=False)
    await _segment("D automation off", True, auto_email_active=False)
    e = await _segment("E", False, True)
    await _segment("F no steps")

    for sent_at in (START + SECOND, NOW - timedelta(hours=1), NOW):
        await _row(a, SENT, sent_at=sent_at, updated_at=NOW + timedelta(days=1))
    for sent_at in (START, START - SECOND, NOW + SECOND):
        await _row(a, SENT, sent_at=sent_at, updated_at=NOW - SECOND)
    for updated_at in (NOW - timedelta(hours=2), START, NOW - timedelta(hours=25)):
        await _row(a, FAILED, updated_at=updated_at)
    for updated_at in (START + SECOND, NOW, NOW - timedelta(hours=30), NOW + SECOND):
        await _row(e, SKIPPED, updated_at=updated_at)
    await _row(a, SCHEDULED, updated_at=START - timedelta(days=10))
    await _row(a, SCHEDULED, updated_at=NOW)
    await _row(e, SCHEDULED, updated_at=NOW)
    await _row(e, SENDING, updated_at=NOW)


def _numbers(report: AutomationReport) -> dict[str, Any]:
    return {
        name: getattr(report, name)
        for name in (
            "created_at",
            "period_start",
            "period_end",
            "sent",
            "failed",
            "skipped",
            "scheduled",
            "total_active",
        )
    }


EXPECTED = {
    "created_at": NOW,
    "period_start": START,
    "period_end": NOW,
    "sent": 3,
    "failed": 1,
    "skipped": 2,
    "scheduled": 3,
    "total_active": 2,
}


@pytest.mark.parametrize(
    "now",
    [NOW, NOW.astimezone(timezone(timedelta(hours=9)))],
    ids=["utc", "another-zone"],
)
async def test_a_report_counts_the_24_hours_up_to_now_and_is_stored(db, now):
    await _automation()

    report = await generate_report(now)

    assert _numbers(report) == EXPECTED
    [stored] = await AutomationReport.all()
    assert (stored.id, _numbers(stored)) == (report.id, EXPECTED)


async def test_a_quiet_day_reports_zeros(db):
    report = await generate_report(NOW)

    assert _numbers(report) == {
        **EXPECTED,
        "sent": 0,
        "failed": 0,
        "skipped": 0,
        "scheduled": 0,
        "total_active": 0,
    }


async def test_each_call_stores_a_new_report(db):
    await _automation()

    first = await generate_report(NOW)
    second = await generate_report(NOW)

    assert second.id == first.id + 1
    assert [_numbers(r) for r in await AutomationReport.all().order_by("id")] == [EXPECTED] * 2


async def _three_reports() -> list[int]:
    return [(await generate_report(NOW + timedelta(days=day))).id for day in range(3)]


async def test_reports_are_paged_newest_first(db):
    oldest, middle, newest = await _three_reports()

    first = await reports_page(2, None)
    rest = await reports_page(2, first.end_cursor)

    assert ([r.id for r in first.items], first.has_next) == ([newest, middle], True)
    assert first.end_cursor == report_cursor(middle)
    assert ([r.id for r in rest.items], rest.has_next) == ([oldest], False)
    assert rest.end_cursor == report_cursor(oldest)
    assert [r.period_end for r in first.items + rest.items] == [
        NOW + timedelta(days=2),
        NOW + timedelta(days=1),
        NOW,
    ]
    everything = await reports_page(None, None)
    assert ([r.id for r in everything.items], everything.has_next) == (
        [newest, middle, oldest],
        False,
    )
    past_the_end = await reports_page(2, rest.end_cursor)
    assert (past_the_end.items, past_the_end.end_cursor, past_the_end.has_next) == (
        [],
        None,
        False,
    )
    nothing = await reports_page(0, None)
    assert (nothing.items, nothing.end_cursor, nothing.has_next) == ([], None, True)


@pytest.mark.parametrize(
    ("first", "after", "field", "message"),
    [
        (2, "not-a-cursor", "after", "Invalid cursor."),
        (2, encode_cursor("segment", 3), "after", "Invalid cursor."),
        (-1, None, "first", "Must be between 0 and 500, got -1."),
        (501, None, "first", "Must be between 0 and 500, got 501."),
    ],
)
async def test_a_bad_page_request_is_refused_and_stores_nothing(db, first, after, field, message):
    await _three_reports()
    before = await AutomationReport.all().order_by("id").values()

    with pytest.raises(DomainError) as raised:
        await reports_page(first, after)

    [error] = raised.value.errors
    assert (error.field, error.code, error.message) == (field, ErrorCode.INVALID, message)
    assert await AutomationReport.all().order_by("id").values() == before
