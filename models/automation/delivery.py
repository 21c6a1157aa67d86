"""Delivery: claim due rows, render, attach the coupon, send, mark (SEMANTICS §5 "Delivering").

Each claimed row is SENDING under a lease until it is marked. Everything that decides
what a row becomes is read after the claim, so a customer who unsubscribed a second
ago is skipped, not mailed. The Message-ID and the coupon are stored on the row before
the SMTP transaction, so a retry after a crash sends the same message with the same
code, and a receiver can recognise the one possible duplicate (an SMTP transaction in
flight at the crash). Marking is conditional on the row still being SENDING: of two
workers that sent one row (a lease that expired mid-send) only one marks it.

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
from models.automation.orm import ProgressStatus, SequenceProgress
from models.automation.scheduling import MAX_SENDS_REACHED
from models.automation.sequences import STEP_DELETED
from models.automation.settings import AutomationSettings, automation_settings
from models.automation.sql import delivery as sql
from models.coupons.generation import CouponRequest, coupons_for_progress
from models.coupons.orm import Coupon
from models.coupons.rules import problem_of
from models.db import as_datetime, connection, dialect, transaction
from models.mail.instrument import instrument
from models.mail.links import unsubscribe_url
from models.mail.message import Mailbox, OutgoingMessage, build_message, message_id
from models.mail.render import RenderError, render, render_plain
from models.mail.tracking import click_url, pixel_url
from models.mail.transport import PermanentDeliveryError, TransientDeliveryError, Transport
from models.mail.variables import CouponDetails, template_variables
from models.store.reference import SalesRule

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
# Waits after the 1st, 2nd, 3rd and 4th failed attempt; the 5th fails the row.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
RATE_WINDOW = timedelta(hours=24)
AUTOMATION_SOURCE = "customer_segmentation"
NOT_SUBSCRIBED = "not subscribed"
NO_RULE = "Sales rule is required when coupon generation is enabled."
CUSTOMER_GONE = "customer deleted"
LEASE_EXPIRED = "lease expired: the sending worker stopped"


@dataclass(frozen=True)
class Mailer:
    """What delivery needs from the process: where mail goes and how links are built."""

    transport: Transport
    mail_from: str
    public_url: str
    secret: str
    # Parallel SMTP transactions; matches the transport's connections.
    concurrency: int = 4
    # How long a claimed row belongs to its worker before the sweep hands it back; renewed
    # right before its SMTP transaction, so it must outlast the slowest transaction.
    lease: timedelta = LEASE

    @property
    def message_domain(self) -> str:
        return Mailbox(self.mail_from).domain or "segmentql.local"


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


class _Outcome(Exception):
    """Ends one row's delivery with a final status and reason."""

    def __init__(self, status: ProgressStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


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
    rows = await SequenceProgress.filter(id__in=ids).order_by("scheduled_at", "id")
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
    lease = _Lease(claimed.rows, claimed.lease_until, mailer.lease)
    marks = _Marks(report)
    by_customer: dict[int, list[SequenceProgress]] = defaultdict(list)
    for row in claimed.rows:
        by_customer[row.customer_id].append(row)

    async def one_customer(customer_rows: Sequence[SequenceProgress]) -> None:
        async with gate:
            for row in customer_rows:
                await _deliver(
                    mailer, settings, batch, claimed.coupons, lease, marks, row, now(), report
                )

    await asyncio.gather(*(one_customer(r) for r in by_customer.values()))
    await marks.flush(now())
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
    lease: _Lease,
    marks: _Marks,
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
        prepared = _prepare(mailer, settings, batch, coupons, row)
        # A row swept and claimed again meanwhile is the new owner's.
        if not await lease.covers(row, now):
            return
        await mailer.transport.send(prepared.message)
    except _Outcome as outcome:
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
        await marks.add(_sent(row, prepared), now)


def _count(report: DeliveryReport, status: ProgressStatus) -> None:
    if status == ProgressStatus.FAILED:
        report.failed += 1
    else:
        report.skipped += 1


@dataclass(frozen=True)
class _Prepared:
    message: OutgoingMessage
    template_id: int


class _Lease:
    """The claimed batch's lease, renewed for all its unsent rows at once when half of it is
    gone, so every SMTP transaction starts with at least half a lease to finish in.

    A batch is sent a few rows at a time, so its last rows wait for the first; renewing
    row by row before each send cost a statement per message.
    """

    def __init__(
        self, rows: Sequence[SequenceProgress], until: datetime, length: timedelta
    ) -> None:
        self._unsent = {row.id: row.attempts for row in rows}
        self._lost: set[int] = set()
        self._until = until
        self._length = length
        self._renewing = asyncio.Lock()

    async def covers(self, row: SequenceProgress, now: datetime) -> bool:
        """Whether this worker still owns the row, which is about to be sent."""
        async with self._renewing:
            if self._until - now < self._length / 2:
                until = now + self._length
                async with transaction() as conn:
                    owned = await sql.renew_leases(conn, dialect(conn), self._unsent, until)
                self._lost |= self._unsent.keys() - owned
                self._until = until
            self._unsent.pop(row.id, None)
            return row.id not in self._lost


class _Marks:
    """Accepted sends, marked in groups: a group is written when it is full, when its oldest
    send has waited long enough, and when the batch ends.

    Marking row by row cost more round trips per message than its SMTP transaction. A
    worker that dies holding a group leaves those rows SENDING; the sweep sends them
    again with the same Message-ID, so a crash can repeat at most one group.
    """

    GROUP = 25
    WAIT = timedelta(milliseconds=100)

    def __init__(self, report: DeliveryReport) -> None:
        self._report = report
        self._waiting: list[sql.Sent] = []
        self._oldest = datetime.max.replace(tzinfo=UTC)
        self._writing = asyncio.Lock()

    async def add(self, sent: sql.Sent, now: datetime) -> None:
        if not self._waiting:
            self._oldest = now
        self._waiting.append(sent)
        if len(self._waiting) >= self.GROUP or now - self._oldest >= self.WAIT:
            await self.flush(now)

    async def flush(self, now: datetime) -> None:
        async with self._writing:
            group, self._waiting = self._waiting, []
            if not group:
                return
            async with transaction() as conn:
                marked = await sql.mark_sent(
                    conn, dialect(conn), group, source=AUTOMATION_SOURCE, now=now
                )
            # A row another worker marked first is not counted twice.
            self._report.sent += len(marked)


def _sent(row: SequenceProgress, prepared: _Prepared) -> sql.Sent:
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
            found.update(await coupons_for_progress(conn, requests, now))
            await sql.store_coupon_codes(conn, dialect(conn), [r.progress_id for r in requests])
    return found


def _prepare(
    mailer: Mailer,
    settings: AutomationSettings,
    batch: Batch,
    coupons: dict[int, Coupon | str],
    row: SequenceProgress,
) -> _Prepared:
    """The message, from what the batch read; raises _Outcome when it must not be sent."""
    customer = batch.customers.get(row.customer_id)
    if customer is None:
        raise _Outcome(ProgressStatus.SKIPPED, CUSTOMER_GONE)
    if customer.id not in batch.subscribed:
        raise _Outcome(ProgressStatus.SKIPPED, NOT_SUBSCRIBED)
    step = batch.steps.get(row.sequence_id)
    if step is None:
        raise _Outcome(ProgressStatus.SKIPPED, STEP_DELETED)
    if batch.sends.get((step.id, customer.id), 0) >= step.max_sends:
        raise _Outcome(ProgressStatus.SKIPPED, MAX_SENDS_REACHED)
    template = batch.templates.get(step.template_id)
    if template is None:
        raise _Outcome(ProgressStatus.FAILED, f"Template {step.template_id} does not exist.")
    coupon = coupons.get(row.id)
    if isinstance(coupon, str):
        raise _Outcome(ProgressStatus.FAILED, coupon)
    link = unsubscribe_url(mailer.public_url, mailer.secret, customer.id)
    variables = template_variables(
        customer_firstname=customer.firstname or "",
        customer_lastname=customer.lastname or "",
        customer_email=customer.email,
        segment_name=batch.segments[row.segment_id].name,  # type: ignore[attr-defined]
        step_number=row.step_number,
        store_name=batch.store_names.get(customer.id, ""),
        unsubscribe_url=link,
        coupon=None if coupon is None else _details(coupon, batch.rules[coupon.rule_id]),  # type: ignore[attr-defined]
    )
    try:
        subject = render(template.subject, variables, html=False)
        html = render(template.text, variables, html=True)
        text = render_plain(template.text, variables)
    except RenderError as error:
        raise _Outcome(ProgressStatus.FAILED, f"Template {template.id}: {error}") from error
    html = _tracked(mailer, settings, row.id, html, link)
    message = build_message(
        sender=Mailbox(template.sender_email or mailer.mail_from, template.sender_name or ""),
        recipient=Mailbox(customer.email),
        subject=subject,
        html=html,
        text=text,
        message_id=message_id(row.id, mailer.message_domain),
        unsubscribe_url=link,
    )
    return _Prepared(message, template.id)


def _tracked(
    mailer: Mailer, settings: AutomationSettings, progress_id: int, html: str, unsubscribe: str
) -> str:
    """The HTML body with the open pixel and click redirects the privacy switches allow; the
    unsubscribe link stays direct (a redirect in front of it would count an unsubscribe
    as a click). The plain-text part is not touched."""
    if not (settings.open_tracking or settings.click_tracking):
        return html
    public, secret = mailer.public_url, mailer.secret
    return instrument(
        html,
        pixel_src=pixel_url(public, secret, progress_id) if settings.open_tracking else None,
        redirect=(lambda url: click_url(public, secret, progress_id, url))
        if settings.click_tracking
        else None,
        untracked=(unsubscribe, f"{public.rstrip('/')}/unsubscribe/"),
    )


def _details(coupon: Coupon, rule: SalesRule) -> CouponDetails:
    return CouponDetails(
        code=coupon.code,
        expires_at=coupon.expiration_date,
        simple_action=rule.simple_action,
        discount_amount=rule.discount_amount,
        description=rule.description,
    )


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
