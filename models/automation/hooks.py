"""What a change of store data does to automation, inside the transaction that changes it
(SEMANTICS §5): an unsubscribe skips the customer's scheduled rows, a deleted customer's
progress rows go and its coupons stay without it.

Doing both in the writing transaction closes the gap in which a worker could claim a row
of a customer who has already unsubscribed or gone. Each call is one statement per kind of
change however many customers it names, so the store import runs them per batch.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient

from models.db import Dialect, bind, dialect, execute_count, transaction
from models.store.changed_customers import record_changed_customers
from models.store.changes import notify_customers_changed

SUBSCRIBED = 1
UNSUBSCRIBED = 3
UNSUBSCRIBED_REASON = "unsubscribed"


def _unsubscribe_sql(kind: Dialect) -> str:
    """Creates the subscriber row from the customer when there is none, and changes an
    existing row only when it is not unsubscribed yet: a row comes back exactly when the
    status changed."""
    # PostgreSQL reads an untyped parameter in a SELECT list as text.
    at = "$1" if kind == "sqlite" else "$1::timestamptz"
    return bind(
        kind,
        "INSERT INTO newsletter_subscriber "
        "(customer_id, email, subscriber_status, change_status_at) "
        f"SELECT id, email, {UNSUBSCRIBED}, {at} FROM customer WHERE id = $2 "
        "ON CONFLICT (customer_id) DO UPDATE SET "
        "subscriber_status = excluded.subscriber_status, "
        "change_status_at = excluded.change_status_at "
        "WHERE newsletter_subscriber.subscriber_status <> excluded.subscriber_status "
        "RETURNING customer_id",
    )


def _customer_in(kind: Dialect, n: int) -> str:
    """`customer_id` is one of a list bound as one parameter (`$n`), whatever its length."""
    if kind == "sqlite":
        return f"customer_id IN (SELECT value FROM json_each(${n}))"
    return f"customer_id = ANY(${n}::integer[])"


def _ids(kind: Dialect, customer_ids: Collection[int]) -> Any:
    ids = sorted(customer_ids)
    return orjson.dumps(ids).decode() if kind == "sqlite" else ids


async def skip_scheduled_of_unsubscribed(
    conn: BaseDBAsyncClient, customer_ids: Collection[int], *, now: datetime
) -> int:
    """Skip every scheduled row of `customer_ids` (no longer subscribed); returns how many."""
    if not customer_ids:
        return 0
    kind = dialect(conn)
    sql = bind(
        kind,
        "UPDATE sequence_progress SET status = 'skipped', last_error = $1, updated_at = $2 "
        f"WHERE status = 'scheduled' AND {_customer_in(kind, 3)}",
    )
    return await execute_count(
        conn, kind, sql, [UNSUBSCRIBED_REASON, now, _ids(kind, customer_ids)]
    )


async def forget_deleted_customers(conn: BaseDBAsyncClient, customer_ids: Collection[int]) -> int:
    """Delete the progress rows of deleted customers; returns how many.

    Their coupons stay redeemable until they expire, with neither customer nor progress
    row: a kept `progress_id` could name a later row that reuses the number (SQLite may
    reuse the highest id after a delete) and hand it this coupon.
    """
    if not customer_ids:
        return 0
    kind = dialect(conn)
    ids = _ids(kind, customer_ids)
    await execute_count(
        conn,
        kind,
        bind(
            kind,
            "UPDATE coupon SET customer_id = NULL, progress_id = NULL "
            f"WHERE {_customer_in(kind, 1)}",
        ),
        [ids],
    )
    return await execute_count(
        conn,
        kind,
        bind(kind, f"DELETE FROM sequence_progress WHERE {_customer_in(kind, 1)}"),
        [ids],
    )


async def unsubscribe_customer(customer_id: int, *, now: datetime) -> bool:
    """Unsubscribe a customer (status 3 at `now`) and skip its scheduled rows, in one
    transaction; returns whether the status changed (False for an unknown customer).

    The subscriber row is created from the customer's email when there is none.
    """
    async with transaction() as tx:
        kind = dialect(tx)
        changed = await tx.execute_query_dict(_unsubscribe_sql(kind), [now, customer_id])
        # Also when already unsubscribed: a row scheduled by a run that read the status
        # before it changed is skipped now rather than left to delivery.
        await skip_scheduled_of_unsubscribed(tx, [customer_id], now=now)
        if changed:
            await record_changed_customers(tx, [customer_id], now=now)
    if changed:
        # Segments may test the subscription, as they do after an import.
        await notify_customers_changed([customer_id])
    return bool(changed)
