"""Sending benchmark: the delivery pipeline against raw aiosmtplib on the same SMTP server, and the
latency from a row's due time to its acceptance by SMTP through the worker's wake-up path.

    .venv/bin/python -m tests.bench.bench_sending --mails 2000 --connections 4
    .venv/bin/python -m tests.bench.bench_sending --database-url postgres://.../db
    .venv/bin/python -m tests.bench.bench_sending --dialect sqlite --mails 500

The database is PostgreSQL as in the other benchmarks (a new one with `segmentql
demo-data`, or --database-url); `--dialect sqlite` uses a new SQLite file instead (or a
sqlite:// --database-url). The SMTP server is aiosmtpd in a child process (so it does not
share this process's interpreter lock) that accepts every message at once and appends
its acceptance time and Message-ID to a file.

Throughput. --mails subscribed customers get one due row each on a bench segment with
two active enter steps, alternately: a plain step and a coupon step (a coupon generated
from a sales rule per row). The pipeline is `send_while_due(mailer)` with an
`SmtpTransport(url, connections=N)` until nothing is due, as the `send_due_emails` job
runs it (claim batches of the batch-size setting under a lease, read customer,
subscription, step, send count, template, segment and store, generate the coupons,
render, send, mark sent in groups with queue records and send counts). The baseline
sends the same messages as the same bytes (those an untimed first pipeline run sent,
which also warms up) with raw aiosmtplib `sendmail` over N connections kept open
(connecting is timed, as the pipeline's transport connects on first use). Both run
--repeat times alternately from the same starting state (the segment's rows, coupons,
queue records and send counts deleted, the due rows written again, VACUUM ANALYZE) and
the medians are compared: target pipeline >= 0.6x the baseline's messages per second.
Peak memory: growth of this process's RSS high-water mark during each pipeline run.

Latency. With the in-process arq worker (`gqlserver.worker.start_inprocess_worker` on
--redis-url, memory:// by default; crons set to run never, so only the wake-up path
sends) started and idle:
(a) "deferred": --latency-rows rows are written due at staggered times over
    --latency-spread seconds, and `tasks.automation.wake_delivery` is called once, as the
    scheduling consumer does after writing rows; each `send_due_emails` run wakes the next;
(b) "entering": --latency-rows customers enter a segment with one delay-0 step, one at a
    time over --latency-spread seconds (restricted refreshes); the worker's scheduling
    consumer schedules each row (due at once) and wakes delivery.
Per row: SMTP acceptance time (the server's clock) minus scheduled_at. Rows not accepted
within --latency-wait seconds after their due time are counted as missed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import re
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.bench.harness import (
    base_parser,
    bench_database,
    log,
    peak_mb,
    percentile,
    reset_peak,
    rss_mb,
    run,
    run_cli,
)

if TYPE_CHECKING:
    from models.mail.message import OutgoingMessage

TARGET_RATIO = 0.6
# A cron expression that does not fire during a run (midnight on 1 January).
NEVER = "0 0 1 1 *"
CRON_SETTINGS = (
    "SEGMENTQL_REFRESH_CRON",
    "SEGMENTQL_PROCESS_EMAILS_CRON",
    "SEGMENTQL_CLEANUP_PROGRESS_CRON",
    "SEGMENTQL_CLEANUP_COUPONS_CRON",
    "SEGMENTQL_AUTOMATION_REPORT_CRON",
)
MAIL_FROM = "shop@example.com"
PUBLIC_URL = "http://127.0.0.1:8000"
SECRET = "bench-sending-secret"
WARM_UP_MAILS = 20
SUBSCRIBED_RULE = {
    "type": "combine",
    "aggregator": "all",
    "value": True,
    "conditions": [
        {
            "type": "customer_newsletter",
            "attribute": "subscriber_status",
            "operator": "==",
            "value": "1",
        }
    ],
}

# A newsletter of a few kilobytes, with the variables a campaign uses.
_BLOCK = (
    '<tr><td style="padding:16px;font-family:Arial,sans-serif;font-size:14px;color:#333">'
    "<h2>Picked for you, {{var customer_firstname}}</h2>"
    "<p>New arrivals at {{var store_name}} this week: linen shirts, summer dresses and "
    "sandals, with free delivery on orders over 50. Members of our newsletter see the "
    "collection a day before everybody else.</p></td></tr>"
)
PLAIN_TEMPLATE = (
    '<html><body><table width="600" align="center">'
    "<tr><td><p>Hello {{var customer_name}},</p></td></tr>"
    + (_BLOCK * 8)
    + '<tr><td><a href="{{var unsubscribe_url}}">Unsubscribe</a></td></tr>'
    "</table></body></html>"
)
COUPON_TEMPLATE = (
    '<html><body><table width="600" align="center">'
    "<tr><td><p>Hello {{var customer_name}},</p>"
    "<p>Your code <b>{{var coupon_code}}</b>: {{var coupon_discount_text}}, valid until "
    "{{var coupon_expires_formatted}}.</p></td></tr>"
    + (_BLOCK * 8)
    + '<tr><td><a href="{{var unsubscribe_url}}">Unsubscribe</a></td></tr>'
    "</table></body></html>"
)


# The SMTP server: a child process running aiosmtpd that accepts at once.


class _Sink:
    """aiosmtpd handler: every message accepted, its time and Message-ID written to a file."""

    MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)

    def __init__(self, receipts: Path) -> None:
        self.out = receipts.open("a", buffering=1)

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:  # fmt: skip
        session.host_name = hostname
        self.out.write(f"session {time.time():.6f} -\n")
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        accepted = time.time()
        data: bytes = envelope.original_content or b""
        head = data.split(b"\r\n\r\n", 1)[0]
        found = self.MESSAGE_ID.search(head)
        message_id = found.group(1).decode() if found else "-"
        self.out.write(f"message {accepted:.6f} {message_id}\n")
        return "250 2.0.0 OK"


async def sink_main(port: int, receipts: Path) -> None:
    from aiosmtpd.smtp import SMTP

    handler = _Sink(receipts)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="bench-sink", ident="bench sink"), "127.0.0.1", port
    )
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


@dataclass(frozen=True)
class Receipt:
    kind: str
    at: float
    message_id: str


class SinkProcess:
    def __init__(self, directory: Path) -> None:
        from tests.mail.smtp_server import unused_port

        self.port = unused_port()
        self.receipts_path = directory / "receipts.txt"
        self.receipts_path.touch()
        self._process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.bench.bench_sending", "--smtp-sink", str(self.port),
            "--receipts", str(self.receipts_path), stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert self._process.stdout is not None
        line = await asyncio.wait_for(self._process.stdout.readline(), timeout=30)
        if line.strip() != b"ready":
            raise RuntimeError("the SMTP server did not start")

    async def stop(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            await self._process.wait()

    def receipts(self) -> list[Receipt]:
        found = []
        for line in self.receipts_path.read_text().splitlines():
            kind, at, message_id = line.split(" ", 2)
            found.append(Receipt(kind, float(at), message_id))
        return found

    def messages_since(self, mark: int) -> list[Receipt]:
        return [r for r in self.receipts()[mark:] if r.kind == "message"]

    def mark(self) -> int:
        return len(self.receipts())


# Databases.


@asynccontextmanager
async def sqlite_database(args: argparse.Namespace) -> AsyncIterator[str]:
    if args.database_url:
        yield args.database_url
        return
    with tempfile.TemporaryDirectory(prefix="segmentql-bench-") as directory:
        url = f"sqlite://{directory}/bench.sqlite3"
        run_cli(url, "migrate")
        run_cli(url, "demo-data", "--customers", str(args.customers), "--seed", str(args.seed))
        yield url


def database_for(args: argparse.Namespace) -> Any:
    if args.dialect == "sqlite" or (args.database_url or "").startswith("sqlite://"):
        args.dialect = "sqlite"
        return sqlite_database(args)
    return bench_database(args)


# The bench campaign: templates, segments, steps and customers.


@dataclass
class Campaign:
    segment_id: int
    plain_step: int
    coupon_step: int
    entering_segment_id: int
    entering_step: int
    template_ids: list[int]
    customers: list[int]


async def create_campaign(customers_needed: int) -> Campaign:
    from models.automation.orm import EmailSequence, TriggerEvent
    from models.automation.settings import automation_settings
    from models.coupons.rules import rule_problem
    from models.segments.orm import RefreshMode, Segment
    from models.segments.service import SegmentData, create_segment
    from models.store.customers import Customer, NewsletterSubscriber
    from models.store.reference import NewsletterTemplate, SalesRule, Website

    if not (await automation_settings()).enabled:
        raise SystemExit("email automation is switched off in this database's settings")
    rule = None
    for candidate in await SalesRule.all().order_by("id"):
        if await rule_problem(candidate.id) is None:
            rule = candidate
            break
    if rule is None:
        raise SystemExit("no sales rule can back generated coupons (run demo-data)")
    subscribed = await NewsletterSubscriber.filter(subscriber_status=1).values_list(
        "customer_id", flat=True
    )
    active: set[Any] = set(
        await Customer.filter(id__in=list(subscribed), is_active=True).values_list("id", flat=True)
    )
    customers: list[int] = sorted(int(c) for c in active)[:customers_needed]
    if len(customers) < customers_needed:
        raise SystemExit(
            f"only {len(customers)} active subscribed customers, {customers_needed} needed: "
            "raise --customers"
        )
    last_template = await NewsletterTemplate.all().order_by("-id").first()
    base = (last_template.id if last_template else 0) + 1
    templates = []
    for offset, (code, subject, text) in enumerate(
        (
            ("bench_plain", "News for {{var customer_firstname}}", PLAIN_TEMPLATE),
            ("bench_coupon", "A gift for you, {{var customer_firstname}}", COUPON_TEMPLATE),
        )
    ):
        template = await NewsletterTemplate.create(
            id=base + offset,
            code=f"{code}_{time.time_ns()}",
            subject=subject,
            text=text,
            sender_name="Bench Store",
            sender_email=MAIL_FROM,
        )
        templates.append(template.id)
    website_ids = [w.id for w in await Website.all().order_by("id")]
    before = datetime.now(UTC) - timedelta(hours=1)

    async def segment_with_steps(name: str, steps: list[dict[str, Any]]) -> tuple[int, list[int]]:
        segment = await create_segment(
            SegmentData(
                name=f"{name} {time.time_ns()}",
                website_ids=website_ids,
                conditions=SUBSCRIBED_RULE,
                refresh_mode=RefreshMode.MANUAL,
            )
        )
        ids = []
        for number, fields in enumerate(steps, start=1):
            step = await EmailSequence.create(
                segment_id=segment.id,
                trigger_event=TriggerEvent.ENTER,
                step_number=number,
                **fields,
            )
            await EmailSequence.filter(id=step.id).update(created_at=before)
            ids.append(step.id)
        await Segment.filter(id=segment.id).update(auto_email_active=True)
        return segment.id, ids

    segment_id, (plain, coupon) = await segment_with_steps(
        "bench sending",
        [
            {"template_id": templates[0], "delay_minutes": 0},
            {
                "template_id": templates[1],
                "delay_minutes": 0,
                "generate_coupon": True,
                "coupon_sales_rule_id": rule.id,
                "coupon_prefix": "BENCH",
                "coupon_expires_days": 7,
            },
        ],
    )
    entering_id, (entering_step,) = await segment_with_steps(
        "bench sending entering", [{"template_id": templates[0], "delay_minutes": 0}]
    )
    return Campaign(segment_id, plain, coupon, entering_id, entering_step, templates, customers)


async def reset(campaign: Campaign, dialect: str) -> None:
    """No rows, coupons, queue records or send counts of the bench segments."""
    from models.automation.orm import NewsletterQueue, SequenceProgress, SequenceSendCount
    from models.coupons.orm import Coupon
    from models.db import connection

    segments = [campaign.segment_id, campaign.entering_segment_id]
    ids = await SequenceProgress.filter(segment_id__in=segments).values_list("id", flat=True)
    await Coupon.filter(progress_id__in=list(ids)).delete()
    await NewsletterQueue.filter(
        automation_source="customer_segmentation", automation_source_id__in=segments
    ).delete()
    await SequenceSendCount.filter(
        sequence_id__in=[campaign.plain_step, campaign.coupon_step, campaign.entering_step]
    ).delete()
    await SequenceProgress.filter(segment_id__in=segments).delete()
    if dialect == "postgres":
        conn = connection()
        for table in ("sequence_progress", "coupon", "newsletter_queue", "sequence_send_count"):
            await conn.execute_script(f"VACUUM ANALYZE {table}")


async def write_due_rows(campaign: Campaign, customers: list[int], due: list[datetime]) -> None:
    """One scheduled row per customer, alternately on the plain and the coupon step."""
    from models.automation.orm import SequenceProgress, TriggerEvent

    rows = []
    for index, (customer_id, at) in enumerate(zip(customers, due, strict=True)):
        coupon = index % 2 == 1
        rows.append(
            SequenceProgress(
                customer_id=customer_id,
                segment_id=campaign.segment_id,
                sequence_id=campaign.coupon_step if coupon else campaign.plain_step,
                step_number=2 if coupon else 1,
                trigger_type=TriggerEvent.ENTER,
                scheduled_at=at,
            )
        )
    await SequenceProgress.bulk_create(rows, batch_size=1000)


async def other_due_rows(campaign: Campaign) -> int:
    from models.automation.orm import ProgressStatus, SequenceProgress

    return (
        await SequenceProgress.filter(status=ProgressStatus.SCHEDULED)
        .exclude(segment_id__in=[campaign.segment_id, campaign.entering_segment_id])
        .count()
    )


async def drop_campaign(campaign: Campaign, dialect: str) -> None:
    from models.segments.orm import Segment, SegmentMember, SegmentMembershipEvent
    from models.store.reference import NewsletterTemplate

    await reset(campaign, dialect)
    segments = [campaign.segment_id, campaign.entering_segment_id]
    await SegmentMembershipEvent.filter(segment_id__in=segments).delete()
    await SegmentMember.filter(segment_id__in=segments).delete()
    await Segment.filter(id__in=segments).delete()
    await NewsletterTemplate.filter(id__in=campaign.template_ids).delete()


# Throughput: the pipeline and the raw baseline.


class RecordingTransport:
    """The SMTP transport, keeping each message it sent (the baseline sends them again)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sent: list[OutgoingMessage] = []

    async def send(self, message: OutgoingMessage) -> None:
        await self.inner.send(message)
        self.sent.append(message)

    async def close(self) -> None:
        await self.inner.close()


async def run_pipeline(
    campaign: Campaign,
    sink: SinkProcess,
    mails: int,
    connections: int,
    dialect: str,
    *,
    record: bool = False,
) -> dict[str, Any]:
    from models.automation.delivery import send_while_due
    from models.automation.mailer import Mailer
    from models.automation.orm import ProgressStatus, SequenceProgress
    from models.coupons.orm import Coupon
    from models.mail.transport import SmtpTransport

    await reset(campaign, dialect)
    customers = campaign.customers[:mails]
    await write_due_rows(campaign, customers, [datetime.now(UTC) - timedelta(minutes=1)] * mails)
    smtp = SmtpTransport(sink.url, connections=connections)
    transport: Any = RecordingTransport(smtp) if record else smtp
    mailer = Mailer(
        transport=transport,
        mail_from=MAIL_FROM,
        public_url=PUBLIC_URL,
        secret=SECRET,
        concurrency=connections,
    )
    mark = sink.mark()
    gc.collect()
    before = rss_mb()
    reset_peak()
    started = time.perf_counter()
    sent = batches = 0
    async for report in send_while_due(mailer, seconds=3600):
        batches += 1
        sent += report.sent
    seconds = time.perf_counter() - started
    growth = peak_mb() - before
    await transport.close()
    received = len(sink.messages_since(mark))
    marked = await SequenceProgress.filter(
        segment_id=campaign.segment_id, status=ProgressStatus.SENT
    ).count()
    coupons = await Coupon.filter(
        progress_id__in=await SequenceProgress.filter(segment_id=campaign.segment_id).values_list(
            "id", flat=True
        )
    ).count()
    if not sent == received == marked == mails:
        log(f"  WARNING: {mails} due, {sent} sent, {marked} marked, {received} received")
    return {
        "seconds": seconds,
        "rate": mails / seconds,
        "growth_mb": growth,
        "batches": batches,
        "coupons": coupons,
        "messages": transport.sent if record else [],
    }


async def run_raw(
    messages: list[OutgoingMessage], sink: SinkProcess, connections: int
) -> dict[str, Any]:
    from aiosmtplib import SMTP

    pending = iter(messages)
    mark = sink.mark()
    gc.collect()
    before = rss_mb()
    reset_peak()

    async def one_connection() -> SMTP:
        smtp = SMTP(hostname="127.0.0.1", port=sink.port, timeout=30)
        await smtp.connect()
        for message in pending:
            await smtp.sendmail(message.sender.address, [message.recipient.address], message.data)
        return smtp

    started = time.perf_counter()
    opened = await asyncio.gather(*(one_connection() for _ in range(connections)))
    seconds = time.perf_counter() - started
    growth = peak_mb() - before
    await asyncio.gather(*(smtp.quit() for smtp in opened))
    received = len(sink.messages_since(mark))
    if received != len(messages):
        log(f"  WARNING: raw sent {len(messages)}, server received {received}")
    return {"seconds": seconds, "rate": len(messages) / seconds, "growth_mb": growth}


async def throughput(
    args: argparse.Namespace, campaign: Campaign, sink: SinkProcess
) -> dict[str, Any]:
    from models.automation.settings import automation_settings

    # An untimed run first: it warms caches and connections up and keeps the messages it
    # sent, which the baseline sends again.
    warm = await run_pipeline(
        campaign, sink, args.mails, args.connections, args.dialect, record=True
    )
    messages: list[OutgoingMessage] = warm["messages"]
    await run_raw(messages[:WARM_UP_MAILS], sink, args.connections)
    pipeline: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    for round_no in range(args.repeat):
        order = ["pipeline", "raw"] if round_no % 2 == 0 else ["raw", "pipeline"]
        for side in order:
            if side == "pipeline":
                result = await run_pipeline(
                    campaign, sink, args.mails, args.connections, args.dialect
                )
                pipeline.append(result)
            else:
                result = await run_raw(messages, sink, args.connections)
                raw.append(result)
            log(
                f"  round {round_no + 1} {side}: {result['seconds']:.2f} s, "
                f"{result['rate']:.0f} msgs/s, peak +{result['growth_mb']:.1f} MB"
            )
    sizes = [len(m.data) for m in messages]
    return {
        "batch_size": (await automation_settings()).batch_size,
        "pipeline": pipeline,
        "raw": raw,
        "pipeline_rate": statistics.median(r["rate"] for r in pipeline),
        "raw_rate": statistics.median(r["rate"] for r in raw),
        "coupons": pipeline[0]["coupons"],
        "message_kb": statistics.mean(sizes) / 1024,
    }


# Latency through the in-process worker.


@asynccontextmanager
async def running_worker(args: argparse.Namespace, database_url: str, sink: SinkProcess):  # type: ignore[no-untyped-def]
    from gqlserver.settings import Settings
    from gqlserver.worker import start_inprocess_worker
    from tasks.queue import create_queue

    queue = await create_queue(args.redis_url)
    if await queue.dbsize():
        await queue.aclose()
        raise SystemExit(f"{args.redis_url} is not empty: give the benchmark a Redis of its own")
    values: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis_url,
        "SMTP_URL": sink.url,
        "SEGMENTQL_SMTP_CONNECTIONS": args.connections,
        "SEGMENTQL_SECRET_KEY": SECRET,
        "SEGMENTQL_MAIL_FROM": MAIL_FROM,
        "SEGMENTQL_PUBLIC_URL": PUBLIC_URL,
        **{name: NEVER for name in CRON_SETTINGS},
    }
    worker = await start_inprocess_worker(queue, settings=Settings(**values))
    try:
        for _ in range(500):
            if "consumers" in worker.worker.ctx:
                break
            await asyncio.sleep(0.02)
        else:
            raise RuntimeError("the worker did not start")
        await asyncio.sleep(2)  # idle: its startup and first polls are over
        yield queue, worker
    finally:
        await worker.close()
        await queue.flushdb()
        await queue.aclose()


async def wait_sent(segment_id: int, rows: int, deadline: float) -> None:
    from models.automation.orm import ProgressStatus, SequenceProgress

    while time.time() < deadline:
        sent = await SequenceProgress.filter(
            segment_id=segment_id, status=ProgressStatus.SENT
        ).count()
        if sent >= rows:
            return
        await asyncio.sleep(0.2)


async def latencies(segment_id: int, sink: SinkProcess, mark: int, wait: float) -> list[float]:
    """Seconds from due to accepted per row; `math.inf` for a row not accepted in time."""
    from models.automation.orm import SequenceProgress

    accepted: dict[int, float] = {}
    for receipt in sink.messages_since(mark):
        found = re.match(r"<seq-progress-(\d+)@", receipt.message_id)
        if found:
            accepted.setdefault(int(found.group(1)), receipt.at)
    values = []
    for row in await SequenceProgress.filter(segment_id=segment_id).order_by("id"):
        due = row.scheduled_at.timestamp()
        at = accepted.get(row.id)
        values.append(at - due if at is not None and at - due <= wait else math.inf)
    return values


async def deferred_latency(
    args: argparse.Namespace, campaign: Campaign, sink: SinkProcess, queue: Any
) -> list[float]:
    """Rows written due over the spread, one wake-up as after scheduling; the jobs chain on."""
    from tasks.automation import wake_delivery

    count, spread = args.latency_rows, args.latency_spread
    start = datetime.now(UTC) + timedelta(seconds=2)
    due = [start + timedelta(seconds=spread * i / max(1, count - 1)) for i in range(count)]
    mark = sink.mark()
    await write_due_rows(campaign, campaign.customers[:count], due)
    await wake_delivery(queue)
    await wait_sent(campaign.segment_id, count, due[-1].timestamp() + args.latency_wait)
    return await latencies(campaign.segment_id, sink, mark, args.latency_wait)


async def entering_latency(
    args: argparse.Namespace, campaign: Campaign, sink: SinkProcess
) -> list[float]:
    """Customers entering one at a time; the worker's consumer schedules and wakes."""
    from models.segments.refresh import refresh_segment

    count, spread = args.latency_rows, args.latency_spread
    customers = campaign.customers[-count:]
    mark = sink.mark()
    start = time.time() + 1
    for index, customer_id in enumerate(customers):
        pause = start + spread * index / max(1, count - 1) - time.time()
        if pause > 0:
            await asyncio.sleep(pause)
        outcome = await refresh_segment(campaign.entering_segment_id, customer_ids=[customer_id])
        if outcome.entered_count != 1:
            log(f"  WARNING: customer {customer_id} did not enter ({outcome})")
    await wait_sent(campaign.entering_segment_id, count, time.time() + args.latency_wait)
    return await latencies(campaign.entering_segment_id, sink, mark, args.latency_wait)


async def latency(
    args: argparse.Namespace, database_url: str, campaign: Campaign, sink: SinkProcess
) -> dict[str, list[float]]:
    await reset(campaign, args.dialect)
    others = await other_due_rows(campaign)
    if others:
        log(f"  note: {others} scheduled rows of other segments are in the database")
    results = {}
    async with running_worker(args, database_url, sink) as (queue, _):
        results["deferred"] = await deferred_latency(args, campaign, sink, queue)
        log(f"  deferred: {summary(results['deferred'], args.latency_wait)}")
        # Rows the first part left unsent must not ride on the second part's wake-ups.
        await reset(campaign, args.dialect)
        results["entering"] = await entering_latency(args, campaign, sink)
        log(f"  entering: {summary(results['entering'], args.latency_wait)}")
    return results


# Report.


def _seconds(value: float, wait: float) -> str:
    return f"> {wait:.0f} s" if math.isinf(value) else f"{value:.2f} s"


def summary(values: list[float], wait: float) -> str:
    missed = sum(math.isinf(v) for v in values)
    return (
        f"p50 {_seconds(percentile(values, 0.5), wait)}, "
        f"p95 {_seconds(percentile(values, 0.95), wait)}, "
        f"max {_seconds(max(values), wait)}, "
        f"{missed} of {len(values)} not accepted within {wait:.0f} s of due"
    )


def report(args: argparse.Namespace, result: dict[str, Any], lat: dict[str, list[float]]) -> None:
    database = "SQLite" if args.dialect == "sqlite" else "PostgreSQL"
    print(
        f"\nsending benchmark, {args.mails} mails over {args.connections} SMTP connections "
        f"({database}, {args.customers} customers): batch size {result['batch_size']}, "
        f"{result['coupons']} coupons generated per run, messages {result['message_kb']:.1f} KB"
    )
    print(f"{'':28} {'msgs/s':>8} {'median s':>9} {'peak +MB':>9}   runs msgs/s")
    for name, rate, runs in (
        ("delivery pipeline", result["pipeline_rate"], result["pipeline"]),
        ("raw aiosmtplib (baseline)", result["raw_rate"], result["raw"]),
    ):
        print(
            f"{name:28} {rate:>8.0f} {args.mails / rate:>9.2f} "
            f"{max(r['growth_mb'] for r in runs):>9.1f}   "
            + ", ".join(f"{r['rate']:.0f}" for r in runs)
        )
    ratio = result["pipeline_rate"] / result["raw_rate"]
    print(
        f"ratio pipeline / baseline: {ratio:.2f}x >= {TARGET_RATIO}x "
        f"{'ok' if ratio >= TARGET_RATIO else 'MISSED'}"
    )
    if lat:
        print(
            f"latency from due to SMTP accepted, in-process worker on {args.redis_url} "
            f"(crons off), {args.latency_rows} rows over {args.latency_spread:.0f} s:"
        )
        for name, label in (
            ("deferred", "rows due at staggered times"),
            ("entering", "customers entering one by one"),
        ):
            print(f"  {label:32} {summary(lat[name], args.latency_wait)}")


async def measure(args: argparse.Namespace, database_url: str) -> None:
    from gqlserver.db import open_database

    with tempfile.TemporaryDirectory(prefix="segmentql-bench-smtp-") as directory:
        sink = SinkProcess(Path(directory))
        await sink.start()
        try:
            async with open_database(database_url):
                campaign = await create_campaign(max(args.mails, 2 * args.latency_rows))
                try:
                    others = await other_due_rows(campaign)
                    if others:
                        raise SystemExit(
                            f"{others} scheduled rows of other segments would be sent too: "
                            "use a database without them"
                        )
                    result = await throughput(args, campaign, sink)
                    lat = (
                        await latency(args, database_url, campaign, sink)
                        if args.latency_rows
                        else {}
                    )
                finally:
                    await drop_campaign(campaign, args.dialect)
        finally:
            await sink.stop()
    report(args, result, lat)


async def main() -> None:
    parser = base_parser(__doc__.splitlines()[0] if __doc__ else "")
    parser.set_defaults(customers=20_000)
    parser.add_argument("--mails", type=int, default=2000, help="due rows (one per customer)")
    parser.add_argument("--connections", type=int, default=4, help="SMTP connections")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each side (median)")
    parser.add_argument("--dialect", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument(
        "--redis-url",
        default="memory://",
        help="the worker's queue for the latency part (an empty Redis database; flushed)",
    )
    parser.add_argument("--latency-rows", type=int, default=50, help="0 skips the latency part")
    parser.add_argument("--latency-spread", type=float, default=10.0, help="seconds")
    parser.add_argument(
        "--latency-wait", type=float, default=30.0, help="seconds after due before a miss"
    )
    parser.add_argument("--smtp-sink", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--receipts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.smtp_sink:
        await sink_main(args.smtp_sink, args.receipts)
        return
    async with database_for(args) as database_url:
        await measure(args, database_url)


if __name__ == "__main__":
    run(main)
