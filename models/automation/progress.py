"""Reads of progress rows for the admin API: a filtered list, newest first, and the latest
rows of many customers at once (one DataLoader batch)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from models.automation.orm import ProgressStatus, SequenceProgress
from models.db import connection, placeholder
from models.pagination import Page, decode_cursor, encode_cursor, page_from_rows, page_size

PROGRESS_CURSOR = "sequence_progress"


def progress_cursor(row: SequenceProgress | int) -> str:
    return encode_cursor(PROGRESS_CURSOR, row if isinstance(row, int) else row.id)


async def progress_page(
    *,
    segment_id: int | None = None,
    customer_id: int | None = None,
    sequence_id: int | None = None,
    status: ProgressStatus | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Page[SequenceProgress]:
    """Rows matching every given criterion, newest first, keyset-paginated on id descending."""
    size = page_size(first)
    key = decode_cursor(after, PROGRESS_CURSOR, (int,))
    query = SequenceProgress.all()
    if segment_id is not None:
        query = query.filter(segment_id=segment_id)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    if sequence_id is not None:
        query = query.filter(sequence_id=sequence_id)
    if status is not None:
        query = query.filter(status=status)
    matching = query
    if key is not None:
        query = query.filter(id__lt=key[0])
    rows = await query.order_by("-id").limit(size + 1)
    return page_from_rows(rows, size, progress_cursor, matching.count)


async def progress_of_customers(
    customer_ids: Iterable[int], limit_each: int
) -> dict[int, list[SequenceProgress]]:
    """Each customer's newest `limit_each` rows, newest first (an empty list for none)."""
    wanted = sorted(set(customer_ids))
    found: dict[int, list[SequenceProgress]] = {customer_id: [] for customer_id in wanted}
    if not wanted or limit_each <= 0:
        return found
    ranked = await _ranked_ids(wanted, limit_each)
    rows = await SequenceProgress.filter(id__in=[i for ids in ranked.values() for i in ids])
    by_id = {row.id: row for row in rows}
    for customer_id, ids in ranked.items():
        found[customer_id] = [by_id[i] for i in ids if i in by_id]
    return found


async def _ranked_ids(customer_ids: list[int], limit_each: int) -> dict[int, list[int]]:
    """Up to `limit_each` row ids per customer, newest first, in one windowed query."""
    conn = connection()
    mark = placeholder(conn)
    params: list[Any] = []

    def bind(value: Any) -> str:
        params.append(value)
        return mark.format(len(params))

    in_list = ", ".join(bind(c) for c in customer_ids)
    sql = f"""
        SELECT customer_id, id FROM (
            SELECT customer_id, id, ROW_NUMBER() OVER (
                PARTITION BY customer_id ORDER BY id DESC
            ) AS rn
            FROM sequence_progress
            WHERE customer_id IN ({in_list})
        ) ranked
        WHERE rn <= {bind(limit_each)}
        ORDER BY customer_id, rn
    """
    ranked: dict[int, list[int]] = defaultdict(list)
    for row in await conn.execute_query_dict(sql, params):
        ranked[int(row["customer_id"])].append(int(row["id"]))
    return ranked
