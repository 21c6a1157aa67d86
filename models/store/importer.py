"""NDJSON store data import (CONTRACT "Store data import"): streamed, validated, batched."""

from __future__ import annotations

from collections.abc import Iterable

import orjson

from models.errors import ErrorCode, FieldError
from models.store.loader import DEFAULT_BATCH_SIZE, RecordLoader
from models.store.report import ImportReport

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
            loader.reject(number, None, [FieldError(None, ErrorCode.INVALID, message)])
            continue
        await loader.add(number, obj)
    return await loader.finish()
