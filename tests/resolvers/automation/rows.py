"""The store, segment, template and steps the automation API tests start from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from models.automation.orm import EmailSequence, ProgressStatus, SequenceProgress, TriggerEvent
from models.segments.orm import Segment
from models.store.customers import NewsletterSubscriber
from models.store.reference import CustomerGroup, NewsletterTemplate, SalesRule, Store, Website
from tests.segments.store_rows import add_customers, customer_row

SECRET = "test-secret"
PUBLIC_URL = "https://shop.example.com/api"
DUE = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
WELCOME = (
    "<p>Hi {{var customer_firstname}}, welcome to {{var store_name}}.</p>"
    "<p>Code {{var coupon_code}}: {{var coupon_discount_text}}</p>"
)


@dataclass(frozen=True)
class Shop:
    segment_id: int
    other_segment_id: int


async def shop_rows() -> Shop:
    """Website 1 with store 1 "Example Store"; customers 1 Ann, 2 Bob (subscribed) and 3 Cat
    (unsubscribed); template 1 "welcome"; sales rules 5 (usable, 15% off) and 6 (inactive);
    segments "VIPs" (active, automation on) and "Others"."""
    await Website.create(id=1, code="base", name="Main Website")
    await Store.create(id=1, website_id=1, code="default", name="Example Store")
    await CustomerGroup.create(id=1, code="general")
    await add_customers(
        customer_row(1, firstname="Ann", lastname="Lee", email="ann@example.com", store_id=1),
        customer_row(2, firstname="Bob", email="bob@example.com", store_id=1),
        customer_row(3, firstname="Cat", email="cat@example.com", store_id=1),
    )
    for customer_id, status in ((1, 1), (2, 1), (3, 3)):
        await NewsletterSubscriber.create(customer_id=customer_id, subscriber_status=status)
    await NewsletterTemplate.create(
        id=1, code="welcome", subject="Welcome {{var customer_firstname}}", text=WELCOME
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
    await SalesRule.create(
        id=6,
        name="Old rule",
        description=None,
        is_active=False,
        coupon_type="specific",
        use_auto_generation=True,
        simple_action="by_fixed",
        discount_amount=Decimal("10.5"),
    )
    vips = await Segment.create(
        name="VIPs", website_ids=[1], is_active=True, auto_email_active=True
    )
    others = await Segment.create(name="Others", website_ids=[1])
    return Shop(segment_id=vips.id, other_segment_id=others.id)


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
    """A row of `step` for `customer_id`, scheduled at DUE; sent rows have sent_at DUE."""
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


async def table(model: Any) -> list[dict[str, Any]]:
    """Every row of a table, by id: what a refused mutation must leave as it was."""
    return await model.all().order_by(model._meta.pk_attr).values()
