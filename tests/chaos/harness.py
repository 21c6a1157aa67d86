"""What the delivery chaos test runs on: its store data, `segmentql worker` processes that it
kills and replaces, a ticker that keeps delivery jobs queued, and the database reads it judges by.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import asyncpg
from arq.connections import ArqRedis

from tasks.automation import SEND_DUE_JOB
from tests.e2e.processes import Segmentql

LEASE_SETTING = "SEGMENTQL_DELIVERY_LEASE_SECONDS"
MAIL_DOMAIN = "example.com"
TEMPLATE_TEXT = (
    "<p>Hello {{var customer_firstname}}, news from {{var store_name}}.</p>"
    '<p><a href="{{var unsubscribe_url}}">Unsubscribe</a></p>'
)
OPEN = ("scheduled", "sending")


def asyncpg_url(database_url: str) -> str:
    return database_url.replace("postgres://", "postgresql://", 1)


def store_records(customers: int) -> bytes:
    """NDJSON for `segmentql import`: one store, `customers` subscribed customers, a template."""
    records: list[dict] = [
        {"type": "website", "id": 1, "code": "base", "name": "Main Website"},
        {"type": "store", "id": 1, "website_id": 1, "code": "default", "name": "Chaos Store"},
        {"type": "customer_group", "id": 1, "code": "general"},
        {
            "type": "newsletter_template",
            "id": 1,
            "code": "news",
            "subject": "News for {{var customer_firstname}}",
            "text": TEMPLATE_TEXT,
        },
    ]
    for cid in range(1, customers + 1):
        records.append(
            {
                "type": "customer",
                "id": cid,
                "website_id": 1,
                "store_id": 1,
                "group_id": 1,
                "email": f"c{cid}@example.com",
                "firstname": f"Customer{cid}",
                "lastname": "Example",
                "created_at": "2024-01-10T09:00:00Z",
            }
        )
        records.append(
            {"type": "newsletter_subscriber", "customer_id": cid, "subscriber_status": 1}
        )
    return "".join(json.dumps(record) + "\n" for record in records).encode()


async def store_due_rows(pg: asyncpg.Connection, customers: int, batch_size: int) -> int:
    """A manual segment with automation on, one active enter step, and one progress row per
    customer, scheduled and due now (oldest first by customer id); the segment id.

    Written directly: the test is about delivery, not about scheduling. The segment is in
    manual refresh mode, so no refresh or live re-evaluation in the workers touches it.
    """
    async with pg.transaction():
        await pg.execute(
            "INSERT INTO automation_settings (id, enabled, progress_cleanup_days, "
            "coupon_cleanup_days, rate_limit_per_day, batch_size, updated_at) "
            "VALUES (1, true, 90, 30, 5, $1, now())",
            batch_size,
        )
        segment_id = await pg.fetchval(
            "INSERT INTO segment (name, is_active, conditions, website_ids, customer_group_ids, "
            "refresh_mode, priority, matched_customers_count, refresh_status, "
            "auto_email_active, allow_overlapping_sequences, created_at, updated_at) "
            "VALUES ('Chaos newsletter', true, '{}'::jsonb, '[1]'::jsonb, '[]'::jsonb, "
            "'manual', 0, 0, 'completed', true, false, now(), now()) RETURNING id"
        )
        step_id = await pg.fetchval(
            "INSERT INTO email_sequence (segment_id, trigger_event, template_id, step_number, "
            "delay_minutes, is_active, max_sends, generate_coupon, coupon_expires_days, "
            "created_at, updated_at) "
            "VALUES ($1, 'enter', 1, 1, 0, true, 1, false, 0, now(), now()) RETURNING id",
            segment_id,
        )
        await pg.execute(
            "INSERT INTO sequence_progress (customer_id, segment_id, sequence_id, step_number, "
            "trigger_type, status, scheduled_at, attempts, deferrals, created_at, updated_at) "
            "SELECT c, $1, $2, 1, 'enter', 'scheduled', "
            "now() - interval '1 minute' + c * interval '1 millisecond', 0, 0, now(), now() "
            "FROM generate_series(1, $3::int) AS c",
            segment_id,
            step_id,
            customers,
        )
    return int(segment_id)


async def status_counts(pg: asyncpg.Connection) -> dict[str, int]:
    rows = await pg.fetch("SELECT status, count(*) AS n FROM sequence_progress GROUP BY status")
    return {row["status"]: int(row["n"]) for row in rows}


async def open_rows(pg: asyncpg.Connection) -> int:
    return int(
        await pg.fetchval(
            "SELECT count(*) FROM sequence_progress WHERE status = ANY($1::text[])", list(OPEN)
        )
    )


@dataclass(frozen=True)
class Kill:
    """A worker killed with SIGKILL at `at` (time.monotonic())."""

    at: float
    pid: int
    name: str


@dataclass
class Workers:
    """`segmentql worker` processes: started, killed (each kill recorded) and replaced."""

    cli: Segmentql
    running: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    kills: list[Kill] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def start(self) -> None:
        name = f"worker-{len(self.names) + 1}"
        self.names.append(name)
        self.running.append((name, self.cli.start("worker", log_name=name)))

    def kill(self, index: int) -> Kill:
        name, process = self.running.pop(index)
        if process.poll() is not None:
            raise AssertionError(
                f"{name} exited by itself ({process.returncode}):\n{self.cli.log(name)}"
            )
        kill = Kill(time.monotonic(), process.pid, name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        self.kills.append(kill)
        return kill

    def kill_and_replace(self, index: int) -> Kill:
        """SIGKILL the worker at `index` and start a new one in its place (at the end)."""
        kill = self.kill(index)
        self.start()
        return kill

    def check_alive(self) -> None:
        for name, process in self.running:
            if process.poll() is not None:
                raise AssertionError(
                    f"{name} exited by itself ({process.returncode}):\n{self.cli.log(name)}"
                )

    def logs(self) -> str:
        return "".join(f"--- {name} log ---\n{self.cli.log(name)}" for name in self.names)


@asynccontextmanager
async def ticker(queue: ArqRedis, every: float) -> AsyncIterator[list[str]]:
    """Queue a `send_due_emails` job every `every` seconds, each with its own id; the ids.

    It stands in for the wake-ups and the `*/5` cron: a killed worker's job stays marked in
    progress in Redis until arq's timeout, so the test queues fresh ones. A job finds
    nothing to claim and ends at once when no row is due.
    """
    ids: list[str] = []

    async def tick() -> None:
        while True:
            job_id = f"chaos-tick-{len(ids) + 1}"
            ids.append(job_id)
            await queue.enqueue_job(SEND_DUE_JOB, _job_id=job_id)
            await asyncio.sleep(every)

    task = asyncio.create_task(tick())
    try:
        yield ids
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def swept_by_jobs(queue: ArqRedis) -> int:
    """Rows that finished jobs report as handed back by the lease sweep (a killed job's own
    report is lost with it)."""
    total = 0
    for result in await queue.all_job_results():
        if result.success and isinstance(result.result, dict):
            total += int(result.result.get("swept", 0))
    return total
