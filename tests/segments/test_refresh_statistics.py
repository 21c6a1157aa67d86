"""Refresh and planner statistics: a refresh that changed much of `segment_member` analyses it,
as autovacuum would (which may be off)."""

from __future__ import annotations

from models.db import connection, dialect
from models.segments.refresh import refresh_segment
from models.segments.service import create_segment
from models.segments.sql.refresh import analyze_members_if_stale
from tests.segments.segment_rows import T1, customers_named, member_ids, segment_data

ANNS = range(1, 61)  # more than the 50 changed rows that call for statistics on an empty table


async def _sixty_anns() -> int:
    await customers_named(dict.fromkeys(ANNS, "Ann"))
    return (await create_segment(segment_data())).id


async def _row_estimate(table: str) -> float:
    rows = await connection().execute_query_dict(
        "SELECT reltuples FROM pg_class WHERE relname = $1", [table]
    )
    return float(rows[0]["reltuples"])


async def test_a_refresh_that_changed_many_members_leaves_them_analysed(db):
    segment_id = await _sixty_anns()

    await refresh_segment(segment_id, now=T1)

    if db.dialect == "postgres":
        assert await _row_estimate("segment_member") == 60.0
        assert await _row_estimate("segment_membership_event") == -1.0  # never analysed
    assert await member_ids(segment_id) == set(ANNS)


async def test_the_members_are_analysed_only_past_autovacuums_threshold(db):
    segment_id = await _sixty_anns()
    await refresh_segment(segment_id, now=T1)
    conn = connection()

    # 60 members now: 50 + 6 changed rows is the limit.
    assert await analyze_members_if_stale(conn, dialect(conn), 0) is False
    assert await analyze_members_if_stale(conn, dialect(conn), 56) is False
    assert await analyze_members_if_stale(conn, dialect(conn), 57) is (db.dialect == "postgres")
