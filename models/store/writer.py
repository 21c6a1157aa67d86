"""Writes one batch of valid records inside the caller's transaction, parents first.

Per record type: records whose parent is missing are rejected (and customers whose email
another customer of their website has, `emails.py`), the last record per key
wins (for product views the latest `added_at`), rows are upserted in one statement, and
items / category links are replaced only where they differ, so a re-import writes nothing.
What the records change outside the store tables follows in the same transaction
(`effects.py`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

from tortoise.backends.base.client import BaseDBAsyncClient

from models.errors import ErrorCode, FieldError
from models.store import bulk, effects, emails
from models.store.bulk import Table
from models.store.customers import Customer
from models.store.records import CustomerDeleteRecord, StoreRecord
from models.store.report import ImportReport
from models.store.sales import Order
from models.store.targets import TARGETS, Children, Target

Entry = tuple[int, StoreRecord]
Key = tuple[Any, ...]


async def write_upserts(
    conn: BaseDBAsyncClient, entries: Sequence[Entry], report: ImportReport
) -> None:
    """Upsert every record of `entries`, counting into `report` and noting changed customers."""
    by_type: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_type[entry[1].type].append(entry)
    for target in TARGETS:
        group = by_type.get(target.record_type)
        if group:
            await _write_target(conn, target, group, report)


async def write_deletes(
    conn: BaseDBAsyncClient, entries: Sequence[Entry], report: ImportReport
) -> None:
    """Delete the customers named by `customer_delete` records; what hangs on them cascades."""
    ids = {cast(CustomerDeleteRecord, record).id for _, record in entries}
    deleted = set(await bulk.delete_in(conn, Customer, "id", ids, returning="id"))
    # Every id named, deleted now or before: progress rows have no foreign key to cascade.
    await effects.after_delete(conn, ids)
    counts = report.counts_for("customer_delete")
    counts.deleted += len(deleted)
    counts.unchanged += len(entries) - len(deleted)
    report.customers |= deleted


async def _write_target(
    conn: BaseDBAsyncClient, target: Target, group: list[Entry], report: ImportReport
) -> None:
    counts = report.counts_for(target.record_type)
    group = await _with_parents(conn, target, group, report)
    if target.model is Customer:
        group = await emails.without_taken_emails(conn, group, report)
    records = _latest_per_key(target, group)
    # A record superseded by a later one of the same key in this batch changes nothing itself.
    counts.unchanged += len(group) - len(records)
    if not records:
        return
    moved_from = await _previous_owners(conn, target, records)
    returning = list(target.key)
    if target.owner and target.owner not in returning:
        returning.append(target.owner)
    rows = [tuple(getattr(r, c) for c in target.columns) for r in records.values()]
    written = await bulk.upsert(
        conn,
        target.model,
        target.columns,
        rows,
        key=target.key,
        returning=returning,
        newer=target.newer,
    )
    changed: set[Key] = {tuple(row[k] for k in target.key) for row in written}
    owners = {row[target.owner] for row in written} if target.owner else set()
    if target.children:
        for parent_id in await _replace_children(conn, target.children, records):
            changed.add((parent_id,))
            if target.owner:
                owners.add(getattr(records[(parent_id,)], target.owner))
    counts.upserted += len(changed)
    counts.unchanged += len(records) - len(changed)
    owners |= moved_from
    owners.discard(None)
    if target.owner_is_order:
        owners = {
            r["customer_id"]
            for r in await bulk.select_in(conn, Order, ("customer_id",), "id", owners)
        }
        owners.discard(None)
    report.customers |= owners
    report.progress |= await effects.after_upsert(conn, target.record_type, list(records.values()))


async def _with_parents(
    conn: BaseDBAsyncClient, target: Target, group: list[Entry], report: ImportReport
) -> list[Entry]:
    """The records whose referenced parents exist; the others are rejected with a reason each."""
    errors: dict[int, list[FieldError]] = defaultdict(list)
    for ref in target.references:
        ids = {v for _, r in group if (v := getattr(r, ref.field)) is not None}
        if not ids:
            continue
        absent = ids - await bulk.existing(conn, ref.parent, ids)
        for position, record in group:
            value = getattr(record, ref.field)
            if value in absent:
                message = f"{ref.parent_type} {value} does not exist"
                errors[position].append(FieldError(ref.field, ErrorCode.NOT_FOUND, message))
    if not errors:
        return group
    for position, found in errors.items():
        report.reject(position, target.record_type, found)
    return [entry for entry in group if entry[0] not in errors]


def _latest_per_key(target: Target, group: list[Entry]) -> dict[Key, StoreRecord]:
    """One record per key: the last one, or for `newer` targets the one with the latest value."""
    latest: dict[Key, StoreRecord] = {}
    for _, record in group:
        key = tuple(getattr(record, k) for k in target.key)
        earlier = latest.get(key)
        if (
            target.newer
            and earlier
            and getattr(record, target.newer) < getattr(earlier, target.newer)
        ):
            continue
        latest[key] = record
    return latest


async def _previous_owners(
    conn: BaseDBAsyncClient, target: Target, records: dict[Key, StoreRecord]
) -> set[Any]:
    """Owners that rows being moved to another owner had (their data changes too)."""
    owner = target.owner
    if owner is None or owner in target.key or target.key != ("id",):
        return set()
    rows = await bulk.select_in(conn, target.model, ("id", owner), "id", [k[0] for k in records])
    return {
        row[owner]
        for row in rows
        if row[owner] is not None and row[owner] != getattr(records[(row["id"],)], owner)
    }


def _child_rows(children: Children, record: StoreRecord) -> list[tuple]:
    values = getattr(record, children.field)
    if not children.ordered:
        return [(v,) for v in sorted(set(values))]
    return [tuple(getattr(item, c) for c in children.columns) for item in values]


async def _replace_children(
    conn: BaseDBAsyncClient, children: Children, records: dict[Key, StoreRecord]
) -> list[int]:
    """Replace the children of the parents whose children differ; returns those parents."""
    table = Table.of(children.model)
    parent_ids = [key[0] for key in records]
    columns = (children.parent_column, *children.columns)
    current: dict[int, list[tuple]] = defaultdict(list)
    for row in await bulk.select_in(
        conn, children.model, columns, children.parent_column, parent_ids, order_by="id"
    ):
        values = tuple(table.normalize(c, row[c]) for c in children.columns)
        current[row[children.parent_column]].append(values)
    if not children.ordered:
        for values_list in current.values():
            values_list.sort()
    wanted = {key[0]: _child_rows(children, record) for key, record in records.items()}
    changed = [pid for pid in parent_ids if current.get(pid, []) != wanted[pid]]
    if not changed:
        return []
    await bulk.delete_in(
        conn, children.model, children.parent_column, [p for p in changed if p in current]
    )
    await bulk.insert(
        conn, children.model, columns, [(p, *row) for p in changed for row in wanted[p]]
    )
    return changed
