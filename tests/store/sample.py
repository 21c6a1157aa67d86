"""One record of every import type, and the rows they must produce."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def lines(*records: dict[str, Any] | str) -> list[bytes]:
    """NDJSON lines; a str is taken as a raw line (for malformed input)."""
    return [r.encode() if isinstance(r, str) else orjson.dumps(r) for r in records]


WEBSITE = {"type": "website", "id": 1, "code": "base", "name": "Main Website"}
STORE = {"type": "store", "id": 1, "website_id": 1, "code": "default", "name": "Default"}
GROUP = {"type": "customer_group", "id": 1, "code": "General"}
CUSTOMER = {
    "type": "customer",
    "id": 10,
    "website_id": 1,
    "store_id": 1,
    "group_id": 1,
    "email": "ada@example.com",
    "firstname": "Ada",
    "lastname": "Lovelace",
    "gender": "female",
    "dob": "1985-02-28",
    "created_at": "2024-01-02T10:00:00+02:00",
    "is_active": 1,
}
ADDRESS = {
    "type": "customer_address",
    "id": 100,
    "customer_id": 10,
    "firstname": "Ada",
    "lastname": "Lovelace",
    "company": None,
    "street": "1 Main St",
    "city": "London",
    "region": "Greater London",
    "postcode": "N1 9GU",
    "country_id": "GB",
    "telephone": "+44 20 0000",
}
SUBSCRIBER = {
    "type": "newsletter_subscriber",
    "customer_id": 10,
    "email": "ada@example.com",
    "subscriber_status": 1,
    "change_status_at": "2024-01-03 08:00:00",
}
CATEGORY = {"type": "category", "id": 5, "name": "Shoes", "parent_id": 2}
CATEGORY_2 = {"type": "category", "id": 6, "name": "Boots", "parent_id": 5}
PRODUCT = {
    "type": "product",
    "id": 7,
    "sku": "SH-1",
    "name": "Runner",
    "type_id": "simple",
    "price": "59.90",
    "category_ids": [6, 5, 5],
}
ORDER = {
    "type": "order",
    "id": 1000,
    "increment_id": "100000001",
    "customer_id": 10,
    "store_id": 1,
    "state": "complete",
    "status": "complete",
    "created_at": "2024-02-01T12:00:00Z",
    "updated_at": "2024-02-02T12:00:00Z",
    "grand_total": 129.8,
    "subtotal": "119.80",
    "tax_amount": 0,
    "shipping_amount": 10,
    "discount_amount": -0.5,
    "total_qty_ordered": 2,
    "order_currency_code": "EUR",
    "payment_method": "checkmo",
    "shipping_method": "flatrate_flatrate",
    "coupon_code": "WELCOME",
    "items": [
        {
            "product_id": 7,
            "sku": "SH-1",
            "name": "Runner",
            "product_type": "simple",
            "qty_ordered": 2,
            "price": 59.9,
            "row_total": 119.8,
            "discount_amount": 0.5,
        },
        {"sku": "GIFT", "qty_ordered": 1},
    ],
}
CREDITMEMO = {
    "type": "creditmemo",
    "id": 2000,
    "order_id": 1000,
    "grand_total": "59.90",
    "created_at": "2024-02-05T09:30:00Z",
}
QUOTE = {
    "type": "quote",
    "id": 3000,
    "customer_id": 10,
    "store_id": 1,
    "is_active": True,
    "created_at": "2024-03-01T10:00:00Z",
    "updated_at": "2024-03-01T11:00:00Z",
    "items_count": 1,
    "items_qty": 1,
    "base_subtotal": 59.9,
    "base_grand_total": 59.9,
    "applied_rule_ids": "1,3",
    "coupon_code": None,
    "items": [
        {
            "product_id": 7,
            "sku": "SH-1",
            "name": "Runner",
            "product_type": "simple",
            "qty": 1,
            "price": 59.9,
            "row_total": 59.9,
            "created_at": "2024-03-01T10:00:00Z",
        }
    ],
}
VIEW = {
    "type": "product_view",
    "customer_id": 10,
    "product_id": 7,
    "store_id": 1,
    "added_at": "2024-03-01T09:00:00Z",
}
WISHLIST = {
    "type": "wishlist",
    "id": 4000,
    "customer_id": 10,
    "shared": "1",
    "items": [{"product_id": 7, "added_at": "2024-03-02T09:00:00Z"}],
}
LOGIN = {"type": "customer_login", "customer_id": 10, "login_at": "2024-03-03T07:00:00Z"}
SALES_RULE = {
    "type": "sales_rule",
    "id": 1,
    "name": "Welcome",
    "description": "10% for new customers",
    "is_active": 1,
    "coupon_type": "specific",
    "use_auto_generation": True,
    "simple_action": "by_percent",
    "discount_amount": 10,
}
TEMPLATE = {
    "type": "newsletter_template",
    "id": 1,
    "code": "welcome",
    "subject": "Hello {{var customer_name}}",
    "text": "<p>Welcome</p>",
    "sender_name": "Shop",
    "sender_email": "shop@example.com",
}

# Children before parents on purpose: a batch writes parents first.
EVERY_TYPE: list[dict[str, Any]] = [
    LOGIN,
    WISHLIST,
    VIEW,
    QUOTE,
    CREDITMEMO,
    ORDER,
    SUBSCRIBER,
    ADDRESS,
    CUSTOMER,
    GROUP,
    STORE,
    WEBSITE,
    CATEGORY,
    CATEGORY_2,
    PRODUCT,
    SALES_RULE,
    TEMPLATE,
]

D = Decimal
EXPECTED_ROWS: dict[str, list[tuple]] = {
    "website": [(1, "base", "Main Website")],
    "store": [(1, 1, "default", "Default")],
    "customer_group": [(1, "General")],
    "customer": [
        (
            10,
            1,
            1,
            1,
            "ada@example.com",
            "Ada",
            "Lovelace",
            "female",
            date(1985, 2, 28),
            ts("2024-01-02T08:00:00+00:00"),
            True,
        )
    ],
    "customer_address": [
        (
            100,
            10,
            "Ada",
            "Lovelace",
            None,
            "1 Main St",
            "London",
            "Greater London",
            "N1 9GU",
            "GB",
            "+44 20 0000",
        )
    ],
    "newsletter_subscriber": [(10, "ada@example.com", 1, ts("2024-01-03T08:00:00+00:00"))],
    "category": [(5, "Shoes", 2), (6, "Boots", 5)],
    "product": [(7, "SH-1", "Runner", "simple", D("59.9"))],
    "product_category": [(7, 5), (7, 6)],
    "order": [
        (
            1000,
            "100000001",
            10,
            1,
            "complete",
            "complete",
            ts("2024-02-01T12:00:00+00:00"),
            ts("2024-02-02T12:00:00+00:00"),
            D("129.8"),
            D("119.8"),
            D(0),
            D(10),
            D("-0.5"),
            D(2),
            "EUR",
            "checkmo",
            "flatrate_flatrate",
            "WELCOME",
        )
    ],
    "order_item": [
        (1000, 7, "SH-1", "Runner", "simple", D(2), D("59.9"), D("119.8"), D("0.5")),
        (1000, None, "GIFT", None, None, D(1), D(0), D(0), D(0)),
    ],
    "creditmemo": [(2000, 1000, D("59.9"), ts("2024-02-05T09:30:00+00:00"))],
    "quote": [
        (
            3000,
            10,
            1,
            True,
            ts("2024-03-01T10:00:00+00:00"),
            ts("2024-03-01T11:00:00+00:00"),
            1,
            D(1),
            D("59.9"),
            D("59.9"),
            "1,3",
            None,
        )
    ],
    "quote_item": [
        (
            3000,
            7,
            "SH-1",
            "Runner",
            "simple",
            D(1),
            D("59.9"),
            D("59.9"),
            ts("2024-03-01T10:00:00+00:00"),
        )
    ],
    "product_view": [(10, 7, 1, ts("2024-03-01T09:00:00+00:00"))],
    "wishlist": [(4000, 10, True)],
    "wishlist_item": [(4000, 7, ts("2024-03-02T09:00:00+00:00"))],
    "customer_login": [(10, ts("2024-03-03T07:00:00+00:00"))],
    "sales_rule": [
        (1, "Welcome", "10% for new customers", True, "specific", True, "by_percent", D(10))
    ],
    "newsletter_template": [
        (1, "welcome", "Hello {{var customer_name}}", "<p>Welcome</p>", "Shop", "shop@example.com")
    ],
}
