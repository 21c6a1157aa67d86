"""Demo automation: the three campaigns with their steps, switched on, written once."""

from __future__ import annotations

from typing import Any

from models.automation.demo import write_demo_automation
from models.automation.orm import EmailSequence
from models.segments.orm import Segment
from models.store.demo import write_demo_data


async def test_demo_campaigns_are_created_once_with_automation_on(db):
    await write_demo_data(50, 1)

    first = await write_demo_automation()
    second = await write_demo_automation()

    assert first == ["Abandoned carts", "Welcome new subscribers", "Win-back"]
    assert second == []
    segments = await Segment.all().order_by("id")
    assert [(s.name, s.auto_email_active, s.is_active) for s in segments] == [
        ("Abandoned carts", True, True),
        ("Welcome new subscribers", True, True),
        ("Win-back", True, True),
    ]
    steps: list[Any] = await EmailSequence.all().order_by("segment_id", "step_number")
    assert [
        (s.segment_id, s.step_number, s.template_id, s.delay_minutes, s.coupon_sales_rule_id)
        for s in steps
    ] == [
        (segments[0].id, 1, 2, 60, 1),
        (segments[0].id, 2, 2, 1440, 1),
        (segments[1].id, 1, 1, 0, None),
        (segments[2].id, 1, 3, 0, 2),
    ]
