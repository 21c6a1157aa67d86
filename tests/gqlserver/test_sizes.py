"""Size caps on store records and segments: typed errors naming the field, nothing written."""

from __future__ import annotations

import orjson
import pytest

from models.segments.orm import Segment
from models.store.importer import import_ndjson
from models.store.records import MAX_ITEMS
from models.store.sales import Order, OrderItem, Quote
from tests.store import sample

PARENTS = [sample.WEBSITE, sample.STORE, sample.GROUP, sample.CUSTOMER]
UPSERT = """mutation($records: [JSON!]!) {
  upsertStoreRecords(records: $records) { errors { field code message } }
}"""
CREATE = """mutation($input: SegmentInput!) {
  createSegment(input: $input) { segment { id } errors { field code message } }
}"""


def order_with(items: int) -> dict:
    return {**sample.ORDER, "items": [{"sku": f"S{i}", "qty_ordered": 1} for i in range(items)]}


async def test_an_order_with_too_many_items_is_refused_naming_the_field(gql):
    result = await gql.data(UPSERT, {"records": [*PARENTS, order_with(MAX_ITEMS + 1)]})

    assert result["upsertStoreRecords"]["errors"] == [
        {
            "field": "records[4].items",
            "code": "INVALID_VALUE",
            "message": "at most 1000 items, not 1001",
        }
    ]
    assert await Order.all().count() == 0
    assert await OrderItem.all().count() == 0


async def test_an_order_with_the_most_items_allowed_is_written(gql):
    result = await gql.data(UPSERT, {"records": [*PARENTS, order_with(MAX_ITEMS)]})

    assert result["upsertStoreRecords"]["errors"] == []
    assert await OrderItem.filter(order__id=sample.ORDER["id"]).count() == MAX_ITEMS


async def test_an_import_line_with_a_cart_of_too_many_items_is_rejected_by_line(db):
    cart = {**sample.QUOTE, "items": [{"sku": f"S{i}", "qty": 1} for i in range(5000)]}
    lines = [orjson.dumps(record) for record in [*PARENTS, cart]]

    report = await import_ndjson(lines)

    [rejection] = report.rejected
    assert (rejection.position, rejection.record_type) == (5, "quote")
    assert [(e.field, e.code, e.message) for e in rejection.errors] == [
        ("items", "INVALID_VALUE", "at most 1000 items, not 5000")
    ]
    assert await Quote.all().count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "n" * 256, "At most 255 characters."),
        ("description", "d" * 10_001, "At most 10000 characters."),
    ],
)
async def test_segment_text_over_its_length_is_refused_naming_the_field(gql, field, value, message):
    await gql.data(UPSERT, {"records": [sample.WEBSITE]})
    segment = {"name": "Big spenders", "websiteIds": [1], field: value}

    result = await gql.data(CREATE, {"input": segment})

    assert result["createSegment"] == {
        "segment": None,
        "errors": [{"field": field, "code": "INVALID", "message": message}],
    }
    assert await Segment.all().count() == 0


async def test_a_description_of_the_most_characters_allowed_is_kept(gql):
    await gql.data(UPSERT, {"records": [sample.WEBSITE]})
    segment = {"name": "Notes", "websiteIds": [1], "description": "d" * 10_000}

    result = await gql.data(CREATE, {"input": segment})

    assert result["createSegment"]["errors"] == []
    assert len((await Segment.get()).description or "") == 10_000
