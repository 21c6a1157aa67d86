"""One coupon per automation message: generated once, reused by every retry of the send."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from models.coupons.orm import Coupon
from models.db import bind, dialect, numbered
from models.store.reference import SalesRule

# No 0/O or 1/I: codes are read off a screen and typed in by hand.
COUPON_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RANDOM_LENGTH = 8
DEFAULT_PREFIX = "SEQ"
# 32^8 codes: a collision is rare even with millions stored, so a few retries suffice and
# running out of them means something else is wrong.
MAX_CODE_ATTEMPTS = 10


class CouponCodeExhausted(RuntimeError):
    """No free coupon code found in MAX_CODE_ATTEMPTS tries."""


def new_coupon_code(prefix: str | None) -> str:
    """The prefix (upper-cased, default SEQ) and 8 random characters; nothing about the customer.

    Codes are all upper case so that an order's code, matched case-insensitively as Magento
    does, finds its coupon through the unique index (models/coupons/usage.py).
    """
    head = (prefix or DEFAULT_PREFIX).upper()
    return head + "".join(secrets.choice(COUPON_ALPHABET) for _ in range(RANDOM_LENGTH))


async def coupon_for_progress(
    conn: BaseDBAsyncClient,
    *,
    progress_id: int,
    rule: SalesRule,
    prefix: str | None,
    expires_days: int,
    customer_id: int,
    now: datetime,
) -> Coupon:
    """The coupon of one progress row: the one an earlier attempt generated, or a new one."""
    request = CouponRequest(progress_id, rule.id, prefix, expires_days, customer_id)
    return (await coupons_for_progress(conn, [request], now))[progress_id]


@dataclass(frozen=True)
class CouponRequest:
    """A coupon a progress row needs, from a rule already known to be usable."""

    progress_id: int
    rule_id: int
    prefix: str | None
    expires_days: int
    customer_id: int


async def coupons_for_progress(
    conn: BaseDBAsyncClient, requests: Sequence[CouponRequest], now: datetime
) -> dict[int, Coupon]:
    """The coupons of many progress rows at once (by progress id): those an earlier attempt
    generated, and new ones for the rest, written with one INSERT per round.

    A new code that is taken, or a row another worker generated for meanwhile, is skipped
    by the insert (`ON CONFLICT DO NOTHING`); the rows still without a coupon draw new
    codes in the next round.
    """
    wanted = {request.progress_id: request for request in requests}
    found: dict[int, Coupon] = {}
    for _ in range(MAX_CODE_ATTEMPTS + 1):
        missing = [pid for pid in wanted if pid not in found]
        if missing:
            rows = await Coupon.filter(progress_id__in=missing).using_db(conn)
            found.update({int(c.progress_id): c for c in rows if c.progress_id is not None})
        missing = [pid for pid in wanted if pid not in found]
        if not missing:
            return found
        await _insert_new(conn, [wanted[pid] for pid in missing], now)
    raise CouponCodeExhausted(f"no free coupon codes for {len(missing)} progress rows")


async def _insert_new(
    conn: BaseDBAsyncClient, requests: Sequence[CouponRequest], now: datetime
) -> None:
    params: list[object] = []
    values = []
    for request in requests:
        expiration = (
            now + timedelta(days=request.expires_days) if request.expires_days > 0 else None
        )
        row = (
            request.rule_id,
            new_coupon_code(request.prefix),
            expiration,
            now,
            request.customer_id,
            request.progress_id,
        )
        first = len(params) + 1
        params.extend(row)
        marks = numbered(len(row), first)
        values.append(f"({marks}, 1, 1, 0, {'true' if dialect(conn) == 'postgres' else '1'})")
    await conn.execute_query(
        bind(
            dialect(conn),
            "INSERT INTO coupon (rule_id, code, expiration_date, created_at, customer_id, "
            "progress_id, usage_limit, usage_per_customer, times_used, generated_by_automation) "
            f"VALUES {', '.join(values)} ON CONFLICT DO NOTHING",
        ),
        params,
    )
