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
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from tortoise.backends.base.client import BaseDBAsyncClient

Dialect = Literal["sqlite", "postgres"]

# First key of `pg_advisory_xact_lock(namespace, segment_id)`: keeps segment locks apart
# from any other advisory locks taken on the same database.
REFRESH_LOCK_NAMESPACE = 7_301


@dataclass(frozen=True)
class DiffCounts:
    entered: int
    exited: int
    first_event_id: int | None
    last_event_id: int | None


def temp_table_name(kind: str) -> str:
    return f"segment_refresh_{kind}_{uuid.uuid4().hex[:16]}"


def bind(dialect: Dialect, sql: str) -> str:
    """Number `$n` placeholders for asyncpg or turn them into `?` for SQLite (each used once)."""
    if dialect == "postgres":
        return sql
    out, i = [], 0
    while i < len(sql):
        if sql[i] == "$" and i + 1 < len(sql) and sql[i + 1].isdigit():
            j = i + 1
            while j < len(sql) and sql[j].isdigit():
                j += 1
            out.append("?")
            i = j
        else:
            out.append(sql[i])
            i += 1
    return "".join(out)


async def execute_count(
    conn: BaseDBAsyncClient, dialect: Dialect, sql: str, params: Sequence[Any] = ()
) -> int:
    """Run a write statement and return how many rows it changed."""
    if dialect == "postgres":
        # Tortoise reads the wrong word of asyncpg's "INSERT 0 <n>" status: read it here.
        async with conn.acquire_connection() as raw:
            status: str = await raw.execute(sql, *params)
        last = status.rsplit(" ", 1)[-1]
        return int(last) if last.isdigit() else 0
    changed, _ = await conn.execute_query(sql, list(params))
    return changed


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
) -> int:
    """Create the new-set table from the compiled query (None: empty); returns its row count."""
    if dialect == "postgres":
        if query is None:
            await conn.execute_query(
                f"CREATE TEMP TABLE {table} (customer_id integer, website_id integer) "
                "ON COMMIT DROP"
            )
            return 0
        # CREATE TABLE AS, unlike INSERT ... SELECT, may use a parallel plan, as the
        # same rule's plain SELECT would. No key: the compiled query yields each
        # customer once, and segment_member's unique (segment_id, customer_id) would
        # refuse a duplicate anyway.
        sql, params = query
        matched = await execute_count(
            conn,
            dialect,
            f"CREATE TEMP TABLE {table} ON COMMIT DROP AS "
            f"SELECT q.customer_id, q.website_id FROM ({sql}) q",
            params,
        )
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
    """Write (customer_id, website_id, entered) for every customer who entered or exited."""
    scope_sql, scope_params = _scope_sql(dialect, scope, 2)
    if dialect == "postgres":
        await conn.execute_query(
            f"CREATE TEMP TABLE {diff} ON COMMIT DROP AS "
            "SELECT COALESCE(n.customer_id, m.customer_id) AS customer_id, "
            "COALESCE(n.website_id, m.website_id) AS website_id, "
            "m.customer_id IS NULL AS entered "
            f"FROM {new_set} n FULL JOIN ("
            "SELECT customer_id, website_id FROM segment_member WHERE segment_id = $1"
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
    true = "TRUE" if dialect == "postgres" else "1"
    return f"(SELECT customer_id, website_id, {true} AS entered FROM {new_set})"


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
    exited = await execute_count(
        conn,
        dialect,
        bind(
            dialect,
            "DELETE FROM segment_member WHERE segment_id = $1 AND customer_id IN ("
            f"SELECT d.customer_id FROM {diff_source} d WHERE NOT ({entered_flag}))",
        ),
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


async def drop_temp_tables(
    conn: BaseDBAsyncClient, dialect: Dialect, tables: Sequence[str]
) -> None:
    """SQLite only: PostgreSQL's ON COMMIT DROP already removes them."""
    if dialect == "sqlite":
        for table in tables:
            await conn.execute_query(f"DROP TABLE IF EXISTS temp.{table}")
