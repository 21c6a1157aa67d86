"""The `stop_on_conversion` step option: its default per trigger at creation, kept on update,
and the demo cart sequence that stops at checkout."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models.automation.demo import write_demo_automation
from models.automation.orm import EmailSequence, ProgressStatus, SequenceProgress, TriggerEvent
from models.automation.sequences import create_sequence, update_sequence
from models.segments.orm import Segment
from models.store.demo import write_demo_data
from models.store.importer import import_ndjson
from tests.automation.step_rows import segment, step_data, template
from tests.store import sample
from tests.store.automation_rows import NOW
from tests.store.test_attribution import order


@pytest.mark.parametrize(
    ("trigger", "given", "stored"),
    [
        (TriggerEvent.ENTER, None, True),
        (TriggerEvent.EXIT, None, False),
        (TriggerEvent.ENTER, False, False),
        (TriggerEvent.EXIT, True, True),
    ],
)
async def test_the_default_is_on_for_enter_and_off_for_exit(db, trigger, given, stored):
    s = await segment()
    await template(1)

    created = await create_sequence(
        step_data(s.id, 1, trigger_event=trigger, stop_on_conversion=given)
    )

    assert (await EmailSequence.get(id=created.id)).stop_on_conversion is stored


async def test_an_update_without_the_option_keeps_it_and_with_it_sets_it(db):
    s = await segment()
    await template(1)
    created = await create_sequence(step_data(s.id, 1, stop_on_conversion=False))

    await update_sequence(created.id, step_data(s.id, 1, delay_minutes=5))
    assert (await EmailSequence.get(id=created.id)).stop_on_conversion is False

    await update_sequence(created.id, step_data(s.id, 1, stop_on_conversion=True))
    assert (await EmailSequence.get(id=created.id)).stop_on_conversion is True


async def test_the_demo_cart_sequence_stops_at_checkout(db):
    await write_demo_data(50, 1)
    await write_demo_automation()
    cart = await Segment.get(name="Abandoned carts")
    first, second = await EmailSequence.filter(segment_id=cart.id).order_by("step_number")
    assert (first.stop_on_conversion, second.stop_on_conversion) == (True, True)
    customer_id = 1
    common: dict[str, Any] = {
        "customer_id": customer_id,
        "segment_id": cart.id,
        "trigger_type": TriggerEvent.ENTER,
    }
    sent = await SequenceProgress.create(
        **common,
        sequence_id=first.id,
        step_number=1,
        status=ProgressStatus.SENT,
        scheduled_at=NOW - timedelta(hours=1),
        sent_at=NOW - timedelta(hours=1),
        clicked_at=NOW - timedelta(minutes=30),
    )
    reminder = await SequenceProgress.create(
        **common, sequence_id=second.id, step_number=2, scheduled_at=NOW + timedelta(days=1)
    )

    report = await import_ndjson(sample.lines(order(900_001, customer_id, NOW, store_id=1)))

    assert report.rejected == []
    assert (await SequenceProgress.get(id=sent.id)).order_id == 900_001
    skipped = await SequenceProgress.get(id=reminder.id)
    assert (skipped.status, skipped.last_error) == (
        ProgressStatus.SKIPPED,
        "converted: order 1000900001",
    )
