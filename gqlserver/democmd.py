"""`segmentql demo-data`: write a synthetic, realistic store straight to the database."""

from __future__ import annotations

import sys
import time

import click

from gqlserver.db import open_database
from gqlserver.settings import get_settings
from models.automation.demo import write_demo_automation
from models.errors import DomainError
from models.store.demo import write_demo_data
from models.store.demo_catalog import DEMO_NOW


async def run_demo_data(customers: int, seed: int) -> None:
    """Write `customers` customers (same seed, same data); prints rows per table."""
    from gqlserver.migrate import apply_migrations

    database_url = get_settings().database_url
    await apply_migrations(database_url)
    started = time.monotonic()

    def progress(done: int) -> None:
        print(f"\r{done}/{customers} customers", end="", file=sys.stderr, flush=True)

    async with open_database(database_url):
        try:
            summary = await write_demo_data(customers, seed, progress=progress)
            campaigns = await write_demo_automation()
        except DomainError as exc:
            raise click.ClickException(str(exc)) from exc
    print(file=sys.stderr)
    for table, count in summary.rows.items():
        print(f"{table}: {count}")
    for name in campaigns:
        print(f"segment with email automation: {name}")
    elapsed = time.monotonic() - started
    print(f"done in {elapsed:.1f}s (seed {seed}, times relative to {DEMO_NOW.isoformat()})")
