"""What loading store records did: counts per record type and the rejected records.

A large import may reject millions of lines: the report counts them all but keeps only
the first `keep_rejected` (every one when None), and hands each to `on_rejected` as it
happens, so that a caller can stream them out instead of holding them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from models.errors import FieldError
from models.store.targets import TYPE_ORDER


@dataclass
class TypeCounts:
    """Records of one type: written (inserted or changed), unchanged, deleted, rejected."""

    upserted: int = 0
    unchanged: int = 0
    deleted: int = 0
    rejected: int = 0

    def add(self, other: TypeCounts) -> None:
        self.upserted += other.upserted
        self.unchanged += other.unchanged
        self.deleted += other.deleted
        self.rejected += other.rejected


@dataclass(frozen=True)
class Rejection:
    """A record nothing of which was written; `position` is its line number or list index."""

    position: int
    record_type: str | None
    errors: tuple[FieldError, ...]

    @property
    def reason(self) -> str:
        """`customer.email: field required`, several joined by `; `."""
        prefix = self.record_type or ""
        parts = []
        for error in self.errors:
            where = ".".join(p for p in (prefix, error.field or "") if p)
            parts.append(f"{where}: {error.message}" if where else error.message)
        return "; ".join(parts)


RejectionSink = Callable[[Rejection], None]


@dataclass
class ImportReport:
    counts: dict[str, TypeCounts] = field(default_factory=dict)
    # Every rejection, or the first `keep_rejected` of them; `rejected_total` counts all.
    rejected: list[Rejection] = field(default_factory=list)
    rejected_total: int = 0
    # Customers whose data changed; filled per batch, consumed by notification.
    customers: set[int] = field(default_factory=set)
    # Automation progress rows (id, segment id) the batch changed, e.g. by attributing an
    # order; filled per batch like `customers`, consumed by notification.
    progress: set[tuple[int, int]] = field(default_factory=set)
    keep_rejected: int | None = None
    on_rejected: RejectionSink | None = None

    def counts_for(self, record_type: str) -> TypeCounts:
        found = self.counts.get(record_type)
        if found is None:
            found = self.counts[record_type] = TypeCounts()
        return found

    def reject(self, position: int, record_type: str | None, errors: list[FieldError]) -> None:
        self._note(Rejection(position, record_type, tuple(errors)))
        if record_type is not None:
            self.counts_for(record_type).rejected += 1

    def merge(self, other: ImportReport) -> None:
        """Add `other`'s counts, and its rejections in the order of their positions."""
        for record_type, counts in other.counts.items():
            self.counts_for(record_type).add(counts)
        for rejection in sorted(other.rejected, key=lambda r: r.position):
            self._note(rejection)

    def by_type(self) -> list[tuple[str, TypeCounts]]:
        """Counts in the order parents precede children."""
        return [(t, self.counts[t]) for t in TYPE_ORDER if t in self.counts]

    def _note(self, rejection: Rejection) -> None:
        self.rejected_total += 1
        if self.on_rejected is not None:
            self.on_rejected(rejection)
        if self.keep_rejected is None or len(self.rejected) < self.keep_rejected:
            self.rejected.append(rejection)
