"""Live re-evaluation benchmark: one changed customer against 20 active auto-mode segments.

    .venv/bin/python -m tests.bench.bench_reevaluate --customers 1000000
    .venv/bin/python -m tests.bench.bench_reevaluate --database-url postgres://.../db

Database handling as in bench_refresh (a new database with `segmentql demo-data`, or
--database-url). It creates 20 segments of varied rules (CLV, orders, carts, items,
addresses, newsletter, views, wishlists, logins, birthdays, nested and negated groups),
refreshes each fully once, then for --samples random customers changes the customer's
store data (subscription and one order, outside the timing) and times
`reevaluate_customers([customer])`, which runs one restricted refresh per segment
(lock, restricted new set, diff, events, count), as the live job does.

Baseline, measured in the same run on the same customers: the 20 compiled member
queries restricted to the customer, run as plain `SELECT count(*)` without a
transaction, temp tables or writes -- the evaluation alone. It prints p50/p95/max of
both, their ratio, and the peak memory growth of the process.
Target: p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from datetime import UTC, datetime
from typing import Any

import asyncpg

from tests.bench.bench_refresh import CART_RULE, CLV_RULE
from tests.bench.harness import (
    base_parser,
    bench_database,
    delete_segments,
    log,
    peak_mb,
    percentile,
    reset_peak,
    rss_mb,
    run,
    verdict,
)
from tests.segments.trees import leaf, root

TARGET_P95_MS = 50.0

RULES: list[dict[str, Any]] = [
    CLV_RULE,
    CART_RULE,
    root(
        leaf("customer_attributes", "gender", "==", "female"),
        leaf("customer_attributes", "days_since_registration", ">", "365"),
    ),
    root(leaf("customer_clv", "average_order_value", ">=", "200")),
    root(leaf("order_attributes", "number_of_orders", ">=", "3")),
    root(leaf("order_attributes", "days_since_last_order", "<=", "30")),
    root(leaf("customer_newsletter", "subscriber_status", "==", "3")),
    root(leaf("customer_address", "country_id", "==", "US")),
    root(leaf("order_items", "category_id", "==", "3")),
    root(leaf("product_viewed", "view_count", ">=", "5")),
    root(leaf("product_wishlist", "wishlist_items_count", ">=", "1")),
    root(leaf("customer_timebased", "days_since_last_login", "<=", "7")),
    root(leaf("customer_timebased", "days_without_purchase", ">", "90")),
    root(leaf("customer_clv", "lifetime_refunds", ">", "0")),
    root(leaf("order_attributes", "grand_total", ">=", "500")),
    root(leaf("cart_items", "price", ">=", "100")),
    root(leaf("customer_attributes", "days_until_birthday", "<=", "30")),
    root(
        leaf("customer_clv", "lifetime_sales", ">", "5000"),
        leaf("order_attributes", "number_of_orders", ">=", "10"),
        aggregator="any",
    ),
    root(
        leaf("customer_newsletter", "subscriber_status", "==", "1"),
        leaf("order_attributes", "number_of_orders", ">=", "1"),
        value=False,
    ),
    root(
        leaf("customer_attributes", "email", "{}", "example"),
        root(
            leaf("product_viewed", "days_since_last_view", "<=", "14"),
            leaf("cart_attributes", "items_count", ">=", "1"),
            aggregator="any",
        ),
    ),
]

CHANGE_CUSTOMER = [
    """UPDATE newsletter_subscriber
       SET subscriber_status = CASE WHEN subscriber_status = 1 THEN 3 ELSE 1 END
       WHERE customer_id = $1""",
    """UPDATE sales_order
       SET grand_total = round((grand_total * (0.3 + random() * 2.5))::numeric, 2)
       WHERE id = (SELECT min(id) FROM sales_order WHERE customer_id = $1)""",
]


async def create_segments(website_ids: list[int]) -> list[int]:
    from models.segments.refresh import refresh_segment
    from models.segments.service import SegmentData, create_segment

    ids = []
    for number, rule in enumerate(RULES, start=1):
        segment = await create_segment(
            SegmentData(name=f"bench live {number}", website_ids=website_ids, conditions=rule)
        )
        started = time.perf_counter()
        outcome = await refresh_segment(segment.id)
        log(
            f"  segment {number:2}: {outcome.matched_count} members, first refresh "
            f"{time.perf_counter() - started:.2f} s"
        )
        ids.append(segment.id)
    return ids


async def baseline_ms(conn: asyncpg.Connection, segment_ids: list[int], customer_id: int) -> float:
    """The 20 rules evaluated for one customer as plain counts, in milliseconds."""
    from models.segments.compiler import compile_members_query
    from models.segments.orm import Segment
    from models.segments.references import load_reference_ids
    from models.segments.validation import parse_conditions

    refs = await load_reference_ids()
    now = datetime.now(UTC)
    queries = []
    for segment in await Segment.filter(id__in=segment_ids).order_by("id"):
        compiled = compile_members_query(
            parse_conditions(segment.conditions, refs),
            website_ids=list(segment.website_ids),
            group_ids=list(segment.customer_group_ids),
            now=now,
            dialect="postgres",
            customer_ids=[customer_id],
        )
        queries.append((f"SELECT count(*) FROM ({compiled.sql}) q", list(compiled.params)))
    started = time.perf_counter()
    for sql, params in queries:
        await conn.fetchval(sql, *params)
    return (time.perf_counter() - started) * 1000


async def measure(database_url: str, samples: int, seed: int) -> dict[str, Any]:
    from gqlserver.db import open_database
    from models.store.reference import Website

    rng = random.Random(seed)
    conn = await asyncpg.connect(database_url)
    try:
        async with open_database(database_url):
            website_ids = [w.id for w in await Website.all().order_by("id")]
            segment_ids = await create_segments(website_ids)
            try:
                return await _measure(conn, segment_ids, samples, rng)
            finally:
                await delete_segments(database_url, segment_ids)
    finally:
        await conn.close()


async def _measure(
    conn: asyncpg.Connection, segment_ids: list[int], samples: int, rng: random.Random
) -> dict[str, Any]:
    from models.segments.reevaluation import reevaluate_customers

    customer_ids = [r[0] for r in await conn.fetch("SELECT id FROM customer")]
    picked = rng.sample(customer_ids, samples)
    await reevaluate_customers([picked[0]])  # warm-up: connections, plans
    gc.collect()
    before = rss_mb()
    reset_peak()
    live_ms, base_ms, changes = [], [], 0
    for customer_id in picked:
        for sql in CHANGE_CUSTOMER:
            await conn.execute(sql, customer_id)
        started = time.perf_counter()
        outcomes = await reevaluate_customers([customer_id])
        live_ms.append((time.perf_counter() - started) * 1000)
        changes += sum(o.entered_count + o.exited_count for o in outcomes)
        base_ms.append(await baseline_ms(conn, segment_ids, customer_id))
    growth = peak_mb() - before
    return {
        "segments": len(segment_ids),
        "samples": samples,
        "changes": changes,
        "live_ms": live_ms,
        "base_ms": base_ms,
        "growth_mb": growth,
    }


def report(customers: int, result: dict[str, Any]) -> None:
    live, base = result["live_ms"], result["base_ms"]
    p95_live, p95_base = percentile(live, 0.95), percentile(base, 0.95)
    print(
        f"\nlive re-evaluation benchmark, {customers} customers, {result['segments']} segments, "
        f"{result['samples']} customers ({result['changes']} enter/exit events)"
    )
    print(f"{'':22} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, values in (("reevaluate_customers", live), ("baseline (counts)", base)):
        print(
            f"{name:22} {statistics.median(values):>8.1f} {percentile(values, 0.95):>8.1f} "
            f"{max(values):>8.1f}"
        )
    print(f"ratio p95 live / baseline: {p95_live / p95_base:.2f}x")
    print(f"peak memory growth: {result['growth_mb']:.1f} MB")
    print(f"(d) p95 {p95_live:.1f} ms < {TARGET_P95_MS} ms {verdict(p95_live, TARGET_P95_MS)}")


async def main() -> None:
    parser = base_parser(__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--samples", type=int, default=200, help="customers re-evaluated")
    args: argparse.Namespace = parser.parse_args()
    async with bench_database(args) as database_url:
        result = await measure(database_url, args.samples, args.seed)
    report(args.customers, result)


if __name__ == "__main__":
    run(main)
