"""NDJSON store data import (CONTRACT "Store data import"): streamed, validated, batched."""

from __future__ import annotations

from collections.abc import Iterable

import orjson
from tortoise.models import Model

from models.db import connection
from models.errors import ErrorCode, FieldError
from models.store import bulk
from models.store.loader import DEFAULT_BATCH_SIZE, Invalid, RecordLoader, check_record
from models.store.report import ImportReport
from models.store.targets import TARGET_BY_TYPE

_BOM = b"\xef\xbb\xbf"


async def import_ndjson(
    lines: Iterable[bytes], *, batch_size: int = DEFAULT_BATCH_SIZE
) -> ImportReport:
    """Load one JSON record per line; `Rejection.position` is the 1-based line number.

    Lines are read one at a time, so memory stays flat whatever the file's size. Blank
    lines are skipped.
    """
    loader = RecordLoader(batch_size)
    for number, line in enumerate(lines, 1):
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            message = f"invalid JSON at column {exc.colno}: {exc.msg}"
            await loader.add(number, Invalid(None, [FieldError(None, ErrorCode.INVALID, message)]))
            continue
        await loader.add(number, check_record(obj))
    report = await loader.finish()
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
