"""Statement of the daily report: the period's numbers in one query."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from models.db import Dialect, bind
from models.store.reads import money

# A period is (start, end]: consecutive reports count a row once, and a row finished at
# the very moment a report is made is in it.
REPORT = (
    "SELECT r.sent, r.opened, r.human_opened, r.clicked, r.converted, "
    "(SELECT SUM(c.grand_total) FROM sequence_conversion c "
    "JOIN sequence_progress p ON p.id = c.progress_id WHERE p.status = 'sent' "
    "AND p.sent_at > $1 AND p.sent_at <= $2 AND c.converted_at <= $2) AS revenue, "
    "(SELECT COUNT(*) FROM sequence_progress WHERE status = 'failed' "
    "AND updated_at > $3 AND updated_at <= $4) AS failed, "
    "(SELECT COUNT(*) FROM sequence_progress WHERE status = 'skipped' "
    "AND updated_at > $5 AND updated_at <= $6) AS skipped, "
    "(SELECT COUNT(*) FROM sequence_progress WHERE status = 'scheduled') AS scheduled, "
    "(SELECT COUNT(*) FROM segment g WHERE g.is_active = {true} "
    "AND g.auto_email_active = {true} AND EXISTS (SELECT 1 FROM email_sequence s "
    "WHERE s.segment_id = g.id AND s.is_active = {true})) AS total_active "
    # The period's sent rows, read once for all that is counted of them.
    "FROM (SELECT COUNT(*) AS sent, "
    "COUNT(CASE WHEN opened_at <= $2 THEN 1 END) AS opened, "
    "COUNT(CASE WHEN human_opened_at <= $2 THEN 1 END) AS human_opened, "
    "COUNT(CASE WHEN clicked_at <= $2 THEN 1 END) AS clicked, "
    "COUNT(CASE WHEN converted_at <= $2 THEN 1 END) AS converted "
    "FROM sequence_progress WHERE status = 'sent' AND sent_at > $1 AND sent_at <= $2) AS r"
)


async def report_numbers(
    conn: BaseDBAsyncClient, kind: Dialect, start: datetime, end: datetime
) -> dict[str, Any]:
    """Sent (by sent_at) and failed or skipped (by updated_at) in the period, scheduled now,
    and the segments whose automation can send; of the rows sent in the period, those
    opened, opened by a reader, clicked and converted by the period's end, and the revenue of
    their orders created by then."""
    sql = REPORT.format(true="true" if kind == "postgres" else "1")
    rows = await conn.execute_query_dict(bind(kind, sql), [start, end] * 3)
    numbers = dict(rows[0])
    revenue = numbers.pop("revenue")
    counts: dict[str, Any] = {name: int(value) for name, value in numbers.items()}
    counts["revenue"] = money(revenue)
    return counts
