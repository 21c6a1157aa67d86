"""The customers-changed listeners hear exactly the customers whose data changed."""

from __future__ import annotations

import pytest

from models.store.changes import on_customers_changed
from models.store.importer import import_ndjson
from tests.store import sample

PARENTS = [sample.WEBSITE, sample.GROUP, sample.STORE]


def customer(id: int, **fields):
    return {**sample.CUSTOMER, "id": id, "email": f"c{id}@example.com", **fields}


@pytest.fixture
def heard():
    calls: list[set[int]] = []

    async def listener(customer_ids: set[int]) -> None:
        calls.append(customer_ids)

    remove = on_customers_changed(listener)
    yield calls
    remove()


async def test_every_kind_of_customer_data_is_heard(db, heard):
    await import_ndjson(sample.lines(*PARENTS, customer(10), customer(11), customer(12)))
    assert heard == [{10, 11, 12}]
    heard.clear()

    cases = [
        ({**sample.ADDRESS, "customer_id": 11}, {11}),
        ({**sample.SUBSCRIBER, "customer_id": 12}, {12}),
        (sample.ORDER, {10}),
        (sample.CREDITMEMO, {10}),
        ({**sample.QUOTE, "customer_id": 11}, {11}),
        ({**sample.VIEW, "customer_id": 12}, {12}),
        (sample.WISHLIST, {10}),
        ({**sample.LOGIN, "customer_id": 11}, {11}),
        ({**sample.ORDER, "customer_id": 12}, {10, 12}),  # moved: both changed
        ({**sample.ORDER, "customer_id": 12, "items": []}, {12}),  # only the items changed
        ({**sample.CREDITMEMO, "grand_total": 1}, {12}),  # via its order's customer
        ({"type": "customer_delete", "id": 11}, {11}),
    ]
    for record, expected in cases:
        await import_ndjson(sample.lines(record))
        assert heard == [expected], record
        heard.clear()


async def test_nothing_is_heard_when_nothing_changed(db, heard):
    await import_ndjson(sample.lines(*sample.EVERY_TYPE))
    heard.clear()

    await import_ndjson(sample.lines(*sample.EVERY_TYPE))
    await import_ndjson(sample.lines({"type": "customer_delete", "id": 99}))

    assert heard == []


async def test_one_notice_per_committed_batch(db, heard):
    records = [*PARENTS, customer(10), customer(11), customer(12), sample.ORDER]

    await import_ndjson(sample.lines(*records), batch_size=2)

    # Batches of one type each, parents first: customers 10 and 11, 12, the order.
    assert heard == [{10, 11}, {12}, {10}]


async def test_a_failing_listener_does_not_stop_the_import(db, heard):
    async def broken(customer_ids: set[int]) -> None:
        raise RuntimeError("listener down")

    remove = on_customers_changed(broken)
    try:
        report = await import_ndjson(sample.lines(*PARENTS, customer(10)))
    finally:
        remove()

    assert report.rejected == []
    assert heard == [{10}]
