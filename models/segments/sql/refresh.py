"""The set-based statements of a refresh: the new member set and its diff stay in the database.

Every statement here moves rows between tables inside the database; nothing reads a
member set into Python, so a refresh's memory does not grow with the segment.

The new set goes into a temporary table with a name unique to the refresh (several
refreshes may share a pooled PostgreSQL connection over time, and SQLite shares one
connection per process). PostgreSQL drops it at commit or rollback (`ON COMMIT DROP`);
SQLite's DDL is transactional, so a rollback removes it and a commit is preceded by
an explicit DROP.

The diff is computed once into a second temporary table, the only pass that reads
both the new set and the stored members. PostgreSQL uses a FULL JOIN, which it can
only plan as a hash or merge join: the nested-loop anti-join it may pick for `NOT
EXISTS` against a membership table whose statistics still say "empty" is what once
made a 100k-row refresh take 39 s instead of 0.3 s. SQLite answers both anti-joins
from its primary-key and unique indexes.

Stored members leave by member id (`id = ANY(ARRAY(...))`, PostgreSQL): a plan that
probes the primary key for each exit whatever the statistics say. Deleting by
`segment_id = $1 AND customer_id IN (diff)` let a planner that believed the segment
had one member (statistics older than its first refresh) rescan the diff for each of
60k members: 3.4 s instead of a few milliseconds.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from models.db import Dialect, bind, execute_count

# First key of `pg_advisory_xact_lock(namespace, segment_id)`: keeps segment locks apart
# from any other advisory locks taken on the same database.
REFRESH_LOCK_NAMESPACE = 7_301

# The new set is computed without parallel workers. In a parallel plan of a compiled
# query each statistics source (a grouped derived table) sits under a Hash that every
# process builds for itself, so every process computes the whole aggregate: workers
# multiply that work and only share the rest, mostly the scan of `customer`. At 1M
# customers on 2 cores, the CLV benchmark rule (an aggregate over 1.4M orders) took
# 0.8 s without workers, 1.0-1.4 s with one and 1.1-1.6 s with two; the cart rule
# (a scan of 1M customers against 230k carts) 0.35 s without, 0.25 s with one.
# Without workers no work is ever done twice, which suits a background job on a
# server that also answers the API.
PARALLEL_WORKERS = 0


@dataclass(frozen=True)
class DiffCounts:
    entered: int
    exited: int
    first_event_id: int | None
    last_event_id: int | None


def temp_table_name(kind: str) -> str:
    return f"segment_refresh_{kind}_{uuid.uuid4().hex[:16]}"


async def lock_segment(conn: BaseDBAsyncClient, dialect: Dialect, segment_id: int) -> None:
    """Serialize refreshes of one segment until the transaction ends.

    SQLite has one writer at a time: a write as the transaction's first statement takes
    the database's write lock before anything is read (what BEGIN IMMEDIATE would do,
    which Tortoise's plain BEGIN does not), so the refresh never reads a member set
    another writer is about to change.
    """
    if dialect == "postgres":
        await conn.execute_query(
            "SELECT pg_advisory_xact_lock($1, $2)", [REFRESH_LOCK_NAMESPACE, segment_id]
        )
    else:
        await conn.execute_query(
            "UPDATE segment SET refresh_status = refresh_status WHERE id = ?", [segment_id]
        )


async def create_new_set(
    conn: BaseDBAsyncClient,
    dialect: Dialect,
    table: str,
    query: tuple[str, Sequence[Any]] | None,
    *,
    analyze: bool = True,
) -> int:
    """Create the new-set table from the compiled query (None: empty); returns its row count.

    `analyze=False` when the table is only ever scanned whole (nobody to diff against).
    """
    if dialect == "postgres":
        if query is None:
            await conn.execute_query(
                f"CREATE TEMP TABLE {table} (customer_id integer, website_id integer) "
                "ON COMMIT DROP"
            )
            return 0
        # No key: the compiled query yields each customer once, and segment_member's
        # unique (segment_id, customer_id) would refuse a duplicate anyway.
        sql, params = query
        await conn.execute_query(f"SET LOCAL max_parallel_workers_per_gather = {PARALLEL_WORKERS}")
        matched = await execute_count(
            conn,
            dialect,
            f"CREATE TEMP TABLE {table} ON COMMIT DROP AS "
            f"SELECT q.customer_id, q.website_id FROM ({sql}) q",
            params,
        )
        if analyze:
            # Temporary tables are never auto-analysed: without this the planner guesses.
            await conn.execute_query(f"ANALYZE {table}")
        return matched
    await conn.execute_query(
        f"CREATE TEMP TABLE {table} (customer_id INTEGER PRIMARY KEY, website_id INTEGER NOT NULL)"
    )
    if query is None:
        return 0
    sql, params = query
    return await execute_count(
        conn,
        dialect,
        f"INSERT INTO {table} (customer_id, website_id) "
        f"SELECT q.customer_id, q.website_id FROM ({sql}) q",
        params,
    )


def _scope_sql(dialect: Dialect, scope: Sequence[int] | None, index: int) -> tuple[str, list]:
    """A filter restricting stored members to the re-evaluated customers, with its parameter."""
    if scope is None:
        return "", []
    if dialect == "postgres":
        return f" AND customer_id = ANY(${index}::integer[])", [list(scope)]
    return f" AND customer_id IN (SELECT value FROM json_each(${index}))", [json.dumps(list(scope))]


async def has_members(
    conn: BaseDBAsyncClient, dialect: Dialect, segment_id: int, scope: Sequence[int] | None
) -> bool:
    scope_sql, scope_params = _scope_sql(dialect, scope, 2)
    rows = await conn.execute_query_dict(
        bind(
            dialect,
            "SELECT 1 AS found FROM segment_member WHERE segment_id = $1" + scope_sql + " LIMIT 1",
        ),
        [segment_id, *scope_params],
    )
    return bool(rows)


async def compute_diff(
    conn: BaseDBAsyncClient,
    dialect: Dialect,
    *,
    segment_id: int,
    new_set: str,
    diff: str,
    scope: Sequence[int] | None,
) -> None:
    """Write (customer_id, website_id, entered) for every customer who entered or exited,
    on PostgreSQL also the member id of those who exited."""
    scope_sql, scope_params = _scope_sql(dialect, scope, 2)
    if dialect == "postgres":
        await conn.execute_query(
            f"CREATE TEMP TABLE {diff} ON COMMIT DROP AS "
            "SELECT COALESCE(n.customer_id, m.customer_id) AS customer_id, "
            "COALESCE(n.website_id, m.website_id) AS website_id, "
            "m.customer_id IS NULL AS entered, m.id AS member_id "
            f"FROM {new_set} n FULL JOIN ("
            "SELECT id, customer_id, website_id FROM segment_member WHERE segment_id = $1"
            f"{scope_sql}) m ON m.customer_id = n.customer_id "
            "WHERE n.customer_id IS NULL OR m.customer_id IS NULL",
            [segment_id, *scope_params],
        )
        await conn.execute_query(f"ANALYZE {diff}")
        return
    await conn.execute_query(
        f"CREATE TEMP TABLE {diff} (customer_id INTEGER PRIMARY KEY, "
        "website_id INTEGER NOT NULL, entered INTEGER NOT NULL)"
    )
    await conn.execute_query(
        f"INSERT INTO {diff} (customer_id, website_id, entered) "
        f"SELECT n.customer_id, n.website_id, 1 FROM {new_set} n WHERE NOT EXISTS ("
        "SELECT 1 FROM segment_member m WHERE m.segment_id = ? AND m.customer_id = n.customer_id)",
        [segment_id],
    )
    await conn.execute_query(
        bind(
            dialect,
            f"INSERT INTO {diff} (customer_id, website_id, entered) "
            "SELECT customer_id, website_id, 0 FROM segment_member m "
            f"WHERE segment_id = $1{scope_sql} AND NOT EXISTS ("
            f"SELECT 1 FROM {new_set} n WHERE n.customer_id = m.customer_id)",
        ),
        [segment_id, *scope_params],
    )


def everyone_entered(dialect: Dialect, new_set: str) -> str:
    """The diff when there were no members: the whole new set entered (saves the join)."""
    if dialect == "postgres":
        return (
            "(SELECT customer_id, website_id, TRUE AS entered, NULL::bigint AS member_id "
            f"FROM {new_set})"
        )
    return f"(SELECT customer_id, website_id, 1 AS entered FROM {new_set})"


async def apply_diff(
    conn: BaseDBAsyncClient,
    dialect: Dialect,
    *,
    segment_id: int,
    diff_source: str,
    now: datetime,
) -> DiffCounts:
    """Insert the entered, delete the exited and record one event per change, at `now`."""
    entered_flag = "d.entered" if dialect == "postgres" else "d.entered = 1"
    entered = await execute_count(
        conn,
        dialect,
        bind(
            dialect,
            "INSERT INTO segment_member (segment_id, customer_id, website_id, added_at) "
            f"SELECT $1, d.customer_id, d.website_id, $2 FROM {diff_source} d "
            f"WHERE {entered_flag}",
        ),
        [segment_id, now],
    )
    if dialect == "postgres":
        exited = await execute_count(
            conn,
            dialect,
            "DELETE FROM segment_member WHERE id = ANY(ARRAY("
            f"SELECT d.member_id FROM {diff_source} d WHERE NOT d.entered))",
        )
    else:
        exited = await execute_count(
            conn,
            dialect,
            "DELETE FROM segment_member WHERE segment_id = ? AND customer_id IN ("
            f"SELECT d.customer_id FROM {diff_source} d WHERE NOT ({entered_flag}))",
            [segment_id],
        )
    if entered + exited == 0:
        return DiffCounts(0, 0, None, None)
    events_sql = bind(
        dialect,
        "INSERT INTO segment_membership_event "
        "(segment_id, customer_id, website_id, change, occurred_at) "
        "SELECT $1, d.customer_id, d.website_id, "
        f"CASE WHEN {entered_flag} THEN 'entered' ELSE 'exited' END, $2 "
        f"FROM {diff_source} d",
    )
    if dialect == "postgres":
        rows = await conn.execute_query_dict(
            f"WITH ev AS ({events_sql} RETURNING id) "
            "SELECT min(id) AS first_id, max(id) AS last_id FROM ev",
            [segment_id, now],
        )
        return DiffCounts(entered, exited, rows[0]["first_id"], rows[0]["last_id"])
    recorded = await execute_count(conn, dialect, events_sql, [segment_id, now])
    # AUTOINCREMENT ids of one INSERT under SQLite's single writer are consecutive.
    rows = await conn.execute_query_dict("SELECT last_insert_rowid() AS last_id")
    last_id = int(rows[0]["last_id"])
    return DiffCounts(entered, exited, last_id - recorded + 1, last_id)


# Autovacuum's default rule for ANALYZE: 50 rows plus a tenth of the table changed.
ANALYZE_THRESHOLD = 50
ANALYZE_SCALE_FACTOR = 0.1


async def analyze_members_if_stale(conn: BaseDBAsyncClient, dialect: Dialect, changed: int) -> bool:
    """ANALYZE `segment_member` if this refresh changed enough of it; whether it did.

    Autovacuum may be off, and a planner that still believes a segment has no members
    joins against them row by row: a preview's join of a 400-customer new set with
    62k members took 2 s instead of 16 ms. The refresh's own statements do not depend
    on these statistics, and the event history's readers are served by (segment_id,
    id) and (customer_id, segment_id) whatever they say, so only the members are
    analysed. The rule is autovacuum's, applied to this refresh's own `changed` rows:
    inside the transaction the statistics include them and become visible with them.
    (The statistics views' `n_mod_since_analyze` would count them twice, as they are
    added at commit after the ANALYZE reset it, so drift from many small refreshes is
    left to autovacuum or a periodic ANALYZE.)
    """
    if dialect != "postgres" or changed == 0:
        return False
    rows = await conn.execute_query_dict(
        "SELECT reltuples FROM pg_class WHERE oid = 'segment_member'::regclass"
    )
    # -1 for a table never analysed.
    tuples = max(float(rows[0]["reltuples"]), 0.0)
    if changed <= ANALYZE_THRESHOLD + ANALYZE_SCALE_FACTOR * tuples:
        return False
    await conn.execute_query("ANALYZE segment_member")
    return True


async def drop_temp_tables(
    conn: BaseDBAsyncClient, dialect: Dialect, tables: Sequence[str]
) -> None:
    """SQLite only: PostgreSQL's ON COMMIT DROP already removes them."""
    if dialect == "sqlite":
        for table in tables:
            await conn.execute_query(f"DROP TABLE IF EXISTS temp.{table}")
