"""Imported orders attributed to the automation mails that brought them (issue 9 items 3, 4):
last click within the window or the step's coupon, coupon first, once per order, canceled
orders withdrawn, and the scheduled rows that stop on conversion skipped in the same
transaction - through the NDJSON import and upsertStoreRecords alike."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.automation.conversions import SequenceConversion
from models.automation.orm import EmailSequence, ProgressStatus, SequenceProgress, TriggerEvent
from models.automation.progress_events import on_progress_changed
from models.automation.settings import AutomationSettings, update_automation_settings
from tests.store import sample
from tests.store.automation_rows import NOW, Steps, progress_rows, subscribed_customers
from tests.store.test_import_automation import WRITERS, import_lines, upsert

S = ProgressStatus
CLICKED = NOW - timedelta(minutes=30)


def order(order_id: int, customer_id: int | None, at: Any = NOW, **fields: Any) -> dict[str, Any]:
    """An order of `customer_id` created at `at`, without items or coupon unless given."""
    created = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        **sample.ORDER,
        "id": order_id,
        "increment_id": f"1000{order_id}",
        "customer_id": customer_id,
        "created_at": created,
        "updated_at": created,
        "grand_total": "50.00",
        "coupon_code": None,
        "items": [],
        **fields,
    }


async def conversions() -> list[tuple[int, int, str, Decimal]]:
    """(order id, progress id, source, grand total) of every conversion."""
    rows = (
        await SequenceConversion.all()
        .order_by("order_id")
        .values_list("order_id", "progress_id", "source", "grand_total")
    )
    return [(o, p, str(s), Decimal(g)) for o, p, s, g in rows]


async def converted(progress_id: int) -> tuple[Any, int | None, Decimal | None]:
    row = await SequenceProgress.get(id=progress_id)
    revenue = None if row.revenue is None else Decimal(row.revenue)
    return row.converted_at, row.order_id, revenue


async def _clicked_customer() -> tuple[Steps, dict[str, int]]:
    """Customer 10 clicked the sent first step; its second step is scheduled and stops on
    conversion. Customer 11 has the same rows, without a click."""
    await subscribed_customers(10, 11)
    steps = await Steps.create()
    await EmailSequence.filter(id=steps.second.id).update(stop_on_conversion=True)
    ids = {
        "10 sent": (await steps.row(10, S.SENT, clicked_at=CLICKED)).id,
        "10 scheduled": (await steps.row(10, S.SCHEDULED, second=True)).id,
        "11 sent": (await steps.row(11, S.SENT)).id,
        "11 scheduled": (await steps.row(11, S.SCHEDULED, second=True)).id,
    }
    return steps, ids


@pytest.mark.parametrize("write", WRITERS)
async def test_an_order_after_a_click_converts_the_row_and_stops_the_sequence(db, write):
    _, ids = await _clicked_customer()
    before = await progress_rows()
    changes: list[list[tuple[int, int]]] = []

    async def listen(rows: list[tuple[int, int]]) -> None:
        changes.append(rows)

    remove = on_progress_changed(listen)
    try:
        await write([order(1, 10, NOW + timedelta(hours=2), grand_total="129.80")])
    finally:
        remove()

    assert await conversions() == [(1, ids["10 sent"], "click", Decimal("129.8"))]
    assert await converted(ids["10 sent"]) == (NOW + timedelta(hours=2), 1, Decimal("129.8"))
    after = await progress_rows()
    assert (after[ids["10 scheduled"]]["status"], after[ids["10 scheduled"]]["last_error"]) == (
        "skipped",
        "converted: order 10001",
    )
    # The other customer's rows are as they were.
    assert [after[i] for i in (ids["11 sent"], ids["11 scheduled"])] == [
        before[i] for i in (ids["11 sent"], ids["11 scheduled"])
    ]
    segment_id = after[ids["10 sent"]]["segment_id"]
    assert changes == [[(ids["10 sent"], segment_id), (ids["10 scheduled"], segment_id)]]


@pytest.mark.parametrize("write", WRITERS)
async def test_a_coupon_wins_over_a_later_click(db, write):
    steps, ids = await _clicked_customer()
    # Step 2 was sent first with a coupon; the click in step 1 is the later touch.
    coupon_row = await steps.row(
        10,
        S.SENT,
        second=True,
        sent_at=NOW - timedelta(days=2),
        coupon_code="CART-ABC123",
    )

    await write([order(1, 10, NOW + timedelta(hours=2), coupon_code=" cart-abc123 ")])

    assert await conversions() == [(1, coupon_row.id, "coupon", Decimal("50"))]
    assert await converted(ids["10 sent"]) == (None, None, None)
    assert (await converted(coupon_row.id))[1] == 1


async def test_a_coupon_converts_a_guest_order_without_any_click(db):
    steps, _ = await _clicked_customer()
    coupon_row = await steps.row(11, S.SENT, coupon_code="CART-XYZ")

    await upsert([order(1, None, NOW + timedelta(days=30), coupon_code="CART-XYZ")])

    assert await conversions() == [(1, coupon_row.id, "coupon", Decimal("50"))]


@pytest.mark.parametrize("write", WRITERS)
async def test_orders_outside_the_window_before_the_click_or_canceled_convert_nothing(db, write):
    _, ids = await _clicked_customer()
    before = await progress_rows()

    await write(
        [
            # 7 days and 1 second after the click: outside the default window.
            order(1, 10, CLICKED + timedelta(days=7, seconds=1)),
            # Before the click.
            order(2, 10, CLICKED - timedelta(seconds=1)),
            # Within the window, but canceled.
            order(3, 10, NOW, state="canceled", status="canceled"),
            # Another customer, who clicked nothing.
            order(4, 11, NOW),
        ]
    )

    assert await conversions() == []
    assert await progress_rows() == before


async def test_the_window_is_the_stored_setting(db):
    _, ids = await _clicked_customer()
    await update_automation_settings(AutomationSettings(attribution_window_days=8))

    await import_lines(order(1, 10, CLICKED + timedelta(days=7, seconds=1)))

    assert await conversions() == [(1, ids["10 sent"], "click", Decimal("50"))]


async def test_the_last_click_before_the_order_wins(db):
    steps, ids = await _clicked_customer()
    later = await steps.row(10, S.SENT, second=True, clicked_at=CLICKED + timedelta(minutes=10))
    after_order = await steps.row(10, S.SENT, clicked_at=NOW + timedelta(days=1))

    await import_lines(order(1, 10, NOW))

    assert await conversions() == [(1, later.id, "click", Decimal("50"))]
    assert (await converted(after_order.id)) == (None, None, None)
    assert (await converted(ids["10 sent"])) == (None, None, None)


@pytest.mark.parametrize("write", WRITERS)
async def test_an_order_converts_once_however_often_it_is_imported(db, write):
    _, ids = await _clicked_customer()
    # A total that binary floating point cannot hold must still compare equal.
    await write([order(1, 10, NOW, grand_total="129.80")])
    first = await progress_rows()
    ledger = await SequenceConversion.all().values()

    await write([order(1, 10, NOW, grand_total="129.80")])

    assert await conversions() == [(1, ids["10 sent"], "click", Decimal("129.8"))]
    assert await SequenceConversion.all().values() == ledger
    assert await progress_rows() == first


async def test_a_row_sums_its_orders_and_keeps_the_first(db):
    _, ids = await _clicked_customer()

    await import_lines(order(1, 10, NOW + timedelta(hours=1), grand_total="20"))
    await import_lines(order(2, 10, NOW, grand_total="30.5"))

    assert await converted(ids["10 sent"]) == (NOW, 2, Decimal("50.5"))


@pytest.mark.parametrize("write", WRITERS)
async def test_an_order_canceled_later_is_withdrawn(db, write):
    _, ids = await _clicked_customer()
    await write([order(1, 10, NOW, grand_total="20"), order(2, 10, NOW + timedelta(hours=1))])
    assert await converted(ids["10 sent"]) == (NOW, 1, Decimal("70"))

    await write([order(1, 10, NOW, grand_total="20", state="canceled", status="canceled")])

    assert await conversions() == [(2, ids["10 sent"], "click", Decimal("50"))]
    assert await converted(ids["10 sent"]) == (NOW + timedelta(hours=1), 2, Decimal("50"))

    await write([order(2, 10, NOW + timedelta(hours=1), state="canceled", status="canceled")])

    assert await conversions() == []
    assert await converted(ids["10 sent"]) == (None, None, None)
    # What stopped on the conversion stays skipped.
    assert (await SequenceProgress.get(id=ids["10 scheduled"])).status == S.SKIPPED


async def test_a_changed_grand_total_changes_the_revenue(db):
    _, ids = await _clicked_customer()
    await import_lines(order(1, 10, NOW, grand_total="20"))

    await import_lines(order(1, 10, NOW, grand_total="25"))

    assert await conversions() == [(1, ids["10 sent"], "click", Decimal("25"))]
    assert await converted(ids["10 sent"]) == (NOW, 1, Decimal("25"))


async def test_only_steps_that_stop_on_conversion_of_that_sequence_are_skipped(db):
    steps, ids = await _clicked_customer()
    third = await EmailSequence.create(segment_id=steps.segment.id, step_number=3, template_id=1)
    keeps = await steps.row(10, S.SCHEDULED, second=False)
    await SequenceProgress.filter(id=keeps.id).update(sequence_id=third.id, step_number=3)
    exit_step = await EmailSequence.create(
        segment_id=steps.segment.id,
        step_number=1,
        template_id=1,
        trigger_event=TriggerEvent.EXIT,
        stop_on_conversion=True,
    )
    exit_row = await SequenceProgress.create(
        customer_id=10,
        segment_id=steps.segment.id,
        sequence_id=exit_step.id,
        step_number=1,
        trigger_type=TriggerEvent.EXIT,
        scheduled_at=NOW + timedelta(hours=1),
    )
    before = await progress_rows()

    await import_lines(order(1, 10, NOW))

    after = await progress_rows()
    assert after[ids["10 scheduled"]]["status"] == "skipped"
    # A step without the option, and the exit sequence, keep their rows.
    assert after[keeps.id] == before[keeps.id]
    assert after[exit_row.id] == before[exit_row.id]


@pytest.mark.parametrize("write", WRITERS)
async def test_one_batch_skips_each_customers_rows_with_their_own_order(db, write):
    _, ids = await _clicked_customer()
    await SequenceProgress.filter(id=ids["11 sent"]).update(clicked_at=CLICKED)
    later = NOW + timedelta(hours=1)

    await write([order(1, 10, NOW), order(2, 11, NOW), order(3, 10, later)])

    after = await progress_rows()
    assert [
        (after[ids[k]]["status"], after[ids[k]]["last_error"])
        for k in ("10 scheduled", "11 scheduled")
    ] == [("skipped", "converted: order 10001"), ("skipped", "converted: order 10002")]
    assert await conversions() == [
        (1, ids["10 sent"], "click", Decimal("50")),
        (2, ids["11 sent"], "click", Decimal("50")),
        (3, ids["10 sent"], "click", Decimal("50")),
    ]
