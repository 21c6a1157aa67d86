"""The one-transaction live path records exactly what restricted refreshes record."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from models.segments import reevaluation
from models.segments.orm import RefreshMode, RefreshStatus, Segment, SegmentMember
from models.segments.orm import SegmentMembershipEvent as Event
from models.segments.reevaluation import reevaluate_customers
from models.segments.refresh import refresh_segment
from models.segments.sql.refresh import REFRESH_LOCK_NAMESPACE
from models.store.customers import Customer, NewsletterSubscriber
from models.store.sales import Order
from tests.segments.compiler_support import customer, order, reference_data, subscriber
from tests.segments.trees import leaf, root

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
NOW = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)
CHANGED = [1, 2, 3, 4, 5, 6, 11, 99]  # 99 never existed

RULES = [
    root(leaf("customer_attributes", "firstname", "==", "Ann")),
    root(leaf("customer_clv", "lifetime_sales", ">", "100")),
    root(leaf("customer_newsletter", "subscriber_status", "==", "1")),
    root(
        leaf("customer_attributes", "firstname", "==", "Bob"),
        leaf("order_attributes", "number_of_orders", ">=", "2"),
        aggregator="any",
    ),
    root(
        leaf("customer_newsletter", "subscriber_status", "==", "1"),
        leaf("customer_attributes", "firstname", "==", "Ann"),
        value=False,
    ),
    root(),  # the empty root: every active customer
]


async def _store() -> None:
    await reference_data()
    names = ["Ann", "Bob", "Cy", "Ann", "Dee", "Bob", "Eve", "Ann", "Fay", "Gus", "Ann", "Hal"]
    for cid, name in enumerate(names, start=1):
        await customer(cid, website_id=1 + cid % 2, firstname=name, created_at=T0)
        if cid % 3:
            await subscriber(cid, 1 + cid % 3)
        for n in range(cid % 3):
            await order(cid * 10 + n, cid, created_at=T0, grand_total=Decimal(40 * cid))


async def _change_store() -> None:
    await Customer.filter(id=1).update(firstname="Zed")
    await Customer.filter(id=2).update(firstname="Ann")
    await NewsletterSubscriber.filter(customer_id=4).update(subscriber_status=1)
    await order(900, 3, created_at=T0, grand_total=Decimal("500"))
    await Customer.filter(id=5).update(is_active=False)
    await Customer.filter(id=6).delete()
    await Order.filter(customer_id=11).update(state="canceled")


async def _twins() -> list[tuple[Segment, Segment]]:
    """Per rule: a live segment and its manual twin, both fully refreshed at T0."""
    pairs = []
    for number, rule in enumerate(RULES):
        fields: dict[str, Any] = {"website_ids": [1, 2], "conditions": rule}
        live_one = await Segment.create(name=f"live {number}", **fields)
        twin = await Segment.create(
            name=f"twin {number}", refresh_mode=RefreshMode.MANUAL, **fields
        )
        for segment in (live_one, twin):
            await refresh_segment(segment.id, now=T0)
        pairs.append((live_one, twin))
    return pairs


async def _state(segment: Segment) -> tuple[Any, ...]:
    members = await SegmentMember.filter(segment_id=segment.id).values_list(
        "customer_id", "website_id"
    )
    events = await Event.filter(segment_id=segment.id, occurred_at=NOW).values_list(
        "customer_id", "website_id", "change"
    )
    row = await Segment.get(id=segment.id)
    return (
        sorted(members),
        sorted(events),
        row.matched_customers_count,
        row.last_refresh_at,
        row.refresh_status,
    )


async def test_the_batch_matches_restricted_refreshes_segment_by_segment(db, monkeypatch):
    await _store()
    pairs = await _twins()
    await _change_store()
    if db.dialect == "postgres":

        async def not_called(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("PostgreSQL re-evaluates in one transaction")

        monkeypatch.setattr(reevaluation, "refresh_segment", not_called)

    outcomes = await reevaluate_customers(CHANGED, now=NOW)
    monkeypatch.undo()
    twin_outcomes = [
        await refresh_segment(twin.id, now=NOW, customer_ids=CHANGED) for _, twin in pairs
    ]

    assert [o.segment_id for o in outcomes] == [live_one.id for live_one, _ in pairs]
    for outcome, twin_outcome in zip(outcomes, twin_outcomes, strict=True):
        assert (
            outcome.matched_count,
            outcome.entered_count,
            outcome.exited_count,
            outcome.restricted,
        ) == (
            twin_outcome.matched_count,
            twin_outcome.entered_count,
            twin_outcome.exited_count,
            True,
        )
    for live_one, twin in pairs:
        assert await _state(live_one) == await _state(twin)
    assert sum(o.entered_count + o.exited_count for o in outcomes) > 0


async def test_event_ids_of_an_outcome_are_its_own_events(db):
    await _store()
    pairs = await _twins()
    await _change_store()

    outcomes = await reevaluate_customers(CHANGED, now=NOW)

    for outcome in outcomes:
        changes = outcome.entered_count + outcome.exited_count
        if not changes:
            assert (outcome.first_event_id, outcome.last_event_id) == (None, None)
            continue
        assert outcome.first_event_id is not None and outcome.last_event_id is not None
        in_range = await Event.filter(
            segment_id=outcome.segment_id,
            id__gte=outcome.first_event_id,
            id__lte=outcome.last_event_id,
        ).count()
        assert in_range == changes
    assert len(outcomes) == len(pairs)


async def test_listeners_hear_every_outcome_after_commit(db, monkeypatch):
    await _store()
    await _twins()
    await _change_store()
    heard: list[tuple[int, int]] = []

    async def listener(outcome: Any) -> None:
        stored = await Event.filter(segment_id=outcome.segment_id, occurred_at=NOW).count()
        heard.append((outcome.segment_id, stored))

    from models.segments.events import on_segment_refreshed

    remove = on_segment_refreshed(listener)
    try:
        outcomes = await reevaluate_customers(CHANGED, now=NOW)
    finally:
        remove()

    assert heard == [(o.segment_id, o.entered_count + o.exited_count) for o in outcomes]


async def test_a_segment_being_refreshed_is_waited_for_separately(db, monkeypatch):
    if db.dialect != "postgres":
        pytest.skip("advisory locks are PostgreSQL's")
    await _store()
    pairs = await _twins()
    await _change_store()
    busy, busy_twin = pairs[0]
    waiting = asyncio.Event()

    async def refresh_when_free(segment_id: int, **kwargs: Any) -> Any:
        waiting.set()
        return await refresh_segment(segment_id, **kwargs)

    monkeypatch.setattr(reevaluation, "refresh_segment", refresh_when_free)
    # Another session refreshing the busy segment holds its lock during the batch.
    other = await asyncpg.connect(db.url)
    try:
        await other.execute("BEGIN")
        await other.execute("SELECT pg_advisory_xact_lock($1, $2)", REFRESH_LOCK_NAMESPACE, busy.id)
        running = asyncio.create_task(reevaluate_customers(CHANGED, now=NOW))
        await asyncio.wait_for(waiting.wait(), 10)
        assert not running.done()  # waiting for the lock, the others already committed
        assert await _state(pairs[1][0]) == await _state_after_twin(pairs[1][1])
        await other.execute("COMMIT")
        outcomes = await asyncio.wait_for(running, 10)
    finally:
        await other.close()

    assert [o.segment_id for o in outcomes] == [p[0].id for p in pairs]
    assert await _state(busy) == await _state_after_twin(busy_twin)


async def test_a_failing_batch_falls_back_and_records_the_error(db):
    await _store()
    pairs = await _twins()
    await _change_store()
    broken = pairs[1][0]
    # A stored tree the compiler cannot read (saved before a catalog change, say).
    await Segment.filter(id=broken.id).update(
        conditions=root(leaf("customer_clv", "no_such_attribute", ">", "1"))
    )

    outcomes = await reevaluate_customers(CHANGED, now=NOW)

    assert broken.id not in [o.segment_id for o in outcomes]
    assert [o.segment_id for o in outcomes] == [p[0].id for p in pairs if p[0] is not broken]
    row = await Segment.get(id=broken.id)
    assert row.refresh_status == RefreshStatus.ERROR
    assert row.refresh_error
    assert await _state(pairs[0][0]) == await _state_after_twin(pairs[0][1])


async def _state_after_twin(twin: Segment) -> tuple[Any, ...]:
    await refresh_segment(twin.id, now=NOW, customer_ids=CHANGED)
    return await _state(twin)
