"""Demo automation on top of the demo store: three campaigns a merchant runs, ready to refresh.

`segmentql demo-data` writes the store (models/store/demo.py), then these segments with
their sequences, through the same validated services the API uses. Automation is
switched on for each, so refreshing one (`refreshSegment`) schedules its mails and the
worker sends them (to `./outbox/` on the embedded defaults). Segments that already
exist by name are left alone, so running demo-data twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from models.automation.orm import TriggerEvent
from models.automation.sequences import SequenceData, create_sequence
from models.segments.orm import Segment
from models.segments.service import SegmentData, create_segment, update_segment

# Templates and sales rules of models/store/demo_catalog.py.
WELCOME_TEMPLATE, CART_TEMPLATE, WIN_BACK_TEMPLATE = 1, 2, 3
WELCOME_RULE, WIN_BACK_RULE = 1, 2


def _all(*leaves: tuple[str, str, str, str]) -> dict[str, Any]:
    return {
        "type": "combine",
        "aggregator": "all",
        "value": True,
        "conditions": [
            {"type": t, "attribute": a, "operator": o, "value": v} for t, a, o, v in leaves
        ],
    }


@dataclass(frozen=True)
class Campaign:
    segment: SegmentData
    steps: tuple[SequenceData, ...]


def _step(number: int, template: int, delay_minutes: int, **coupon: Any) -> SequenceData:
    return SequenceData(
        segment_id=0,
        template_id=template,
        step_number=number,
        trigger_event=TriggerEvent.ENTER,
        delay_minutes=delay_minutes,
        # A campaign is over once the customer orders: the cart mails stop at checkout.
        stop_on_conversion=True,
        **coupon,
    )


CAMPAIGNS = (
    Campaign(
        SegmentData(
            name="Abandoned carts",
            description="An active cart of 50 or more, untouched for an hour",
            website_ids=[1, 2],
            conditions=_all(
                ("cart_attributes", "hours_since_updated", ">=", "1"),
                ("cart_attributes", "base_grand_total", ">=", "50"),
            ),
        ),
        (
            _step(
                1,
                CART_TEMPLATE,
                60,
                generate_coupon=True,
                coupon_sales_rule_id=WELCOME_RULE,
                coupon_prefix="CART",
                coupon_expires_days=7,
            ),
            _step(
                2,
                CART_TEMPLATE,
                24 * 60,
                generate_coupon=True,
                coupon_sales_rule_id=WELCOME_RULE,
                coupon_prefix="CART",
                coupon_expires_days=3,
            ),
        ),
    ),
    Campaign(
        SegmentData(
            name="Welcome new subscribers",
            description="Registered in the last 90 days and subscribed",
            website_ids=[1, 2],
            conditions=_all(
                ("customer_attributes", "days_since_registration", "<=", "90"),
                ("customer_newsletter", "subscriber_status", "==", "1"),
            ),
        ),
        (_step(1, WELCOME_TEMPLATE, 0),),
    ),
    Campaign(
        SegmentData(
            name="Win-back",
            description="No order for 180 days",
            website_ids=[1, 2],
            conditions=_all(("customer_timebased", "days_since_last_order", ">=", "180")),
        ),
        (
            _step(
                1,
                WIN_BACK_TEMPLATE,
                0,
                generate_coupon=True,
                coupon_sales_rule_id=WIN_BACK_RULE,
                coupon_prefix="BACK",
                coupon_expires_days=30,
            ),
        ),
    ),
)


async def write_demo_automation() -> list[str]:
    """Create the campaigns that do not exist yet; the names of those created."""
    created = []
    for campaign in CAMPAIGNS:
        if await Segment.exists(name=campaign.segment.name):
            continue
        segment = await create_segment(campaign.segment)
        for step in campaign.steps:
            await create_sequence(replace(step, segment_id=segment.id))
        # Switched on once it has steps, as an admin would have to.
        await update_segment(segment.id, replace(campaign.segment, auto_email_active=True))
        created.append(campaign.segment.name)
    return created
