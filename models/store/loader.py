"""Feeds store records to the writer parents first, in batches, each batch in one transaction.

Records are taken in runs: the records between two `customer_delete` records. A run is held
in a spool and written type by type in TYPE_ORDER (every customer before any order), so
a record may reference a parent anywhere in its run, and where batches happen to begin
and end changes nothing. Deletions and runs are applied in the order they came, so
`customer_delete` followed by the same customer again ends with the customer present,
and the reverse with it gone.

A record that fails validation or references a missing parent is rejected alone; the
others are written. Rejections reach the report batch by batch, in line order within
each batch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from tortoise.exceptions import OperationalError

from models.db import dialect, transaction
from models.errors import DomainError, ErrorCode, FieldError
from models.store import effects
from models.store.changes import notify_customers_changed
from models.store.records import StoreRecord, validate_record
from models.store.report import ImportReport, RejectionSink
from models.store.spool import RecordSpool
from models.store.targets import DELETE_TYPE, TYPE_ORDER
from models.store.writer import Entry, write_deletes, write_upserts

DEFAULT_BATCH_SIZE = 2000
log = logging.getLogger(__name__)
_RANK = {t: i for i, t in enumerate(TYPE_ORDER)}
_UPSERT_TYPES = tuple(t for t in TYPE_ORDER if t != DELETE_TYPE)


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


@dataclass
class _Batch:
    """Checked records of one type waiting to be written together."""

    entries: list[Entry] = field(default_factory=list)
    invalid: list[tuple[int, Invalid]] = field(default_factory=list)

    def add(self, position: int, checked: StoreRecord | Invalid) -> None:
        if isinstance(checked, Invalid):
            self.invalid.append((position, checked))
        else:
            self.entries.append((position, checked))

    def __len__(self) -> int:
        # Invalid records count too: a file of bad lines is still reported batch by batch.
        return len(self.entries) + len(self.invalid)


class RecordLoader:
    """Takes records one by one (JSON objects whose `type` is known) and writes them."""

    def __init__(
        self,
        spool: RecordSpool,
        batch_size: int = DEFAULT_BATCH_SIZE,
        *,
        keep_rejected: int | None = None,
        on_rejected: RejectionSink | None = None,
    ) -> None:
        self.batch_size = batch_size
        self.report = ImportReport(keep_rejected=keep_rejected, on_rejected=on_rejected)
        self._spool = spool
        self._deletes = _Batch()

    def reject(self, position: int, record_type: str | None, errors: list[FieldError]) -> None:
        """Reject a record that has no known type (or is not even JSON) at once."""
        self.report.reject(position, record_type, errors)

    async def add(self, position: int, record_type: str, record: Any) -> None:
        """Queue a record; a deletion first writes the run before it."""
        if record_type == DELETE_TYPE:
            await self._write_run()
            self._deletes.add(position, check_record(record))
            if len(self._deletes) >= self.batch_size:
                await self._write_deletes()
            return
        if len(self._deletes):
            await self._write_deletes()
        self._spool.add(record_type, position, record)

    async def finish(self) -> ImportReport:
        await self._write_run()
        await self._write_deletes()
        self.report.rejected.sort(key=lambda r: r.position)
        return self.report

    def close(self) -> None:
        self._spool.close()

    async def _write_run(self) -> None:
        if self._spool.empty:
            return
        for record_type in _UPSERT_TYPES:
            batch = _Batch()
            for position, record in self._spool.take(record_type):
                batch.add(position, check_record(record))
                if len(batch) >= self.batch_size:
                    await self._flush(batch)
                    batch = _Batch()
            await self._flush(batch)

    async def _write_deletes(self) -> None:
        batch, self._deletes = self._deletes, _Batch()
        await self._flush(batch)

    async def _flush(self, batch: _Batch) -> None:
        """Write a batch's valid records in one transaction, then tell who changed."""
        outcome = ImportReport()
        for position, invalid in batch.invalid:
            outcome.reject(position, invalid.record_type, invalid.errors)
        if batch.entries:
            try:
                outcome.merge(written := await self._write(batch.entries))
            except OperationalError as exc:
                # Something only the database could see (e.g. a parent deleted meanwhile):
                # find the culprits by writing the records one at a time.
                log.info("batch failed (%s), writing its %d records one by one", exc, len(batch))
                outcome.merge(written := await self._write_each(batch.entries))
            outcome.customers = written.customers
            outcome.progress = written.progress
        self.report.merge(outcome)
        await notify_customers_changed(outcome.customers)
        await effects.after_commit(outcome.progress)

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
            await effects.after_batch(tx, outcome.customers)
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
            outcome.progress |= single.progress
        return outcome
