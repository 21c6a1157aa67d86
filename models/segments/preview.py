"""Preview: what a refresh of a (possibly unsaved) segment would produce, writing nothing.

The new set is computed exactly as a refresh computes it, into a temporary table of a
transaction that is always rolled back. An inactive segment previews as a refresh
would run it: zero matches, everybody exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from models.db import bind, transaction
from models.db import dialect as dialect_of
from models.errors import DomainError, ErrorCode
from models.segments.errors import segment_not_found
from models.segments.orm import Segment
from models.segments.refresh import materialise_new_set
from models.segments.service import SegmentData, validate_segment

MAX_SAMPLE_SIZE = 100


@dataclass(frozen=True)
class SegmentPreview:
    count: int
    sample_customer_ids: list[int]
    # Only when comparing with a stored segment's current members.
    would_enter: int | None
    would_exit: int | None


class _Discard(Exception):
    """Carries the preview out of the transaction so the transaction rolls back."""

    def __init__(self, preview: SegmentPreview) -> None:
        self.preview = preview


async def preview_segment(
    data: SegmentData,
    *,
    sample_size: int = 10,
    segment_id: int | None = None,
    now: datetime | None = None,
) -> SegmentPreview:
    """Count and sample the matching customers; with `segment_id`, also who would enter/exit."""
    if sample_size < 0 or sample_size > MAX_SAMPLE_SIZE:
        raise DomainError.single(
            "sampleSize", ErrorCode.INVALID, f"Must be between 0 and {MAX_SAMPLE_SIZE}."
        )
    valid = await validate_segment(data)
    if segment_id is not None and not await Segment.exists(id=segment_id):
        raise segment_not_found(segment_id)
    now = now or datetime.now(UTC)
    try:
        async with transaction() as conn:
            dialect = dialect_of(conn)
            table, count = await materialise_new_set(
                conn,
                dialect,
                tree=valid.tree,
                is_active=bool(data.is_active),
                website_ids=valid.website_ids,
                group_ids=valid.customer_group_ids,
                now=now,
            )
            sample = await conn.execute_query_dict(
                bind(dialect, f"SELECT customer_id FROM {table} ORDER BY customer_id LIMIT $1"),
                [sample_size],
            )
            would_enter = would_exit = None
            if segment_id is not None:
                # |new ∩ members| gives both sides with one join and one index-only count.
                rows = await conn.execute_query_dict(
                    bind(
                        dialect,
                        "SELECT (SELECT count(*) FROM segment_member WHERE segment_id = $1) "
                        "AS members, (SELECT count(*) FROM segment_member m JOIN "
                        f"{table} n ON n.customer_id = m.customer_id "
                        "WHERE m.segment_id = $2) AS kept",
                    ),
                    [segment_id, segment_id],
                )
                members, kept = int(rows[0]["members"]), int(rows[0]["kept"])
                would_enter, would_exit = count - kept, members - kept
            raise _Discard(
                SegmentPreview(
                    count=count,
                    sample_customer_ids=[int(row["customer_id"]) for row in sample],
                    would_enter=would_enter,
                    would_exit=would_exit,
                )
            )
    except _Discard as done:
        return done.preview
