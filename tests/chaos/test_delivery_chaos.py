"""Delivery survives workers killed mid-send (SEMANTICS §5 "Delivering").

Real PostgreSQL and Redis, two `segmentql worker` processes sending 2,000 due mails to a
slow SMTP server (aiosmtpd in a thread of the test, 20-60 ms per message) while every 1-2.5
seconds the older of the two is killed with SIGKILL and a new one started at once, until
no row is left to claim. Rows a killed worker had claimed stay SENDING until their lease
(SEGMENTQL_DELIVERY_LEASE_SECONDS, LEASE_SECONDS here) expires; the sweep of a later run
hands them back. Afterwards:

- every row is terminal, and SENT (nothing here may fail or be skipped);
- every SENT row's Message-ID (`<seq-progress-<row id>@example.com>`) reached the server,
  addressed to the row's customer, and every Message-ID the server received is a row's;
- each row was marked once: one newsletter queue record and one counted send per row;
- a Message-ID received more than once is a message in flight at a kill: sorted by the
  moment the server accepted them, every copy but the last was accepted at most
  ACCEPTED_BEFORE_KILL seconds before a kill (or within KILL_NOTICED after it: bytes the
  killed worker had written still reach the server), on an SMTP session whose connection
  ended between that kill and KILL_NOTICED seconds after it (so a connection of the
  killed worker), and the next copy was accepted after that kill. A copy that fits no
  kill was sent twice by a live worker, and fails the test.

Not part of the default run (pyproject ignores tests/chaos, as it does tests/bench):

    .venv/bin/pytest -q -s tests/chaos

It prints its figures: wall time, mails/s, kills, duplicates, rows recovered by the sweep.
SEGMENTQL_CHAOS_SEED=<n> repeats the kill intervals and SMTP delays of a run.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from tasks.queue import create_queue
from tests.chaos.harness import (
    LEASE_SETTING,
    MAIL_DOMAIN,
    Kill,
    Workers,
    asyncpg_url,
    open_rows,
    status_counts,
    store_due_rows,
    store_records,
    swept_by_jobs,
    ticker,
)
from tests.chaos.slow_smtp import Receipt, SlowSmtpServer
from tests.conftest import require
from tests.e2e.processes import Segmentql, fresh_pg_database

pytestmark = pytest.mark.chaos

CUSTOMERS = 2000
SMTP_DELAY = (0.020, 0.060)
KILL_EVERY = (1.0, 2.5)
# Rows one delivery run claims (the stored batch size setting): a worker holds few rows at a
# time, so each kill strands few and a live worker sends what it claimed well within a lease.
BATCH_SIZE = 20
LEASE_SECONDS = 10
TICK_SECONDS = 1.0
CHAOS_SECONDS = 180.0  # kills stop after this even if rows are still to be claimed
SETTLE_SECONDS = 300.0  # then every row must be terminal within this
ACCEPTED_BEFORE_KILL = 5.0
KILL_NOTICED = 2.0
SEED = int(os.environ.get("SEGMENTQL_CHAOS_SEED", "0")) or random.randrange(1, 1_000_000)


@dataclass(frozen=True)
class Duplicates:
    extra: int  # copies beyond the first of each Message-ID
    # Seconds from acceptance of each explained copy to its kill (positive: before the kill).
    before_kill: list[float]
    unexplained: list[str]


def in_flight_at(copy: Receipt, kill: Kill, session_ends: dict[int, float]) -> bool:
    ended = session_ends.get(copy.session)
    return (
        kill.at - ACCEPTED_BEFORE_KILL <= copy.at <= kill.at + KILL_NOTICED
        and ended is not None
        and kill.at <= ended <= kill.at + KILL_NOTICED
    )


def judge_duplicates(
    receipts: list[Receipt], kills: list[Kill], session_ends: dict[int, float]
) -> Duplicates:
    copies: dict[str, list[Receipt]] = defaultdict(list)
    for receipt in receipts:
        copies[receipt.message_id].append(receipt)
    extra = 0
    before_kill = []
    unexplained = []
    for message_id, received in copies.items():
        received.sort(key=lambda r: r.at)
        for copy, following in zip(received, received[1:], strict=False):
            extra += 1
            kill = next(
                (k for k in kills if in_flight_at(copy, k, session_ends) and following.at > k.at),
                None,
            )
            if kill is not None:
                before_kill.append(kill.at - copy.at)
                continue
            unexplained.append(
                f"{message_id}: copy at {copy.at:.3f} on session {copy.session} "
                f"(ended {session_ends.get(copy.session)}), next at {following.at:.3f}; "
                f"kills at {[round(k.at, 3) for k in kills]}"
            )
    return Duplicates(extra, before_kill, unexplained)


async def wait_until_settled(pg: asyncpg.Connection, workers: Workers, within: float) -> None:
    deadline = time.monotonic() + within
    while await open_rows(pg):
        workers.check_alive()
        assert time.monotonic() < deadline, f"rows still open: {await status_counts(pg)}"
        await asyncio.sleep(0.5)


async def test_two_workers_killed_again_and_again_send_every_mail_once(
    tmp_path: Path, redis_url: str
) -> None:
    await require("postgres")
    chance = random.Random(SEED)
    with SlowSmtpServer(SMTP_DELAY, seed=SEED) as smtp:
        async with fresh_pg_database() as database_url:
            cli = Segmentql(
                tmp_path,
                DATABASE_URL=database_url,
                REDIS_URL=redis_url,
                SMTP_URL=smtp.url,
                SEGMENTQL_SMTP_CONNECTIONS="4",
                SEGMENTQL_MAIL_FROM=f"news@{MAIL_DOMAIN}",
                SEGMENTQL_PUBLIC_URL="https://shop.example.com",
                SEGMENTQL_SECRET_KEY="chaos-test-secret",
                **{LEASE_SETTING: str(LEASE_SECONDS)},
            )
            workers = Workers(cli)
            queue = await create_queue(redis_url)
            pg = await asyncpg.connect(asyncpg_url(database_url))
            try:
                await cli.run("migrate")
                await cli.run("import", "-", stdin=store_records(CUSTOMERS), within=120)
                await store_due_rows(pg, CUSTOMERS, BATCH_SIZE)

                started = time.monotonic()
                workers.start()
                workers.start()
                async with ticker(queue, TICK_SECONDS):
                    while time.monotonic() - started < CHAOS_SECONDS:
                        await asyncio.sleep(chance.uniform(*KILL_EVERY))
                        if not (await status_counts(pg)).get("scheduled"):
                            break
                        # The older of the two goes, so the two places take turns.
                        workers.kill_and_replace(0)
                    await wait_until_settled(pg, workers, SETTLE_SECONDS)
                wall = time.monotonic() - started
                await cli.stop_all()
                await asyncio.to_thread(smtp.wait_closed)

                rows = await pg.fetch(
                    "SELECT id, customer_id, status, message_id, attempts, last_error "
                    "FROM sequence_progress ORDER BY id"
                )
                queued = await pg.fetchrow(
                    "SELECT count(*) AS n, count(DISTINCT message_id) AS ids FROM newsletter_queue"
                )
                counted = await pg.fetch(
                    "SELECT sends, count(*) AS n FROM sequence_send_count GROUP BY sends"
                )
                swept = await swept_by_jobs(queue)
            except BaseException:
                print(workers.logs()[-30_000:])
                raise
            finally:
                await cli.stop_all()
                await pg.close()
                await queue.aclose()

    receipts = smtp.receipts()
    kills = workers.kills
    duplicates = judge_duplicates(receipts, kills, smtp.session_ends())
    recovered = sum(1 for row in rows if row["attempts"] > 1)
    window = (
        f", accepted {min(duplicates.before_kill) * 1000:.0f} to "
        f"{max(duplicates.before_kill) * 1000:.0f} ms before their kill"
        if duplicates.before_kill
        else ""
    )
    print(
        f"\ndelivery chaos (seed {SEED}, lease {LEASE_SECONDS} s): {CUSTOMERS} mails in "
        f"{wall:.1f} s ({CUSTOMERS / wall:.0f} mails/s), {len(kills)} kills, "
        f"{duplicates.extra} duplicates{window}, {recovered} rows recovered by the lease "
        f"sweep ({swept} reported by jobs that finished)"
    )

    not_sent = [dict(row) for row in rows if row["status"] != "sent"]
    assert not_sent == [], not_sent[:10]
    assert len(rows) == CUSTOMERS
    received = {receipt.message_id: receipt for receipt in receipts}
    expected = {f"<seq-progress-{row['id']}@{MAIL_DOMAIN}>": row for row in rows}
    assert {row["message_id"] for row in rows} == set(expected)
    missing = sorted(set(expected) - set(received))
    assert missing == [], f"{len(missing)} SENT rows never reached the server: {missing[:10]}"
    strangers = sorted(set(received) - set(expected))
    assert strangers == [], f"messages of no row: {strangers[:10]}"
    for message_id, row in expected.items():
        assert received[message_id].recipient == f"c{row['customer_id']}@example.com"
    assert (queued["n"], queued["ids"]) == (CUSTOMERS, CUSTOMERS)
    assert [(r["sends"], r["n"]) for r in counted] == [(1, CUSTOMERS)]
    assert len(kills) >= 3, "the run ended before the workers were killed a few times"
    assert duplicates.unexplained == [], "\n".join(duplicates.unexplained[:20])
