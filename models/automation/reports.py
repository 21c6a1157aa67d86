"""Automation reports: the last 24 h in numbers, stored so they can be read later (the
`0 4 * * *` cron and `generateAutomationReport`, SEMANTICS §7).

Each call stores a new report: the cron fires once a day, and an admin asking for one on
demand wants the numbers of that moment, not the morning's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.automation.orm import AutomationReport
from models.automation.sql import reports as sql
from models.db import connection, dialect
from models.pagination import Page, decode_cursor, encode_cursor, page_from_rows, page_size

PERIOD = timedelta(hours=24)
REPORT_CURSOR = "automation_report"


async def generate_report(now: datetime) -> AutomationReport:
    """Count the 24 h up to `now` and store the report.

    sent: rows sent in the period; failed, skipped: rows that became so in the period;
    scheduled: rows waiting now; total_active: active segments with automation on and at
    least one active step. opened, human_opened, clicked: rows sent in the period that were
    opened (machine opens too), opened by a reader, clicked, converted, by `now` (the rates'
    cohort), and revenue: the totals of the orders attributed to those rows created by `now`.
    """
    # SQLite compares the stored UTC text: the bounds must be written in UTC too.
    end = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    start = end - PERIOD
    conn = connection()
    numbers = await sql.report_numbers(conn, dialect(conn), start, end)
    return await AutomationReport.create(
        created_at=end,
        period_start=start,
        period_end=end,
        sent=numbers["sent"],
        failed=numbers["failed"],
        skipped=numbers["skipped"],
        scheduled=numbers["scheduled"],
        total_active=numbers["total_active"],
        opened=numbers["opened"],
        human_opened=numbers["human_opened"],
        clicked=numbers["clicked"],
        converted=numbers["converted"],
        revenue=numbers["revenue"],
    )


def report_cursor(report: AutomationReport | int) -> str:
    return encode_cursor(REPORT_CURSOR, report if isinstance(report, int) else report.id)


async def reports_page(first: int | None, after: str | None) -> Page[AutomationReport]:
    """Stored reports, newest first, keyset-paginated on id descending."""
    size = page_size(first)
    key = decode_cursor(after, REPORT_CURSOR, (int,))
    query = AutomationReport.all()
    matching = query
    if key is not None:
        query = query.filter(id__lt=key[0])
    rows = await query.order_by("-id").limit(size + 1)
    return page_from_rows(rows, size, report_cursor, matching.count)
