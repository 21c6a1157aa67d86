"""Scheduling benchmark on PostgreSQL: N subscribed customers enter a segment with 3 active enter
steps; the scheduling consumer turns the refresh's events into 3N progress rows, against one
hand-written INSERT ... SELECT of the same rows.

    .venv/bin/python -m tests.bench.bench_scheduling --customers 100000
    .venv/bin/python -m tests.bench.bench_scheduling --database-url postgres://.../db --repeat 5

Database handling as in bench_refresh (a new database with `segmentql demo-data`, or
--database-url). Every customer is made active and subscribed for the run (the previous
values are saved in a table and put back at the end, so a reused database is left as it
was found), so all N customers enter and all of them are subscribed.

One segment (subscribed customers, automation on) gets 3 active enter steps delayed 0,
60 and 1440 minutes; one full refresh records N "entered" events. Then, from identical
starting states -- the segment's progress rows and the consumer's cursor deleted,
`VACUUM ANALYZE sequence_progress` and a CHECKPOINT between any two runs -- it times:

- scheduling: `consume_segment` with a consumer whose `consume` calls
  `models.automation.scheduling.schedule_events` (cursor lock, change groups, skip of
  exited customers, one INSERT ... SELECT per trigger with the overlap and max_sends
  checks, cursor advance, commit);
- baseline: one hand-written `INSERT INTO sequence_progress ... SELECT` of the same rows
  (same columns, from the same events joined with the steps and subscribers, without the
  overlap/max_sends checks and without ON CONFLICT), in its own transaction.

Each side runs --repeat times (alternating which goes first) and the medians are
compared (a scheduling run still going after --max-seconds is stopped -- its statement
cancelled, its transaction rolled back -- and counted as longer than that; the later
ones are then not made); both sides must write the same rows (a fingerprint of the
rows is compared).
Target: scheduling <= 1.5x the baseline. It also prints the peak RSS growth of this
process while scheduling. When the target is missed it prints EXPLAIN (ANALYZE, BUFFERS)
of the scheduling INSERT and of the baseline from the same starting state, each in a
transaction that is rolled back (--explain: auto, always, plan -- the plans alone, not
run, for sizes where one more run takes too long -- or never).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import math
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from tortoise.backends.base.client import BaseDBAsyncClient

from tests.bench.harness import (
    base_parser,
    bench_database,
    delete_segments,
    log,
    peak_mb,
    reset_peak,
    rss_mb,
    run,
    verdict,
)

TARGET_RATIO = 1.5
CONSUMER = "bench_scheduling"
DELAYS_MINUTES = (0, 60, 1440)
SAVED = "bench_scheduling_saved"
RULE = {
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

# The same rows as scheduling writes for entered customers, without its checks.
BASELINE = """
INSERT INTO sequence_progress (customer_id, segment_id, sequence_id, step_number,
    trigger_type, status, scheduled_at, event_id, attempts, deferrals, last_error,
    created_at, updated_at)
SELECT e.customer_id, e.segment_id, s.id, s.step_number, 'enter', 'scheduled',
       e.occurred_at + make_interval(mins => s.delay_minutes), e.id, 0, 0, NULL, $4, $4
FROM segment_membership_event e
JOIN email_sequence s ON s.segment_id = e.segment_id AND s.trigger_event = 'enter'
     AND s.is_active
JOIN newsletter_subscriber ns ON ns.customer_id = e.customer_id AND ns.subscriber_status = 1
WHERE e.segment_id = $1 AND e.id > $2 AND e.id <= $3 AND e.change = 'entered'
"""

# What both sides must have written (created_at/updated_at and ids aside).
FINGERPRINT = """
SELECT count(*) AS rows, count(DISTINCT customer_id) AS customers,
       sum(customer_id::bigint * sequence_id) AS mix, sum(event_id) AS events,
       min(scheduled_at) AS first_due, max(scheduled_at) AS last_due,
       count(*) FILTER (WHERE status = 'scheduled') AS scheduled
FROM sequence_progress WHERE segment_id = $1
"""


# Data: every customer active and subscribed, and back as it was afterwards.


async def subscribe_everyone(conn: asyncpg.Connection) -> None:
    if await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", SAVED):
        log(f"  {SAVED} left by an interrupted run: restoring it first")
        await restore_customers(conn)
    async with conn.transaction():
        await conn.execute(
            f"""CREATE TABLE {SAVED} AS
                SELECT c.id AS customer_id, c.is_active, ns.subscriber_status,
                       ns.id IS NOT NULL AS had_row
                FROM customer c LEFT JOIN newsletter_subscriber ns ON ns.customer_id = c.id"""
        )
        await conn.execute("UPDATE customer SET is_active = true WHERE NOT is_active")
        await conn.execute(
            "UPDATE newsletter_subscriber SET subscriber_status = 1 WHERE subscriber_status <> 1"
        )
        await conn.execute(
            """INSERT INTO newsletter_subscriber (customer_id, email, subscriber_status,
                                                  change_status_at)
               SELECT c.id, c.email, 1, now() FROM customer c
               WHERE NOT EXISTS (SELECT 1 FROM newsletter_subscriber ns
                                 WHERE ns.customer_id = c.id)"""
        )
    await conn.execute("ANALYZE customer")
    await conn.execute("ANALYZE newsletter_subscriber")


async def restore_customers(conn: asyncpg.Connection) -> None:
    async with conn.transaction():
        await conn.execute(
            f"""UPDATE customer c SET is_active = b.is_active FROM {SAVED} b
                WHERE b.customer_id = c.id AND c.is_active <> b.is_active"""
        )
        await conn.execute(
            f"""DELETE FROM newsletter_subscriber ns USING {SAVED} b
                WHERE b.customer_id = ns.customer_id AND NOT b.had_row"""
        )
        await conn.execute(
            f"""UPDATE newsletter_subscriber ns SET subscriber_status = b.subscriber_status
                FROM {SAVED} b WHERE b.had_row AND b.customer_id = ns.customer_id
                AND ns.subscriber_status <> b.subscriber_status"""
        )
        await conn.execute(f"DROP TABLE {SAVED}")
    await conn.execute("ANALYZE customer")
    await conn.execute("ANALYZE newsletter_subscriber")


# The segment, its steps and the refresh's events.


class BenchScheduling:
    """The scheduling consumer as the worker runs it, under a name of its own."""

    name = CONSUMER

    def __init__(self) -> None:
        self.outcome: Any = None

    async def consume(self, conn: BaseDBAsyncClient, events: Any) -> None:
        from models.automation.scheduling import schedule_events

        self.outcome = await schedule_events(conn, events)


async def create_campaign() -> tuple[int, int]:
    """The segment with its 3 steps, refreshed once; (segment id, entered count)."""
    from models.automation.orm import EmailSequence, TriggerEvent
    from models.automation.settings import automation_enabled
    from models.segments.consumers import register_consumer
    from models.segments.orm import RefreshMode, Segment
    from models.segments.refresh import refresh_segment
    from models.segments.service import SegmentData, create_segment
    from models.store.reference import NewsletterTemplate, Website

    if not await automation_enabled():
        raise SystemExit("email automation is switched off in this database's settings")
    template = await NewsletterTemplate.all().order_by("id").first()
    if template is None:
        raise SystemExit("the database has no newsletter template (run demo-data)")
    website_ids = [w.id for w in await Website.all().order_by("id")]
    segment = await create_segment(
        SegmentData(
            name=f"bench scheduling {time.time_ns()}",
            website_ids=website_ids,
            conditions=RULE,
            refresh_mode=RefreshMode.MANUAL,
        )
    )
    before = datetime.now(UTC) - timedelta(hours=1)
    for number, delay in enumerate(DELAYS_MINUTES, start=1):
        step = await EmailSequence.create(
            segment_id=segment.id,
            trigger_event=TriggerEvent.ENTER,
            template_id=template.id,
            step_number=number,
            delay_minutes=delay,
        )
        # A step starts only for events after it was created.
        await EmailSequence.filter(id=step.id).update(created_at=before)
    await Segment.filter(id=segment.id).update(auto_email_active=True)
    await register_consumer(CONSUMER)
    started = time.perf_counter()
    outcome = await refresh_segment(segment.id)
    log(f"  refresh: {outcome.entered_count} entered in {time.perf_counter() - started:.2f} s")
    return segment.id, outcome.entered_count


async def event_range(conn: asyncpg.Connection, segment_id: int) -> tuple[int, int]:
    first, last = await conn.fetchrow(
        "SELECT min(id), max(id) FROM segment_membership_event WHERE segment_id = $1",
        segment_id,
    )
    return int(first) - 1, int(last)


async def reset(conn: asyncpg.Connection, segment_id: int) -> None:
    """The starting state: no progress rows of the segment, no cursor, a clean table."""
    await conn.execute("DELETE FROM sequence_progress WHERE segment_id = $1", segment_id)
    await conn.execute(
        "DELETE FROM segment_event_cursor WHERE consumer = $1 AND segment_id = $2",
        CONSUMER,
        segment_id,
    )
    await conn.execute("VACUUM ANALYZE sequence_progress")
    # Needs superuser (or pg_checkpoint); without it the VACUUM alone resets the table.
    with contextlib.suppress(asyncpg.PostgresError):
        await conn.execute("CHECKPOINT")


# The two sides.


async def run_scheduling(segment_id: int, limit: float) -> dict[str, Any]:
    """One consume; stopped (statement cancelled, transaction rolled back) after `limit` s."""
    from models.segments.consumers import consume_segment

    consumer = BenchScheduling()
    gc.collect()
    before = rss_mb()
    reset_peak()
    started = time.perf_counter()
    try:
        consumed = await asyncio.wait_for(
            consume_segment(consumer, segment_id), timeout=limit or None
        )
    except TimeoutError:
        return {"seconds": math.inf, "growth_mb": peak_mb() - before, "scheduled": 0}
    seconds = time.perf_counter() - started
    growth = peak_mb() - before
    if consumed is None:
        raise RuntimeError("the consumer found no events: was the cursor reset?")
    return {"seconds": seconds, "growth_mb": growth, "scheduled": consumer.outcome.scheduled}


async def run_baseline(conn: asyncpg.Connection, segment_id: int, after: int, last: int) -> dict:
    started = time.perf_counter()
    async with conn.transaction():
        status = await conn.execute(BASELINE, segment_id, after, last, datetime.now(UTC))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "growth_mb": 0.0, "scheduled": int(status.split()[-1])}


async def fingerprint(conn: asyncpg.Connection, segment_id: int) -> tuple:
    return tuple(await conn.fetchrow(FINGERPRINT, segment_id))


# EXPLAIN ANALYZE of both inserts, each rolled back.


class _Captured(Exception):
    """Ends a consume at its INSERT (its transaction rolls back)."""


async def capture_insert(segment_id: int) -> tuple[str, list[Any]]:
    """The scheduling INSERT of entered customers and its parameters, not run."""
    from models.automation.sql import scheduling as scheduling_sql
    from models.segments.consumers import consume_segment

    captured: list[tuple[str, list[Any]]] = []
    original: Callable[..., Awaitable[int]] = scheduling_sql.execute_count

    async def recording(conn: Any, kind: Any, sql: str, params: Any = ()) -> int:
        if "INSERT INTO sequence_progress" in sql:
            captured.append((sql, list(params)))
            raise _Captured
        return await original(conn, kind, sql, params)

    scheduling_sql.execute_count = recording  # type: ignore[assignment]
    try:
        await consume_segment(BenchScheduling(), segment_id)
    except _Captured:
        pass
    finally:
        scheduling_sql.execute_count = original  # type: ignore[assignment]
    if not captured:
        raise RuntimeError("scheduling ran no INSERT")
    return captured[0]


async def explain(
    conn: asyncpg.Connection, sql: str, params: list[Any], *, analyze: bool = True
) -> str:
    options = "ANALYZE, BUFFERS" if analyze else "COSTS"
    tx = conn.transaction()
    await tx.start()
    try:
        rows = await conn.fetch(f"EXPLAIN ({options}) {sql}", *params)
    finally:
        await tx.rollback()
    return "\n".join(r[0] for r in rows)


async def explain_both(
    conn: asyncpg.Connection, segment_id: int, after: int, last: int, *, analyze: bool
) -> None:
    """The plans of both inserts from the starting state (the scheduling one as it ran)."""
    await reset(conn, segment_id)
    sql, params = await capture_insert(segment_id)
    await reset(conn, segment_id)
    label = "EXPLAIN (ANALYZE, BUFFERS)" if analyze else "EXPLAIN"
    print("\nscheduling INSERT:\n" + sql)
    print(f"\n{label} scheduling INSERT:")
    print(await explain(conn, sql, params, analyze=analyze))
    await reset(conn, segment_id)
    print(f"\n{label} baseline INSERT:")
    baseline_params = [segment_id, after, last, datetime.now(UTC)]
    print(await explain(conn, BASELINE, baseline_params, analyze=analyze))


# Measurement and report.


async def measure(args: argparse.Namespace, database_url: str) -> dict[str, Any]:
    from gqlserver.db import open_database

    conn = await asyncpg.connect(database_url)
    try:
        await subscribe_everyone(conn)
        try:
            async with open_database(database_url):
                segment_id, entered = await create_campaign()
                try:
                    return await _measure(args, conn, segment_id, entered)
                finally:
                    await delete_segments(database_url, [segment_id])
                    await conn.execute(
                        "DELETE FROM segment_event_cursor WHERE consumer = $1", CONSUMER
                    )
                    await conn.execute("DELETE FROM event_consumer WHERE name = $1", CONSUMER)
        finally:
            await restore_customers(conn)
    finally:
        await conn.close()


async def _measure(
    args: argparse.Namespace, conn: asyncpg.Connection, segment_id: int, entered: int
) -> dict[str, Any]:
    after, last = await event_range(conn, segment_id)
    runs: dict[str, list[dict[str, Any]]] = {"scheduling": [], "baseline": []}
    prints: dict[str, set[tuple]] = {"scheduling": set(), "baseline": set()}
    stopped = False
    for round_no in range(args.repeat):
        order = ["scheduling", "baseline"] if round_no % 2 == 0 else ["baseline", "scheduling"]
        for side in order:
            if side == "scheduling" and stopped:
                # A run that needed more than the limit would again: not run it once more.
                runs[side].append({"seconds": math.inf, "growth_mb": 0.0, "scheduled": 0})
                log(f"  round {round_no + 1} {side}: not run, an earlier run was stopped")
                continue
            await reset(conn, segment_id)
            if side == "scheduling":
                result = await run_scheduling(segment_id, args.max_seconds)
                stopped = math.isinf(result["seconds"])
            else:
                result = await run_baseline(conn, segment_id, after, last)
            runs[side].append(result)
            if not math.isinf(result["seconds"]):
                prints[side].add(await fingerprint(conn, segment_id))
            log(
                f"  round {round_no + 1} {side}: {_seconds(result['seconds'], args.max_seconds)}, "
                f"{result['scheduled']} rows"
            )
    if prints["scheduling"] and (
        prints["scheduling"] != prints["baseline"] or len(prints["scheduling"]) != 1
    ):
        log(f"  WARNING: the sides wrote different rows: {prints}")
    schedule_s = statistics.median(r["seconds"] for r in runs["scheduling"])
    base_s = statistics.median(r["seconds"] for r in runs["baseline"])
    result = {
        "entered": entered,
        "rows": runs["baseline"][0]["scheduled"],
        "limit": args.max_seconds,
        "same_rows": None
        if not prints["scheduling"]
        else prints["scheduling"] == prints["baseline"],
        "scheduling_s": schedule_s,
        "baseline_s": base_s,
        "scheduling_runs": [r["seconds"] for r in runs["scheduling"]],
        "baseline_runs": [r["seconds"] for r in runs["baseline"]],
        "ratio": schedule_s / base_s,
        "growth_mb": max(r["growth_mb"] for r in runs["scheduling"]),
    }
    report(args.customers, result)
    missed = result["ratio"] > TARGET_RATIO
    if args.explain == "always" or (args.explain == "auto" and missed and not stopped):
        await explain_both(conn, segment_id, after, last, analyze=True)
    elif args.explain != "never" and missed:
        if stopped and args.explain != "plan":
            print("\n(the scheduling INSERT ran past the limit: its plan alone, not run)")
        await explain_both(conn, segment_id, after, last, analyze=False)
    await reset(conn, segment_id)
    return result


def _seconds(value: float, limit: float) -> str:
    return f"> {limit:.0f} s (stopped)" if math.isinf(value) else f"{value:.3f} s"


def report(customers: int, r: dict[str, Any]) -> None:
    def runs(values: list[float]) -> str:
        return ", ".join("stopped" if math.isinf(v) else f"{v:.3f}" for v in values)

    print(
        f"\nscheduling benchmark, {customers} customers (PostgreSQL): {r['entered']} entered, "
        f"{len(DELAYS_MINUTES)} enter steps, {r['rows']} progress rows"
    )
    print(f"{'':34} {'median s':>9} {'rows/s':>9}   runs s")
    for name, seconds, values in (
        ("scheduling (consume_segment)", r["scheduling_s"], r["scheduling_runs"]),
        ("baseline (INSERT ... SELECT)", r["baseline_s"], r["baseline_runs"]),
    ):
        if math.isinf(seconds):
            print(f"{name:34} {'> ' + str(round(r['limit'])):>9} {'-':>9}   {runs(values)}")
        else:
            print(f"{name:34} {seconds:>9.3f} {r['rows'] / seconds:>9.0f}   {runs(values)}")
    same = {None: "not compared (no scheduling run finished)", True: "yes", False: "NO"}
    print(f"same rows written: {same[r['same_rows']]}")
    print(f"peak memory growth while scheduling: {r['growth_mb']:.1f} MB")
    if math.isinf(r["ratio"]):
        ratio = f"> {r['limit'] / r['baseline_s']:.0f}x (stopped after {r['limit']:.0f} s)"
    else:
        ratio = f"{r['ratio']:.2f}x"
    print(
        f"ratio scheduling / baseline: {ratio} <= {TARGET_RATIO}x "
        f"{verdict(r['ratio'], TARGET_RATIO)}"
    )


async def main() -> None:
    parser = base_parser(__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (median)")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=600.0,
        help="stop a scheduling run after this long (0: no limit); later runs are not made",
    )
    parser.add_argument(
        "--explain",
        choices=("auto", "always", "plan", "never"),
        default="auto",
        help="EXPLAIN (ANALYZE, BUFFERS) of both inserts when the target is missed (auto), "
        "always, only the plans without running them when it is missed (plan), or never",
    )
    args = parser.parse_args()
    async with bench_database(args) as database_url:
        await measure(args, database_url)


if __name__ == "__main__":
    run(main)
