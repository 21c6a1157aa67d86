"""Refresh benchmark on PostgreSQL with demo data: refresh vs the same rule as one hand-written
`SELECT count(*)`, first refresh and steady state, and the refreshing process's peak memory.

    .venv/bin/python -m tests.bench.bench_refresh --customers 1000000
    .venv/bin/python -m tests.bench.bench_refresh --database-url postgres://.../db

Without --database-url it creates a database, runs `segmentql migrate` and
`segmentql demo-data --customers N`, and drops the database at the end (--keep keeps it).
With --database-url it reuses that database, writing demo data only if it has no customers.

For each rule (CLV: lifetime sales > 1000 and more than 5 orders and subscribed; cart:
active cart grand total >= 150, items >= 2, hours since updated >= 24 -- each leaf on any
active cart, as SEMANTICS reads row-level leaves; the one-cart shortcut is timed too):
(a) first refresh (everyone enters) vs the baseline count -- target <= 2.0x;
(b) steady state: ~1% of customers' data modified between refreshes (orders and
    subscription, or carts), median of 3 rounds vs the baseline after each -- target <= 1.3x;
(c) peak memory growth of the refreshing process -- target < 100 MB. Each refresh runs
    in a fresh child process (like a worker job), which resets its RSS high-water mark
    just before the call and reports the peak minus the RSS before it.
The baseline is the median of 3 warm runs, measured in the same run on the same data.
It is read with asyncpg's `fetchval`, which asks for one row per Execute message, and
PostgreSQL runs a portal it may be asked for more rows from without parallel workers:
the baseline runs on one core, as the refresh's new set does (see models/segments/sql/refresh.py).
Times are wall-clock seconds; the machine's other load shows up in both sides.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from tests.bench.harness import (
    base_parser,
    bench_database,
    delete_segments,
    emit,
    log,
    peak_mb,
    reset_peak,
    rss_mb,
    run,
    run_child,
    timed_count,
    verdict,
)

MODULE = "tests.bench.bench_refresh"
CHURN = 0.01
STEADY_ROUNDS = 3
TARGET_FIRST = 2.0
TARGET_STEADY = 1.3
TARGET_MEMORY_MB = 100.0


def _all(*leaves: dict[str, Any]) -> dict[str, Any]:
    return {"type": "combine", "aggregator": "all", "value": True, "conditions": list(leaves)}


def _leaf(kind: str, attribute: str, operator: str, value: Any) -> dict[str, Any]:
    return {"type": kind, "attribute": attribute, "operator": operator, "value": value}


CLV_RULE = _all(
    _leaf("customer_clv", "lifetime_sales", ">", "1000"),
    _leaf("customer_clv", "number_of_orders", ">", "5"),
    _leaf("customer_newsletter", "subscriber_status", "==", "1"),
)
CLV_BASELINE = """
SELECT count(*) FROM customer c
JOIN newsletter_subscriber s ON s.customer_id = c.id AND s.subscriber_status = 1
JOIN (
    SELECT customer_id, sum(grand_total) AS sales, count(*) AS orders
    FROM sales_order WHERE state NOT IN ('canceled', 'closed') GROUP BY customer_id
) o ON o.customer_id = c.id
WHERE c.is_active AND c.website_id = ANY($1::int[]) AND o.sales > 1000 AND o.orders > 5
"""
CLV_CHURN = [
    """UPDATE newsletter_subscriber
       SET subscriber_status = CASE WHEN subscriber_status = 1 THEN 3 ELSE 1 END
       WHERE customer_id = ANY($1::int[]) AND customer_id % 2 = 0""",
    """UPDATE sales_order
       SET grand_total = round((grand_total * (0.3 + random() * 2.5))::numeric, 2)
       WHERE customer_id = ANY($1::int[]) AND customer_id % 2 = 1""",
]

CART_RULE = _all(
    _leaf("cart_attributes", "base_grand_total", ">=", "150"),
    _leaf("cart_attributes", "items_count", ">=", "2"),
    _leaf("cart_attributes", "hours_since_updated", ">=", "24"),
)
# The rule as SEMANTICS defines it: each cart leaf may hold on a different active cart
# (Maho's own SQL has this shape: one subquery per condition).
CART_BASELINE = """
SELECT count(*) FROM customer c
WHERE c.is_active AND c.website_id = ANY($1::int[])
  AND EXISTS (SELECT 1 FROM sales_quote q
              WHERE q.customer_id = c.id AND q.is_active AND q.base_grand_total >= 150)
  AND EXISTS (SELECT 1 FROM sales_quote q
              WHERE q.customer_id = c.id AND q.is_active AND q.items_count >= 2)
  AND EXISTS (SELECT 1 FROM sales_quote q
              WHERE q.customer_id = c.id AND q.is_active AND q.updated_at <= $2)
"""
# A cheaper query that asks all three of ONE cart: the same answer only while no customer
# has two active carts (true of the demo data), so it is reported as a second reference.
CART_ONE_CART_SHORTCUT = """
SELECT count(*) FROM customer c
WHERE c.is_active AND c.website_id = ANY($1::int[]) AND EXISTS (
    SELECT 1 FROM sales_quote q
    WHERE q.customer_id = c.id AND q.is_active AND q.base_grand_total >= 150
      AND q.items_count >= 2 AND q.updated_at <= $2
)
"""
CART_CHURN = [
    """UPDATE sales_quote
       SET base_grand_total = round((random() * 400)::numeric, 2),
           items_count = 1 + floor(random() * 5)::int,
           updated_at = now() - random() * interval '72 hours'
       WHERE customer_id = ANY($1::int[]) AND is_active""",
]

RULES = {
    "clv": (CLV_RULE, CLV_BASELINE, CLV_CHURN),
    "cart": (CART_RULE, CART_BASELINE, CART_CHURN),
}
# Further hand-written queries timed next to the baseline, reported as extra ratios.
REFERENCES: dict[str, dict[str, str]] = {"cart": {"one-cart shortcut": CART_ONE_CART_SHORTCUT}}


# The child: one refresh in a fresh process.


async def child(args: argparse.Namespace) -> None:
    from gqlserver.db import open_database
    from models.segments.refresh import refresh_segment

    async with open_database(args.database_url):
        gc.collect()
        before = rss_mb()
        reset_peak()
        started = time.perf_counter()
        outcome = await refresh_segment(args.segment_id)
        seconds = time.perf_counter() - started
        peak = peak_mb()
    emit(
        {
            "seconds": seconds,
            "matched": outcome.matched_count,
            "entered": outcome.entered_count,
            "exited": outcome.exited_count,
            "rss_before_mb": before,
            "peak_mb": peak,
            "growth_mb": peak - before,
        }
    )


def refresh_in_child(database_url: str, segment_id: int) -> dict[str, Any]:
    return run_child(MODULE, "--database-url", database_url, "--segment-id", str(segment_id))


# The parent: data, segments, churn, baselines, report.


async def create_segment(database_url: str, name: str, rule: dict[str, Any]) -> tuple[int, list]:
    from gqlserver.db import open_database
    from models.segments.service import SegmentData, create_segment
    from models.store.reference import Website

    async with open_database(database_url):
        website_ids = [w.id for w in await Website.all().order_by("id")]
        segment = await create_segment(
            SegmentData(name=f"bench {name}", website_ids=website_ids, conditions=rule)
        )
        return segment.id, website_ids


async def churn(database_url: str, statements: list[str], rng: random.Random) -> int:
    """Modify the store data of ~1% of customers; returns how many were picked."""
    conn = await asyncpg.connect(database_url)
    try:
        ids = [row[0] for row in await conn.fetch("SELECT id FROM customer")]
        picked = rng.sample(ids, max(1, int(len(ids) * CHURN)))
        for sql in statements:
            await conn.execute(sql, picked)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return len(picked)


def baseline_params(name: str, website_ids: list[int]) -> list[Any]:
    if name == "cart":
        return [website_ids, datetime.now(UTC) - timedelta(hours=24)]
    return [website_ids]


async def bench_rule(database_url: str, name: str, rng: random.Random) -> dict[str, Any]:
    rule = RULES[name][0]
    segment_id, website_ids = await create_segment(database_url, name, rule)
    try:
        return await _bench_segment(database_url, name, segment_id, website_ids, rng)
    finally:
        await delete_segments(database_url, [segment_id])


async def _bench_segment(
    database_url: str, name: str, segment_id: int, website_ids: list[int], rng: random.Random
) -> dict[str, Any]:
    _, baseline_sql, churn_sql = RULES[name]

    base_first, expected = await timed_count(
        database_url, baseline_sql, baseline_params(name, website_ids)
    )
    references = await time_references(database_url, name, website_ids)
    first = refresh_in_child(database_url, segment_id)
    log(
        f"  {name} first: refresh {first['seconds']:.3f} s ({first['entered']} entered), "
        f"baseline {base_first:.3f} s ({expected})"
    )
    if first["matched"] != expected:
        log(f"  WARNING {name}: refresh matched {first['matched']}, baseline counted {expected}")

    steady: list[dict[str, Any]] = []
    baselines: list[float] = []
    for round_no in range(STEADY_ROUNDS):
        picked = await churn(database_url, churn_sql, rng)
        base, expected = await timed_count(
            database_url, baseline_sql, baseline_params(name, website_ids)
        )
        result = refresh_in_child(database_url, segment_id)
        steady.append(result)
        baselines.append(base)
        log(
            f"  {name} steady {round_no + 1}: {picked} customers modified, refresh "
            f"{result['seconds']:.3f} s (+{result['entered']} -{result['exited']}), "
            f"baseline {base:.3f} s"
        )
        if result["matched"] != expected:
            log(f"  WARNING {name}: refresh matched {result['matched']}, baseline {expected}")

    steady_seconds = statistics.median(r["seconds"] for r in steady)
    steady_base = statistics.median(baselines)
    return {
        "rule": name,
        "matched": first["matched"],
        "first_s": first["seconds"],
        "first_base_s": base_first,
        "first_ratio": first["seconds"] / base_first,
        "steady_s": steady_seconds,
        "steady_base_s": steady_base,
        "steady_ratio": steady_seconds / steady_base,
        "peak_growth_mb": max(r["growth_mb"] for r in [first, *steady]),
        "first_growth_mb": first["growth_mb"],
        "references": {
            label: (first["seconds"] / seconds, steady_seconds / seconds)
            for label, seconds in references.items()
        },
    }


async def time_references(database_url: str, name: str, website_ids: list[int]) -> dict[str, float]:
    """Seconds of each further reference query (same data, same parameters)."""
    timed: dict[str, float] = {}
    for label, sql in REFERENCES.get(name, {}).items():
        seconds, count = await timed_count(database_url, sql, baseline_params(name, website_ids))
        timed[label] = seconds
        log(f"  {name} reference '{label}': {seconds:.3f} s ({count})")
    return timed


def report(customers: int, results: list[dict[str, Any]]) -> None:
    print(f"\nrefresh benchmark, {customers} customers (PostgreSQL)")
    header = (
        f"{'rule':6} {'members':>8} {'first s':>8} {'base s':>7} {'ratio':>6} "
        f"{'steady s':>9} {'base s':>7} {'ratio':>6} {'peak +MB':>9}"
    )
    print(header)
    for r in results:
        print(
            f"{r['rule']:6} {r['matched']:>8} {r['first_s']:>8.3f} {r['first_base_s']:>7.3f} "
            f"{r['first_ratio']:>6.2f} {r['steady_s']:>9.3f} {r['steady_base_s']:>7.3f} "
            f"{r['steady_ratio']:>6.2f} {r['peak_growth_mb']:>9.1f}"
        )
    for r in results:
        print(
            f"{r['rule']}: (a) first {r['first_ratio']:.2f}x <= {TARGET_FIRST}x "
            f"{verdict(r['first_ratio'], TARGET_FIRST)}; "
            f"(b) steady {r['steady_ratio']:.2f}x <= {TARGET_STEADY}x "
            f"{verdict(r['steady_ratio'], TARGET_STEADY)}; "
            f"(c) peak growth {r['peak_growth_mb']:.1f} MB < {TARGET_MEMORY_MB} MB "
            f"{verdict(r['peak_growth_mb'], TARGET_MEMORY_MB)}"
        )
        for label, (first_ratio, steady_ratio) in r["references"].items():
            print(
                f"{r['rule']}: against the {label}: first {first_ratio:.2f}x, "
                f"steady {steady_ratio:.2f}x"
            )


async def main() -> None:
    parser = base_parser(__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--segment-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rules", default="clv,cart", help="comma-separated: clv, cart")
    args = parser.parse_args()
    if args.child:
        await child(args)
        return
    rng = random.Random(args.seed)
    async with bench_database(args) as database_url:
        results = [
            await bench_rule(database_url, name, rng) for name in args.rules.split(",") if name
        ]
    report(args.customers, results)


if __name__ == "__main__":
    run(main)
