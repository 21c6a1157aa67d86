"""Feeds store records to the writer in batches, each batch in one transaction.

A record that fails validation or references a missing parent is rejected alone; the
others are written. Customer deletions and upserts are written in the order they came:
switching between them closes the batch, so `customer_delete` followed by the same
customer again ends with the customer present, and the reverse with it gone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import OperationalError

from models.db import dialect, transaction
from models.errors import DomainError, ErrorCode, FieldError
from models.store.changes import notify_customers_changed
from models.store.records import StoreRecord, validate_record
from models.store.report import ImportReport
from models.store.targets import DELETE_TYPE, TYPE_ORDER
from models.store.writer import Entry, write_deletes, write_upserts

DEFAULT_BATCH_SIZE = 2000
log = logging.getLogger(__name__)
_RANK = {t: i for i, t in enumerate(TYPE_ORDER)}


@dataclass(frozen=True)
class Invalid:
    """A record that failed validation, with every reason found."""

    record_type: str | None
    errors: list[FieldError]


def check_record(obj: Any) -> StoreRecord | Invalid:
    """The typed record, or why it is invalid."""
    try:
        return validate_record(obj)
    except DomainError as exc:
        kind = obj.get("type") if isinstance(obj, dict) else None
        return Invalid(kind if isinstance(kind, str) and kind in _RANK else None, exc.errors)


class RecordLoader:
    """Takes checked records one by one and writes the valid ones in batches of `batch_size`."""

    def __init__(self, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.batch_size = batch_size
        self.report = ImportReport()
        self._pending: list[Entry] = []
        self._deleting = False

    def reject(self, position: int, record_type: str | None, errors: list[FieldError]) -> None:
        self.report.reject(position, record_type, errors)

    async def add(self, position: int, checked: StoreRecord | Invalid) -> None:
        """Queue a valid record (writing a batch when full), or reject an invalid one."""
        if isinstance(checked, Invalid):
            self.reject(position, checked.record_type, checked.errors)
            return
        deleting = checked.type == DELETE_TYPE
        if self._pending and deleting != self._deleting:
            await self.flush()
        self._deleting = deleting
        self._pending.append((position, checked))
        if len(self._pending) >= self.batch_size:
            await self.flush()

    async def finish(self) -> ImportReport:
        await self.flush()
        self.report.rejected.sort(key=lambda r: r.position)
        return self.report

    async def flush(self) -> None:
        """Write the queued records in one transaction, then tell who changed."""
        entries, self._pending = self._pending, []
        if not entries:
            return
        try:
            outcome = await self._write(entries)
        except OperationalError as exc:
            # Something only the database could see (e.g. a parent deleted meanwhile): find
            # the culprits by writing the records one at a time.
            log.info("batch failed (%s), writing its %d records one by one", exc, len(entries))
            outcome = await self._write_each(entries)
        self.report.merge(outcome)
        await notify_customers_changed(outcome.customers)

    async def _write(self, entries: list[Entry]) -> ImportReport:
        outcome = ImportReport()
        async with transaction() as tx:
            if dialect(tx) == "postgres":
                # Tables filled by this import have no statistics until autovacuum catches
                # up, and without them `id = ANY($1)` over a batch's ids is planned as a
                # scan of the whole table: each batch then costs O(table size) (10 of 32 s
                # at 300k lines). Every statement of a batch is a lookup on an index.
                await tx.execute_script("SET LOCAL enable_seqscan = off")
            if entries[0][1].type == DELETE_TYPE:
                await write_deletes(tx, entries, outcome)
            else:
                await write_upserts(tx, entries, outcome)
        return outcome

    async def _write_each(self, entries: list[Entry]) -> ImportReport:
        outcome = ImportReport()
        for entry in sorted(entries, key=lambda e: (_RANK[e[1].type], e[0])):
            try:
                outcome.merge(single := await self._write([entry]))
            except OperationalError as exc:
                message = f"the database refused the record: {exc}"
                outcome.reject(
                    entry[0], entry[1].type, [FieldError(None, ErrorCode.INVALID, message)]
                )
                continue
            outcome.customers |= single.customers
        return outcome
