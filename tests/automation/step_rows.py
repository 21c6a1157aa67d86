"""Segments, templates, steps and progress rows as the sequence tests store them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from models.automation.orm import EmailSequence, ProgressStatus, SequenceProgress, TriggerEvent
from models.automation.sequences import SequenceData
from models.segments.orm import Segment
from models.store.reference import NewsletterTemplate

DUE = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


async def segment(name: str = "Anns", **fields: Any) -> Segment:
    return await Segment.create(name=name, website_ids=[1], **fields)


async def template(template_id: int = 1) -> NewsletterTemplate:
    return await NewsletterTemplate.create(
        id=template_id, code=f"t{template_id}", subject="Hi", text="<p>Hello</p>"
    )


def step_data(segment_id: int, step_number: int = 1, **fields: Any) -> SequenceData:
    """An active enter step on template 1, sent at once, once, without a coupon."""
    values: dict[str, Any] = {"template_id": 1, "trigger_event": TriggerEvent.ENTER}
    values.update(fields)
    return SequenceData(segment_id=segment_id, step_number=step_number, **values)


async def step(
    segment_id: int, step_number: int, trigger: TriggerEvent = TriggerEvent.ENTER, **fields: Any
) -> EmailSequence:
    """A step stored directly (no validation), on template 1."""
    return await EmailSequence.create(
        segment_id=segment_id,
        trigger_event=trigger,
        template_id=1,
        step_number=step_number,
        **fields,
    )


async def progress(
    step: EmailSequence, customer_id: int, status: ProgressStatus = ProgressStatus.SCHEDULED
) -> SequenceProgress:
    """A row of `step` for `customer_id`, scheduled at DUE; sent rows have sent_at DUE."""
    return await SequenceProgress.create(
        customer_id=customer_id,
        segment_id=step.segment_id,  # type: ignore[attr-defined]
        sequence_id=step.id,
        step_number=step.step_number,
        trigger_type=step.trigger_event,
        status=status,
        scheduled_at=DUE,
        sent_at=DUE if status == ProgressStatus.SENT else None,
    )


async def steps_of(segment_id: int) -> list[tuple[int, str, int]]:
    """(id, trigger, step number) of a segment's steps, by trigger then number."""
    rows = await EmailSequence.filter(segment_id=segment_id).order_by(
        "trigger_event", "step_number"
    )
    return [(r.id, r.trigger_event.value, r.step_number) for r in rows]


async def step_table() -> list[dict[str, Any]]:
    return await EmailSequence.all().order_by("id").values()


async def progress_table() -> list[dict[str, Any]]:
    return await SequenceProgress.all().order_by("id").values()


async def progress_of(row: SequenceProgress) -> tuple[str, int, str | None]:
    """(status, step number, last error) of a progress row as stored now."""
    fresh = await SequenceProgress.get(id=row.id)
    return fresh.status.value, fresh.step_number, fresh.last_error
