"""The store, segments, template and sales rules the automation API tests start from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from models.segments.orm import Segment
from models.store.reference import CustomerGroup, SalesRule, Store, Website
from tests.automation.step_rows import welcome_rows
from tests.segments.store_rows import add_customers, customer_row

SECRET = "test-secret"
PUBLIC_URL = "https://shop.example.com/api"


@dataclass(frozen=True)
class Shop:
    segment_id: int
    other_segment_id: int


async def shop_rows() -> Shop:
    """Website 1 with store 1 "Example Store"; customers 1 Ann, 2 Bob (subscribed) and 3 Cat
    (unsubscribed); template 1 "welcome"; sales rules 5 (usable, 15% off) and 6 (inactive);
    segments "VIPs" (active, automation on) and "Others"."""
    await Website.create(id=1, code="base", name="Main Website")
    await Store.create(id=1, website_id=1, code="default", name="Example Store")
    await CustomerGroup.create(id=1, code="general")
    await add_customers(
        customer_row(1, firstname="Ann", lastname="Lee", email="ann@example.com", store_id=1),
        customer_row(2, firstname="Bob", email="bob@example.com", store_id=1),
        customer_row(3, firstname="Cat", email="cat@example.com", store_id=1),
    )
    await welcome_rows({1: 1, 2: 1, 3: 3})
    await SalesRule.create(
        id=6,
        name="Old rule",
        description=None,
        is_active=False,
        coupon_type="specific",
        use_auto_generation=True,
        simple_action="by_fixed",
        discount_amount=Decimal("10.5"),
    )
    vips = await Segment.create(
        name="VIPs", website_ids=[1], is_active=True, auto_email_active=True
    )
    others = await Segment.create(name="Others", website_ids=[1])
    return Shop(segment_id=vips.id, other_segment_id=others.id)


async def table(model: Any) -> list[dict[str, Any]]:
    """Every row of a table, by id: what a refused mutation must leave as it was."""
    return await model.all().order_by(model._meta.pk_attr).values()
