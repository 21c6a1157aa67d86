"""Compiled SQL per attribute: product views and wishlists."""

from __future__ import annotations

from tests.segments.compiler_support import (
    Case,
    at,
    check_cases,
    four_customers,
    product,
    view,
    wishlist,
)

# NOW is 2024-06-15 12:00 UTC. Product 13 is not in the catalog (no sku, no categories).


async def _products() -> None:
    await four_customers()
    await product(10, "SKU-RED-2024", "Red Shirt", categories=[1, 2])
    await product(11, "SKU-Blue", "Blue Shirt", categories=[3])
    await product(12, "sku-green", "Green Hat")


VIEW_CASES = [
    Case("product_id", "==", 13, {2}),
    Case("product_id", "!=", 10, {1, 2, 3}),
    Case("product_id", "()", "10, 12", {1, 3}),
    # The viewed product's current sku and name.
    Case("sku", "==", "SKU-RED-2024", {1}),
    Case("sku", "!=", "SKU-RED-2024", {1, 3}),  # 2 viewed only an unknown product
    Case("product_name", "{}", "shirt", {1}),
    Case("product_name", "!{}", "shirt", {3}),
    Case("category_id", "==", 3, {1}),
    Case("category_id", "!=", 3, {1, 2, 3}),
    Case("category_id", "!()", "1, 3", {2, 3}),
    Case("view_count", "==", 2, {1}),
    Case("view_count", "==", 0, {4}),
    Case("view_count", "==", 1, {2, 3}),
    Case("view_count", "<", 2, {2, 3, 4}),
    Case("days_since_last_view", "==", 1, {1}),
    Case("days_since_last_view", "==", 0, {2}),
    Case("days_since_last_view", ">", 30, {3}),
    Case("days_since_last_view", "!=", 1, {2, 3}),
    Case("last_viewed_at", "==", "2024-06-14", {1}),
    Case("last_viewed_at", "<", "2024-06-14", {3}),
    Case("last_viewed_at", "!=", "2024-06-01", {1, 2, 3}),
]


async def test_product_viewed(db):
    await _products()
    await view(1, 10, at(2024, 6, 14, 10))
    await view(1, 11, at(2024, 6, 1))
    await view(2, 13, at(2024, 6, 15, 8))
    await view(3, 12, at(2024, 5, 1))
    await check_cases("product_viewed", VIEW_CASES)


WISHLIST_CASES = [
    Case("product_id", "==", 11, {1}),
    Case("product_id", ">=", 11, {1, 3}),
    Case("sku", "==", "SKU-RED-2024", {1}),
    Case("sku", "{}", "blue", {1}),
    Case("product_name", "==", "Blue Shirt", {1}),
    Case("category_id", "==", 3, {1}),
    Case("category_id", "!=", 1, {1, 3}),
    Case("category_id", "()", [1, 2], {1}),
    Case("wishlist_items_count", "==", 2, {1}),
    Case("wishlist_items_count", "==", 0, {2, 4}),
    Case("wishlist_items_count", "==", 1, {3}),
    Case("days_since_added", "==", 1, {1}),
    Case("days_since_added", ">=", 100, {3}),
    Case("days_since_added", "!=", 1, {3}),
    Case("added_at", "==", "2024-06-10", {1}),
    Case("added_at", "!=", "2024-06-10", {1, 3}),
    Case("added_at", ">", "2024-06-14", set()),
    Case("wishlist_shared", "==", 1, {1}),
    Case("wishlist_shared", "==", "0", {2, 3}),
    Case("wishlist_shared", "!=", True, {2, 3}),
    Case("wishlist_shared", "()", "0,1", {1, 2, 3}),
    Case("wishlist_shared", "!()", "0", {1}),
]


async def test_product_wishlist(db):
    await _products()
    await wishlist(1, 1, True, [(10, at(2024, 6, 10)), (11, at(2024, 6, 14, 12))])
    await wishlist(2, 2, False, [])
    await wishlist(3, 3, False, [(13, at(2024, 1, 1))])
    await check_cases("product_wishlist", WISHLIST_CASES)
