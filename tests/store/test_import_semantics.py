"""Upsert keys, batching across parents and children, replaced items, deletes."""

from __future__ import annotations

from decimal import Decimal

from models.store.importer import import_ndjson
from tests.store import sample
from tests.store.sample import ts
from tests.store.tables import rows, snapshot

PARENTS = [sample.WEBSITE, sample.GROUP, sample.STORE]


def customer(id: int, **fields):
    return {**sample.CUSTOMER, "id": id, "email": f"c{id}@example.com", **fields}


async def test_parents_earlier_in_the_file_are_found_from_later_batches(db):
    records = [
        *PARENTS,
        customer(10),
        customer(11),
        sample.ADDRESS,
        sample.ORDER,
        sample.CREDITMEMO,
    ]

    report = await import_ndjson(sample.lines(*records), batch_size=2)

    assert report.rejected == []
    assert [r[0] for r in await rows("customer")] == [10, 11]
    assert [r[0] for r in await rows("creditmemo")] == [2000]


async def test_a_child_before_its_parent_in_one_batch_is_written_after_it(db):
    report = await import_ndjson(sample.lines(sample.ADDRESS, customer(10), *PARENTS))

    assert report.rejected == []
    assert [r[:2] for r in await rows("customer_address")] == [(100, 10)]


async def test_a_child_in_an_earlier_batch_than_its_parent_is_written_after_it(db):
    report = await import_ndjson(sample.lines(sample.ADDRESS, *PARENTS, customer(10)), batch_size=1)

    assert report.rejected == []
    assert [r[:2] for r in await rows("customer_address")] == [(100, 10)]


async def test_upsert_by_id_updates_in_place(db):
    await import_ndjson(sample.lines(*PARENTS, customer(10)))

    report = await import_ndjson(sample.lines(customer(10, lastname="Byron", is_active=False)))

    assert (report.counts["customer"].upserted, report.counts["customer"].unchanged) == (1, 0)
    [row] = await rows("customer")
    assert (row[0], row[6], row[-1]) == (10, "Byron", False)


async def test_the_last_record_of_a_key_in_a_batch_wins(db):
    report = await import_ndjson(
        sample.lines(*PARENTS, customer(10, lastname="A"), customer(10, lastname="B"))
    )

    assert [r[6] for r in await rows("customer")] == ["B"]
    assert (report.counts["customer"].upserted, report.counts["customer"].unchanged) == (1, 1)


async def test_subscriber_is_upserted_by_customer(db):
    await import_ndjson(sample.lines(*PARENTS, customer(10), sample.SUBSCRIBER))
    before = await snapshot()

    await import_ndjson(
        sample.lines({**sample.SUBSCRIBER, "subscriber_status": 3, "change_status_at": None})
    )

    assert await rows("newsletter_subscriber") == [(10, "ada@example.com", 3, None)]
    after = await snapshot()
    assert [r["id"] for r in after["newsletter_subscriber"]] == [
        r["id"] for r in before["newsletter_subscriber"]
    ]


async def test_a_later_product_view_replaces_the_earlier_and_an_older_one_does_not(db):
    view = {**sample.VIEW, "added_at": "2024-03-05T00:00:00Z", "store_id": 2}
    older = {**sample.VIEW, "added_at": "2024-03-01T00:00:00Z", "store_id": 3}
    stores = [{**sample.STORE, "id": i, "code": f"s{i}"} for i in (2, 3, 4)]
    await import_ndjson(sample.lines(*PARENTS, *stores, customer(10), view))

    report = await import_ndjson(sample.lines(older))
    assert await rows("product_view") == [(10, 7, 2, ts("2024-03-05T00:00:00Z"))]
    assert report.counts["product_view"].unchanged == 1

    later = {**sample.VIEW, "added_at": "2024-03-06T00:00:00+01:00", "store_id": 4}
    await import_ndjson(sample.lines(later, older))
    assert await rows("product_view") == [(10, 7, 4, ts("2024-03-05T23:00:00Z"))]


async def test_logins_are_kept_once_per_customer_and_time(db):
    first = {**sample.LOGIN, "login_at": "2024-03-03T07:00:00Z"}
    same = {**sample.LOGIN, "login_at": "2024-03-03T09:00:00+02:00"}
    second = {**sample.LOGIN, "login_at": "2024-03-04T07:00:00Z"}

    await import_ndjson(sample.lines(*PARENTS, customer(10), first, same, second, first))

    assert await rows("customer_login") == [
        (10, ts("2024-03-03T07:00:00Z")),
        (10, ts("2024-03-04T07:00:00Z")),
    ]


async def test_items_and_categories_are_replaced_with_their_parent(db):
    await import_ndjson(sample.lines(*sample.EVERY_TYPE))

    order = {**sample.ORDER, "items": [{"product_id": 8, "sku": "B", "qty_ordered": 3}]}
    wishlist = {**sample.WISHLIST, "items": []}
    product = {**sample.PRODUCT, "category_ids": [5]}
    report = await import_ndjson(sample.lines(order, wishlist, product))

    assert await rows("order_item") == [
        (1000, 8, "B", None, None, Decimal(3), Decimal(0), Decimal(0), Decimal(0))
    ]
    assert await rows("wishlist_item") == []
    assert await rows("product_category") == [(7, 5)]
    assert {t: c.upserted for t, c in report.counts.items()} == {
        "product": 1,
        "order": 1,
        "wishlist": 1,
    }
    assert await rows("order") == sample.EXPECTED_ROWS["order"]


async def test_customer_delete_removes_what_hangs_on_the_customer_and_keeps_orders(db):
    await import_ndjson(sample.lines(*sample.EVERY_TYPE, customer(11)))

    report = await import_ndjson(sample.lines({"type": "customer_delete", "id": 10}))

    assert report.counts["customer_delete"].deleted == 1
    assert [r[0] for r in await rows("customer")] == [11]
    for table in (
        "customer_address",
        "newsletter_subscriber",
        "quote",
        "quote_item",
        "product_view",
        "wishlist",
        "wishlist_item",
        "customer_login",
    ):
        assert await rows(table) == [], table
    [order] = await rows("order")
    assert (order[0], order[2]) == (1000, None)
    assert await rows("order_item") == sample.EXPECTED_ROWS["order_item"]
    assert await rows("creditmemo") == sample.EXPECTED_ROWS["creditmemo"]

    again = await import_ndjson(sample.lines({"type": "customer_delete", "id": 10}))
    assert (again.counts["customer_delete"].deleted, again.counts["customer_delete"].unchanged) == (
        0,
        1,
    )


async def test_deletes_and_upserts_apply_in_file_order(db):
    report = await import_ndjson(
        sample.lines(
            *PARENTS,
            customer(10),
            customer(11),
            {"type": "customer_delete", "id": 10},
            {"type": "customer_delete", "id": 11},
            customer(11, lastname="Back"),
        )
    )

    assert report.rejected == []
    assert [(r[0], r[6]) for r in await rows("customer")] == [(11, "Back")]
    assert report.counts["customer_delete"].deleted == 2


async def test_a_guest_order_has_no_customer(db):
    report = await import_ndjson(sample.lines(*PARENTS, {**sample.ORDER, "customer_id": None}))

    assert report.rejected == []
    [order] = await rows("order")
    assert (order[0], order[2]) == (1000, None)
    assert len(await rows("order_item")) == 2
