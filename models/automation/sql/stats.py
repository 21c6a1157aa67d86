"""Statements of the stats: progress rows counted per step and status, distinct customers,
and sends per UTC day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from models.db import Dialect, bind, numbered

STATUSES = ("scheduled", "sending", "sent", "failed", "skipped")
# Rows opened (any open), opened by a reader (not a machine open), and clicked.
ENGAGEMENT = ("opened", "human_opened", "clicked", "converted")
_ENGAGED = (
    "SUM(CASE WHEN p.opened_at IS NOT NULL THEN 1 ELSE 0 END) AS opened, "
    "SUM(CASE WHEN p.human_opened_at IS NOT NULL THEN 1 ELSE 0 END) AS human_opened, "
    "SUM(CASE WHEN p.clicked_at IS NOT NULL THEN 1 ELSE 0 END) AS clicked, "
    # Rows an order was attributed to, and the grand totals of those orders (NULL: none).
    "SUM(CASE WHEN p.converted_at IS NOT NULL THEN 1 ELSE 0 END) AS converted, "
    "SUM(p.revenue) AS revenue"
)


async def segment_status_counts(
    conn: BaseDBAsyncClient, kind: Dialect, segment_id: int
) -> list[dict[str, Any]]:
    """Rows per (step, place, status); `newest` tells which place a step had last.

    A step's rows can carry several places: sent rows keep the number they were sent
    under when a deletion renumbers the steps after it.
    """
    return await conn.execute_query_dict(
        bind(
            kind,
            "SELECT p.sequence_id, p.trigger_type, p.step_number, p.status, COUNT(*) AS n, "
            f"MAX(p.id) AS newest, {_ENGAGED} FROM sequence_progress p "
            "WHERE p.segment_id = $1 "
            "GROUP BY p.sequence_id, p.trigger_type, p.step_number, p.status",
        ),
        [segment_id],
    )


async def segment_unique_customers(
    conn: BaseDBAsyncClient, kind: Dialect, segment_id: int
) -> dict[int | None, int]:
    """Distinct customers per step of the segment's rows, and for the segment under None."""
    rows = await conn.execute_query_dict(
        bind(
            kind,
            "SELECT sequence_id, COUNT(DISTINCT customer_id) AS n FROM sequence_progress "
            "WHERE segment_id = $1 GROUP BY sequence_id "
            "UNION ALL "
            "SELECT NULL, COUNT(DISTINCT customer_id) FROM sequence_progress "
            "WHERE segment_id = $2",
        ),
        [segment_id, segment_id],
    )
    return {
        None if row["sequence_id"] is None else int(row["sequence_id"]): int(row["n"])
        for row in rows
    }


async def step_counts(
    conn: BaseDBAsyncClient, kind: Dialect, sequence_ids: Sequence[int]
) -> list[dict[str, Any]]:
    """Per step: rows by status and distinct customers, over its rows in its current segment.

    A step moved to another segment left its earlier rows in the old one, where they
    are that segment's history (as in `segment_status_counts`).
    """
    marks = numbered(len(sequence_ids))
    by_status = ", ".join(
        f"SUM(CASE WHEN p.status = '{status}' THEN 1 ELSE 0 END) AS {status}" for status in STATUSES
    )
    return await conn.execute_query_dict(
        bind(
            kind,
            f"SELECT p.sequence_id, {by_status}, "
            f"COUNT(DISTINCT p.customer_id) AS unique_customers, {_ENGAGED} "
            "FROM sequence_progress p "
            "JOIN email_sequence s ON s.id = p.sequence_id AND s.segment_id = p.segment_id "
            f"WHERE p.sequence_id IN ({marks}) GROUP BY p.sequence_id",
        ),
        list(sequence_ids),
    )


async def sent_per_day(
    conn: BaseDBAsyncClient, kind: Dialect, segment_id: int, starts: Sequence[datetime]
) -> dict[int, int]:
    """Sent rows of the segment per day: day i runs from starts[i] to starts[i + 1].

    `starts` holds one more moment than there are days (the end of the last one). Each
    row finds its day by comparing `sent_at` with the bound day starts, so no dialect
    date function is needed and midnight is exactly where Python put it; the comparisons
    are nested halves, so a row costs log2(days) of them instead of one per day.
    """
    params: list[Any] = []

    def p(value: Any) -> str:
        params.append(value)
        return f"${len(params)}"

    def day_of(first: int, last: int) -> str:
        if first == last:
            return str(first)
        middle = (first + last + 1) // 2
        condition = f"p.sent_at < {p(starts[middle])}"
        earlier, later = day_of(first, middle - 1), day_of(middle, last)
        return f"CASE WHEN {condition} THEN {earlier} ELSE {later} END"

    day = day_of(0, len(starts) - 2)
    window = (
        f"p.segment_id = {p(segment_id)} AND p.status = 'sent' "
        f"AND p.sent_at >= {p(starts[0])} AND p.sent_at < {p(starts[-1])}"
    )
    rows = await conn.execute_query_dict(
        bind(
            kind,
            f"SELECT d.day, COUNT(*) AS n FROM (SELECT {day} AS day "
            f"FROM sequence_progress p WHERE {window}) d GROUP BY d.day",
        ),
        params,
    )
    return {int(row["day"]): int(row["n"]) for row in rows}
