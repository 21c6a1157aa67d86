"""Scheduling: membership events become progress rows, set-based, exactly once (SEMANTICS §5).

`schedule_events` runs inside the event consumer's transaction (models.segments.consumers),
so the rows it writes and the cursor past the events commit together: a job run twice or
two racing workers find the cursor already moved. The unique (step, event) key on
progress rows makes that doubly sure.

A range of events is taken per change group: the events one refresh or live
re-evaluation recorded share their `occurred_at`, and hold at most one event per
customer, so each group is a few statements whatever its size: skip the exited
customers' scheduled enter rows, then insert exited x exit steps and entered x enter
steps with one INSERT ... SELECT each. The trigger time is the event's `occurred_at`;
each step's `scheduled_at` is that plus its delay, bound as a parameter per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from models.automation.orm import EmailSequence, SequenceProgress, TriggerEvent
from models.automation.settings import automation_enabled
from models.automation.sql import scheduling as sql
from models.db import Dialect, as_datetime, dialect, transaction
from models.errors import DomainError, ErrorCode
from models.segments.consumers import EventRange
from models.segments.orm import MembershipChange, Segment
from models.store.customers import Customer

EXITED_SEGMENT = "exited segment"
# A range of events past which the events' statistics are refreshed before scheduling.
LARGE_RANGE = 10_000
MAX_SENDS_REACHED = "max sends reached"


@dataclass(frozen=True)
class ScheduleOutcome:
    """What acting on a range of events did; `earliest` is the first new row's due time."""

    scheduled: int = 0
    skipped_exited: int = 0
    earliest: datetime | None = None

    def plus(self, other: ScheduleOutcome) -> ScheduleOutcome:
        times = [t for t in (self.earliest, other.earliest) if t is not None]
        return ScheduleOutcome(
            self.scheduled + other.scheduled,
            self.skipped_exited + other.skipped_exited,
            min(times) if times else None,
        )


async def schedule_events(conn: BaseDBAsyncClient, events: EventRange) -> ScheduleOutcome:
    """Act on a segment's range of membership events (call inside the cursor's transaction)."""
    kind = dialect(conn)
    segment = await Segment.get_or_none(id=events.segment_id, using_db=conn)
    if segment is None:
        return ScheduleOutcome()
    # Deactivating a segment, its automation or the global switch never mails anybody:
    # exits still skip scheduled enter rows, but no step starts.
    starts = segment.is_active and segment.auto_email_active and await automation_enabled(conn)
    outcome = ScheduleOutcome()
    if starts and events.last_id - events.after_id > LARGE_RANGE:
        await sql.analyze_events(conn, kind)
    for group in await sql.change_groups(conn, kind, events):
        at = as_datetime(group.occurred_at)
        now = datetime.now(UTC)
        skipped = await sql.skip_enter_rows_of_exited(
            conn, kind, group, reason=EXITED_SEGMENT, now=now
        )
        outcome = outcome.plus(ScheduleOutcome(skipped_exited=skipped))
        if not starts:
            continue
        for trigger, change in (
            (TriggerEvent.EXIT, MembershipChange.EXITED),
            (TriggerEvent.ENTER, MembershipChange.ENTERED),
        ):
            outcome = outcome.plus(
                await _start_steps(
                    conn,
                    kind,
                    segment,
                    trigger,
                    at=at,
                    now=now,
                    source=sql.EventSource(group, change),
                )
            )
    return outcome


async def start_sequence(
    segment_id: int, customer_id: int, trigger: TriggerEvent
) -> list[SequenceProgress]:
    """`startEmailSequence`: the rows started for one customer now (empty when the overlap
    rule, max_sends or the subscription leaves nothing to start)."""
    async with transaction() as conn:
        segment = await Segment.get_or_none(id=segment_id, using_db=conn)
        if segment is None:
            raise DomainError.single(
                "segment_id", ErrorCode.NOT_FOUND, f"Segment {segment_id} does not exist."
            )
        if not await Customer.exists(id=customer_id, using_db=conn):
            raise DomainError.single(
                "customer_id", ErrorCode.NOT_FOUND, f"Customer {customer_id} does not exist."
            )
        if not (segment.is_active and segment.auto_email_active and await automation_enabled(conn)):
            raise DomainError.single(
                "segment_id",
                ErrorCode.INVALID,
                "Email automation is off for this segment: activate the segment, its "
                "automation and the global switch first.",
            )
        ids = await start_for_customer(conn, segment, customer_id, trigger)
        return await SequenceProgress.filter(id__in=ids).using_db(conn).order_by("step_number")


async def start_for_customer(
    conn: BaseDBAsyncClient, segment: Segment, customer_id: int, trigger: TriggerEvent
) -> list[int]:
    """The same rules for one customer, now (`startEmailSequence`): the new row ids."""
    now = datetime.now(UTC)
    kind = dialect(conn)
    await _start_steps(
        conn, kind, segment, trigger, at=now, now=now, source=sql.CustomerSource(customer_id)
    )
    return await sql.rows_started_by_hand(conn, kind, segment.id, customer_id, trigger, now)


async def _start_steps(
    conn: BaseDBAsyncClient,
    kind: Dialect,
    segment: Segment,
    trigger: TriggerEvent,
    *,
    at: datetime,
    now: datetime,
    source: sql.Source,
) -> ScheduleOutcome:
    # A step created after the event starts nothing for it.
    steps = (
        await EmailSequence.filter(
            segment_id=segment.id, trigger_event=trigger, is_active=True, created_at__lte=at
        )
        .using_db(conn)
        .order_by("step_number")
    )
    if not steps:
        return ScheduleOutcome()
    due = {step.id: at + timedelta(minutes=step.delay_minutes) for step in steps}
    inserted = await sql.insert_rows(
        conn,
        kind,
        segment_id=segment.id,
        trigger=trigger,
        due=due,
        overlap=segment.allow_overlapping_sequences,
        source=source,
        max_sends_reason=MAX_SENDS_REACHED,
        now=now,
    )
    return ScheduleOutcome(scheduled=inserted, earliest=min(due.values()) if inserted else None)
