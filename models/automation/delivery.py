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
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage

from models.automation.orm import (
    EmailSequence,
    NewsletterQueue,
    ProgressStatus,
    SequenceProgress,
    SequenceSendCount,
)
from models.automation.settings import AutomationSettings, automation_settings
from models.automation.sql import delivery as sql
from models.coupons.generation import coupon_for_progress
from models.coupons.orm import Coupon
from models.coupons.rules import rule_problem
from models.db import connection, dialect, transaction
from models.mail.links import unsubscribe_url
from models.mail.message import build_message, message_id, sender_address
from models.mail.render import RenderError, html_to_text, render
from models.mail.transport import PermanentDeliveryError, TransientDeliveryError, Transport
from models.mail.variables import CouponDetails, template_variables
from models.segments.orm import Segment
from models.store.customers import Customer, NewsletterSubscriber
from models.store.reads import customer_store_name
from models.store.reference import NewsletterTemplate, SalesRule

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
# Waits after the 1st, 2nd, 3rd and 4th failed attempt; the 5th fails the row.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
RATE_WINDOW = timedelta(hours=24)
AUTOMATION_SOURCE = "customer_segmentation"
SUBSCRIBED = 1

NOT_SUBSCRIBED = "not subscribed"
CUSTOMER_GONE = "customer deleted"
MAX_SENDS_REACHED = "max sends reached"
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
        return Address(addr_spec=self.mail_from).domain or "segmentql.local"


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
    report = DeliveryReport()
    settings = await automation_settings()
    if not settings.enabled:
        return report
    async with transaction() as conn:
        report.swept = await sql.sweep_expired_leases(
            conn, dialect(conn), now=now(), max_attempts=MAX_ATTEMPTS, reason=LEASE_EXPIRED
        )
        claimed = await sql.claim_due(
            conn,
            dialect(conn),
            now=now(),
            lease_until=now() + mailer.lease,
            limit=limit or settings.batch_size,
        )
    if not claimed:
        return report
    rows = await SequenceProgress.filter(id__in=claimed).order_by("scheduled_at", "id")
    by_customer: dict[int, list[SequenceProgress]] = defaultdict(list)
    for row in rows:
        by_customer[row.customer_id].append(row)
    gate = asyncio.Semaphore(mailer.concurrency)

    async def one_customer(customer_rows: Sequence[SequenceProgress]) -> None:
        async with gate:
            for row in customer_rows:
                await _deliver(mailer, settings, row, now(), report)

    await asyncio.gather(*(one_customer(r) for r in by_customer.values()))
    return report


async def next_due_at() -> datetime | None:
    """When the earliest scheduled row becomes due (None when nothing is scheduled)."""
    conn = connection()
    value = await sql.next_due_at(conn, dialect(conn))
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _deliver(
    mailer: Mailer,
    settings: AutomationSettings,
    row: SequenceProgress,
    now: datetime,
    report: DeliveryReport,
) -> None:
    report.changed.append((row.id, row.segment_id))  # type: ignore[attr-defined]
    try:
        deferred_to = await _over_rate_limit(row.customer_id, settings, now)
        if deferred_to is not None:
            await _defer(row, deferred_to, now)
            report.deferred += 1
            return
        prepared = await _prepare(mailer, row, now)
        if not await _renew_lease(row, now + mailer.lease):
            return  # swept and claimed again while it waited: the new owner sends it
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
        if await _mark_sent(row, prepared, now):
            report.sent += 1


def _count(report: DeliveryReport, status: ProgressStatus) -> None:
    if status == ProgressStatus.FAILED:
        report.failed += 1
    else:
        report.skipped += 1


@dataclass(frozen=True)
class _Prepared:
    message: EmailMessage
    template_id: int


async def _prepare(mailer: Mailer, row: SequenceProgress, now: datetime) -> _Prepared:
    """Everything the message needs, read now; raises _Outcome when it must not be sent."""
    customer = await Customer.get_or_none(id=row.customer_id)
    if customer is None:
        raise _Outcome(ProgressStatus.SKIPPED, CUSTOMER_GONE)
    subscriber = await NewsletterSubscriber.get_or_none(customer_id=row.customer_id)
    if subscriber is None or subscriber.subscriber_status != SUBSCRIBED:
        raise _Outcome(ProgressStatus.SKIPPED, NOT_SUBSCRIBED)
    step = await EmailSequence.get_or_none(id=row.sequence_id)
    if step is None:
        raise _Outcome(ProgressStatus.SKIPPED, "step deleted")
    sends = await SequenceSendCount.get_or_none(sequence_id=step.id, customer_id=customer.id)
    if sends is not None and sends.sends >= step.max_sends:
        raise _Outcome(ProgressStatus.SKIPPED, MAX_SENDS_REACHED)
    template = await NewsletterTemplate.get_or_none(id=step.template_id)
    if template is None:
        raise _Outcome(ProgressStatus.FAILED, f"Template {step.template_id} does not exist.")
    segment = await Segment.get(id=row.segment_id)  # type: ignore[attr-defined]
    coupon = await _coupon(step, row, now) if step.generate_coupon else None
    link = unsubscribe_url(mailer.public_url, mailer.secret, customer.id)
    variables = template_variables(
        customer_firstname=customer.firstname or "",
        customer_lastname=customer.lastname or "",
        customer_email=customer.email,
        segment_name=segment.name,
        step_number=row.step_number,
        store_name=await customer_store_name(customer),
        unsubscribe_url=link,
        coupon=coupon,
    )
    try:
        subject = render(template.subject, variables, html=False)
        html = render(template.text, variables, html=True)
    except RenderError as error:
        raise _Outcome(ProgressStatus.FAILED, f"Template {template.id}: {error}") from error
    sender = template.sender_email or mailer.mail_from
    mid = message_id(row.id, mailer.message_domain)
    await SequenceProgress.filter(id=row.id).update(message_id=mid)
    message = build_message(
        sender=sender_address(template.sender_name, sender),
        recipient=customer.email,
        subject=subject,
        html=html,
        text=html_to_text(html),
        message_id=mid,
        unsubscribe_url=link,
    )
    return _Prepared(message, template.id)


async def _coupon(step: EmailSequence, row: SequenceProgress, now: datetime) -> CouponDetails:
    """The row's coupon: the one a previous attempt generated, or a new one."""
    rule_id = step.coupon_sales_rule_id
    problem = "Sales rule is required when coupon generation is enabled."
    if rule_id is not None:
        problem = await rule_problem(rule_id) or ""
    if problem:
        raise _Outcome(ProgressStatus.FAILED, f"Coupon not generated: {problem}")
    rule = await SalesRule.get(id=rule_id)
    async with transaction() as conn:
        coupon: Coupon = await coupon_for_progress(
            conn,
            progress_id=row.id,
            rule=rule,
            prefix=step.coupon_prefix,
            expires_days=step.coupon_expires_days,
            customer_id=row.customer_id,
            now=now,
        )
        await SequenceProgress.filter(id=row.id).using_db(conn).update(coupon_code=coupon.code)
    return CouponDetails(
        code=coupon.code,
        expires_at=coupon.expiration_date,
        simple_action=rule.simple_action,
        discount_amount=rule.discount_amount,
        description=rule.description,
    )


async def _over_rate_limit(
    customer_id: int, settings: AutomationSettings, now: datetime
) -> datetime | None:
    """When the customer's rolling window frees a place, if it is full now."""
    conn = connection()
    sent = await sql.sent_in_window(conn, dialect(conn), customer_id, now - RATE_WINDOW)
    if len(sent) < settings.rate_limit_per_day:
        return None
    oldest = sent[len(sent) - settings.rate_limit_per_day]
    oldest = oldest if isinstance(oldest, datetime) else datetime.fromisoformat(str(oldest))
    return oldest + RATE_WINDOW


def _owned(row: SequenceProgress):  # type: ignore[no-untyped-def]
    """The row as this worker claimed it: every claim counts an attempt, so a row swept and
    claimed again by another worker no longer matches."""
    return SequenceProgress.filter(id=row.id, status=ProgressStatus.SENDING, attempts=row.attempts)


async def _renew_lease(row: SequenceProgress, until: datetime) -> bool:
    """Extend the lease right before the SMTP transaction.

    A claimed batch is sent a few rows at a time, so the last rows wait for the first;
    the lease must cover one transaction from here, not the whole batch.
    """
    return bool(await _owned(row).update(lease_until=until))


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


async def _mark_sent(row: SequenceProgress, prepared: _Prepared, now: datetime) -> bool:
    """Record the send once: False when another worker marked this row first."""
    async with transaction() as conn:
        updated = (
            await SequenceProgress.filter(id=row.id, status=ProgressStatus.SENDING)
            .using_db(conn)
            .update(status=ProgressStatus.SENT, sent_at=now, lease_until=None, last_error=None)
        )
        if not updated:
            return False
        fresh = await SequenceProgress.get(id=row.id, using_db=conn)
        queued = await NewsletterQueue.create(
            using_db=conn,
            template_id=prepared.template_id,
            customer_id=row.customer_id,
            recipient_email=str(prepared.message["To"]),
            subject=str(prepared.message["Subject"]),
            message_id=fresh.message_id or "",
            automation_source=AUTOMATION_SOURCE,
            automation_source_id=row.segment_id,  # type: ignore[attr-defined]
            sent_at=now,
        )
        await SequenceProgress.filter(id=row.id).using_db(conn).update(queue_id=queued.id)
        await sql.count_send(conn, dialect(conn), row.sequence_id, row.customer_id)
    return True
