"""Delivery over real SMTP (aiosmtpd) on both databases: claim, render, coupon, send, mark,
retries, rate limit, leases, and two workers racing. Time is an injected clock."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from models.automation.delivery import next_due_at, send_due, send_while_due
from models.automation.mailer import Mailer
from models.automation.orm import (
    AutomationSettingsRow,
    EmailSequence,
    NewsletterQueue,
    ProgressStatus,
    SequenceProgress,
    SequenceSendCount,
)
from models.automation.sql import delivery as delivery_sql
from models.coupons.orm import Coupon
from models.db import dialect, transaction
from models.mail.links import read_unsubscribe_token
from models.mail.transport import OutboxTransport, SmtpTransport
from models.segments.orm import Segment
from models.store.customers import Customer
from models.store.reference import SalesRule, Store, Website
from tests.automation.step_rows import WELCOME, progress, welcome_rows
from tests.mail.smtp_server import SmtpServer
from tests.segments.segment_rows import customers_named

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SECRET = "test-secret"
PUBLIC_URL = "https://shop.example.com/api"
TEMPLATE = WELCOME + '<a href="{{var unsubscribe_url}}">Unsubscribe</a>'


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def mailer_for(server: SmtpServer, connections: int = 2) -> Mailer:
    return Mailer(
        transport=SmtpTransport(server.url, connections=connections),
        mail_from="shop@example.com",
        public_url=PUBLIC_URL,
        secret=SECRET,
        concurrency=connections,
    )


def at(moment: datetime) -> Any:
    return lambda: moment


async def _store(customers: dict[int, str], *, unsubscribed: set[int] = frozenset()) -> Segment:  # type: ignore[assignment]
    await customers_named(customers)
    await Store.create(id=1, website_id=1, code="default", name="Example Store")
    await Customer.filter(id__in=list(customers)).update(store_id=1)
    await welcome_rows({cid: 3 if cid in unsubscribed else 1 for cid in customers}, TEMPLATE)
    return await Segment.create(name="New customers", website_ids=[1], auto_email_active=True)


async def _step(segment: Segment, number: int = 1, **fields: Any) -> EmailSequence:
    values = {"template_id": 1, **fields}
    return await EmailSequence.create(segment_id=segment.id, step_number=number, **values)


async def _row(step: EmailSequence, customer_id: int, **fields: Any) -> SequenceProgress:
    """A row of `step` due a minute before NOW."""
    return await progress(
        step, customer_id, **{"scheduled_at": NOW - timedelta(minutes=1), **fields}
    )


def _body(message: EmailMessage) -> str:
    html = message.get_body(("html",))
    assert html is not None
    return str(html.get_content())


async def test_a_due_row_is_sent_and_marked_with_its_queue_record(db, smtp_server):
    segment = await _store({1: "Ann"})
    step = await _step(segment)
    row = await _row(step, 1)
    later = await _row(step, 1, scheduled_at=NOW + timedelta(hours=1))

    report = await send_due(mailer_for(smtp_server), now=at(NOW))

    assert (report.sent, report.failed, report.skipped, report.deferred) == (1, 0, 0, 0)
    [received] = smtp_server.messages
    message = received.message
    assert received.rcpt_tos == ["c1@example.com"]
    assert message["Subject"] == "Welcome Ann"
    assert message["From"] == "shop@example.com"
    assert message["Message-ID"] == f"<seq-progress-{row.id}@example.com>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith(f"{PUBLIC_URL}/unsubscribe/")
    assert read_unsubscribe_token(SECRET, link.rsplit("/", 1)[1]) == 1
    assert "Hi Ann, welcome to Example Store." in _body(message)
    assert message.get_body(("plain",)) is not None
    sent = await SequenceProgress.get(id=row.id)
    assert (sent.status, sent.sent_at, sent.attempts, sent.message_id) == (
        ProgressStatus.SENT,
        NOW,
        1,
        message["Message-ID"],
    )
    queued = await NewsletterQueue.get(id=sent.queue_id)
    assert (queued.automation_source, queued.automation_source_id, queued.template_id) == (
        "customer_segmentation",
        segment.id,
        1,
    )
    assert (await SequenceSendCount.get(sequence_id=step.id, customer_id=1)).sends == 1
    untouched = await SequenceProgress.get(id=later.id)
    assert (untouched.status, untouched.attempts) == (ProgressStatus.SCHEDULED, 0)


async def test_the_store_name_is_the_store_views_else_the_websites(db, smtp_server):
    segment = await _store({1: "Ann", 2: "Bob", 3: "Cy"})
    await Store.create(id=2, website_id=1, code="unnamed", name="")
    await Customer.filter(id=2).update(store_id=None)
    await Customer.filter(id=3).update(store_id=2)
    await Website.filter(id=1).update(name="Example Website")
    step = await _step(segment)
    for customer_id in (1, 2, 3):
        await _row(step, customer_id)

    await send_due(mailer_for(smtp_server), now=at(NOW))

    welcomes = {
        m.rcpt_tos[0]: _body(m.message).split("welcome to ")[1].split(".")[0]
        for m in smtp_server.messages
    }
    assert welcomes == {
        "c1@example.com": "Example Store",
        "c2@example.com": "Example Website",
        "c3@example.com": "Example Website",
    }


async def test_running_twice_sends_once(db, smtp_server):
    segment = await _store({1: "Ann", 2: "Bob"})
    step = await _step(segment)
    for customer_id in (1, 2):
        await _row(step, customer_id)
    mailer = mailer_for(smtp_server)

    first = await send_due(mailer, now=at(NOW))
    second = await send_due(mailer, now=at(NOW))

    assert (first.sent, second.sent) == (2, 0)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == [
        "c1@example.com",
        "c2@example.com",
    ]


async def test_two_workers_racing_send_each_row_once(db, smtp_server):
    segment = await _store({cid: f"C{cid}" for cid in range(1, 21)})
    step = await _step(segment)
    for customer_id in range(1, 21):
        await _row(step, customer_id)

    reports = await asyncio.gather(
        send_due(mailer_for(smtp_server), now=at(NOW)),
        send_due(mailer_for(smtp_server), now=at(NOW)),
    )

    assert sum(r.sent for r in reports) == 20
    assert len(smtp_server.messages) == 20
    assert len({m.message["Message-ID"] for m in smtp_server.messages}) == 20
    assert await SequenceProgress.filter(status=ProgressStatus.SENT).count() == 20


async def test_a_coupon_is_generated_once_and_reused_by_the_retry(db, smtp_server):
    segment = await _store({1: "Ann"})
    step = await _step(
        segment, generate_coupon=True, coupon_sales_rule_id=5, coupon_prefix="WELCOME"
    )
    row = await _row(step, 1)
    smtp_server.answer(451, times=1)
    mailer = mailer_for(smtp_server)

    first = await send_due(mailer, now=at(NOW))
    waiting = await SequenceProgress.get(id=row.id)
    second = await send_due(mailer, now=at(NOW + timedelta(minutes=1)))

    assert (first.retried, first.sent, second.sent) == (1, 0, 1)
    assert waiting.status == ProgressStatus.SCHEDULED
    assert waiting.scheduled_at == NOW + timedelta(minutes=1)
    assert "451" in (waiting.last_error or "")
    [coupon] = await Coupon.filter(progress_id=row.id)
    assert coupon.code.startswith("WELCOME") and len(coupon.code) == len("WELCOME") + 8
    assert (coupon.customer_id, coupon.expiration_date) == (1, NOW + timedelta(days=30))
    [received] = smtp_server.messages
    assert f"Code {coupon.code}: 15% off" in _body(received.message)
    sent = await SequenceProgress.get(id=row.id)
    assert (sent.status, sent.coupon_code, sent.attempts) == (ProgressStatus.SENT, coupon.code, 2)


async def test_a_permanent_rejection_fails_at_once(db, smtp_server):
    segment = await _store({1: "Ann"})
    row = await _row(await _step(segment), 1)
    smtp_server.answer(550)

    report = await send_due(mailer_for(smtp_server), now=at(NOW))

    failed = await SequenceProgress.get(id=row.id)
    assert (report.failed, failed.status, failed.attempts) == (1, ProgressStatus.FAILED, 1)
    assert "550" in (failed.last_error or "")
    assert smtp_server.messages == []
    assert await NewsletterQueue.all().count() == 0


async def test_transient_failures_retry_with_backoff_then_fail_after_five_attempts(db, smtp_server):
    segment = await _store({1: "Ann"})
    row = await _row(await _step(segment), 1)
    smtp_server.answer(451)
    mailer = mailer_for(smtp_server)
    moment = NOW
    due_times = []

    for _ in range(5):
        await send_due(mailer, now=at(moment))
        current = await SequenceProgress.get(id=row.id)
        due_times.append(current.scheduled_at - moment)
        moment = current.scheduled_at

    final = await SequenceProgress.get(id=row.id)
    assert due_times[:4] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=15),
        timedelta(hours=1),
    ]
    assert (final.status, final.attempts) == (ProgressStatus.FAILED, 5)
    assert (final.last_error or "").endswith("(after 5 attempts)")


async def test_rows_that_must_not_be_sent_are_skipped_or_failed_with_the_reason(db, smtp_server):
    segment = await _store({1: "Ann", 2: "Bob", 3: "Cy", 4: "Di"}, unsubscribed={2})
    step = await _step(segment)
    coupon_step = await _step(segment, 2, generate_coupon=True, coupon_sales_rule_id=5)
    gone_template = await _step(segment, 3, template_id=99)
    rows = {
        "unsubscribed": await _row(step, 2),
        "deleted": await _row(step, 3),
        "no template": await _row(gone_template, 1),
        "rule inactive": await _row(coupon_step, 4),
    }
    await Customer.filter(id=3).delete()
    await SalesRule.filter(id=5).update(is_active=False)

    report = await send_due(mailer_for(smtp_server), now=at(NOW))

    outcomes = {
        name: (r.status, r.last_error)
        for name, r in [(n, await SequenceProgress.get(id=row.id)) for n, row in rows.items()]
    }
    assert outcomes == {
        "unsubscribed": (ProgressStatus.SKIPPED, "not subscribed"),
        "deleted": (ProgressStatus.SKIPPED, "customer deleted"),
        "no template": (ProgressStatus.FAILED, "Template 99 does not exist."),
        "rule inactive": (ProgressStatus.FAILED, "Coupon not generated: Sales rule is not active."),
    }
    assert (report.skipped, report.failed, report.sent) == (2, 2, 0)
    assert smtp_server.messages == []
    assert await Coupon.all().count() == 0


async def test_the_rate_limit_defers_to_when_the_window_frees(db, smtp_server):
    segment = await _store({1: "Ann"})
    step = await _step(segment, max_sends=10)
    await AutomationSettingsRow.create(id=1, rate_limit_per_day=2)
    for hours_ago in (20, 3):
        await _row(
            step,
            1,
            status=ProgressStatus.SENT,
            sent_at=NOW - timedelta(hours=hours_ago),
        )
    row = await _row(step, 1)

    report = await send_due(mailer_for(smtp_server), now=at(NOW))

    deferred = await SequenceProgress.get(id=row.id)
    assert report.deferred == 1
    assert (deferred.status, deferred.scheduled_at, deferred.deferrals, deferred.attempts) == (
        ProgressStatus.SCHEDULED,
        NOW + timedelta(hours=4),
        1,
        0,
    )
    assert smtp_server.messages == []


async def test_a_row_whose_sender_died_is_sent_again_with_the_same_message_id(db, smtp_server):
    segment = await _store({1: "Ann", 2: "Bob"})
    step = await _step(segment)
    row = await _row(
        step,
        1,
        status=ProgressStatus.SENDING,
        attempts=1,
        lease_until=NOW - timedelta(seconds=1),
        message_id="<seq-progress-1@example.com>",
    )
    still_leased = await _row(
        step, 2, status=ProgressStatus.SENDING, lease_until=NOW + timedelta(minutes=1)
    )

    report = await send_due(mailer_for(smtp_server), now=at(NOW))

    assert (report.swept, report.sent) == (1, 1)
    [received] = smtp_server.messages
    assert received.message["Message-ID"] == f"<seq-progress-{row.id}@example.com>"
    assert (await SequenceProgress.get(id=row.id)).attempts == 2
    assert (await SequenceProgress.get(id=still_leased.id)).status == ProgressStatus.SENDING


async def test_a_customer_with_a_row_being_sent_waits_for_it(db, smtp_server):
    segment = await _store({1: "Ann", 2: "Bob"})
    step = await _step(segment)
    in_flight = await _row(
        step, 1, status=ProgressStatus.SENDING, attempts=1, lease_until=NOW + timedelta(minutes=1)
    )
    waiting = await _row(step, 1)
    other = await _row(step, 2)

    report = await send_due(mailer_for(smtp_server), now=at(NOW))

    assert (report.sent, report.changed) == (1, [(other.id, segment.id)])
    assert [m.rcpt_tos for m in smtp_server.messages] == [["c2@example.com"]]
    assert [
        (r.id, r.status, r.attempts)
        for r in await SequenceProgress.filter(id__in=[in_flight.id, waiting.id]).order_by("id")
    ] == [(in_flight.id, ProgressStatus.SENDING, 1), (waiting.id, ProgressStatus.SCHEDULED, 0)]


async def test_nothing_is_claimed_while_automation_is_off(db, smtp_server):
    segment = await _store({1: "Ann"})
    row = await _row(await _step(segment), 1)
    await AutomationSettingsRow.create(id=1, enabled=False)

    report = await send_due(mailer_for(smtp_server), now=at(NOW))

    assert (report.sent, report.changed) == (0, [])
    untouched = await SequenceProgress.get(id=row.id)
    assert (untouched.status, untouched.attempts) == (ProgressStatus.SCHEDULED, 0)


async def test_without_smtp_the_message_lands_in_the_outbox(db, tmp_path: Path):
    segment = await _store({1: "Ann"})
    row = await _row(await _step(segment), 1)
    mailer = Mailer(
        transport=OutboxTransport(tmp_path / "outbox"),
        mail_from="shop@example.com",
        public_url=PUBLIC_URL,
        secret=SECRET,
    )

    report = await send_due(mailer, now=at(NOW))

    [eml] = list((tmp_path / "outbox").iterdir())
    assert report.sent == 1
    assert f"Message-ID: <seq-progress-{row.id}@example.com>" in eml.read_text()


class _FailsAfterTheFirst:
    """The outbox, but the second customer's send fails with an unexpected error once the
    first customer's message was written."""

    def __init__(self, outbox: OutboxTransport) -> None:
        self.outbox = outbox
        self.first_written = asyncio.Event()

    async def send(self, message: Any) -> None:
        if message.recipient.address == "c2@example.com":
            await self.first_written.wait()
            raise RuntimeError("disk controller failed")
        await self.outbox.send(message)
        self.first_written.set()

    async def close(self) -> None:
        return None


async def test_an_unexpected_error_still_marks_what_was_accepted(db, tmp_path: Path):
    segment = await _store({1: "Ann", 2: "Bob"})
    step = await _step(segment)
    accepted, failing = await _row(step, 1), await _row(step, 2)
    mailer = Mailer(
        transport=_FailsAfterTheFirst(OutboxTransport(tmp_path / "outbox")),
        mail_from="shop@example.com",
        public_url=PUBLIC_URL,
        secret=SECRET,
    )

    with pytest.raises(RuntimeError, match="disk controller failed"):
        await send_due(mailer, now=at(NOW))

    sent, left = (
        await SequenceProgress.get(id=accepted.id),
        await SequenceProgress.get(id=failing.id),
    )
    queued = await NewsletterQueue.all().values_list("customer_id", "message_id")
    assert (sent.status, sent.message_id) == (
        ProgressStatus.SENT,
        f"<seq-progress-{accepted.id}@example.com>",
    )
    assert queued == [(1, sent.message_id)]
    # Left to the lease sweep, which sends it again with the same Message-ID.
    assert (left.status, left.attempts, left.queue_id) == (ProgressStatus.SENDING, 1, None)
    assert len(list((tmp_path / "outbox").iterdir())) == 1


async def test_the_next_wake_up_is_the_earliest_due_row_or_expiring_lease(db):
    segment = await _store({1: "Ann", 2: "Bob"})
    step = await _step(segment)
    assert await next_due_at() is None

    await _row(step, 1, scheduled_at=NOW + timedelta(hours=2))
    assert await next_due_at() == NOW + timedelta(hours=2)

    # A dead worker's row comes back when its lease expires: that is a due time too.
    await _row(step, 2, status=ProgressStatus.SENDING, lease_until=NOW + timedelta(minutes=5))
    assert await next_due_at() == NOW + timedelta(minutes=5)


async def test_batch_after_batch_every_due_row_is_sent_once_and_a_customers_rows_in_order(
    db, smtp_server
):
    segment = await _store({cid: f"C{cid}" for cid in range(1, 6)})
    first, second = await _step(segment), await _step(segment, 2)
    rows = [await _row(first, cid) for cid in range(1, 6)]
    later = await _row(second, 1, scheduled_at=NOW - timedelta(seconds=30))
    await AutomationSettingsRow.create(id=1, batch_size=2)

    reports = [r async for r in send_while_due(mailer_for(smtp_server), seconds=60, now=at(NOW))]

    # Two rows a batch; the third batch holds customer 1's second row, which waited.
    assert [r.sent for r in reports] == [2, 2, 2]
    received = [m.message["Message-ID"] for m in smtp_server.messages]
    assert sorted(received) == sorted(f"<seq-progress-{r.id}@example.com>" for r in [*rows, later])
    # The customer's second step waited for the first to be sent.
    mine = [
        m
        for m in received
        if m in {f"<seq-progress-{i}@example.com>" for i in (rows[0].id, later.id)}
    ]
    assert mine == [
        f"<seq-progress-{rows[0].id}@example.com>",
        f"<seq-progress-{later.id}@example.com>",
    ]
    assert await SequenceProgress.filter(status=ProgressStatus.SENT).count() == 6
    assert await NewsletterQueue.all().count() == 6
    assert sorted(
        await SequenceSendCount.all().values_list("sequence_id", "customer_id", "sends")
    ) == sorted([(first.id, cid, 1) for cid in range(1, 6)] + [(second.id, 1, 1)])


class _MovingClock:
    """An injected clock that a transport can move forward during a send."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


class _LeaseWatchingTransport:
    """Sends through `inner`; records each row's lease at its send, and on the first send
    moves the clock past half the lease and lets another worker take `taken` over."""

    def __init__(self, inner: SmtpTransport, clock: _MovingClock, taken: int) -> None:
        self.inner, self.clock, self.taken = inner, clock, taken
        self.leases: dict[int, datetime | None] = {}

    async def send(self, message: Any) -> None:
        progress_id = int(message.message_id.split("-")[2].split("@")[0])
        self.leases[progress_id] = (await SequenceProgress.get(id=progress_id)).lease_until
        if len(self.leases) == 1:
            self.clock.moment += timedelta(minutes=6)
            # As a sweep and another worker's claim would leave it.
            await SequenceProgress.filter(id=self.taken).update(attempts=2)
        await self.inner.send(message)

    async def close(self) -> None:
        await self.inner.close()


async def test_a_batch_renews_its_lease_at_half_time_and_leaves_rows_taken_over_alone(
    db, smtp_server
):
    segment = await _store({cid: f"C{cid}" for cid in range(1, 5)})
    step = await _step(segment)
    rows = [await _row(step, cid) for cid in range(1, 5)]
    clock = _MovingClock(NOW)
    transport = _LeaseWatchingTransport(
        SmtpTransport(smtp_server.url, connections=1), clock, taken=rows[2].id
    )
    mailer = Mailer(
        transport=transport,
        mail_from="shop@example.com",
        public_url=PUBLIC_URL,
        secret=SECRET,
        concurrency=1,
        lease=timedelta(minutes=10),
    )

    report = await send_due(mailer, now=clock)

    assert report.sent == 3
    assert transport.leases == {
        rows[0].id: NOW + timedelta(minutes=10),
        rows[1].id: NOW + timedelta(minutes=10),
        rows[3].id: NOW + timedelta(minutes=16),
    }
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == [
        "c1@example.com",
        "c2@example.com",
        "c4@example.com",
    ]
    taken = await SequenceProgress.get(id=rows[2].id)
    assert (taken.status, taken.attempts, taken.lease_until) == (
        ProgressStatus.SENDING,
        2,
        NOW + timedelta(minutes=10),
    )


async def test_marking_a_group_skips_rows_another_worker_owns_now(db):
    segment = await _store({1: "Ann", 2: "Bob"})
    step = await _step(segment)
    mine, taken = [
        await _row(step, cid, status=ProgressStatus.SENDING, attempts=1, lease_until=NOW)
        for cid in (1, 2)
    ]
    await SequenceProgress.filter(id=taken.id).update(attempts=2)
    sends = [
        delivery_sql.Sent(
            progress_id=row.id,
            attempts=1,
            sequence_id=step.id,
            customer_id=row.customer_id,
            segment_id=segment.id,
            template_id=1,
            recipient=f"c{row.customer_id}@example.com",
            subject="Welcome",
            message_id=f"<seq-progress-{row.id}@example.com>",
        )
        for row in (mine, taken)
    ]

    async with transaction() as conn:
        marked = await delivery_sql.mark_sent(
            conn, dialect(conn), sends, source="customer_segmentation", now=NOW
        )

    assert marked == {mine.id}
    sent, untouched = (
        await SequenceProgress.get(id=mine.id),
        await SequenceProgress.get(id=taken.id),
    )
    queued = await NewsletterQueue.get()
    assert (sent.status, sent.sent_at, sent.queue_id, sent.message_id, sent.lease_until) == (
        ProgressStatus.SENT,
        NOW,
        queued.id,
        f"<seq-progress-{mine.id}@example.com>",
        None,
    )
    assert (queued.customer_id, queued.message_id, queued.automation_source_id) == (
        1,
        f"<seq-progress-{mine.id}@example.com>",
        segment.id,
    )
    assert (untouched.status, untouched.attempts, untouched.queue_id) == (
        ProgressStatus.SENDING,
        2,
        None,
    )
    assert await SequenceSendCount.all().values_list("customer_id", "sends") == [(1, 1)]
