"""Delivery: claim due rows, compose, send, mark (SEMANTICS §5 "Delivering").

Each claimed row is SENDING under its batch's lease until it is marked. Everything that
decides what a row becomes is read after the claim, so a customer who unsubscribed a
second ago is skipped, not mailed. The coupon is stored on the row before the SMTP
transaction and a row's Message-ID never changes, so a retry after a crash sends the
same message with the same code, and a receiver can recognise a duplicate: a message in
flight at the crash, or accepted and not yet marked (`claimed.PendingMarks`). Marking is
conditional on the row being as this worker claimed it: of two workers that sent one
row (a lease that expired mid-send) only one marks it.

A customer's rows are sent one after another and against the rolling 24 h rate limit;
different customers go in parallel, bounded by the transport's connections.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from models.automation.batch import Batch
from models.automation.claimed import BatchLease, PendingMarks
from models.automation.composing import Composed, Undeliverable, compose
from models.automation.mailer import Mailer
from models.automation.orm import ProgressStatus, SequenceProgress
from models.automation.settings import AutomationSettings, automation_settings
from models.automation.sql import delivery as sql
from models.coupons.generation import CouponRequest, coupons_for_progress
from models.coupons.orm import Coupon
from models.coupons.rules import problem_of
from models.db import as_datetime, connection, dialect, transaction
from models.mail.transport import PermanentDeliveryError, TransientDeliveryError

MAX_ATTEMPTS = 5
# Waits after the 1st, 2nd, 3rd and 4th failed attempt; the 5th fails the row.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
RATE_WINDOW = timedelta(hours=24)
NO_RULE = "Sales rule is required when coupon generation is enabled."
LEASE_EXPIRED = "lease expired: the sending worker stopped"
# What delivery reads of a claimed row: building whole rows cost more than their query.
_CLAIMED_FIELDS = (
    "id",
    "customer_id",
    "segment_id",
    "sequence_id",
    "step_number",
    "attempts",
    "deferrals",
)


@dataclass
class DeliveryReport:
    """Counts of one run, and every row it changed (for live progress updates)."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    retried: int = 0
    swept: int = 0
    changed: list[tuple[int, int]] = field(default_factory=list)  # (progress id, segment id)


async def send_due(
    mailer: Mailer,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    limit: int | None = None,
) -> DeliveryReport:
    """Claim and deliver due rows (at most `limit`, default the batch size setting)."""
    settings = await automation_settings()
    if not settings.enabled:
        return DeliveryReport()
    claimed = await _claim(mailer, now, limit or settings.batch_size)
    return await _send_claimed(mailer, settings, claimed, _gate(mailer), now)


async def send_while_due(
    mailer: Mailer,
    *,
    seconds: float,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> AsyncIterator[DeliveryReport]:
    """Deliver batch after batch while rows are due (claiming new batches for `seconds`),
    yielding each batch's report as it finishes.

    Two batches are in hand at a time: the next is claimed and read while the current one
    is on the wire, and its customers queue for the connections behind the current
    batch's, so the connections neither idle between batches nor wait for a batch's
    last customers. A claim skips customers with a row still being sent (`claim_due`),
    so a customer's rows never overtake each other and the rate limit sees every earlier
    send. A claim that found nothing while a batch was in flight may only have skipped
    that batch's customers, so it is tried again once that batch is done.
    """
    settings = await automation_settings()
    if not settings.enabled:
        return
    deadline = time.monotonic() + seconds
    gate = _gate(mailer)
    in_flight: deque[asyncio.Task[DeliveryReport]] = deque()
    try:
        while True:
            claimed = await _claim(mailer, now, settings.batch_size)
            if not claimed.rows:
                if claimed.swept:
                    yield DeliveryReport(swept=claimed.swept)
                if not in_flight:
                    return
                yield await in_flight.popleft()
            else:
                in_flight.append(
                    asyncio.create_task(_send_claimed(mailer, settings, claimed, gate, now))
                )
                if len(in_flight) == 2:
                    yield await in_flight.popleft()
            if time.monotonic() >= deadline:
                break
        while in_flight:
            yield await in_flight.popleft()
    finally:
        # Rows of a batch given up on go back when their lease expires, like a dead worker's.
        for task in in_flight:
            task.cancel()


def _gate(mailer: Mailer) -> asyncio.Semaphore:
    # Twice as many customers in hand as connections: while one message is on the wire,
    # the next is rendered, so a connection does not wait for the renderer between sends.
    return asyncio.Semaphore(2 * mailer.concurrency)


@dataclass
class _Claimed:
    """A claimed batch with everything its delivery reads (empty when nothing was due)."""

    rows: list[SequenceProgress]
    swept: int
    lease_until: datetime
    batch: Batch | None = None
    coupons: dict[int, Coupon | str] = field(default_factory=dict)


async def _claim(mailer: Mailer, now: Callable[[], datetime], limit: int) -> _Claimed:
    async with transaction() as conn:
        swept = await sql.sweep_expired_leases(
            conn, dialect(conn), now=now(), max_attempts=MAX_ATTEMPTS, reason=LEASE_EXPIRED
        )
        lease_until = now() + mailer.lease
        ids = await sql.claim_due(
            conn, dialect(conn), now=now(), lease_until=lease_until, limit=limit
        )
    if not ids:
        return _Claimed([], swept, lease_until)
    rows = (
        await SequenceProgress.filter(id__in=ids)
        .order_by("scheduled_at", "id")
        .only(*_CLAIMED_FIELDS)
    )
    batch = await Batch.load(rows, now() - RATE_WINDOW)
    coupons = await _coupons(rows, batch, now())
    return _Claimed(rows, swept, lease_until, batch, coupons)


async def _send_claimed(
    mailer: Mailer,
    settings: AutomationSettings,
    claimed: _Claimed,
    gate: asyncio.Semaphore,
    now: Callable[[], datetime],
) -> DeliveryReport:
    report = DeliveryReport(swept=claimed.swept)
    batch = claimed.batch
    if batch is None:
        return report
    lease = BatchLease(claimed.rows, claimed.lease_until, mailer.lease)
    marks = PendingMarks()
    by_customer: dict[int, list[SequenceProgress]] = defaultdict(list)
    for row in claimed.rows:
        by_customer[row.customer_id].append(row)

    async def one_customer(customer_rows: Sequence[SequenceProgress]) -> None:
        async with gate:
            for row in customer_rows:
                await _deliver(
                    mailer, settings, batch, claimed.coupons, lease, marks, row, now(), report
                )

    customers = [asyncio.ensure_future(one_customer(r)) for r in by_customer.values()]
    try:
        await asyncio.gather(*customers)
    finally:
        # After an unexpected error, or when the batch is given up on, the other customers
        # stop where they are, and what the server accepted is still marked rather than
        # sent again once the lease expires.
        for customer in customers:
            customer.cancel()
        await asyncio.wait(customers)
        await marks.finish(now())
    report.sent = marks.marked
    return report


async def next_due_at() -> datetime | None:
    """When the earliest scheduled row becomes due (None when nothing is scheduled)."""
    conn = connection()
    value = await sql.next_due_at(conn, dialect(conn))
    return None if value is None else as_datetime(value)


async def _deliver(
    mailer: Mailer,
    settings: AutomationSettings,
    batch: Batch,
    coupons: dict[int, Coupon | str],
    lease: BatchLease,
    marks: PendingMarks,
    row: SequenceProgress,
    now: datetime,
    report: DeliveryReport,
) -> None:
    report.changed.append((row.id, row.segment_id))  # type: ignore[attr-defined]
    sent_times = batch.sent_times.setdefault(row.customer_id, [])
    try:
        deferred_to = _rate_limited_until(sent_times, settings.rate_limit_per_day)
        if deferred_to is not None:
            await _defer(row, deferred_to, now)
            report.deferred += 1
            return
        prepared = compose(mailer, settings, batch, coupons, row)
        # A row swept and claimed again meanwhile is the new owner's.
        if not await lease.covers(row, now):
            return
        await mailer.transport.send(prepared.message)
    except Undeliverable as outcome:
        await _finish(row, outcome.status, outcome.reason, now)
        _count(report, outcome.status)
    except PermanentDeliveryError as error:
        await _finish(row, ProgressStatus.FAILED, str(error), now)
        report.failed += 1
    except TransientDeliveryError as error:
        if row.attempts >= MAX_ATTEMPTS:
            reason = f"{error} (after {row.attempts} attempts)"
            await _finish(row, ProgressStatus.FAILED, reason, now)
            report.failed += 1
        else:
            await _retry(row, str(error), now + BACKOFF[row.attempts - 1], now)
            report.retried += 1
    else:
        sent_times.append(now)
        marks.add(_sent(row, prepared), now)


def _count(report: DeliveryReport, status: ProgressStatus) -> None:
    if status == ProgressStatus.FAILED:
        report.failed += 1
    else:
        report.skipped += 1


def _sent(row: SequenceProgress, prepared: Composed) -> sql.Sent:
    return sql.Sent(
        progress_id=row.id,
        attempts=row.attempts,
        sequence_id=row.sequence_id,
        customer_id=row.customer_id,
        segment_id=row.segment_id,  # type: ignore[attr-defined]
        template_id=prepared.template_id,
        recipient=prepared.message.recipient.address,
        subject=prepared.message.subject,
        message_id=prepared.message.message_id,
    )


async def _coupons(
    rows: Sequence[SequenceProgress], batch: Batch, now: datetime
) -> dict[int, Coupon | str]:
    """Each coupon row's coupon (generated once for the batch), or why it gets none."""
    found: dict[int, Coupon | str] = {}
    requests = []
    for row in rows:
        step = batch.steps.get(row.sequence_id)
        if step is None or not step.generate_coupon:
            continue
        rule_id = step.coupon_sales_rule_id
        problem = problem_of(batch.rules.get(rule_id)) if rule_id is not None else NO_RULE
        if problem is not None:
            found[row.id] = f"Coupon not generated: {problem}"
            continue
        requests.append(
            CouponRequest(
                progress_id=row.id,
                rule_id=rule_id,  # type: ignore[arg-type]
                prefix=step.coupon_prefix,
                expires_days=step.coupon_expires_days,
                customer_id=row.customer_id,
            )
        )
    if requests:
        async with transaction() as conn:
            generated = await coupons_for_progress(conn, requests, now)
            codes = {progress_id: coupon.code for progress_id, coupon in generated.items()}
            await sql.store_coupon_codes(conn, dialect(conn), codes)
        found.update(generated)
    return found


def _rate_limited_until(sent_times: list[datetime], limit: int) -> datetime | None:
    """When the customer's rolling window frees a place, if it is full now."""
    if len(sent_times) < limit:
        return None
    return sent_times[len(sent_times) - limit] + RATE_WINDOW


def _owned(row: SequenceProgress):  # type: ignore[no-untyped-def]
    """The row as this worker claimed it: every claim counts an attempt, so a row swept and
    claimed again by another worker no longer matches."""
    return SequenceProgress.filter(id=row.id, status=ProgressStatus.SENDING, attempts=row.attempts)


async def _defer(row: SequenceProgress, until: datetime, now: datetime) -> None:
    # The claim counted an attempt; a deferral is not one.
    await _owned(row).update(
        status=ProgressStatus.SCHEDULED,
        scheduled_at=until,
        lease_until=None,
        attempts=max(0, row.attempts - 1),
        deferrals=row.deferrals + 1,
        updated_at=now,
    )


async def _retry(row: SequenceProgress, reason: str, at: datetime, now: datetime) -> None:
    await _owned(row).update(
        status=ProgressStatus.SCHEDULED,
        scheduled_at=at,
        lease_until=None,
        last_error=reason,
        updated_at=now,
    )


async def _finish(
    row: SequenceProgress, status: ProgressStatus, reason: str, now: datetime
) -> None:
    await _owned(row).update(status=status, last_error=reason, lease_until=None, updated_at=now)
