"""upsertStoreRecords: per-record semantics, counts, errors by input path, scope, batch cap."""

from __future__ import annotations

from gqlserver.schema import schema
from models.store.upsert import MAX_RECORDS
from resolvers.context import Context
from tests.store import sample
from tests.store.tables import all_rows, rows

MUTATION = """
mutation Upsert($records: [JSON!]!) {
  upsertStoreRecords(records: $records) {
    counts { type upserted unchanged deleted rejected }
    errors { field code message }
  }
}
"""


async def upsert(records, scopes=frozenset({"write"})):
    return await schema.execute(
        MUTATION, variable_values={"records": records}, context_value=Context(scopes=scopes)
    )


async def test_every_record_type_is_written(db):
    result = await upsert(sample.EVERY_TYPE)

    assert result.errors is None
    payload = result.data["upsertStoreRecords"]
    assert payload["errors"] == []
    assert {c["type"]: c["upserted"] for c in payload["counts"]} == {
        r["type"]: (2 if r["type"] == "category" else 1) for r in sample.EVERY_TYPE
    }
    assert await all_rows() == sample.EXPECTED_ROWS


async def test_bad_records_are_reported_by_path_and_good_ones_written(db):
    no_email = {**sample.CUSTOMER, "id": 11}
    del no_email["email"]
    records = [
        sample.WEBSITE,
        sample.GROUP,
        no_email,
        {**sample.CUSTOMER, "id": 12, "email": "b@example.com", "store_id": 9},
        {"type": "planet"},
        "not an object",
        {**sample.ORDER, "customer_id": None, "items": [{"qty_ordered": "x"}]},
        {**sample.CUSTOMER, "store_id": None},
    ]

    result = await upsert(records)

    payload = result.data["upsertStoreRecords"]
    assert payload["errors"] == [
        {"field": "records[2].email", "code": "REQUIRED", "message": "field required"},
        {
            "field": "records[3].store_id",
            "code": "NOT_FOUND",
            "message": "store 9 does not exist",
        },
        {
            "field": "records[4].type",
            "code": "UNKNOWN_TYPE",
            "message": "unknown record type 'planet'",
        },
        {"field": "records[5]", "code": "INVALID", "message": "a record must be a JSON object"},
        {
            "field": "records[6].items[0].qty_ordered",
            "code": "INVALID_VALUE",
            "message": "must be a number or a numeric string",
        },
    ]
    assert payload["counts"] == [
        {"type": "website", "upserted": 1, "unchanged": 0, "deleted": 0, "rejected": 0},
        {"type": "customer_group", "upserted": 1, "unchanged": 0, "deleted": 0, "rejected": 0},
        {"type": "customer", "upserted": 1, "unchanged": 0, "deleted": 0, "rejected": 2},
        {"type": "order", "upserted": 0, "unchanged": 0, "deleted": 0, "rejected": 1},
    ]
    assert [r[0] for r in await rows("customer")] == [10]
    assert await rows("order") == []


async def test_sending_the_same_records_again_changes_nothing(db):
    await upsert(sample.EVERY_TYPE)

    result = await upsert(sample.EVERY_TYPE)

    counts = result.data["upsertStoreRecords"]["counts"]
    assert all(c["upserted"] == 0 for c in counts)
    assert sum(c["unchanged"] for c in counts) == len(sample.EVERY_TYPE)


async def test_customer_delete(db):
    await upsert(sample.EVERY_TYPE)

    result = await upsert([{"type": "customer_delete", "id": 10}])

    assert result.data["upsertStoreRecords"]["counts"] == [
        {"type": "customer_delete", "upserted": 0, "unchanged": 0, "deleted": 1, "rejected": 0}
    ]
    assert await rows("customer") == []


async def test_too_many_records_is_an_error_and_writes_nothing(db):
    result = await upsert([sample.WEBSITE] * (MAX_RECORDS + 1))

    payload = result.data["upsertStoreRecords"]
    assert payload["counts"] == []
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("records", "INVALID")]
    assert str(MAX_RECORDS) in payload["errors"][0]["message"]
    assert await rows("website") == []


async def test_needs_the_write_scope(db):
    result = await upsert([sample.WEBSITE], scopes=frozenset({"read"}))

    assert result.data is None
    assert [e.message for e in result.errors] == ["This operation needs the 'write' scope."]
    assert await rows("website") == []
