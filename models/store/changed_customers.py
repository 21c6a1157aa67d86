"""The durable list of customers whose store data changed and whose live segments have not
caught up yet.

A write of store data records its customers here in its own transaction (`effects.py`),
so a change is never lost to a Redis outage or a crashed worker: Redis only wakes the
job that drains the list. One row per customer, however often it changed.

Draining is claim, act, release: a job claims rows (its token, and a lease after which
another job may claim them again), re-evaluates those customers, and deletes the rows
it still holds. A change recorded again while claimed clears the claim, so the row
outlives that job's release and the newer data is evaluated too. Claims on PostgreSQL
skip rows locked by another claimer or by a writer that has not committed yet, so two
workers draining at once share the rows instead of waiting for each other.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from models.db import Dialect, bind, connection, dialect, execute_count
from models.store import bulk


class ChangedCustomer(Model):
    """A customer whose live segment memberships are to be re-evaluated."""

    customer_id = fields.IntField(primary_key=True, generated=False)
    changed_at = fields.DatetimeField()
    # The draining job holding the row, and until when; both null while unclaimed.
    claimed_by = fields.CharField(max_length=36, null=True)
    claimed_until = fields.DatetimeField(null=True)

    class Meta:
        table = "changed_customer"


async def record_changed_customers(
    conn: BaseDBAsyncClient, customer_ids: Collection[int], *, now: datetime
) -> None:
    """Note these customers as changed, in the caller's transaction (clearing any claim)."""
    # Sorted, so two writers touching the same customers lock their rows in one order.
    rows = [(customer_id, now, None, None) for customer_id in sorted(set(customer_ids))]
    await bulk.upsert(
        conn,
        ChangedCustomer,
        ("customer_id", "changed_at", "claimed_by", "claimed_until"),
        rows,
        key=("customer_id",),
        returning=("customer_id",),
    )


def _claimable(now: str) -> str:
    """Rows no job holds: never claimed, or claimed by a job whose lease ran out by `now`."""
    return f"(claimed_by IS NULL OR claimed_until < {now})"


def _claim_sql(kind: Dialect, *, limited: bool, returning: bool) -> str:
    limit = " LIMIT $4" if limited else ""
    returned = " RETURNING customer_id" if returning else ""
    # Another claimer's rows and a writer's uncommitted ones are skipped, not waited for.
    skip_locked = " FOR UPDATE SKIP LOCKED" if kind == "postgres" else ""
    return bind(
        kind,
        "UPDATE changed_customer SET claimed_by = $1, claimed_until = $3 "
        "WHERE customer_id IN (SELECT customer_id FROM changed_customer "
        f"WHERE {_claimable('$2')} ORDER BY customer_id{limit}{skip_locked}){returned}",
    )


async def claim_changed_customers(
    token: str, *, now: datetime, lease_until: datetime, limit: int
) -> list[int]:
    """Claim up to `limit` unclaimed (or expired) rows for `token`; their customer ids."""
    conn = connection()
    kind = dialect(conn)
    rows = await conn.execute_query_dict(
        _claim_sql(kind, limited=True, returning=True), [token, now, lease_until, limit]
    )
    return sorted(int(row["customer_id"]) for row in rows)


async def claim_all_changed_customers(token: str, *, now: datetime, lease_until: datetime) -> int:
    """Claim every unclaimed (or expired) row for `token`; how many."""
    conn = connection()
    kind = dialect(conn)
    sql = _claim_sql(kind, limited=False, returning=False)
    return await execute_count(conn, kind, sql, [token, now, lease_until])


async def release_changed_customers(token: str) -> int:
    """Delete the rows `token` still holds (those changed again meanwhile stay); how many."""
    conn = connection()
    kind = dialect(conn)
    sql = bind(kind, "DELETE FROM changed_customer WHERE claimed_by = $1")
    return await execute_count(conn, kind, sql, [token])


async def unclaim_changed_customers(token: str) -> None:
    """Give the rows `token` holds back at once (its job failed): another job takes them."""
    conn = connection()
    kind = dialect(conn)
    sql = bind(
        kind,
        "UPDATE changed_customer SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = $1",
    )
    await execute_count(conn, kind, sql, [token])


async def has_claimable_changes(now: datetime | None = None) -> bool:
    """Whether any row waits for a job (unclaimed, or its claim expired)."""
    now = now or datetime.now(UTC)
    conn = connection()
    kind = dialect(conn)
    sql = bind(kind, f"SELECT 1 AS found FROM changed_customer WHERE {_claimable('$1')} LIMIT 1")
    return bool(await conn.execute_query_dict(sql, [now]))
