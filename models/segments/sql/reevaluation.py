"""PostgreSQL fast path of live re-evaluation: a few customers against every live segment in
one transaction, one statement per segment.

A restricted `refresh_segment` costs a transaction per segment (its commit waits for the
WAL flush) and builds temporary tables (catalog writes, ANALYZE) for what is, live, a
handful of rows. Twenty segments thus took ~250 ms for one changed customer. Here all
segments share one transaction and each segment's diff is one statement whose new set,
stored members, diff, member inserts and deletes and events are CTEs.

The statement records exactly what a restricted refresh records: the compiled query
limited to the customers is the new set; customers in it but not stored enter,
customers stored but not in it exit; one event each at `now`; the count moves by the
difference; `last_refresh_at` and the status stay as they are.

The transaction forces generic plans: each segment's statement text is stable from call
to call, so the driver keeps it prepared, and a generic plan skips re-planning a dozen
joins every time (planning was most of a statement's cost). The plans are index
probes by customer id whatever the values, so a generic plan loses nothing.

Every lookup of stored members goes through the (segment_id, customer_id) unique index
per customer (a LATERAL probe) and deletes go by member id, so the plan stays a few
index probes even when the planner's statistics of `segment_member` are stale (a
segment's first refresh just inserted its members): with `segment_id = $1 AND
customer_id = ANY($2)` a planner that believes the segment has one row scans all of
its members instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from models.segments.compiler import compile_members_query
from models.segments.orm import Segment
from models.segments.sql.refresh import REFRESH_LOCK_NAMESPACE
from models.segments.tree import EMPTY_ROOT_JSON
from models.segments.validation import tree_from_json

NOTHING = "SELECT NULL::integer AS customer_id, NULL::integer AS website_id WHERE FALSE"

DIFF_SQL = """
WITH new AS ({new_set}),
old AS (
    SELECT m.id AS member_id, m.customer_id, m.website_id
    FROM unnest(${ids}::integer[]) AS scope(customer_id)
    CROSS JOIN LATERAL (
        SELECT id, customer_id, website_id FROM segment_member
        WHERE segment_id = ${segment} AND customer_id = scope.customer_id
        LIMIT 1
    ) m
),
diff AS (
    SELECT COALESCE(n.customer_id, o.customer_id) AS customer_id,
           COALESCE(n.website_id, o.website_id) AS website_id,
           o.member_id,
           o.customer_id IS NULL AS entered
    FROM new n FULL JOIN old o ON o.customer_id = n.customer_id
    WHERE n.customer_id IS NULL OR o.customer_id IS NULL
),
came AS (
    INSERT INTO segment_member (segment_id, customer_id, website_id, added_at)
    SELECT ${segment}, customer_id, website_id, ${now} FROM diff WHERE entered
),
went AS (
    DELETE FROM segment_member
    WHERE id = ANY(ARRAY(SELECT member_id FROM diff WHERE NOT entered))
),
recorded AS (
    INSERT INTO segment_membership_event
        (segment_id, customer_id, website_id, change, occurred_at)
    SELECT ${segment}, customer_id, website_id,
           CASE WHEN entered THEN 'entered' ELSE 'exited' END, ${now}
    FROM diff
    ORDER BY entered DESC, customer_id
    RETURNING id, change
)
SELECT count(*) FILTER (WHERE change = 'entered') AS entered,
       count(*) FILTER (WHERE change = 'exited') AS exited,
       min(id) AS first_id,
       max(id) AS last_id
FROM recorded
"""


@dataclass(frozen=True)
class SegmentDiff:
    segment_id: int
    matched_count: int
    entered: int
    exited: int
    first_event_id: int | None
    last_event_id: int | None


async def reevaluate_batch(
    conn: BaseDBAsyncClient, segment_ids: Sequence[int], customer_ids: Sequence[int], now: datetime
) -> tuple[list[int], list[SegmentDiff]]:
    """In the caller's transaction: the segments whose lock was free, and their diffs."""
    await conn.execute_query("SET LOCAL plan_cache_mode = force_generic_plan")
    locked = await lock_available(conn, segment_ids)
    return locked, await apply_diffs(conn, locked, customer_ids, now)


async def lock_available(conn: BaseDBAsyncClient, segment_ids: Sequence[int]) -> list[int]:
    """Take every segment's refresh lock that is free now (id order); the locked ones."""
    rows = await conn.execute_query_dict(
        "SELECT id FROM unnest($2::integer[]) WITH ORDINALITY AS s(id, n) "
        "WHERE pg_try_advisory_xact_lock($1, id) ORDER BY n",
        [REFRESH_LOCK_NAMESPACE, sorted(segment_ids)],
    )
    return [int(row["id"]) for row in rows]


def diff_statement(
    segment: Segment, customer_ids: Sequence[int], now: datetime
) -> tuple[str, list[Any]]:
    """The one statement that applies and records a segment's diff for these customers."""
    params: list[Any] = []
    new_set = NOTHING
    if segment.is_active and segment.website_ids:
        compiled = compile_members_query(
            tree_from_json(segment.conditions or EMPTY_ROOT_JSON),
            website_ids=list(segment.website_ids),
            group_ids=list(segment.customer_group_ids),
            now=now,
            dialect="postgres",
            customer_ids=list(customer_ids),
        )
        new_set, params = compiled.sql, list(compiled.params)
    first = len(params) + 1
    sql = DIFF_SQL.format(new_set=new_set, ids=first, segment=first + 1, now=first + 2)
    return sql, [*params, list(customer_ids), segment.id, now]


async def apply_diffs(
    conn: BaseDBAsyncClient, segment_ids: Sequence[int], customer_ids: Sequence[int], now: datetime
) -> list[SegmentDiff]:
    """Re-evaluate the customers in every (already locked) segment; counts updated."""
    segments = await Segment.filter(id__in=list(segment_ids)).using_db(conn)
    by_id = {segment.id: segment for segment in segments}
    diffs: list[SegmentDiff] = []
    for segment_id in segment_ids:
        segment = by_id.get(segment_id)
        if segment is None:
            continue  # deleted since it was listed
        sql, params = diff_statement(segment, customer_ids, now)
        row = (await conn.execute_query_dict(sql, params))[0]
        entered, exited = int(row["entered"]), int(row["exited"])
        diffs.append(
            SegmentDiff(
                segment_id=segment_id,
                matched_count=max(0, segment.matched_customers_count + entered - exited),
                entered=entered,
                exited=exited,
                first_event_id=row["first_id"],
                last_event_id=row["last_id"],
            )
        )
    changed = [d for d in diffs if d.entered or d.exited]
    if changed:
        await conn.execute_query(
            "UPDATE segment SET matched_customers_count = c.matched "
            "FROM unnest($1::integer[], $2::integer[]) AS c(id, matched) "
            "WHERE segment.id = c.id",
            [[d.segment_id for d in changed], [d.matched_count for d in changed]],
        )
    return diffs
