"""Compiled SQL per attribute: lifetime value, order attributes and order items."""

from __future__ import annotations

from decimal import Decimal

from tests.segments.compiler_support import (
    Case,
    at,
    check_cases,
    creditmemo,
    four_customers,
    order,
    order_item,
    product,
)

# Customer 1: o1 complete 100.10 (refund 10.05), o2 processing 0.20, o3 canceled 500,
#             o4 closed 50 (fully refunded).
# Customer 2: o5 canceled 30 only.   Customer 3: no orders.
# Customer 4: o6 complete 0.10 (refund 0.10), o7 pending 0.20 (sums that are inexact as floats).


async def _orders() -> None:
    await four_customers()
    await order(
        1,
        1,
        state="complete",
        status="complete",
        grand_total=Decimal("100.10"),
        subtotal=Decimal("90"),
        tax_amount=Decimal("8.1"),
        shipping_amount=Decimal("5"),
        discount_amount=Decimal("-2.9"),
        total_qty_ordered=Decimal("3"),
        order_currency_code="EUR",
        payment_method="checkmo",
        shipping_method="flatrate_flatrate",
        created_at=at(2024, 6, 1, 10),
        updated_at=at(2024, 6, 2, 23, 59),
        store_id=1,
    )
    await order(
        2,
        1,
        state="processing",
        status="processing",
        grand_total=Decimal("0.20"),
        coupon_code="SUMMER10",
        order_currency_code="USD",
        created_at=at(2024, 6, 10),
    )
    await order(
        3,
        1,
        state="canceled",
        status="canceled",
        grand_total=Decimal("500"),
        order_currency_code="USD",
        created_at=at(2024, 6, 12),
    )
    await order(
        4,
        1,
        state="closed",
        status="closed",
        grand_total=Decimal("50"),
        order_currency_code="USD",
        created_at=at(2024, 5, 1),
    )
    await order(
        5,
        2,
        state="canceled",
        status="canceled",
        grand_total=Decimal("30"),
        store_id=2,
        coupon_code="WELCOME",
        order_currency_code="USD",
        payment_method="paypal",
        shipping_method="ups_ground",
        created_at=at(2024, 6, 14),
        updated_at=at(2024, 6, 14),
    )
    await order(
        6,
        4,
        state="complete",
        status="complete",
        grand_total=Decimal("0.10"),
        created_at=at(2024, 6, 15, 1),
    )
    await order(
        7,
        4,
        state="new",
        status="pending",
        grand_total=Decimal("0.20"),
        coupon_code="summer20",
        order_currency_code="USD",
        created_at=at(2024, 6, 13),
    )
    await order(8, None, state="complete", status="complete", grand_total=Decimal("999"))  # guest
    await creditmemo(1, 1, "10.05")
    await creditmemo(2, 4, "50")
    await creditmemo(3, 6, "0.10")


CLV_CASES = [
    # Sales (not canceled, not closed): 1 -> 100.30 over 2 orders, 4 -> 0.30 over 2 orders.
    Case("lifetime_sales", "==", "0.3", {4}),
    Case("lifetime_sales", ">", 100, {1}),
    Case("lifetime_sales", "==", 0, {2, 3}),
    Case("lifetime_sales", ">=", "100.3", {1}),
    Case("lifetime_sales", "()", "0.3, 100.3", {1, 4}),
    Case("lifetime_sales", "!()", [0], {1, 4}),
    Case("lifetime_sales", "!=", 0.3, {1, 2, 3}),
    Case("lifetime_sales", "<", "0.31", {2, 3, 4}),
    Case("lifetime_sales", "<=", 0, {2, 3}),
    Case("number_of_orders", "==", 0, {2, 3}),
    Case("number_of_orders", "==", "2", {1, 4}),
    Case("number_of_orders", ">", 1.5, {1, 4}),
    Case("number_of_orders", "!=", 2, {2, 3}),
    Case("number_of_orders", "()", "0", {2, 3}),
    Case("number_of_orders", "!()", "0, 1", {1, 4}),
    Case("number_of_orders", "<=", 2, {1, 2, 3, 4}),
    Case("average_order_value", "==", "50.15", {1}),
    Case("average_order_value", "==", "0.15", {4}),
    Case("average_order_value", "==", 0, {2, 3}),
    Case("average_order_value", ">", 50, {1}),
    Case("average_order_value", "<", 1, {2, 3, 4}),
    Case("average_order_value", "!=", 0, {1, 4}),
    Case("average_order_value", "()", "0.15, 50.15", {1, 4}),
    Case("average_order_value", "!()", ["0.15"], {1, 2, 3}),
    Case("average_order_value", ">=", "50.150", {1}),
    Case("average_order_value", "<=", "50.149", {2, 3, 4}),
    # Refunds of counted orders only: the closed order's memo is not counted.
    Case("lifetime_refunds", "==", "10.05", {1}),
    Case("lifetime_refunds", "==", 0, {2, 3}),
    Case("lifetime_refunds", "==", "0.1", {4}),
    Case("lifetime_refunds", ">", 0, {1, 4}),
    Case("lifetime_profit", "==", "90.25", {1}),
    Case("lifetime_profit", "==", "0.2", {4}),
    Case("lifetime_profit", "==", 0, {2, 3}),
    Case("lifetime_profit", "<", "0.2", {2, 3}),
    Case("lifetime_profit", "!=", "0.2", {1, 2, 3}),
]


async def test_customer_clv(db):
    await _orders()
    await check_cases("customer_clv", CLV_CASES)


ORDER_CASES = [
    # Per order, canceled orders included.
    Case("grand_total", "==", 500, {1}),
    Case("grand_total", "==", "30", {2}),
    Case("grand_total", ">", 100, {1}),
    Case("grand_total", "<", "0.15", {4}),
    Case("grand_total", "!=", "100.1", {1, 2, 4}),
    Case("grand_total", "()", [30, 0.2], {1, 2, 4}),
    Case("grand_total", "!()", "0.1, 0.2", {1, 2}),
    Case("subtotal", "==", 90, {1}),
    Case("tax_amount", ">=", "8.1", {1}),
    Case("shipping_amount", ">", 0, {1}),
    Case("discount_amount", "<", 0, {1}),
    Case("total_qty", "==", 3, {1}),
    Case("total_qty", "<", 3, {1, 2, 4}),
    Case("status", "==", "canceled", {1, 2}),
    Case("status", "!=", "complete", {1, 2, 4}),
    Case("status", "()", "pending, closed", {1, 4}),
    Case("status", "!()", ["complete", "processing", "canceled", "closed"], {4}),
    Case("store_id", "==", 2, {2}),
    Case("store_id", "!=", 2, {1}),
    Case("currency_code", "==", "EUR", {1}),
    Case("currency_code", "!=", "USD", {1}),  # 4's first order has no currency
    Case("currency_code", "()", "EUR", {1}),
    Case("payment_method", "==", "paypal", {2}),
    Case("payment_method", "!()", "paypal", {1}),
    Case("shipping_method", "!=", "ups_ground", {1}),
    Case("created_at", "==", "2024-06-12", {1}),
    Case("created_at", ">", "2024-06-13", {2, 4}),
    Case("created_at", "<", "2024-05-02", {1}),
    Case("updated_at", "==", "2024-06-02", {1}),
    Case("updated_at", "!=", "2024-06-02", {2}),
    Case("updated_at", "<=", "2024-06-01", set()),
    Case("coupon_code", "{}", "summer", {1, 4}),
    Case("coupon_code", "==", "SUMMER10", {1}),
    Case("coupon_code", "!{}", "summer", {2}),
    # Aggregates over orders not canceled (closed count): 1 -> o1, o2, o4; 4 -> o6, o7.
    Case("days_since_last_order", "==", 5, {1}),
    Case("days_since_last_order", "<", 6, {1, 4}),
    Case("days_since_last_order", "!=", 5, {4}),
    Case("days_since_last_order", ">=", 0, {1, 4}),
    Case("days_since_last_order", "!()", [0], {1}),
    Case("average_order_amount", "==", "50.1", {1}),
    Case("average_order_amount", ">", "50.09", {1}),
    Case("average_order_amount", "==", 0, {2, 3}),
    Case("average_order_amount", "==", "0.15", {4}),
    Case("total_ordered_amount", "==", "150.3", {1}),
    Case("total_ordered_amount", "==", "0.3", {4}),
    Case("total_ordered_amount", "==", 0, {2, 3}),
    Case("number_of_orders", "==", 3, {1}),
    Case("number_of_orders", "==", 0, {2, 3}),
    Case("number_of_orders", ">", 5, set()),
]


async def test_order_attributes(db):
    await _orders()
    await check_cases("order_attributes", ORDER_CASES)


async def _order_items() -> None:
    await _orders()
    await product(10, "SKU-RED-2024", "Red Shirt 2024", categories=[1, 2])
    await product(11, "SKU-Blue", "Blue Shirt", categories=[3])
    await product(12, "sku-green", "Green Hat")  # no categories
    await order_item(
        1,
        product_id=10,
        sku="SKU-Red",
        name="Red Shirt",
        product_type="simple",
        qty_ordered=Decimal("2"),
        row_total=Decimal("40"),
        discount_amount=Decimal("5"),
    )
    await order_item(3, product_id=11, sku="SKU-Blue", name="Blue Shirt", product_type="simple")
    await order_item(
        4, product_id=12, sku="sku-green", name="Green Hat", product_type="configurable"
    )
    await order_item(5, product_id=10, sku="SKU-Red", name="Red Shirt", product_type="simple")
    await order_item(6, product_id=None, sku="X-1", qty_ordered=Decimal("1"))


ORDER_ITEM_CASES = [
    # The item's recorded sku and name, not the product's current ones.
    Case("sku", "==", "SKU-Red", {1}),
    Case("sku", "==", "SKU-RED-2024", set()),
    Case("sku", "==", "SKU-Blue", set()),  # only on a canceled order
    Case("sku", "{}", "sku", {1}),
    Case("sku", "!{}", "sku", {4}),
    Case("product_name", "{}", "HAT", {1}),
    Case("product_name", "!=", "Red Shirt", {1}),  # 4's item has no name
    Case("product_type", "==", "configurable", {1}),
    Case("product_type", "!=", "simple", {1}),
    Case("product_type", "()", "simple,virtual", {1}),
    Case("product_type", "!()", ["simple", "configurable"], set()),
    Case("product_id", "==", 10, {1}),
    Case("product_id", "==", 11, set()),
    Case("product_id", "!=", 10, {1}),
    Case("product_id", ">", "11.5", {1}),
    Case("product_id", "()", "11, 12", {1}),
    # Categories: item 10 -> {1, 2}, item 12 -> {}, 4's item has no product -> {}.
    Case("category_id", "==", 1, {1}),
    Case("category_id", "==", 3, set()),
    Case("category_id", "!=", 1, {1, 4}),
    Case("category_id", "!()", "1,2", {1, 4}),
    Case("category_id", "()", [2], {1}),
    Case("category_id", ">", 1, {1}),
    Case("category_id", "<", 1, set()),
    Case("category_id", "==", 1.5, set()),
    Case("category_id", "!=", 1.5, {1, 4}),
    Case("qty_ordered", ">=", 2, {1}),
    Case("qty_ordered", "==", 0, {1}),
    Case("row_total", "==", 40, {1}),
    Case("discount_amount", ">", 0, {1}),
]


async def test_order_items(db):
    await _order_items()
    await check_cases("order_items", ORDER_ITEM_CASES)
