"""Stats of a segment's automation: progress rows per status, per step, and sends per day
(SEMANTICS §7).

A deleted step's rows stay (its sent history is part of the segment's record), so the
steps listed are the segment's current steps plus every step that left rows behind: a
deleted one, or one moved to another segment. Such a step is shown at the place its
newest rows were scheduled under, since the step itself no longer says where it was.
Every count is over the rows that still exist: progress cleanup takes old finished rows
out of the stats (the send counts that max_sends reads are kept elsewhere).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from models.automation.orm import EmailSequence, TriggerEvent
from models.automation.sql import stats as sql
from models.db import connection, dialect
from models.errors import DomainError, ErrorCode
from models.store.reads import money
from models.store.values import ZERO

MAX_DAYS = 366


@dataclass(frozen=True)
class StatusCounts:
    total: int = 0
    scheduled: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    unique_customers: int = 0
    # Rows opened at least once (machine opens included), opened by a reader, clicked.
    opened: int = 0
    human_opened: int = 0
    clicked: int = 0
    # Rows an order was attributed to (models.automation.attribution), and the grand
    # totals of all their orders.
    converted: int = 0
    revenue: Decimal = ZERO


@dataclass(frozen=True)
class StepStats:
    sequence_id: int
    trigger_event: TriggerEvent
    step_number: int
    counts: StatusCounts


def _counts(
    by_status: Mapping[str, int],
    unique_customers: int,
    engaged: Mapping[str, int] | None = None,
    revenue: Decimal = ZERO,
) -> StatusCounts:
    return StatusCounts(
        total=sum(by_status.values()),
        unique_customers=unique_customers,
        revenue=revenue,
        **{status: by_status.get(status, 0) for status in sql.STATUSES},
        **{name: (engaged or {}).get(name, 0) for name in sql.ENGAGEMENT},
    )


def _order(step: StepStats) -> tuple[int, int, int]:
    return (
        0 if step.trigger_event == TriggerEvent.ENTER else 1,
        step.step_number,
        step.sequence_id,
    )


async def segment_stats(segment_id: int) -> tuple[StatusCounts, list[StepStats]]:
    """The segment's counts, and each step's: enter before exit, then by step number."""
    conn = connection()
    kind = dialect(conn)
    rows = await sql.segment_status_counts(conn, kind, segment_id)
    unique = await sql.segment_unique_customers(conn, kind, segment_id)
    steps = await EmailSequence.filter(segment_id=segment_id)

    by_step: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    segment: dict[str, int] = defaultdict(int)
    engaged_by_step: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    engaged: dict[str, int] = defaultdict(int)
    revenue_by_step: dict[int, Decimal] = defaultdict(lambda: ZERO)
    # (newest row id, trigger, step number) of each step's most recently written rows.
    last_place: dict[int, tuple[int, str, int]] = {}
    for row in rows:
        sequence_id, n = int(row["sequence_id"]), int(row["n"])
        by_step[sequence_id][row["status"]] += n
        segment[row["status"]] += n
        for name in sql.ENGAGEMENT:
            engaged_by_step[sequence_id][name] += int(row[name] or 0)
            engaged[name] += int(row[name] or 0)
        revenue_by_step[sequence_id] += money(row["revenue"])
        place = (int(row["newest"]), row["trigger_type"], int(row["step_number"]))
        last_place[sequence_id] = max(place, last_place.get(sequence_id, place))

    listed = [
        StepStats(
            step.id,
            TriggerEvent(step.trigger_event),
            step.step_number,
            _counts(
                by_step.get(step.id, {}),
                unique.get(step.id, 0),
                engaged_by_step.get(step.id),
                revenue_by_step.get(step.id, ZERO),
            ),
        )
        for step in steps
    ]
    current = {step.id for step in steps}
    listed += [
        StepStats(
            sequence_id,
            TriggerEvent(trigger),
            step_number,
            _counts(
                by_step[sequence_id],
                unique.get(sequence_id, 0),
                engaged_by_step[sequence_id],
                revenue_by_step[sequence_id],
            ),
        )
        for sequence_id, (_, trigger, step_number) in last_place.items()
        if sequence_id not in current
    ]
    total = _counts(segment, unique.get(None, 0), engaged, sum(revenue_by_step.values(), ZERO))
    return total, sorted(listed, key=_order)


async def step_stats_for(sequence_ids: Sequence[int]) -> dict[int, StatusCounts]:
    """Counts of each step asked for (zeros for one without rows), in one query."""
    wanted = sorted(set(sequence_ids))
    if not wanted:
        return {}
    conn = connection()
    rows = await sql.step_counts(conn, dialect(conn), wanted)
    found = {int(row["sequence_id"]): row for row in rows}
    return {sequence_id: _step_counts(found.get(sequence_id)) for sequence_id in wanted}


def _step_counts(row: Mapping[str, Any] | None) -> StatusCounts:
    if row is None:
        return StatusCounts()
    by_status = {status: int(row[status] or 0) for status in sql.STATUSES}
    engaged = {name: int(row[name] or 0) for name in sql.ENGAGEMENT}
    return _counts(by_status, int(row["unique_customers"]), engaged, money(row["revenue"]))


async def sent_per_day(segment_id: int, *, days: int, now: datetime) -> list[tuple[date, int]]:
    """Rows sent per UTC day over the last `days` days up to today, oldest first, every day
    listed."""
    if not 1 <= days <= MAX_DAYS:
        raise DomainError.single(
            "days", ErrorCode.INVALID, f"Must be between 1 and {MAX_DAYS}, got {days}."
        )
    today = _utc(now).date()
    first = today - timedelta(days=days - 1)
    dates = [first + timedelta(days=i) for i in range(days)]
    starts = [datetime.combine(d, time(), UTC) for d in [*dates, today + timedelta(days=1)]]
    conn = connection()
    counts = await sql.sent_per_day(conn, dialect(conn), segment_id, starts)
    return [(day, counts.get(i, 0)) for i, day in enumerate(dates)]


def _utc(moment: datetime) -> datetime:
    # Days are UTC days whatever zone the caller's clock is in; a naive moment is UTC.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
