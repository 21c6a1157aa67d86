"""The integrator's upsert mutation: the NDJSON import's records, sent over GraphQL."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from models.errors import DomainError
from models.store.report import ImportReport
from models.store.upsert import MAX_RECORDS, record_errors, upsert_records
from resolvers.errors import Error, errors_from
from resolvers.permissions import CanWrite


@strawberry.type(description="What one call did with the records of one type.")
class StoreRecordCount:
    type: str = strawberry.field(description="Record type, as in the records' `type`.")
    upserted: int = strawberry.field(description="Inserted, or changed from what was stored.")
    unchanged: int = strawberry.field(description="Already stored exactly so; nothing written.")
    deleted: int = strawberry.field(description="Customers deleted (`customer_delete`).")
    rejected: int = strawberry.field(description="Not written; see `errors`.")


@strawberry.type(description="What upsertStoreRecords did: counts per record type and errors.")
class UpsertStoreRecordsPayload:
    counts: list[StoreRecordCount] = strawberry.field(description="One entry per record type sent.")
    errors: list[Error] = strawberry.field(
        description="One per problem of a rejected record, `field` being "
        "`records[i].<field>` (`records[i]` for the record as a whole)."
    )


def _payload(report: ImportReport) -> UpsertStoreRecordsPayload:
    counts = [
        StoreRecordCount(
            type=record_type,
            upserted=c.upserted,
            unchanged=c.unchanged,
            deleted=c.deleted,
            rejected=c.rejected,
        )
        for record_type, c in report.by_type()
    ]
    return UpsertStoreRecordsPayload(counts=counts, errors=errors_from(record_errors(report)))


@strawberry.type
class StoreMutation:
    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Insert or update store data: each record is an object of the NDJSON "
        'import format (`{"type": "customer", "id": 1, ...}`), upserted by id or natural '
        "key; `customer_delete` deletes. Unlike other mutations this one is per record: a bad "
        "record is rejected with its errors and nothing of it is written, while the good "
        f"records of the same call are written. At most {MAX_RECORDS} records per call (more "
        "is an error on `records` and writes nothing). Parents may come in the same call as "
        "their children, in any order. An order, cart or wishlist has at most 1000 items.",
    )
    async def upsert_store_records(
        self,
        records: Annotated[
            list[JSON],
            strawberry.argument(
                description=f"At most {MAX_RECORDS} records of the NDJSON import format "
                "(README: Store data import), each an object with a `type`."
            ),
        ],
    ) -> UpsertStoreRecordsPayload:
        try:
            report = await upsert_records(records)
        except DomainError as exc:
            return UpsertStoreRecordsPayload(counts=[], errors=errors_from(exc))
        return _payload(report)
