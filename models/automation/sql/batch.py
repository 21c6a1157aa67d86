"""The per-customer reads of a claimed batch, one statement each for all its customers.

Written as SQL, not through the ORM: building the query of a hundred ids and a model per
row cost more per message than the rest of what delivery reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from models.db import Dialect, as_datetime, bind, numbered

SUBSCRIBED = 1


@dataclass(frozen=True)
class Recipient:
    """What a message says of its customer, with the store it is from."""

    id: int
    email: str
    firstname: str
    lastname: str
    # The customer's store view name, else its website's (mail says where it is from).
    store_name: str


async def recipients(
    conn: BaseDBAsyncClient, kind: Dialect, customer_ids: Collection[int]
) -> dict[int, Recipient]:
    rows = await conn.execute_query_dict(
        bind(
            kind,
            "SELECT c.id, c.email, c.firstname, c.lastname, "
            "COALESCE(NULLIF(s.name, ''), w.name, '') AS store_name FROM customer c "
            "LEFT JOIN store s ON s.id = c.store_id LEFT JOIN website w ON w.id = c.website_id "
            f"WHERE c.id IN ({numbered(len(customer_ids))})",
        ),
        list(customer_ids),
    )
    return {
        int(row["id"]): Recipient(
            id=int(row["id"]),
            email=row["email"],
            firstname=row["firstname"] or "",
            lastname=row["lastname"] or "",
            store_name=row["store_name"],
        )
        for row in rows
    }


async def subscribed(
    conn: BaseDBAsyncClient, kind: Dialect, customer_ids: Collection[int]
) -> set[int]:
    rows = await conn.execute_query_dict(
        bind(
            kind,
            "SELECT customer_id FROM newsletter_subscriber "
            f"WHERE subscriber_status = {SUBSCRIBED} "
            f"AND customer_id IN ({numbered(len(customer_ids))})",
        ),
        list(customer_ids),
    )
    return {int(row["customer_id"]) for row in rows}


async def send_counts(
    conn: BaseDBAsyncClient,
    kind: Dialect,
    step_ids: Collection[int],
    customer_ids: Collection[int],
) -> dict[tuple[int, int], int]:
    """(step id, customer id) -> sends, for the pairs that were sent before."""
    rows = await conn.execute_query_dict(
        bind(
            kind,
            "SELECT sequence_id, customer_id, sends FROM sequence_send_count "
            f"WHERE sequence_id IN ({numbered(len(step_ids))}) "
            f"AND customer_id IN ({numbered(len(customer_ids), len(step_ids) + 1)})",
        ),
        [*step_ids, *customer_ids],
    )
    return {(int(r["sequence_id"]), int(r["customer_id"])): int(r["sends"]) for r in rows}


async def sent_since(
    conn: BaseDBAsyncClient, kind: Dialect, customer_ids: Collection[int], since: datetime
) -> dict[int, list[datetime]]:
    """When each customer was sent automation mail after `since`, oldest first."""
    rows = await conn.execute_query_dict(
        bind(
            kind,
            "SELECT customer_id, sent_at FROM sequence_progress "
            "WHERE status = 'sent' AND sent_at > $1 "
            f"AND customer_id IN ({numbered(len(customer_ids), 2)}) ORDER BY sent_at",
        ),
        [since, *customer_ids],
    )
    sent: dict[int, list[datetime]] = defaultdict(list)
    for row in rows:
        sent[int(row["customer_id"])].append(as_datetime(row["sent_at"]))
    return sent
