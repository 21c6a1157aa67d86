"""`segmentql import FILE`: load NDJSON store data, print a summary, report rejected lines."""

from __future__ import annotations

import sys
from typing import BinaryIO

from gqlserver.db import open_database
from gqlserver.settings import get_settings
from models.store.importer import import_ndjson
from models.store.report import ImportReport, Rejection, TypeCounts
from models.store.targets import DELETE_TYPE
from tasks.changed_customers import live_changes_for_import


def summary_lines(report: ImportReport) -> list[str]:
    """One line per record type, then the totals."""
    lines = []
    for record_type, c in report.by_type():
        done = f"{c.deleted} deleted" if record_type == DELETE_TYPE else f"{c.upserted} upserted"
        lines.append(f"{record_type}: {done}, {c.unchanged} unchanged, {c.rejected} rejected")
    total = TypeCounts()
    for _, counts in report.by_type():
        total.add(counts)
    lines.append(
        f"total: {total.upserted} upserted, {total.deleted} deleted, "
        f"{total.unchanged} unchanged, {report.rejected_total} rejected"
    )
    return lines


async def run_import(source: BinaryIO) -> int:
    """Import `source`; exit status 1 if any line was rejected, else 0."""
    from gqlserver.migrate import apply_migrations

    settings = get_settings()
    await apply_migrations(settings.database_url)
    # Live segments follow the import: re-evaluation is queued for the worker, or with
    # memory:// (no worker) done inline once the import is over.
    async with (
        open_database(settings.database_url),
        live_changes_for_import(settings.redis_url),
    ):
        # Rejections go out as they are found: a file of a million bad lines is not held.
        report = await import_ndjson(source, keep_rejected=0, on_rejected=_print_rejection)
    for line in summary_lines(report):
        print(line)
    return 1 if report.rejected_total else 0


def _print_rejection(rejection: Rejection) -> None:
    print(f"line {rejection.position}: {rejection.reason}", file=sys.stderr)
