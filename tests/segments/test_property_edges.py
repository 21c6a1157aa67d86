"""Edge cases random generation rarely reaches: the SQL, the reference and a hand-computed
answer must all agree."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.segments import store_rows as rows
from tests.segments.strategies import CATEGORIES, GROUPS, PRODUCTS, STORES, WEBSITES, Scenario
from tests.segments.test_property import compiled_members, expected_members
from tests.segments.test_reference_evaluator import NOW, at, customer, leaf, only, order

ZERO = Decimal(0)


def store(**tables: Any) -> rows.StoreData:
    """Fixed reference tables; product 100 is in categories 10 and 11, the others in none."""
    return rows.StoreData(
        websites=list(WEBSITES),
        stores=list(STORES),
        groups=list(GROUPS),
        categories=list(CATEGORIES),
        products=list(PRODUCTS),
        product_categories=[rows.ProductCategory(1, 100, 10), rows.ProductCategory(2, 100, 11)],
        **tables,
    )


def item(id: int, order_id: int, product_id: int | None) -> rows.OrderItem:
    return rows.OrderItem(id, order_id, product_id, "X", "X", "simple", ZERO, ZERO, ZERO, ZERO)


NAMES = store(
    customers=[
        customer(1, firstname=" anna"),
        customer(2, firstname="anna"),
        customer(3, firstname="a\\b"),
        customer(4, firstname='o\'neil "%"'),
    ]
)
ITEMS_WITHOUT_CATEGORIES = store(
    customers=[customer(1), customer(2)],
    orders=[order(1, 1, "complete", "1"), order(2, 2, "complete", "1")],
    order_items=[item(1, 1, None), item(2, 2, 101)],
)
EMPTY_SHARED_WISHLIST = store(customers=[customer(1)], wishlists=[rows.Wishlist(1, 1, True)])
UNKNOWN_PRODUCT_VIEW = store(
    customers=[customer(1)], views=[rows.ProductView(1, 1, 999, None, at("2025-02-01"))]
)
LEAP_DAY_BIRTHDAY = store(customers=[customer(1, dob=date(2000, 2, 29))])  # now: 1 Mar 2025
DECIMAL_SUMS = store(
    customers=[customer(1)],
    orders=[order(1, 1, "complete", "0.1"), order(2, 1, "complete", "0.2")],
)
SAME_DAY_ORDERS = store(
    customers=[customer(1)],
    orders=[
        order(1, 1, "complete", "1", created_at=at("2025-02-01", "01:00:00")),
        order(2, 1, "closed", "1", created_at=at("2025-02-01", "23:00:00")),
    ],
)

Leaf = tuple[str, str, Any, set[int]]  # attribute (type.attribute), operator, value, members
CASES: dict[str, tuple[rows.StoreData, list[Leaf]]] = {
    "names": (
        NAMES,
        [
            ("firstname", "()", [" anna"], {1}),
            ("firstname", "()", " anna, bob", {2}),
            ("firstname", "==", " anna", {1}),
            ("firstname", "{}", "\\", {3}),
            ("firstname", "{}", "a\\B", {3}),
            ("firstname", "!{}", "'", {1, 2, 3}),
            ("firstname", "{}", '"%"', {4}),
        ],
    ),
    "items without categories": (
        ITEMS_WITHOUT_CATEGORIES,
        [
            ("order_items.category_id", "!=", 10, {1, 2}),
            ("order_items.category_id", "!()", [10], {1, 2}),
            ("order_items.category_id", "<", 100, set()),
            ("order_items.product_id", "!=", 5, {2}),
        ],
    ),
    "empty shared wishlist": (
        EMPTY_SHARED_WISHLIST,
        [
            ("product_wishlist.wishlist_shared", "==", 1, {1}),
            ("product_wishlist.wishlist_items_count", "==", 0, {1}),
            ("product_wishlist.days_since_added", ">=", 0, set()),
        ],
    ),
    "view of an unknown product": (
        UNKNOWN_PRODUCT_VIEW,
        [
            ("product_viewed.sku", "!=", "X", set()),
            ("product_viewed.category_id", "!=", 10, {1}),
            ("product_viewed.product_id", "==", 999, {1}),
        ],
    ),
    "leap day birthday": (
        LEAP_DAY_BIRTHDAY,
        [("days_until_birthday", "==", 364, {1}), ("days_until_birthday", "<", 364, set())],
    ),
    "decimal sums": (
        DECIMAL_SUMS,
        [
            ("customer_clv.lifetime_sales", "==", "0.3", {1}),
            ("customer_clv.lifetime_sales", "()", "0.3, 1", {1}),
            ("customer_clv.average_order_value", "==", "0.15", {1}),
            ("order_attributes.total_ordered_amount", "==", 0.3, {1}),
        ],
    ),
    "orders on one day": (
        SAME_DAY_ORDERS,
        [
            ("customer_timebased.order_frequency_days", "==", 0, {1}),
            ("customer_timebased.days_without_purchase", "==", 28, {1}),
        ],
    ),
}


@pytest.mark.parametrize("case", CASES)
async def test_sql_and_reference_agree_on_edge_cases(store_db, case: str) -> None:
    data, leaves = CASES[case]
    await rows.replace_store_data(data)
    for attribute, operator, value, expected in leaves:
        condition_type, _, name = attribute.rpartition(".")
        tree = only(leaf(condition_type or "customer_attributes", name, operator, value))
        scenario = Scenario(now=NOW, data=data, trees=[tree], website_ids=[1, 2], group_ids=[])
        assert expected_members(tree, scenario) == expected, tree
        assert await compiled_members(tree, scenario) == expected, tree
