"""Deleting a segment takes its steps, progress rows and event cursors with it (SEMANTICS §5)."""

from __future__ import annotations

from models.automation.orm import EmailSequence, SequenceProgress, TriggerEvent
from models.segments.orm import Segment, SegmentEventCursor
from models.segments.service import delete_segment
from tests.automation.unsubscribe_rows import DUE, subscribed_with_rows


async def test_a_deleted_segment_takes_its_automation_rows_along(db):
    await subscribed_with_rows()
    kept = await Segment.create(name="kept", website_ids=[1])
    kept_step = await EmailSequence.create(segment_id=kept.id, template_id=1, step_number=1)
    await SequenceProgress.create(
        customer_id=1,
        segment_id=kept.id,
        sequence_id=kept_step.id,
        step_number=1,
        trigger_type=TriggerEvent.ENTER,
        scheduled_at=DUE,
    )
    gone = await Segment.get(name="s")
    await SegmentEventCursor.create(
        consumer="email_scheduling", segment_id=gone.id, last_event_id=0
    )

    await delete_segment(gone.id)

    assert await EmailSequence.all().values_list("segment_id", flat=True) == [kept.id]
    assert await SequenceProgress.all().values_list("segment_id", flat=True) == [kept.id]
    assert await SegmentEventCursor.all().count() == 0
