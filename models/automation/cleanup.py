"""Removal of old finished progress rows (the `0 2 * * *` cron, SEMANTICS §7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.automation.sql import cleanup as sql
from models.db import dialect, transaction


async def delete_old_progress(now: datetime, older_than_days: int) -> int:
    """Delete sent, failed and skipped rows created more than `older_than_days` before `now`.

    Scheduled and sending rows stay whatever their age. The send counts max_sends reads
    live in `sequence_send_count` and stay too, as do the coupons of deleted rows (still
    redeemable until they expire). Returns how many rows were deleted.
    """
    if older_than_days < 0:
        raise ValueError(f"older_than_days must not be negative, got {older_than_days}")
    # SQLite compares the stored UTC text: the cutoff must be written in UTC too.
    moment = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    cutoff = moment - timedelta(days=older_than_days)
    async with transaction() as conn:
        return await sql.delete_done_rows(conn, dialect(conn), cutoff)
