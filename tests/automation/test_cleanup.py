"""Progress cleanup on both databases: finished rows created long enough ago go; rows still to
be sent, recent rows, send counts and coupons stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from models.automation.cleanup import delete_old_progress
from models.automation.orm import ProgressStatus, SequenceProgress, SequenceSendCount, TriggerEvent
from models.coupons.orm import Coupon
from models.segments.orm import Segment
from tests.coupons.rows import coupon, sales_rule

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SCHEDULED, SENDING, SENT, FAILED, SKIPPED = (
    ProgressStatus.SCHEDULED,
    ProgressStatus.SENDING,
    ProgressStatus.SENT,
    ProgressStatus.FAILED,
    ProgressStatus.SKIPPED,
)


async def _row(
    segment: Segment, customer_id: int, status: ProgressStatus, created: datetime
) -> int:
    row = await SequenceProgress.create(
        customer_id=customer_id,
        segment_id=segment.id,
        sequence_id=1,
        step_number=1,
        trigger_type=TriggerEvent.ENTER,
        status=status,
        scheduled_at=created,
        created_at=created,
    )
    return row.id


async def _rows() -> dict[str, int]:
    """Rows around the 90-day cutoff, by name; coupons of two sent rows; send counts."""
    segment = await Segment.create(name="A")
    other = await Segment.create(name="B")
    ids = {
        "old_sent": await _row(segment, 1, SENT, NOW - 91 * DAY),
        "old_failed": await _row(segment, 2, FAILED, NOW - 91 * DAY),
        "old_skipped": await _row(other, 3, SKIPPED, NOW - 400 * DAY),
        "just_over": await _row(segment, 4, SENT, NOW - 90 * DAY - timedelta(seconds=1)),
        "at_cutoff": await _row(segment, 5, SENT, NOW - 90 * DAY),
        "recent_sent": await _row(segment, 6, SENT, NOW - DAY),
        "recent_skipped": await _row(segment, 7, SKIPPED, NOW),
        "old_scheduled": await _row(segment, 8, SCHEDULED, NOW - 400 * DAY),
        "old_sending": await _row(other, 9, SENDING, NOW - 400 * DAY),
    }
    await sales_rule(1)
    await coupon("OLDSENT", customer_id=1, progress_id=ids["old_sent"])
    await coupon("RECENT", customer_id=6, progress_id=ids["recent_sent"])
    for customer_id in (1, 4, 6):
        await SequenceSendCount.create(sequence_id=1, customer_id=customer_id, sends=2)
    return ids


async def _progress_rows() -> list[dict[str, Any]]:
    return list(await SequenceProgress.all().order_by("id").values())


async def _coupons() -> dict[str, tuple[int | None, int | None]]:
    rows = await Coupon.all().values_list("code", "customer_id", "progress_id")
    return {code: (customer_id, progress_id) for code, customer_id, progress_id in rows}


async def _send_counts() -> set[tuple[int, int, int]]:
    rows = await SequenceSendCount.all().values_list("sequence_id", "customer_id", "sends")
    return set(rows)  # type: ignore[arg-type]


KEPT = {"at_cutoff", "recent_sent", "recent_skipped", "old_scheduled", "old_sending"}


@pytest.mark.parametrize(
    "now",
    [NOW, NOW.astimezone(timezone(timedelta(hours=-5)))],
    ids=["utc", "another-zone"],
)
async def test_deletes_finished_rows_created_more_than_the_days_ago(db, now):
    ids = await _rows()

    deleted = await delete_old_progress(now, 90)

    assert deleted == 4
    assert {row["id"] for row in await _progress_rows()} == {ids[name] for name in KEPT}
    # The deleted row's coupon stays redeemable, without its row.
    assert await _coupons() == {"OLDSENT": (1, None), "RECENT": (6, ids["recent_sent"])}
    assert await _send_counts() == {(1, 1, 2), (1, 4, 2), (1, 6, 2)}


async def test_zero_days_deletes_every_finished_row_created_before_now(db):
    ids = await _rows()

    deleted = await delete_old_progress(NOW, 0)

    assert deleted == 6
    assert {row["id"] for row in await _progress_rows()} == {
        ids["recent_skipped"],
        ids["old_scheduled"],
        ids["old_sending"],
    }
    assert await _coupons() == {"OLDSENT": (1, None), "RECENT": (6, None)}
    assert await _send_counts() == {(1, 1, 2), (1, 4, 2), (1, 6, 2)}


async def test_a_second_run_finds_nothing_and_changes_nothing(db):
    await _rows()
    await delete_old_progress(NOW, 90)
    before = (await _progress_rows(), await _coupons(), await _send_counts())

    deleted = await delete_old_progress(NOW, 90)

    assert deleted == 0
    assert (await _progress_rows(), await _coupons(), await _send_counts()) == before


async def test_negative_days_are_refused_and_nothing_is_deleted(db):
    await _rows()
    before = (await _progress_rows(), await _coupons(), await _send_counts())

    with pytest.raises(ValueError, match="older_than_days must not be negative, got -1"):
        await delete_old_progress(NOW, -1)

    assert (await _progress_rows(), await _coupons(), await _send_counts()) == before
