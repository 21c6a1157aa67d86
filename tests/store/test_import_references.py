"""References between records: stores must exist, parents may come anywhere in a run of
records whatever the batching, one email per customer on a website; rejections streamed."""

from __future__ import annotations

import pytest

from models.store.importer import import_ndjson
from models.store.report import Rejection
from tests.store import sample
from tests.store.tables import TABLES, all_rows, rows
from tests.store.test_upsert_mutation import upsert

PARENTS = [sample.WEBSITE, sample.GROUP, sample.STORE]
WITH_STORE = {
    "order": {**sample.ORDER, "items": []},
    "quote": {**sample.QUOTE, "items": []},
    "product_view": sample.VIEW,
}


def customer(id: int, email: str | None = None, **fields):
    return {**sample.CUSTOMER, "id": id, "email": email or f"c{id}@example.com", **fields}


def reasons(report) -> list[tuple[int, str]]:
    return [(r.position, r.reason) for r in report.rejected]


@pytest.mark.parametrize("record_type", sorted(WITH_STORE))
async def test_an_unknown_store_is_rejected_naming_the_field(db, record_type):
    record = WITH_STORE[record_type]
    await import_ndjson(sample.lines(*PARENTS, customer(10)))
    before = await all_rows()

    report = await import_ndjson(sample.lines({**record, "store_id": 77}))

    assert reasons(report) == [(1, f"{record_type}.store_id: store 77 does not exist")]
    assert report.counts[record_type].rejected == 1
    assert await all_rows() == before


@pytest.mark.parametrize("record_type", sorted(WITH_STORE))
async def test_a_known_store_or_none_is_accepted(db, record_type):
    record = WITH_STORE[record_type]

    report = await import_ndjson(
        sample.lines(*PARENTS, customer(10), {**record, "store_id": None}, record)
    )

    assert report.rejected == []
    [row] = await rows(record_type)  # the later record of the same key won
    assert row[TABLES[record_type][1].index("store_id")] == 1


async def test_upsert_store_records_rejects_unknown_stores_by_path(db):
    await upsert([*PARENTS, customer(10)])
    before = await all_rows()

    result = await upsert([{**r, "store_id": 77} for _, r in sorted(WITH_STORE.items())])

    payload = result.data["upsertStoreRecords"]
    assert payload["errors"] == [
        {
            "field": f"records[{i}].store_id",
            "code": "NOT_FOUND",
            "message": "store 77 does not exist",
        }
        for i in range(3)
    ]
    assert {c["type"]: c["rejected"] for c in payload["counts"]} == dict.fromkeys(WITH_STORE, 1)
    assert await all_rows() == before


# Children first, each parent on a later line than what references it.
CHILDREN_FIRST = [
    sample.CREDITMEMO,
    sample.ORDER,
    sample.QUOTE,
    sample.VIEW,
    sample.ADDRESS,
    sample.SUBSCRIBER,
    customer(10),
    sample.STORE,
    sample.GROUP,
    sample.WEBSITE,
]


@pytest.mark.parametrize("batch_size", [1, 2, 3, 2000])
async def test_parents_on_later_lines_are_found_whatever_the_batch_size(db, batch_size):
    report = await import_ndjson(sample.lines(*CHILDREN_FIRST), batch_size=batch_size)

    assert report.rejected == []
    assert [r[0] for r in await rows("customer")] == [10]
    assert [r[0] for r in await rows("creditmemo")] == [2000]
    assert [r[0] for r in await rows("order")] == [1000]
    assert [r[0] for r in await rows("quote")] == [3000]
    assert [r[:2] for r in await rows("product_view")] == [(10, 7)]
    assert [r[:2] for r in await rows("customer_address")] == [(100, 10)]


async def test_an_order_thousands_of_lines_before_its_customer_loads(db):
    """The default batch (2000 lines) ends between the order and its customer."""
    products = [{**sample.PRODUCT, "id": i, "category_ids": []} for i in range(1, 2501)]
    lines = sample.lines(*PARENTS, sample.ORDER, *products, customer(10))

    report = await import_ndjson(lines)

    assert report.rejected == []
    assert [(r[0], r[2]) for r in await rows("order")] == [(1000, 10)]
    assert report.counts["product"].upserted == 2500


async def test_a_reference_does_not_reach_past_a_customer_delete(db):
    report = await import_ndjson(
        sample.lines(
            *PARENTS,
            sample.ADDRESS,
            {"type": "customer_delete", "id": 99},
            customer(10),
        )
    )

    assert reasons(report) == [(4, "customer_address.customer_id: customer 10 does not exist")]
    assert [r[0] for r in await rows("customer")] == [10]
    assert await rows("customer_address") == []


async def test_two_customers_may_not_share_an_email_on_one_website(db):
    report = await import_ndjson(
        sample.lines(
            *PARENTS,
            customer(1, "ann@example.com"),
            customer(2, "ann@example.com"),
            customer(3, "ann@example.com"),
            customer(4, "ann@example.com", website_id=2),
            {**sample.WEBSITE, "id": 2, "code": "second"},
        )
    )

    assert reasons(report) == [
        (5, "customer.email: ann@example.com is already the email of customer 1 on website 1"),
        (6, "customer.email: ann@example.com is already the email of customer 1 on website 1"),
    ]
    assert [rejection.errors[0].code for rejection in report.rejected] == ["UNIQUE", "UNIQUE"]
    assert [(r[0], r[1], r[4]) for r in await rows("customer")] == [
        (1, 1, "ann@example.com"),
        (4, 2, "ann@example.com"),
    ]


async def test_an_email_stored_by_an_earlier_import_is_taken(db):
    await import_ndjson(sample.lines(*PARENTS, customer(1, "ann@example.com")))
    before = await all_rows()

    report = await import_ndjson(sample.lines(customer(2, "ann@example.com")))

    assert reasons(report) == [
        (1, "customer.email: ann@example.com is already the email of customer 1 on website 1")
    ]
    assert await all_rows() == before


@pytest.mark.parametrize("batch_size", [1, 2000])
async def test_emails_are_checked_in_file_order_whatever_the_batch_size(db, batch_size):
    await import_ndjson(sample.lines(*PARENTS, customer(1, "a@example.com")))

    report = await import_ndjson(
        sample.lines(
            customer(2, "a@example.com"),  # still customer 1's: rejected
            customer(1, "b@example.com"),  # customer 1 gives it up
            customer(3, "a@example.com"),  # so it is free now
            customer(1, "a@example.com"),  # and taken again
        ),
        batch_size=batch_size,
    )

    assert reasons(report) == [
        (1, "customer.email: a@example.com is already the email of customer 1 on website 1"),
        (4, "customer.email: a@example.com is already the email of customer 3 on website 1"),
    ]
    assert [(r[0], r[4]) for r in await rows("customer")] == [
        (1, "b@example.com"),
        (3, "a@example.com"),
    ]


async def test_upsert_store_records_rejects_a_taken_email_by_path(db):
    result = await upsert([*PARENTS, customer(1, "a@example.com"), customer(2, "a@example.com")])

    assert result.data["upsertStoreRecords"]["errors"] == [
        {
            "field": "records[4].email",
            "code": "UNIQUE",
            "message": "a@example.com is already the email of customer 1 on website 1",
        }
    ]
    assert [r[0] for r in await rows("customer")] == [1]


async def test_rejections_are_handed_over_in_line_order_and_only_some_kept(db):
    seen: list[Rejection] = []
    orphans = [{**sample.ADDRESS, "id": i, "customer_id": 50 + i} for i in range(1, 5)]

    report = await import_ndjson(
        sample.lines(*orphans, "{", *PARENTS),
        batch_size=2,
        keep_rejected=2,
        on_rejected=seen.append,
    )

    # The bad JSON is found on reading; the addresses when their batches are written.
    assert [(r.position, r.reason) for r in seen] == [
        (5, "invalid JSON at column 2: unexpected end of data"),
        (1, "customer_address.customer_id: customer 51 does not exist"),
        (2, "customer_address.customer_id: customer 52 does not exist"),
        (3, "customer_address.customer_id: customer 53 does not exist"),
        (4, "customer_address.customer_id: customer 54 does not exist"),
    ]
    assert report.rejected_total == 5
    assert reasons(report) == [
        (1, "customer_address.customer_id: customer 51 does not exist"),
        (5, "invalid JSON at column 2: unexpected end of data"),
    ]
    assert report.counts["customer_address"].rejected == 4
