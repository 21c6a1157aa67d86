"""Progress cleanup takes a deleted row's clicked links with it (foreign key, cascade), on both
databases, and leaves the links of the rows it keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.automation.cleanup import delete_old_progress
from models.automation.orm import ProgressStatus, SequenceProgress, TriggerEvent
from models.automation.tracking import LinkClick
from models.segments.orm import Segment

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


async def _clicked_row(segment: Segment, customer_id: int, created: datetime) -> int:
    row = await SequenceProgress.create(
        customer_id=customer_id,
        segment_id=segment.id,
        sequence_id=1,
        step_number=1,
        trigger_type=TriggerEvent.ENTER,
        status=ProgressStatus.SENT,
        scheduled_at=created,
        created_at=created,
        clicked_at=created,
        click_count=2,
    )
    for url in ("https://a.example/", "https://b.example/"):
        await LinkClick.create(progress_id=row.id, url=url, first_clicked_at=created)
    return row.id


async def test_cleanup_deletes_the_clicks_of_the_rows_it_deletes(db):
    segment = await Segment.create(name="A")
    old = await _clicked_row(segment, 1, NOW - timedelta(days=91))
    recent = await _clicked_row(segment, 2, NOW - timedelta(days=1))

    assert await delete_old_progress(NOW, 90) == 1

    assert {r.id for r in await SequenceProgress.all()} == {recent}
    clicks = {(c.progress_id, c.url) for c in await LinkClick.all()}  # type: ignore[attr-defined]
    assert clicks == {(recent, "https://a.example/"), (recent, "https://b.example/")}
    assert old not in {progress_id for progress_id, _ in clicks}
