"""Orders redeeming automation coupons: each (coupon, order) counts one use, however often the
order is imported again (SEMANTICS §6).

Codes match case-insensitively, as in Magento, whose coupon lookup compares under MySQL's
case-insensitive collation. Automation codes are stored upper case (generation.py), so the
order's code is upper-cased (and trimmed) and found through the coupon's unique index.
Only automation coupons are counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from models.coupons.orm import Coupon
from models.db import dialect, transaction

# Codes looked up per query: far below either database's bound-parameter limit.
LOOKUP_CHUNK = 500

# Both insert every (coupon, order) pair in one statement and return only the new ones.
_INSERT_PG = """
INSERT INTO coupon_usage (coupon_id, order_id, used_at)
SELECT u.coupon_id, u.order_id, $3::timestamptz
FROM unnest($1::integer[], $2::integer[]) AS u(coupon_id, order_id)
ON CONFLICT (coupon_id, order_id) DO NOTHING
RETURNING coupon_id
"""
# `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
_INSERT_SQLITE = """
INSERT INTO coupon_usage (coupon_id, order_id, used_at)
SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), ? FROM json_each(?) WHERE true
ON CONFLICT (coupon_id, order_id) DO NOTHING
RETURNING coupon_id
"""


def normalize_code(code: str | None) -> str | None:
    """The form an order's coupon code is matched in, or None for no code."""
    if code is None:
        return None
    return code.strip().upper() or None


async def count_coupon_uses(
    orders: Iterable[tuple[int, str | None]],
    *,
    conn: BaseDBAsyncClient | None = None,
    now: datetime | None = None,
) -> int:
    """Record the uses of automation coupons by `orders` ((order id, coupon code) pairs) and
    add each new one to its coupon's `times_used`; returns how many were new.

    Pass the import's transaction as `conn` so the uses commit with the orders; without it
    the work runs in a transaction of its own.
    """
    wanted = {(order_id, code) for order_id, raw in orders if (code := normalize_code(raw))}
    if not wanted:
        return 0
    used_at = now or datetime.now(UTC)
    if conn is not None:
        return await _count(conn, wanted, used_at)
    async with transaction() as tx:
        return await _count(tx, wanted, used_at)


async def _count(conn: BaseDBAsyncClient, wanted: set[tuple[int, str]], used_at: datetime) -> int:
    coupon_ids = await _automation_coupon_ids(conn, {code for _, code in wanted})
    pairs = sorted(
        {(coupon_ids[code], order_id) for order_id, code in wanted if code in coupon_ids}
    )
    if not pairs:
        return 0
    new_uses = Counter(await _insert_new_usages(conn, pairs, used_at))
    # One UPDATE per distinct increment (nearly always 1: a coupon is used once).
    by_increment: dict[int, list[int]] = defaultdict(list)
    for coupon_id, uses in new_uses.items():
        by_increment[uses].append(coupon_id)
    for uses, ids in by_increment.items():
        await Coupon.filter(id__in=ids).using_db(conn).update(times_used=F("times_used") + uses)
    return sum(new_uses.values())


async def _automation_coupon_ids(conn: BaseDBAsyncClient, codes: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        rows = (
            await Coupon.filter(
                generated_by_automation=True, code__in=ordered[start : start + LOOKUP_CHUNK]
            )
            .using_db(conn)
            .values_list("code", "id")
        )
        found.update({code: coupon_id for code, coupon_id in rows})
    return found


async def _insert_new_usages(
    conn: BaseDBAsyncClient, pairs: list[tuple[int, int]], used_at: datetime
) -> list[int]:
    """Insert the (coupon id, order id) pairs not recorded yet; returns their coupon ids."""
    if dialect(conn) == "sqlite":
        rows = await conn.execute_query_dict(
            _INSERT_SQLITE, [used_at, orjson.dumps(pairs).decode()]
        )
    else:
        coupons, orders = [c for c, _ in pairs], [o for _, o in pairs]
        rows = await conn.execute_query_dict(_INSERT_PG, [coupons, orders, used_at])
    return [row["coupon_id"] for row in rows]
