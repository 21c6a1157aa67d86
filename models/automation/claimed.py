"""What a worker holds of a claimed batch while sending it: the batch's lease, and the
accepted sends waiting to be marked."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from models.automation.orm import SequenceProgress
from models.automation.sql import delivery as sql
from models.db import dialect, transaction

AUTOMATION_SOURCE = "customer_segmentation"


class BatchLease:
    """The claimed batch's lease, renewed for all its unsent rows at once when half of it is
    gone, so every SMTP transaction starts with at least half a lease to finish in.

    A batch is sent a few rows at a time, so its last rows wait for the first; renewing
    row by row before each send cost a statement per message.
    """

    def __init__(
        self, rows: Sequence[SequenceProgress], until: datetime, length: timedelta
    ) -> None:
        self._unsent = {row.id: row.attempts for row in rows}
        self._lost: set[int] = set()
        self._until = until
        self._length = length
        self._renewing = asyncio.Lock()

    async def covers(self, row: SequenceProgress, now: datetime) -> bool:
        """Whether this worker still owns the row, which is about to be sent."""
        async with self._renewing:
            if self._until - now < self._length / 2:
                until = now + self._length
                async with transaction() as conn:
                    owned = await sql.renew_leases(conn, dialect(conn), self._unsent, until)
                self._lost |= self._unsent.keys() - owned
                self._until = until
            self._unsent.pop(row.id, None)
            return row.id not in self._lost


class PendingMarks:
    """Accepted sends, marked in groups: a group is written when it is full, when its oldest
    send has waited long enough, and when the batch ends (`finish`).

    Marking row by row cost more round trips per message than its SMTP transaction. A
    group is written in the background, so the send that filled it goes on to the next
    message instead of waiting for the database. A worker that dies holding a group
    leaves those rows SENDING; the sweep sends them again with the same Message-ID, so a
    crash can repeat the groups not yet written.
    """

    GROUP = 25
    WAIT = timedelta(milliseconds=100)

    def __init__(self) -> None:
        # Rows this worker marked; one another worker marked first is not counted.
        self.marked = 0
        self._waiting: list[sql.Sent] = []
        self._oldest = datetime.max.replace(tzinfo=UTC)
        self._writing: set[asyncio.Task[None]] = set()

    def add(self, sent: sql.Sent, now: datetime) -> None:
        if not self._waiting:
            self._oldest = now
        self._waiting.append(sent)
        if len(self._waiting) >= self.GROUP or now - self._oldest >= self.WAIT:
            self._write(now)

    async def finish(self, now: datetime) -> None:
        """Write what waits and wait for every group; the first failure is raised."""
        self._write(now)
        writing, self._writing = self._writing, set()
        await asyncio.gather(*writing)

    def _write(self, now: datetime) -> None:
        group, self._waiting = self._waiting, []
        if group:
            task = asyncio.create_task(self._mark(group, now))
            self._writing.add(task)

    async def _mark(self, group: list[sql.Sent], now: datetime) -> None:
        async with transaction() as conn:
            marked = await sql.mark_sent(
                conn, dialect(conn), group, source=AUTOMATION_SOURCE, now=now
            )
        self.marked += len(marked)
