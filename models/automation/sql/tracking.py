"""Statements recording opens and clicks: one atomic update each, so concurrent requests for
one row never lose a count."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from models.db import Dialect, bind


async def record_open(
    conn: BaseDBAsyncClient,
    kind: Dialect,
    progress_id: int,
    now: datetime,
    human_if_sent_before: datetime | None,
) -> int | None:
    """Count an open of the row; it is a human open (setting `human_opened_at` the first
    time) only when the row was sent before `human_if_sent_before` (None: never).
    The row's segment id, or None when the row does not exist."""
    human = ""
    params: list[object] = [progress_id, now]
    if human_if_sent_before is not None:
        human = (
            ", human_opened_at = CASE WHEN sent_at IS NOT NULL AND sent_at <= $3 "
            "THEN COALESCE(human_opened_at, $2) ELSE human_opened_at END"
        )
        params.append(human_if_sent_before)
    rows = await conn.execute_query_dict(
        bind(
            kind,
            "UPDATE sequence_progress SET open_count = open_count + 1, "
            f"opened_at = COALESCE(opened_at, $2){human} WHERE id = $1 RETURNING segment_id",
        ),
        params,
    )
    return int(rows[0]["segment_id"]) if rows else None


async def record_click(
    conn: BaseDBAsyncClient, kind: Dialect, progress_id: int, url: str, now: datetime
) -> int | None:
    """In the caller's transaction: count a click of the row and of its link `url`.
    The row's segment id, or None (nothing written) when the row does not exist."""
    rows = await conn.execute_query_dict(
        bind(
            kind,
            "UPDATE sequence_progress SET click_count = click_count + 1, "
            "clicked_at = COALESCE(clicked_at, $2) WHERE id = $1 RETURNING segment_id",
        ),
        [progress_id, now],
    )
    if not rows:
        return None
    await conn.execute_query(
        bind(
            kind,
            "INSERT INTO link_click (progress_id, url, first_clicked_at, click_count) "
            "VALUES ($1, $2, $3, 1) ON CONFLICT (progress_id, url) "
            "DO UPDATE SET click_count = link_click.click_count + 1",
        ),
        [progress_id, url, now],
    )
    return int(rows[0]["segment_id"])
