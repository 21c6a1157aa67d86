"""Bad lines are reported with their line number and reason; nothing of them is written."""

from __future__ import annotations

from models.db import connection
from models.store.importer import import_ndjson
from tests.store import sample
from tests.store.tables import rows

PARENTS = [sample.WEBSITE, sample.GROUP, sample.STORE]


def customer(**fields):
    # One email per customer: a website's customers may not share one.
    return {**sample.CUSTOMER, "email": f"c{fields.get('id', 10)}@example.com", **fields}


async def test_each_bad_line_is_rejected_with_its_line_number_and_reason(db):
    no_email = customer(id=11)
    del no_email["email"]
    report = await import_ndjson(
        sample.lines(
            *PARENTS,
            '{"type": "website", "id": 2,',  # line 4
            {"type": "planet", "id": 1},
            no_email,
            {"type": "website", "id": "abc", "code": "x"},
            customer(id=12, dob="1985-13-01"),
            {**sample.ORDER, "customer_id": 42},  # line 9
            customer(id=13, is_active="yes"),
            "[1, 2]",
            {"type": "website", "id": 3, "code": "x", "colour": "red"},
            customer(id=14, created_at="yesterday"),
            customer(id=15, website_id=9, group_id=8),
            customer(id=16),  # line 15: the only good customer
            {"type": ["customer"], "id": 17},
            {"id": 18},
        )
    )

    reasons = [(r.position, r.reason) for r in report.rejected]
    assert reasons[0] == (4, "invalid JSON at column 29: unexpected end of data")
    assert reasons[1:] == [
        (5, "type: unknown record type 'planet'"),
        (6, "customer.email: field required"),
        (7, "website.id: input should be a valid integer"),
        (8, "customer.dob: must be a date as YYYY-MM-DD"),
        (9, "order.customer_id: customer 42 does not exist"),
        (10, "customer.is_active: must be true/false or 0/1"),
        (11, "a record must be a JSON object"),
        (12, "website.colour: unknown field"),
        (13, "customer.created_at: must be an ISO 8601 date-time, e.g. 2024-05-31T14:30:00Z"),
        (
            14,
            "customer.website_id: website 9 does not exist; "
            "customer.group_id: customer_group 8 does not exist",
        ),
        (16, "type: unknown record type ['customer']"),
        (17, "type: field required"),
    ]
    assert [r[0] for r in await rows("website")] == [1]
    assert [r[0] for r in await rows("customer")] == [16]
    assert await rows("order") == []
    assert await rows("order_item") == []
    counts = {t: (c.upserted, c.rejected) for t, c in report.counts.items()}
    assert counts == {
        "website": (1, 2),
        "customer_group": (1, 0),
        "store": (1, 0),
        "customer": (1, 5),
        "order": (0, 1),
    }


async def test_a_rejected_parent_rejects_its_children(db):
    report = await import_ndjson(
        sample.lines(*PARENTS, customer(email=""), sample.ADDRESS, sample.SUBSCRIBER)
    )

    assert [(r.position, r.reason) for r in report.rejected] == [
        (4, "customer.email: string should have at least 1 character"),
        (5, "customer_address.customer_id: customer 10 does not exist"),
        (6, "newsletter_subscriber.customer_id: customer 10 does not exist"),
    ]
    assert await rows("customer") == []
    assert await rows("customer_address") == []


async def test_boolean_forms(db):
    forms = [True, False, 1, 0, "1", "0"]
    report = await import_ndjson(
        sample.lines(
            *PARENTS,
            *(customer(id=20 + i, is_active=v) for i, v in enumerate(forms)),
            *(customer(id=30 + i, is_active=v) for i, v in enumerate([2, "true", None, 1.0])),
        )
    )

    assert [(r.position, r.reason) for r in report.rejected] == [
        (p, "customer.is_active: must be true/false or 0/1") for p in (10, 11, 12, 13)
    ]
    active = [(r[0], r[-1]) for r in await rows("customer")]
    assert active == [(20, True), (21, False), (22, True), (23, False), (24, True), (25, False)]


async def test_an_item_error_names_the_item(db):
    good_item = {"sku": "A", "qty_ordered": 1}
    order = {
        **sample.ORDER,
        "customer_id": None,
        "items": [good_item, {"sku": "X", "qty_ordered": "two"}],
    }

    report = await import_ndjson(sample.lines(order))

    assert [(r.position, r.reason) for r in report.rejected] == [
        (1, "order.items[1].qty_ordered: must be a number or a numeric string")
    ]
    assert await rows("order") == []
    assert await rows("order_item") == []


async def test_values_the_columns_cannot_hold_are_rejected(db):
    report = await import_ndjson(
        sample.lines(
            {"type": "website", "id": 2**31, "code": "big"},
            {"type": "website", "id": 2, "code": "x" * 65},
            {"type": "website", "id": 3, "code": "nul\u0000"},
            {"type": "product", "id": 1, "sku": "A", "price": 1e9},
            {"type": "category", "id": 1, "name": "ok"},
        )
    )

    assert [(r.position, r.reason) for r in report.rejected] == [
        (1, "website.id: input should be less than or equal to 2147483647"),
        (2, "website.code: string should have at most 64 characters"),
        (3, "website.code: must not contain the NUL character"),
        (4, "product.price: must be a finite number below 100000000"),
    ]
    assert await rows("website") == []
    assert await rows("product") == []
    assert await rows("category") == [(1, "ok", None)]


async def test_a_record_only_the_database_refuses_is_found_and_the_rest_written(db):
    # A rule the validation cannot know about, as a constraint added by the store's DBA.
    if db.dialect == "sqlite":
        sql = (
            "CREATE TRIGGER no_boom BEFORE INSERT ON website WHEN NEW.code = 'boom' "
            "BEGIN SELECT RAISE(ABORT, 'boom is refused'); END"
        )
    else:
        sql = "ALTER TABLE website ADD CONSTRAINT no_boom CHECK (code <> 'boom')"
    await connection().execute_script(sql)

    report = await import_ndjson(
        sample.lines(
            {"type": "website", "id": 1, "code": "a"},
            {"type": "website", "id": 2, "code": "boom"},
            {"type": "website", "id": 3, "code": "c"},
        )
    )

    [rejection] = report.rejected
    assert rejection.position == 2
    assert rejection.reason.startswith("website: the database refused the record: ")
    assert "boom" in rejection.reason
    assert [r[0] for r in await rows("website")] == [1, 3]
    assert (report.counts["website"].upserted, report.counts["website"].rejected) == (2, 1)
