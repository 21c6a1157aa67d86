"""Sales rules and coupons as the coupon and automation tests store them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from models.coupons.orm import Coupon
from models.store.reference import SalesRule
from tests.conftest import Db

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
WAIT_SECONDS = 10.0


async def sales_rule(rule_id: int, **fields: Any) -> SalesRule:
    """A rule automation can generate coupons from (active, specific, auto-generation on),
    10% off, named Rule <id>; `fields` override any of these."""
    values: dict[str, Any] = {
        "name": f"Rule {rule_id}",
        "description": f"Rule {rule_id} description",
        "is_active": True,
        "coupon_type": "specific",
        "use_auto_generation": True,
        "simple_action": "by_percent",
        "discount_amount": Decimal(10),
    }
    values.update(fields)
    return await SalesRule.create(id=rule_id, **values)


async def coupon(code: str, rule_id: int = 1, **fields: Any) -> Coupon:
    """An unused automation coupon without expiry; `fields` override any column."""
    values: dict[str, Any] = {"generated_by_automation": True, "times_used": 0}
    values.update(fields)
    return await Coupon.create(code=code, rule_id=rule_id, **values)


async def coupon_rows() -> list[dict[str, Any]]:
    """Every coupon's columns except created_at, by id."""
    rows = await Coupon.all().order_by("id").values()
    return [{k: v for k, v in row.items() if k != "created_at"} for row in rows]


async def wait_until_waiting_for_lock(db: Db, statement_start: str, task: Any) -> None:
    """Return once a PostgreSQL session waits for a row lock in a statement starting with
    `statement_start`; fails if `task` finishes first or nobody waits within WAIT_SECONDS."""
    conn = await asyncpg.connect(db.url)
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            while True:
                rows = await conn.fetch(
                    "SELECT query FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if any(r["query"].lstrip().startswith(statement_start) for r in rows):
                    return
                if task.done():
                    pytest.fail(f"finished without waiting in {statement_start!r}")
                # pg_stat_activity is the only place a lock wait shows: poll it.
                await asyncio.sleep(0.01)
    finally:
        await conn.close()
