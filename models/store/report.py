"""What loading store records did: counts per record type and every rejected record."""

from __future__ import annotations

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


@dataclass
class ImportReport:
    counts: dict[str, TypeCounts] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    # Customers whose data changed; filled per batch, consumed by notification.
    customers: set[int] = field(default_factory=set)

    def counts_for(self, record_type: str) -> TypeCounts:
        found = self.counts.get(record_type)
        if found is None:
            found = self.counts[record_type] = TypeCounts()
        return found

    def reject(self, position: int, record_type: str | None, errors: list[FieldError]) -> None:
        self.rejected.append(Rejection(position, record_type, tuple(errors)))
        if record_type is not None:
            self.counts_for(record_type).rejected += 1

    def merge(self, other: ImportReport) -> None:
        for record_type, counts in other.counts.items():
            self.counts_for(record_type).add(counts)
        self.rejected.extend(other.rejected)

    def by_type(self) -> list[tuple[str, TypeCounts]]:
        """Counts in the order parents precede children."""
        return [(t, self.counts[t]) for t in TYPE_ORDER if t in self.counts]
