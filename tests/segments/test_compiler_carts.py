"""Compiled SQL per attribute: cart attributes and cart items (active carts only)."""

from __future__ import annotations

from decimal import Decimal

from tests.segments.compiler_support import (
    Case,
    at,
    check_cases,
    four_customers,
    product,
    quote,
    quote_item,
)

# NOW is 2024-06-15 12:00 UTC.
# Customer 1: active cart q1 (created 09:30 today, updated 11:00) and an old inactive q2.
# Customer 2: inactive cart q3 only.   Customer 3: no cart.
# Customer 4: active cart q4 created yesterday 12:00, never updated.


async def _carts() -> None:
    await four_customers()
    await quote(
        1,
        1,
        items_count=2,
        items_qty=Decimal("3"),
        base_subtotal=Decimal("99.5"),
        base_grand_total=Decimal("110"),
        created_at=at(2024, 6, 15, 9, 30),
        updated_at=at(2024, 6, 15, 11),
        applied_rule_ids="1,3",
        coupon_code="SAVE",
        store_id=1,
    )
    await quote(2, 1, is_active=False, items_count=9, created_at=at(2024, 1, 1), store_id=2)
    await quote(3, 2, is_active=False, items_count=5, created_at=at(2024, 6, 15))
    await quote(4, 4, items_count=0, created_at=at(2024, 6, 14, 12), store_id=2)


CART_CASES = [
    Case("items_count", "==", 2, {1}),
    Case("items_count", "==", 9, set()),  # inactive cart
    Case("items_count", "==", 0, {4}),
    Case("items_count", ">", "1.5", {1}),
    Case("items_count", "!=", 2, {4}),
    Case("items_count", "()", "0, 5", {4}),
    Case("items_qty", "==", 3, {1}),
    Case("base_subtotal", "<", 100, {1, 4}),
    Case("base_subtotal", "==", "99.50", {1}),
    Case("base_grand_total", ">=", 110, {1}),
    Case("created_at", "==", "2024-06-15", {1}),
    Case("created_at", "==", "2024-01-01", set()),
    Case("created_at", "<", "2024-06-15", {4}),
    Case("updated_at", "==", "2024-06-15", {1}),
    Case("updated_at", "!=", "2024-06-15", set()),  # 4 was never updated
    # Whole hours: q1 created 2.5 h ago, updated 1 h ago; q4 created 24 h ago.
    Case("hours_since_created", "==", 2, {1}),
    Case("hours_since_created", ">=", 24, {4}),
    Case("hours_since_created", "==", 24, {4}),
    Case("hours_since_created", "<", 24, {1}),
    Case("hours_since_created", "<=", "2.5", {1}),
    Case("hours_since_created", "!()", "2", {4}),
    Case("hours_since_updated", ">=", 1, {1}),
    Case("hours_since_updated", "<", 1, set()),
    Case("hours_since_updated", "!=", 1, set()),
    # Status reads every cart, active or not.
    Case("is_active", "==", 1, {1, 4}),
    Case("is_active", "==", "0", {1, 2}),
    Case("is_active", "==", False, {1, 2}),
    Case("is_active", "!=", "1", {1, 2}),
    Case("is_active", "()", "0,1", {1, 2, 4}),
    Case("is_active", "!()", [1], {1, 2}),
    Case("store_id", "==", 2, {4}),
    Case("store_id", "!=", 2, {1}),
    Case("applied_rule_ids", "{}", "3", {1}),
    Case("applied_rule_ids", "==", "1,3", {1}),
    Case("coupon_code", "==", "SAVE", {1}),
    Case("coupon_code", "!{}", "x", {1}),
]


async def test_cart_attributes(db):
    await _carts()
    await check_cases("cart_attributes", CART_CASES)


async def _cart_items() -> None:
    await _carts()
    await product(10, "SKU-RED-2024", "Red Shirt 2024", categories=[1, 2])
    await product(11, "SKU-Blue", "Blue Shirt", categories=[3])
    await quote_item(
        1,
        product_id=10,
        sku="SKU-Red",
        name="Red Shirt",
        product_type="simple",
        qty=Decimal("1"),
        price=Decimal("20"),
        row_total=Decimal("20"),
        created_at=at(2024, 6, 15, 9, 30),
    )
    await quote_item(
        1,
        product_id=11,
        sku="SKU-Blue",
        name="Blue Shirt",
        product_type="simple",
        qty=Decimal("2"),
        price=Decimal("39.75"),
        row_total=Decimal("79.5"),
        created_at=at(2024, 6, 14, 23, 59),
    )
    await quote_item(2, product_id=12, sku="OLD", name="Old Thing", product_type="bundle")
    await quote_item(3, product_id=10, sku="SKU-Red", name="Red Shirt", product_type="simple")
    await quote_item(4, product_id=11, sku="SKU-Blue", name="Blue Shirt", product_type="virtual")


CART_ITEM_CASES = [
    Case("product_id", "==", 11, {1, 4}),
    Case("product_id", "==", 12, set()),  # inactive cart
    Case("product_id", "!=", 11, {1}),
    Case("sku", "{}", "red", {1}),
    Case("sku", "==", "SKU-RED-2024", set()),  # items keep the sku they recorded
    Case("product_name", "==", "Blue Shirt", {1, 4}),
    Case("product_type", "==", "virtual", {4}),
    Case("product_type", "!()", "simple", {4}),
    Case("product_type", "==", "bundle", set()),
    Case("category_id", "==", 3, {1, 4}),
    Case("category_id", "!=", 3, {1}),
    Case("category_id", "()", "1, 2", {1}),
    Case("qty", ">", 1, {1}),
    Case("price", "==", "39.75", {1}),
    Case("row_total", "<", 50, {1, 4}),
    Case("created_at", "==", "2024-06-15", {1}),
    Case("created_at", "==", "2024-06-14", {1}),
    Case("created_at", "!=", "2024-06-14", {1}),  # 4's item has no date
]


async def test_cart_items(db):
    await _cart_items()
    await check_cases("cart_items", CART_ITEM_CASES)
