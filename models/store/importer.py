"""NDJSON store data import (CONTRACT "Store data import"): streamed, validated, batched."""

from __future__ import annotations

from collections.abc import Iterable

import orjson
from tortoise.models import Model

from models.db import connection
from models.errors import DomainError, ErrorCode, FieldError
from models.store import bulk
from models.store.loader import DEFAULT_BATCH_SIZE, RecordLoader
from models.store.records import record_type_of
from models.store.report import ImportReport, RejectionSink
from models.store.spool import FileSpool
from models.store.targets import TARGET_BY_TYPE

_BOM = b"\xef\xbb\xbf"


async def import_ndjson(
    lines: Iterable[bytes],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    keep_rejected: int | None = None,
    on_rejected: RejectionSink | None = None,
) -> ImportReport:
    """Load one JSON record per line; `Rejection.position` is the 1-based line number.

    Lines are read one at a time and wait for their turn in temporary files, so memory
    stays flat whatever the file's size. Blank lines are skipped. Each rejection goes to
    `on_rejected` as it is found; the report keeps the first `keep_rejected` (all if None).
    """
    loader = RecordLoader(
        FileSpool(), batch_size, keep_rejected=keep_rejected, on_rejected=on_rejected
    )
    try:
        for number, line in enumerate(lines, 1):
            if number == 1 and line.startswith(_BOM):
                line = line[len(_BOM) :]
            if not line.strip():
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                message = f"invalid JSON at column {exc.colno}: {exc.msg}"
                loader.reject(number, None, [FieldError(None, ErrorCode.INVALID, message)])
                continue
            try:
                record_type = record_type_of(obj)
            except DomainError as exc:
                loader.reject(number, None, exc.errors)
                continue
            await loader.add(number, record_type, obj)
        report = await loader.finish()
    finally:
        loader.close()
    await bulk.analyze(connection(), _changed_tables(report))
    return report


def _changed_tables(report: ImportReport) -> set[type[Model]]:
    """Tables the import wrote to (autovacuum analyses them too, but only later)."""
    models: set[type[Model]] = set()
    for record_type, counts in report.counts.items():
        target = TARGET_BY_TYPE.get(record_type)
        if target and counts.upserted:
            models.add(target.model)
            if target.children:
                models.add(target.children.model)
    return models
