"""What a batch of store records changes beyond the store tables, in the batch's transaction:
a subscriber no longer subscribed has its scheduled automation mail skipped, a deleted
customer's progress rows go, an order redeeming an automation coupon counts one use of it
(SEMANTICS §5, §6), an order is attributed to the automation mail that brought it (or
withdrawn when canceled, `models.automation.attribution`), and the customers changed are
recorded for their live segments (`changed_customers.py`).

These are called, not registered by the packages they serve: they hold whenever store data
is written, whichever process writes it (server, worker, `segmentql import`), as a foreign
key's cascade would. The notices of `changes.py` are the other kind: after the commit, for
whoever listens. This is the one module of the store that reaches into automation and
coupons; nothing it calls imports the store's import pipeline back.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import cast

from tortoise.backends.base.client import BaseDBAsyncClient

from models.automation.attribution import OrderFacts, attribute_orders
from models.automation.hooks import (
    SUBSCRIBED,
    forget_deleted_customers,
    skip_scheduled_of_unsubscribed,
)
from models.automation.progress_events import notify_progress_changed
from models.coupons.usage import count_coupon_uses
from models.store.changed_customers import record_changed_customers
from models.store.records import NewsletterSubscriberRecord, OrderRecord, StoreRecord


async def after_upsert(
    conn: BaseDBAsyncClient, record_type: str, records: Sequence[StoreRecord]
) -> set[tuple[int, int]]:
    """Follow up on the records of one type just upserted (the last one per key, all valid);
    returns the automation progress rows changed, as (id, segment id)."""
    if record_type == "newsletter_subscriber":
        subscribers = cast(Sequence[NewsletterSubscriberRecord], records)
        # Every record not subscribed, changed or not: a row scheduled by a run that read
        # the status before an earlier import changed it is caught up with too.
        leaving = {r.customer_id for r in subscribers if r.subscriber_status != SUBSCRIBED}
        await skip_scheduled_of_unsubscribed(conn, leaving, now=datetime.now(UTC))
    elif record_type == "order":
        orders = cast(Sequence[OrderRecord], records)
        # Every order, changed or not: a use already recorded is not counted again.
        await count_coupon_uses([(o.id, o.coupon_code) for o in orders if o.coupon_code], conn=conn)
        # Every order too: a re-imported one is found attributed, one now canceled withdrawn.
        return await attribute_orders(conn, [_facts(o) for o in orders], now=datetime.now(UTC))
    return set()


def _facts(order: OrderRecord) -> OrderFacts:
    return OrderFacts(
        id=order.id,
        increment_id=order.increment_id,
        customer_id=order.customer_id,
        state=order.state,
        created_at=order.created_at,
        grand_total=order.grand_total,
        coupon_code=order.coupon_code,
    )


async def after_commit(progress: Collection[tuple[int, int]]) -> None:
    """Tell who listens which progress rows a committed batch changed."""
    await notify_progress_changed(progress)


async def after_delete(conn: BaseDBAsyncClient, customer_ids: Collection[int]) -> None:
    """Follow up on customers deleted (or named for deletion and already gone)."""
    await forget_deleted_customers(conn, customer_ids)


async def after_batch(conn: BaseDBAsyncClient, changed_customers: Collection[int]) -> None:
    """Record the customers a batch changed, so live segments catch up with them even if
    nobody hears the notice sent after the commit (Redis down, a worker killed)."""
    if changed_customers:
        await record_changed_customers(conn, changed_customers, now=datetime.now(UTC))
