"""Opens and clicks of sent automation mail: what the pixel and the click redirect record.

Machine opens: privacy proxies and link scanners fetch every image of a message when it
is delivered, whether or not anybody reads it (Apple Mail Privacy Protection, Gmail's
and Yahoo's image proxies, corporate scanners). An open counts as a machine open when

- the User-Agent names a known proxy or scanner (`MACHINE_AGENTS`), or
- it comes less than `PREFETCH_WINDOW` after the row was marked sent, or before it was
  (Apple's proxy sends a plain browser User-Agent, so timing is what gives it away).

Machine opens set `opened_at` and count in `open_count`; only other opens set
`human_opened_at`. Rates are reported both ways.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from tortoise import fields
from tortoise.models import Model

from models.automation.sql import tracking as sql
from models.db import as_datetime, connection, dialect, transaction
from models.mail.instrument import MAX_TRACKED_URL

PREFETCH_WINDOW = timedelta(seconds=60)
# Lower-case substrings of User-Agents that fetch images without a reader.
MACHINE_AGENTS = (
    "googleimageproxy",
    "yahoomailproxy",
    "ymailproxy",
    "ms-office",
    "microsoft office protection",
    "barracuda",
    "mimecast",
    "proofpoint",
    "bot",
    "spider",
    "crawler",
    "python-requests",
    "curl/",
)


class LinkClick(Model):
    """Clicks of one link of one sent message: when first, and how often."""

    id = fields.BigIntField(primary_key=True)
    progress: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.SequenceProgress", related_name="link_clicks", on_delete=fields.CASCADE
    )
    url = fields.CharField(max_length=MAX_TRACKED_URL)
    first_clicked_at = fields.DatetimeField()
    click_count = fields.IntField(default=1)

    class Meta:
        table = "link_click"
        unique_together = (("progress_id", "url"),)


def machine_agent(user_agent: str | None) -> bool:
    agent = (user_agent or "").lower()
    return any(token in agent for token in MACHINE_AGENTS)


async def record_open(progress_id: int, user_agent: str | None, now: datetime) -> int | None:
    """Count an open; the row's segment id, or None when there is no such row."""
    # SQLite compares the stored UTC text: bound moments must be UTC too.
    now = as_datetime(now)
    human_before = None if machine_agent(user_agent) else now - PREFETCH_WINDOW
    conn = connection()
    return await sql.record_open(conn, dialect(conn), progress_id, now, human_before)


async def record_click(progress_id: int, url: str, now: datetime) -> int | None:
    """Count a click of `url` in the row's message; the row's segment id, or None."""
    async with transaction() as conn:
        return await sql.record_click(conn, dialect(conn), progress_id, url, as_datetime(now))


async def link_clicks_of(progress_ids: Iterable[int]) -> dict[int, list[LinkClick]]:
    """Each row's clicked links, first clicked first (an empty list for a row without)."""
    wanted = sorted(set(progress_ids))
    found: dict[int, list[LinkClick]] = {progress_id: [] for progress_id in wanted}
    rows = await LinkClick.filter(progress_id__in=wanted).order_by("first_clicked_at", "id")
    for row in rows:
        found[row.progress_id].append(row)  # type: ignore[attr-defined]
    return found
