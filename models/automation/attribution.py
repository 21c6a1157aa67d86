"""Orders attributed to the automation mails that brought them, in the order's import
transaction (issue 9; SEMANTICS §5).

An order is attributed to one sent progress row, once (`sequence_conversion.order_id` is
unique): the row whose coupon the order used, else the row of the customer's last click
within the attribution window before the order (last touch). A coupon wins over a click: it
names the mail outright, a click only precedes the order. Canceled orders are not attributed,
and an order canceled later loses its conversion. Each converting row keeps the first of its
orders (`converted_at`, `order_id`) and the sum of their grand totals (`revenue`),
recomputed from its conversions whenever one comes or goes.

A new conversion skips the customer's scheduled rows of the converting row's sequence (the
same segment and trigger) whose step has `stop_on_conversion`, with the order in the reason.

Per batch of orders this is a fixed number of statements whatever its size: one lookup of
the batch's conversions, one of the rows whose coupons the batch used, one of the batch
customers' clicked rows, and the writes only when something was attributed or withdrawn
(every lookup goes through an index: a batch costs the same in a table of millions).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient

from models.automation.conversions import ConversionSource, SequenceConversion
from models.automation.settings import automation_settings
from models.coupons.usage import normalize_code
from models.db import Dialect, as_datetime, bind, dialect
from models.store import bulk

CANCELED_STATE = "canceled"
CONVERTED_REASON = "converted: order {order}"
# (progress id, segment id) of a row whose conversion or status changed.
ProgressChange = tuple[int, int]


@dataclass(frozen=True)
class OrderFacts:
    """What attribution reads of an order as written."""

    id: int
    increment_id: str | None
    customer_id: int | None
    state: str
    created_at: datetime
    grand_total: Decimal
    coupon_code: str | None

    @property
    def canceled(self) -> bool:
        return self.state == CANCELED_STATE

    @property
    def label(self) -> str:
        """How the skip reason names the order: its increment id, else its id."""
        return self.increment_id or str(self.id)


@dataclass(frozen=True)
class _Touch:
    """A sent row an order may be attributed to."""

    progress_id: int
    customer_id: int
    segment_id: int
    sequence_id: int
    trigger_type: str
    at: datetime


def _id_list(kind: Dialect, column: str, n: int) -> str:
    """`column` is one of a list bound as one parameter (`$n`), whatever its length."""
    if kind == "sqlite":
        return f"{column} IN (SELECT value FROM json_each(${n}))"
    return f"{column} = ANY(${n}::bigint[])"


def _ids(kind: Dialect, ids: Collection[int]) -> Any:
    ordered = sorted(ids)
    return orjson.dumps(ordered).decode() if kind == "sqlite" else ordered


async def attribute_orders(
    conn: BaseDBAsyncClient, orders: Sequence[OrderFacts], *, now: datetime
) -> set[ProgressChange]:
    """Attribute the batch's orders (the last record per order, as written), withdraw the
    conversions of those now canceled, and skip what stops on conversion; returns the rows
    changed."""
    if not orders:
        return set()
    kind = dialect(conn)
    existing = {
        int(row["order_id"]): row
        for row in await bulk.select_in(
            conn,
            SequenceConversion,
            ("order_id", "progress_id", "segment_id", "grand_total", "converted_at"),
            "order_id",
            [o.id for o in orders],
        )
    }
    withdrawn = await _withdraw_canceled(conn, orders, existing)
    followed = await _follow_changed_orders(conn, orders, existing)
    changes: set[ProgressChange] = {
        (int(row["progress_id"]), int(row["segment_id"])) for row in [*withdrawn, *followed]
    }

    fresh = [o for o in orders if not o.canceled and o.id not in existing]
    attributed = await _attribute(conn, kind, fresh)
    if attributed:
        await SequenceConversion.bulk_create(
            [
                SequenceConversion(
                    order_id=order.id,
                    progress_id=touch.progress_id,
                    sequence_id=touch.sequence_id,
                    segment_id=touch.segment_id,
                    customer_id=touch.customer_id,
                    grand_total=order.grand_total,
                    source=source,
                    converted_at=order.created_at,
                )
                for order, touch, source in attributed
            ],
            ignore_conflicts=True,
            using_db=conn,
        )
        changes |= {(touch.progress_id, touch.segment_id) for _, touch, _ in attributed}
    # The rows whose conversions changed; the rows skipped below only change status.
    touched = {progress_id for progress_id, _ in changes}
    if touched:
        await _recompute_progress(conn, kind, touched, now)
    if attributed:
        changes |= await _skip_remaining(conn, kind, attributed, now)
    return changes


async def _withdraw_canceled(
    conn: BaseDBAsyncClient, orders: Sequence[OrderFacts], existing: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Delete the conversions of the orders now canceled; returns the deleted ones."""
    withdrawn = [o.id for o in orders if o.canceled and o.id in existing]
    if withdrawn:
        await SequenceConversion.filter(order_id__in=withdrawn).using_db(conn).delete()
    return [existing[order_id] for order_id in withdrawn]


async def _follow_changed_orders(
    conn: BaseDBAsyncClient, orders: Sequence[OrderFacts], existing: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Carry a changed grand total or creation time of an attributed order over to its
    conversion (which stays with its row); returns the conversions changed.

    One statement per changed order: a re-import of unchanged orders writes nothing, and
    orders changing after their conversion are few.
    """
    changed = []
    for order in orders:
        row = existing.get(order.id)
        if row is None or order.canceled:
            continue
        total = Decimal(str(row["grand_total"]))
        if total == order.grand_total and _same_moment(row["converted_at"], order.created_at):
            continue
        await (
            SequenceConversion.filter(order_id=order.id)
            .using_db(conn)
            .update(grand_total=order.grand_total, converted_at=order.created_at)
        )
        changed.append(row)
    return changed


def _same_moment(stored: datetime | str, created_at: datetime) -> bool:
    return as_datetime(stored) == created_at


async def _attribute(
    conn: BaseDBAsyncClient, kind: Dialect, orders: Sequence[OrderFacts]
) -> list[tuple[OrderFacts, _Touch, ConversionSource]]:
    """The touch each order is attributed to (coupon first, else the last click)."""
    by_code = await _coupon_touches(conn, kind, orders)
    clicks = await _click_touches(conn, kind, orders)
    attributed = []
    for order in orders:
        code = normalize_code(order.coupon_code)
        if code is not None and code in by_code:
            attributed.append((order, by_code[code], ConversionSource.COUPON))
            continue
        touch = _last_click(clicks, order)
        if touch is not None:
            attributed.append((order, touch, ConversionSource.CLICK))
    return attributed


def _last_click(clicks: _Clicks, order: OrderFacts) -> _Touch | None:
    if order.customer_id is None:
        return None
    window_start = order.created_at - clicks.window
    best: _Touch | None = None
    for touch in clicks.by_customer.get(order.customer_id, ()):
        if window_start <= touch.at <= order.created_at and (
            best is None or (touch.at, touch.progress_id) > (best.at, best.progress_id)
        ):
            best = touch
    return best


@dataclass(frozen=True)
class _Clicks:
    """Clicked sent rows per customer, and the window they were read for."""

    by_customer: dict[int, list[_Touch]]
    window: timedelta


_TOUCH_COLUMNS = "id, customer_id, segment_id, sequence_id, trigger_type"


def _touch(row: dict[str, Any], at: datetime | str) -> _Touch:
    at = as_datetime(at)
    return _Touch(
        int(row["id"]),
        int(row["customer_id"]),
        int(row["segment_id"]),
        int(row["sequence_id"]),
        str(row["trigger_type"]),
        at,
    )


async def _coupon_touches(
    conn: BaseDBAsyncClient, kind: Dialect, orders: Iterable[OrderFacts]
) -> dict[str, _Touch]:
    """The sent row of each coupon code the orders used (the latest if a code repeats)."""
    codes = sorted({c for o in orders if (c := normalize_code(o.coupon_code))})
    if not codes:
        return {}
    where = (
        "coupon_code IN (SELECT value FROM json_each($1))"
        if kind == "sqlite"
        else "coupon_code = ANY($1::text[])"
    )
    rows = await conn.execute_query_dict(
        bind(
            kind,
            f"SELECT {_TOUCH_COLUMNS}, coupon_code, sent_at FROM sequence_progress "
            f"WHERE {where} AND status = 'sent' ORDER BY id",
        ),
        [orjson.dumps(codes).decode() if kind == "sqlite" else codes],
    )
    return {row["coupon_code"]: _touch(row, row["sent_at"]) for row in rows}


async def _click_touches(
    conn: BaseDBAsyncClient, kind: Dialect, orders: Sequence[OrderFacts]
) -> _Clicks:
    """The orders' customers' sent rows clicked within the window before their first order."""
    customers = {o.customer_id for o in orders if o.customer_id is not None}
    if not customers:
        return _Clicks({}, timedelta(0))
    days = (await automation_settings(conn)).attribution_window_days
    since = min(o.created_at for o in orders) - timedelta(days=days)
    at = "$2" if kind == "sqlite" else "$2::timestamptz"
    rows = await conn.execute_query_dict(
        bind(
            kind,
            f"SELECT {_TOUCH_COLUMNS}, clicked_at FROM sequence_progress "
            f"WHERE {_id_list(kind, 'customer_id', 1)} AND status = 'sent' "
            f"AND clicked_at IS NOT NULL AND clicked_at >= {at}",
        ),
        [_ids(kind, customers), since],
    )
    by_customer: dict[int, list[_Touch]] = {}
    for row in rows:
        touch = _touch(row, row["clicked_at"])
        by_customer.setdefault(touch.customer_id, []).append(touch)
    return _Clicks(by_customer, timedelta(days=days))


# The stopping rows: scheduled rows of the converted customers whose step stops on
# conversion, found through the (customer_id, segment_id) index; the sequence (segment and
# trigger) is matched in Python.
_STOPPING = """
SELECT p.id, p.customer_id, p.segment_id, p.trigger_type FROM sequence_progress p
WHERE p.status = 'scheduled' AND {customers}
    AND EXISTS (SELECT 1 FROM email_sequence s WHERE s.id = p.sequence_id AND s.stop_on_conversion)
"""
# Then each is skipped by its primary key with its own reason: `v` lists (id, order label).
_SKIP_PG = """
UPDATE sequence_progress p
SET status = 'skipped', last_error = $1 || v.label, updated_at = $2::timestamptz
FROM unnest($3::bigint[], $4::text[]) AS v(id, label)
WHERE p.id = v.id AND p.status = 'scheduled'
RETURNING p.id, p.segment_id
"""
# SQLite plans an UPDATE ... FROM json_each as a scan per row: one statement per row,
# run as one executemany in process, is a primary-key lookup each.
_SKIP_SQLITE = (
    "UPDATE sequence_progress SET status = 'skipped', last_error = ?, updated_at = ? "
    "WHERE id = ? AND status = 'scheduled'"
)


async def _skip_remaining(
    conn: BaseDBAsyncClient,
    kind: Dialect,
    attributed: Sequence[tuple[OrderFacts, _Touch, ConversionSource]],
    now: datetime,
) -> set[ProgressChange]:
    """Skip the scheduled rows that stop on the new conversions: two statements."""
    # One order per converted sequence: the earliest, whose number the reason names.
    first: dict[tuple[int, int, str], OrderFacts] = {}
    for order, touch, _ in attributed:
        key = (touch.customer_id, touch.segment_id, touch.trigger_type)
        if key not in first or (order.created_at, order.id) < (
            first[key].created_at,
            first[key].id,
        ):
            first[key] = order
    customers = {customer for customer, _, _ in first}
    rows = await conn.execute_query_dict(
        bind(kind, _STOPPING.format(customers=_id_list(kind, "p.customer_id", 1))),
        [_ids(kind, customers)],
    )
    skips: list[tuple[int, int, str]] = []
    for row in rows:
        key = (int(row["customer_id"]), int(row["segment_id"]), str(row["trigger_type"]))
        converting = first.get(key)
        if converting is not None:
            skips.append((int(row["id"]), int(row["segment_id"]), converting.label))
    if not skips:
        return set()
    skips.sort()
    if kind == "sqlite":
        # One writer at a time: the rows read above are still scheduled.
        reasons = [[CONVERTED_REASON.format(order=label), now, i] for i, _, label in skips]
        await conn.execute_many(_SKIP_SQLITE, reasons)
        return {(i, segment_id) for i, segment_id, _ in skips}
    prefix = CONVERTED_REASON.format(order="")
    ids, labels = [i for i, _, _ in skips], [label for _, _, label in skips]
    done = await conn.execute_query_dict(_SKIP_PG, [prefix, now, ids, labels])
    return {(int(row["id"]), int(row["segment_id"])) for row in done}


async def _recompute_progress(
    conn: BaseDBAsyncClient, kind: Dialect, progress_ids: Collection[int], now: datetime
) -> None:
    """Set the rows' conversion columns from their conversions (NULL when none are left)."""
    first = (
        "SELECT {column} FROM sequence_conversion c WHERE c.progress_id = sequence_progress.id "
        "ORDER BY c.converted_at, c.order_id LIMIT 1"
    )
    at = "$1" if kind == "sqlite" else "$1::timestamptz"
    await conn.execute_query(
        bind(
            kind,
            f"UPDATE sequence_progress SET "
            f"converted_at = ({first.format(column='c.converted_at')}), "
            f"order_id = ({first.format(column='c.order_id')}), "
            "revenue = (SELECT SUM(c.grand_total) FROM sequence_conversion c "
            "WHERE c.progress_id = sequence_progress.id), "
            f"updated_at = {at} WHERE {_id_list(kind, 'id', 2)}",
        ),
        [now, _ids(kind, progress_ids)],
    )
