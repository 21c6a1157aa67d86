"""Attribution's share of an order import: the same new orders imported with nothing to
attribute, then with every customer having clicked a sent mail (every order converts, every
customer's scheduled reminder stops), plus the plain import figures of the bench file.

    .venv/bin/python -m tests.bench.bench_attribution --lines 50000 [--dialect postgres]

Imports the `bench_import` file into a fresh database, then its orders twice more under new
ids, created now: first with no progress rows, then after one sent, clicked row and one
scheduled row (of a step that stops on conversion) were written for every customer. The
ratio is the second time over the first.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from gqlserver.db import open_database
from models.automation.orm import EmailSequence, SequenceProgress
from models.db import connection
from models.segments.orm import Segment
from models.store.importer import import_ndjson
from tests.bench.bench_import import fresh_database, write_file


def orders_again(source: Path, target: Path, offset: int, created_at: str) -> int:
    """The file's orders under ids moved by `offset`, created at `created_at`, not canceled."""
    count = 0
    with source.open("rb") as lines, target.open("wb") as out:
        for line in lines:
            record = orjson.loads(line)
            if record["type"] != "order":
                continue
            record["id"] += offset
            record["increment_id"] = f"B{record['id']}"
            record["created_at"] = created_at
            record["state"] = record["status"] = "processing"
            out.write(orjson.dumps(record) + b"\n")
            count += 1
    return count


async def timed_import(path: Path) -> float:
    started = time.perf_counter()
    with path.open("rb") as lines:
        report = await import_ndjson(lines)
    assert not report.rejected, report.rejected[:3]
    return time.perf_counter() - started


async def clicked_everyone(clicked_at: datetime) -> None:
    """Per customer a sent row of step 1 clicked at `clicked_at`, and step 2 scheduled."""
    segment = await Segment.create(name="bench", website_ids=[1])
    steps = [
        await EmailSequence.create(
            segment_id=segment.id, template_id=1, step_number=n, stop_on_conversion=True
        )
        for n in (1, 2)
    ]
    customers = [r["id"] for r in await connection().execute_query_dict("SELECT id FROM customer")]
    rows = [
        SequenceProgress(
            customer_id=customer_id,
            segment_id=segment.id,
            sequence_id=step.id,
            step_number=step.step_number,
            trigger_type="enter",
            status="sent" if step.step_number == 1 else "scheduled",
            scheduled_at=clicked_at,
            sent_at=clicked_at if step.step_number == 1 else None,
            clicked_at=clicked_at if step.step_number == 1 else None,
        )
        for customer_id in customers
        for step in steps
    ]
    await SequenceProgress.bulk_create(rows, batch_size=5000)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--dialect", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    now = datetime.now(UTC)
    created_at = (now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        source = workdir / "store.ndjson"
        lines, customers = write_file(source, args.lines, args.seed)
        async with fresh_database(args.dialect, workdir) as url, open_database(url):
            first = await timed_import(source)
            plain, converting = workdir / "plain.ndjson", workdir / "converting.ndjson"
            orders = orders_again(source, plain, 10_000_000, created_at)
            orders_again(source, converting, 20_000_000, created_at)
            without = await timed_import(plain)
            await clicked_everyone(now - timedelta(hours=1))
            with_attribution = await timed_import(converting)
            conn = connection()
            converted = await conn.execute_query_dict(
                "SELECT COUNT(*) AS n FROM sequence_conversion"
            )
            skipped = await conn.execute_query_dict(
                "SELECT COUNT(*) AS n FROM sequence_progress WHERE status = 'skipped'"
            )
    print(f"file: {lines} lines, {customers} customers; first import {first:.2f} s")
    print(f"{args.dialect}: {orders} new orders, nothing to attribute: {without:.2f} s")
    print(
        f"{args.dialect}: {orders} new orders, every customer clicked: {with_attribution:.2f} s "
        f"({converted[0]['n']} conversions, {skipped[0]['n']} reminders skipped)"
    )
    print(f"ratio with / without attribution work: {with_attribution / without:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
