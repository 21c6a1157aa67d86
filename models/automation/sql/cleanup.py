"""Statements of progress cleanup: finished rows created before a cutoff are deleted, and the
coupons generated for them let go of them."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from models.db import Dialect, bind, execute_count

# Scheduled and sending rows are never old enough: they are still to be sent.
DONE = "status IN ('sent', 'failed', 'skipped') AND created_at < {cutoff}"


async def delete_done_rows(conn: BaseDBAsyncClient, kind: Dialect, cutoff: datetime) -> int:
    """Delete finished rows created before `cutoff` and free their coupons; how many went.

    A coupon keeps pointing at nothing otherwise, and a progress id SQLite hands out
    again would find another customer's coupon as its own. Call inside a transaction.
    """
    if kind == "postgres":
        # One statement: the coupons freed are exactly those of the rows it deleted, even
        # if a row became finished while it ran.
        rows = await conn.execute_query_dict(
            "WITH gone AS (DELETE FROM sequence_progress "
            f"WHERE {DONE.format(cutoff='$1')} RETURNING id), "
            "freed AS (UPDATE coupon SET progress_id = NULL "
            "WHERE progress_id IN (SELECT id FROM gone)) "
            "SELECT COUNT(*) AS n FROM gone",
            [cutoff],
        )
        return int(rows[0]["n"])
    # SQLite writes one transaction at a time: from the first statement on, no row can
    # change between the two.
    await conn.execute_query(
        bind(
            kind,
            "UPDATE coupon SET progress_id = NULL WHERE progress_id IN "
            f"(SELECT id FROM sequence_progress WHERE {DONE.format(cutoff='$1')})",
        ),
        [cutoff],
    )
    return await execute_count(
        conn,
        kind,
        bind(kind, f"DELETE FROM sequence_progress WHERE {DONE.format(cutoff='$1')}"),
        [cutoff],
    )
