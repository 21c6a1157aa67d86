"""One email per customer on a website, as Magento's customer_entity enforces it.

Emails are compared as written. Magento's own unique key also ignores case, so an export
from it never holds two spellings of one address; comparing exactly lets every look-up use
the index on `email` (a case-insensitive one scanned the table once per batch: 4 s more
for 20k customers, quadratic in the file). Records are checked in their order as if
written one by one: a customer may take an email another customer gave up on an earlier
line, and of two customers claiming one email the later is rejected, so the outcome does
not depend on where batches begin and end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any, cast

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient

from models.db import dialect
from models.errors import ErrorCode, FieldError
from models.store.records import CustomerRecord
from models.store.report import ImportReport

Entry = tuple[int, Any]
EmailKey = tuple[int, str]  # website id, email


async def without_taken_emails(
    conn: BaseDBAsyncClient, group: list[Entry], report: ImportReport
) -> list[Entry]:
    """The customer records whose email is free on their website; the others are rejected."""
    if not group:
        return group
    customers = [(position, cast(CustomerRecord, record)) for position, record in group]
    holders: dict[EmailKey, set[int]] = defaultdict(set)
    held_by: dict[int, EmailKey] = {}
    emails, ids = {c.email for _, c in customers}, {c.id for _, c in customers}
    for row in await _stored(conn, emails, ids):
        key = (row["website_id"], row["email"])
        holders[key].add(row["id"])
        held_by[row["id"]] = key
    kept: list[Entry] = []
    for position, customer in sorted(customers, key=lambda entry: entry[0]):
        key = (customer.website_id, customer.email)
        others = holders[key] - {customer.id}
        if others:
            message = (
                f"{customer.email} is already the email of customer {min(others)} "
                f"on website {customer.website_id}"
            )
            report.reject(position, "customer", [FieldError("email", ErrorCode.UNIQUE, message)])
            continue
        previous = held_by.get(customer.id)
        if previous is not None and previous != key:
            holders[previous].discard(customer.id)
        holders[key].add(customer.id)
        held_by[customer.id] = key
        kept.append((position, customer))
    return kept


async def _stored(
    conn: BaseDBAsyncClient, emails: Collection[str], ids: Collection[int]
) -> list[dict[str, Any]]:
    """Stored customers holding one of the emails, and the batch's customers as stored."""
    columns = 'SELECT "id", "website_id", "email" FROM "customer"'
    if dialect(conn) == "sqlite":
        sql = (
            f'{columns} WHERE "email" IN (SELECT value FROM json_each(?)) '
            'OR "id" IN (SELECT value FROM json_each(?))'
        )
        values: list[Any] = [orjson.dumps(list(emails)).decode(), orjson.dumps(list(ids)).decode()]
    else:
        sql = f'{columns} WHERE "email" = ANY($1::text[]) OR "id" = ANY($2::integer[])'
        values = [list(emails), list(ids)]
    return await conn.execute_query_dict(sql, values)
