"""Segments, subscribers, templates, sales rules, steps and progress rows as the automation
tests store them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from models.automation.orm import EmailSequence, ProgressStatus, SequenceProgress, TriggerEvent
from models.automation.sequences import SequenceData
from models.segments.orm import Segment
from models.store.customers import NewsletterSubscriber
from models.store.reference import NewsletterTemplate, SalesRule

DUE = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
WELCOME = (
    "<p>Hi {{var customer_firstname}}, welcome to {{var store_name}}.</p>"
    "<p>Code {{var coupon_code}}: {{var coupon_discount_text}}</p>"
)


async def segment(name: str = "Anns", **fields: Any) -> Segment:
    return await Segment.create(name=name, website_ids=[1], **fields)


async def template(template_id: int = 1) -> NewsletterTemplate:
    return await NewsletterTemplate.create(
        id=template_id, code=f"t{template_id}", subject="Hi", text="<p>Hello</p>"
    )


async def welcome_rows(subscriber_status: Mapping[int, int], text: str = WELCOME) -> None:
    """A subscriber row per customer with its status (1 subscribed, 3 unsubscribed), template
    1 "welcome" with `text`, and sales rule 5 (15% off, usable for coupons)."""
    for customer_id, status in subscriber_status.items():
        await NewsletterSubscriber.create(customer_id=customer_id, subscriber_status=status)
    await NewsletterTemplate.create(
        id=1, code="welcome", subject="Welcome {{var customer_firstname}}", text=text
    )
    await SalesRule.create(
        id=5,
        name="15% off",
        description="Welcome discount",
        is_active=True,
        coupon_type="specific",
        use_auto_generation=True,
        simple_action="by_percent",
        discount_amount=Decimal(15),
    )


def step_data(segment_id: int, step_number: int = 1, **fields: Any) -> SequenceData:
    """An active enter step on template 1, sent at once, once, without a coupon."""
    values: dict[str, Any] = {"template_id": 1, "trigger_event": TriggerEvent.ENTER}
    values.update(fields)
    return SequenceData(segment_id=segment_id, step_number=step_number, **values)


async def step(
    segment_id: int,
    step_number: int = 1,
    trigger: TriggerEvent = TriggerEvent.ENTER,
    **fields: Any,
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
    step: EmailSequence,
    customer_id: int,
    status: ProgressStatus = ProgressStatus.SCHEDULED,
    **fields: Any,
) -> SequenceProgress:
    """A row of `step` for `customer_id`, scheduled at DUE; sent rows have sent_at DUE.
    `fields` set any other column, or these two."""
    values: dict[str, Any] = {
        "scheduled_at": DUE,
        "sent_at": DUE if status == ProgressStatus.SENT else None,
    }
    values.update(fields)
    return await SequenceProgress.create(
        customer_id=customer_id,
        segment_id=step.segment_id,  # type: ignore[attr-defined]
        sequence_id=step.id,
        step_number=step.step_number,
        trigger_type=step.trigger_event,
        status=status,
        **values,
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
