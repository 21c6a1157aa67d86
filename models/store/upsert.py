"""Store records pushed by an integrator in one call: the same records as the NDJSON import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.errors import DomainError, ErrorCode, FieldError
from models.store.loader import RecordLoader
from models.store.records import record_type_of
from models.store.report import ImportReport
from models.store.spool import MemorySpool

MAX_RECORDS = 5000


async def upsert_records(records: Sequence[Any]) -> ImportReport:
    """Write each valid record; `Rejection.position` is the record's index in `records`.

    Raises DomainError (nothing written) when more than MAX_RECORDS are sent at once.
    """
    if len(records) > MAX_RECORDS:
        raise DomainError.single(
            "records",
            ErrorCode.INVALID,
            f"at most {MAX_RECORDS} records per call, got {len(records)}: send them in "
            "several calls or use `segmentql import`",
        )
    loader = RecordLoader(MemorySpool(), batch_size=MAX_RECORDS)
    for index, obj in enumerate(records):
        try:
            record_type = record_type_of(obj)
        except DomainError as exc:
            loader.reject(index, None, exc.errors)
            continue
        await loader.add(index, record_type, obj)
    return await loader.finish()


def record_errors(report: ImportReport) -> list[FieldError]:
    """The rejections as input-path errors: `records[3].email`."""
    errors = []
    for rejection in report.rejected:
        base = f"records[{rejection.position}]"
        for error in rejection.errors:
            field = f"{base}.{error.field}" if error.field else base
            errors.append(FieldError(field, error.code, error.message))
    return errors
