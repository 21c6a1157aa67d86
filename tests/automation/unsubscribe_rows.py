"""A subscribed customer with scheduled and sent automation rows, and a second one untouched."""

from __future__ import annotations

from datetime import UTC, datetime

from models.automation.orm import EmailSequence, ProgressStatus, SequenceProgress, TriggerEvent
from models.segments.orm import Segment
from models.store.customers import NewsletterSubscriber
from tests.segments.segment_rows import customers_named

DUE = datetime(2030, 1, 1, tzinfo=UTC)


async def subscribed_with_rows() -> dict[int, list[int]]:
    """Customers 1 and 2, subscribed, each with a scheduled and a sent row: row ids by customer."""
    await customers_named({1: "Ann", 2: "Bob"})
    segment = await Segment.create(name="s", website_ids=[1], auto_email_active=True)
    step = await EmailSequence.create(segment_id=segment.id, template_id=1, step_number=1)
    rows: dict[int, list[int]] = {}
    for customer_id in (1, 2):
        await NewsletterSubscriber.create(customer_id=customer_id, subscriber_status=1)
        for status in (ProgressStatus.SCHEDULED, ProgressStatus.SENT):
            row = await SequenceProgress.create(
                customer_id=customer_id,
                segment_id=segment.id,
                sequence_id=step.id,
                step_number=1,
                trigger_type=TriggerEvent.ENTER,
                status=status,
                scheduled_at=DUE,
            )
            rows.setdefault(customer_id, []).append(row.id)
    return rows


async def state() -> tuple[dict[int, int], dict[int, tuple[str, str | None]]]:
    """(subscriber status by customer, (status, reason) by progress row)."""
    subscribers = {s.customer_id: s.subscriber_status for s in await NewsletterSubscriber.all()}  # type: ignore[attr-defined]
    rows: dict[int, tuple[str, str | None]] = {
        r.id: (r.status.value, r.last_error) for r in await SequenceProgress.all()
    }
    return subscribers, rows
