"""The reference evaluator itself, on small hand-computed cases from SEMANTICS.md §2-§3."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from tests.segments import store_rows as rows
from tests.segments.reference_evaluator import matching_customer_ids
from tests.segments.reference_readings import days_until_birthday
from tests.segments.trees import leaf, root

NOW = datetime(2025, 3, 1, 0, 30, tzinfo=UTC)


def at(day: str, clock: str = "12:00:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}+00:00")


def customer(id: int, **fields: Any) -> rows.Customer:
    """rows.customer_row's customer, but of store 1 and registered 2025-01-01 by default."""
    return rows.customer_row(id, **{"store_id": 1, "created_at": at("2025-01-01"), **fields})


def order(id: int, customer_id: int | None, state: str, total: str, **fields: Any) -> rows.Order:
    zero = Decimal(0)
    base = rows.Order(
        id=id,
        customer_id=customer_id,
        store_id=1,
        state=state,
        status=state,
        created_at=at("2025-02-01"),
        updated_at=None,
        grand_total=Decimal(total),
        subtotal=zero,
        tax_amount=zero,
        shipping_amount=zero,
        discount_amount=zero,
        total_qty_ordered=zero,
        order_currency_code=None,
        payment_method=None,
        shipping_method=None,
        coupon_code=None,
    )
    return replace(base, **fields)


def members(tree: dict[str, Any], data: rows.StoreData, **scope: Any) -> set[int]:
    scope.setdefault("website_ids", [1])
    return matching_customer_ids(tree, data, now=NOW, **scope)


def only(condition: dict[str, Any]) -> dict[str, Any]:
    return root(condition)


# Customer 1 is "anna", customer 2 is "bob"; TRUE_FOR_1 holds only for customer 1.
TWO = rows.StoreData(customers=[customer(1, firstname="anna"), customer(2, firstname="bob")])
IS_ANNA = leaf("customer_attributes", "firstname", "==", "anna")
IS_BOB = leaf("customer_attributes", "firstname", "==", "bob")


@pytest.mark.parametrize(
    ("aggregator", "value", "expected"),
    [
        ("all", True, set()),  # anna AND bob
        ("any", True, {1, 2}),  # anna OR bob
        ("all", False, set()),  # NOT anna AND NOT bob
        ("any", False, {1, 2}),  # NOT anna OR NOT bob
    ],
)
def test_group_aggregators(aggregator: str, value: bool, expected: set[int]) -> None:
    assert members(root(IS_ANNA, IS_BOB, aggregator=aggregator, value=value), TWO) == expected


def test_all_false_is_none_of_the_children() -> None:
    assert members(root(IS_ANNA, value=False), TWO) == {2}
    assert members(root(IS_ANNA, IS_ANNA, aggregator="any", value=False), TWO) == {2}


def test_group_value_strings_missing_value_and_long_names() -> None:
    long_leaf = {**IS_ANNA, "type": "customersegmentation/segment_condition_customer_attributes"}
    tree = {"type": "customersegmentation/segment_condition_combine", "aggregator": "all"}
    assert members({**tree, "conditions": [long_leaf]}, TWO) == {1}
    assert members({**tree, "value": "0", "conditions": [IS_ANNA]}, TWO) == {2}
    assert members({**tree, "value": "1", "conditions": [IS_ANNA]}, TWO) == {1}


def test_empty_groups_are_removed_wherever_they_stand() -> None:
    empty = root()
    nested_empty = root(root(), empty, aggregator="any", value=False)
    assert members(root(), TWO) == {1, 2}
    assert members(root(nested_empty, value=False), TWO) == {1, 2}
    # An empty child makes no `any` true and no `all` false.
    assert members(root(IS_ANNA, empty, aggregator="any"), TWO) == {1}
    assert members(root(IS_ANNA, nested_empty, value=False), TWO) == {2}


def test_scope_active_websites_groups_and_customer_ids() -> None:
    data = rows.StoreData(
        customers=[
            customer(1),
            customer(2, is_active=False),
            customer(3, website_id=2),
            customer(4, group_id=2),
        ]
    )
    empty = root()
    assert members(empty, data) == {1, 4}
    assert members(empty, data, website_ids=[1, 2]) == {1, 3, 4}
    assert members(empty, data, website_ids=[1, 2], group_ids=[2]) == {4}
    assert members(empty, data, website_ids=[1, 2], customer_ids=[2, 3]) == {3}


def test_a_missing_customer_value_matches_nothing_but_its_negation_does() -> None:
    data = rows.StoreData(customers=[customer(1, dob=date(1990, 5, 4)), customer(2)])
    equal = leaf("customer_attributes", "dob", "==", "1990-05-04")
    other = leaf("customer_attributes", "dob", "!=", "1990-05-04")
    assert members(only(equal), data) == {1}
    assert members(only(other), data) == set()
    assert members(root(equal, value=False), data) == {2}
    assert members(root(other, value=False), data) == {1, 2}


def test_row_level_leaves_need_a_row_and_a_non_null_field() -> None:
    address = rows.CustomerAddress(
        id=1, customer_id=1, firstname=None, lastname=None, company=None, street="Main 1",
        city="Berlin", region=None, postcode=None, country_id="DE", telephone=None,
    )  # fmt: skip
    data = rows.StoreData(customers=[customer(1), customer(2)], addresses=[address])
    assert members(only(leaf("customer_address", "city", "!=", "Paris")), data) == {1}
    assert members(only(leaf("customer_address", "company", "!{}", "x")), data) == set()
    assert members(only(leaf("customer_address", "company", "!=", "x")), data) == set()
    assert members(only(leaf("customer_address", "country_id", "!()", "FR, IT")), data) == {1}


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("==", "Ann%", {2}),
        ("!=", "Ann%", {1, 3}),
        ("{}", "NN", {1, 2}),
        ("{}", "%", {2}),
        ("{}", "n_", set()),
        ("!{}", "%", {1, 3}),
        ("()", "anna,  Ann%  ", {1, 2}),
        ("()", ["anna", "zed"], {1}),
        ("!()", "anna", {2, 3}),
        (">", "Ann%", {1, 3}),  # "a" and "b" sort after "A"
        ("<=", "Ann%", {2}),
        ("<", "b", {1, 2}),
    ],
)
def test_string_operators(operator: str, value: Any, expected: set[int]) -> None:
    data = rows.StoreData(
        customers=[
            customer(1, firstname="anna"),
            customer(2, firstname="Ann%"),
            customer(3, firstname="bob"),
            customer(4),
        ]
    )
    assert members(only(leaf("customer_attributes", "firstname", operator, value)), data) == (
        expected
    )


def test_dates_compare_the_utc_calendar_day() -> None:
    late = datetime(2025, 1, 2, 1, 0, tzinfo=timezone(timedelta(hours=2)))  # 1 Jan 23:00 UTC
    data = rows.StoreData(
        customers=[
            customer(1, created_at=at("2025-01-01", "23:59:59")),
            customer(2, created_at=late),
            customer(3, created_at=at("2025-01-02", "00:00:00")),
        ]
    )
    created = "customer_attributes", "created_at"
    assert members(only(leaf(*created, "==", "2025-01-01")), data) == {1, 2}
    assert members(only(leaf(*created, "<=", "2025-01-01")), data) == {1, 2}
    assert members(only(leaf(*created, ">", "2025-01-01")), data) == {3}
    assert members(only(leaf(*created, "!=", "2025-01-02")), data) == {1, 2}


def test_days_and_hours_since() -> None:
    # NOW is 1 March 00:30: yesterday 23:59 is 1 calendar day ago but 0 hours of a day.
    data = rows.StoreData(
        customers=[
            customer(1, created_at=at("2025-02-28", "23:59:00")),
            customer(2, created_at=at("2025-03-01", "00:00:00")),
        ],
        quotes=[
            rows.Quote(1, 1, 1, True, NOW - timedelta(hours=2, minutes=59), None, 0,
                       Decimal(0), Decimal(0), Decimal(0), None, None),
            rows.Quote(2, 2, 1, True, NOW - timedelta(hours=3), NOW, 0,
                       Decimal(0), Decimal(0), Decimal(0), None, None),
        ],
    )  # fmt: skip
    assert members(only(leaf("customer_attributes", "days_since_registration", "==", 1)), data) == {
        1
    }
    assert members(only(leaf("cart_attributes", "hours_since_created", "==", "2")), data) == {1}
    assert members(only(leaf("cart_attributes", "hours_since_created", ">=", 3)), data) == {2}
    assert members(only(leaf("cart_attributes", "hours_since_updated", "<", 1)), data) == {2}


@pytest.mark.parametrize(
    ("dob", "today", "days"),
    [
        (date(2000, 2, 29), date(2025, 2, 28), 0),
        (date(2000, 2, 29), date(2025, 3, 1), 364),  # next: 28 Feb 2026
        (date(2000, 2, 29), date(2024, 2, 28), 1),
        (date(2000, 2, 29), date(2024, 3, 1), 364),  # next: 28 Feb 2025
        (date(1990, 1, 1), date(2024, 12, 31), 1),
        (date(1990, 12, 31), date(2025, 1, 1), 364),
        (date(1990, 5, 4), date(2025, 5, 4), 0),
    ],
)
def test_days_until_birthday(dob: date, today: date, days: int) -> None:
    assert days_until_birthday(dob, today) == days


def _orders_data() -> rows.StoreData:
    return rows.StoreData(
        customers=[customer(1), customer(2), customer(3)],
        orders=[
            order(1, 1, "complete", "100", created_at=at("2025-02-01")),
            order(2, 1, "closed", "50", created_at=at("2025-02-11")),
            order(3, 1, "canceled", "30", created_at=at("2025-02-27")),
            order(4, 1, "processing", "20", created_at=at("2025-02-16", "23:59:59")),
            order(5, 3, "canceled", "10"),
            order(6, None, "complete", "999"),
        ],
        creditmemos=[
            rows.Creditmemo(1, 2, Decimal("50"), at("2025-02-12")),
            rows.Creditmemo(2, 4, Decimal("5"), at("2025-02-17")),
            rows.Creditmemo(3, 3, Decimal("30"), at("2025-02-28")),
        ],
    )


@pytest.mark.parametrize(
    ("type", "attribute", "operator", "value", "expected"),
    [
        # customer_clv: complete 100 + processing 20; refunds of those: 5.
        ("customer_clv", "lifetime_sales", "==", "120", {1}),
        ("customer_clv", "number_of_orders", "==", 2, {1}),
        ("customer_clv", "average_order_value", "==", 60, {1}),
        ("customer_clv", "lifetime_refunds", "==", "5.0", {1}),
        ("customer_clv", "lifetime_profit", "==", 115, {1}),
        ("customer_clv", "number_of_orders", "==", 0, {2, 3}),
        ("customer_clv", "average_order_value", "<", 1, {2, 3}),
        ("customer_clv", "lifetime_sales", "()", "0, 120", {1, 2, 3}),
        # order_attributes aggregates: closed counts, canceled does not (100+50+20).
        ("order_attributes", "number_of_orders", "==", 3, {1}),
        ("order_attributes", "total_ordered_amount", "==", 170, {1}),
        ("order_attributes", "average_order_amount", ">", "56.66", {1}),
        ("order_attributes", "average_order_amount", "<", "56.67", {1, 2, 3}),
        ("order_attributes", "number_of_orders", "==", 0, {2, 3}),
        ("order_attributes", "days_since_last_order", "==", 13, {1}),
        ("order_attributes", "days_since_last_order", "!=", 13, set()),
        # Per-order fields read every order, canceled included.
        ("order_attributes", "status", "==", "canceled", {1, 3}),
        ("order_attributes", "grand_total", "==", 10, {3}),
        ("order_attributes", "created_at", "==", "2025-02-16", {1}),
        # customer_timebased (orders on 1, 11 and 16 Feb; now 1 Mar).
        ("customer_timebased", "days_since_first_order", "==", 28, {1}),
        ("customer_timebased", "order_frequency_days", "==", "7.5", {1}),
        ("customer_timebased", "order_frequency_days", ">=", 0, {1}),
        ("customer_timebased", "days_inactive", "==", 13, {1}),
        ("customer_timebased", "days_inactive", "==", 59, {2, 3}),
        ("customer_timebased", "days_without_purchase", ">", 1000, {2, 3}),
        ("customer_timebased", "days_without_purchase", ">=", 13, {1, 2, 3}),
        ("customer_timebased", "days_without_purchase", "!=", 13, {2, 3}),
        ("customer_timebased", "days_without_purchase", "!()", [13, 14], {2, 3}),
        ("customer_timebased", "days_without_purchase", "<=", 10**9, {1}),
        ("customer_timebased", "days_without_purchase", "()", "13", {1}),
        ("customer_timebased", "days_since_last_order", "!=", 0, {1}),
    ],
)
def test_order_aggregates(
    type: str, attribute: str, operator: str, value: Any, expected: set[int]
) -> None:
    assert members(only(leaf(type, attribute, operator, value)), _orders_data()) == expected


def test_order_frequency_needs_two_orders() -> None:
    data = rows.StoreData(customers=[customer(1)], orders=[order(1, 1, "complete", "5")])
    frequency = leaf("customer_timebased", "order_frequency_days", ">=", 0)
    assert members(only(frequency), data) == set()
    assert members(root(frequency, value=False), data) == {1}


def _catalog_data() -> rows.StoreData:
    def item(id: int, order_id: int, product_id: int | None, sku: str) -> rows.OrderItem:
        zero = Decimal(0)
        return rows.OrderItem(id, order_id, product_id, sku, "Old name", "simple",
                              Decimal(2), zero, Decimal(10), zero)  # fmt: skip

    return rows.StoreData(
        products=[
            rows.Product(100, "NEW-SKU", "Tee", "configurable"),
            rows.Product(101, "MUG", "Mug", "simple"),
        ],
        product_categories=[
            rows.ProductCategory(1, 100, 10),
            rows.ProductCategory(2, 100, 11),
        ],
        customers=[customer(1), customer(2), customer(3)],
        orders=[order(1, 1, "complete", "1"), order(2, 2, "canceled", "1")],
        order_items=[item(1, 1, 100, "OLD-SKU"), item(2, 2, 100, "OLD-SKU")],
        views=[
            rows.ProductView(1, 3, 100, 1, at("2025-02-20")),
            rows.ProductView(2, 3, 101, 1, at("2025-02-25")),
            rows.ProductView(3, 1, 101, None, at("2025-02-26")),
        ],
    )


@pytest.mark.parametrize(
    ("type", "attribute", "operator", "value", "expected"),
    [
        ("order_items", "category_id", "==", 10, {1}),
        ("order_items", "category_id", ">", 10, {1}),
        ("order_items", "category_id", "!=", 10, set()),
        ("order_items", "category_id", "!=", 12, {1}),
        ("order_items", "category_id", "()", "11, 12", {1}),
        ("order_items", "category_id", "!()", [10, 12], set()),
        ("order_items", "category_id", "!()", [12, 13], {1}),
        ("order_items", "sku", "==", "OLD-SKU", {1}),  # as recorded on the item
        ("order_items", "product_name", "{}", "old", {1}),
        ("order_items", "product_type", "==", "simple", {1}),
        ("order_items", "qty_ordered", "==", "2", {1}),
        ("product_viewed", "sku", "==", "NEW-SKU", {3}),  # the product's current sku
        ("product_viewed", "category_id", "!=", 10, {1, 3}),  # the mug has no category
        ("product_viewed", "category_id", "==", 10, {3}),
        ("product_viewed", "view_count", "==", 2, {3}),
        ("product_viewed", "view_count", "==", 0, {2}),
        ("product_viewed", "days_since_last_view", "==", 4, {3}),
        ("product_viewed", "last_viewed_at", "==", "2025-02-25", {3}),
        ("product_viewed", "last_viewed_at", "!=", "2025-02-25", {1}),
    ],
)
def test_product_fields(
    type: str, attribute: str, operator: str, value: Any, expected: set[int]
) -> None:
    assert members(only(leaf(type, attribute, operator, value)), _catalog_data()) == expected


def test_carts_and_wishlists() -> None:
    zero = Decimal(0)
    data = rows.StoreData(
        customers=[customer(1), customer(2), customer(3)],
        quotes=[
            rows.Quote(1, 1, 1, False, at("2025-02-01"), None, 3, zero, zero, Decimal(90),
                       None, None),
            rows.Quote(2, 2, 2, True, at("2025-02-01"), None, 1, zero, zero, Decimal(10),
                       "1,2", None),
        ],
        quote_items=[
            rows.QuoteItem(1, 1, 100, "A", "A", "simple", zero, zero, zero, None),
            rows.QuoteItem(2, 2, 100, "B", "B", "simple", zero, zero, zero, at("2025-02-02")),
        ],
        wishlists=[rows.Wishlist(1, 2, True), rows.Wishlist(2, 3, False)],
        wishlist_items=[rows.WishlistItem(1, 2, 100, at("2025-02-27", "23:00:00"))],
    )  # fmt: skip
    assert members(only(leaf("cart_attributes", "base_grand_total", ">", 50)), data) == set()
    assert members(only(leaf("cart_attributes", "is_active", "==", "0")), data) == {1}
    assert members(only(leaf("cart_attributes", "is_active", "()", [1, 0])), data) == {1, 2}
    assert members(only(leaf("cart_attributes", "store_id", "!=", 1)), data) == {2}
    assert members(only(leaf("cart_attributes", "applied_rule_ids", "{}", "2")), data) == {2}
    assert members(only(leaf("cart_items", "sku", "()", "A,B")), data) == {2}
    assert members(only(leaf("cart_items", "created_at", "<", "2025-02-03")), data) == {2}
    assert members(only(leaf("product_wishlist", "wishlist_shared", "==", 1)), data) == {2}
    assert members(only(leaf("product_wishlist", "wishlist_shared", "!=", "1")), data) == {3}
    assert members(only(leaf("product_wishlist", "wishlist_items_count", "==", 0)), data) == {1, 2}
    assert members(only(leaf("product_wishlist", "days_since_added", "==", 2)), data) == {3}
    assert members(only(leaf("product_wishlist", "added_at", "==", "2025-02-27")), data) == {3}


def test_newsletter_and_selects() -> None:
    data = rows.StoreData(
        customers=[customer(1, gender="female"), customer(2, store_id=None), customer(3)],
        subscribers=[
            rows.NewsletterSubscriber(1, 1, 1, at("2025-02-01")),
            rows.NewsletterSubscriber(2, 2, 3, None),
        ],
    )
    status = "customer_newsletter", "subscriber_status"
    assert members(only(leaf(*status, "==", "1")), data) == {1}
    assert members(only(leaf(*status, "!=", 1)), data) == {2}
    assert members(only(leaf(*status, "!()", "1, 2")), data) == {2}
    changed = "customer_newsletter", "change_status_at"
    assert members(only(leaf(*changed, ">=", "2025-01-01")), data) == {1}
    assert members(only(leaf("customer_attributes", "gender", "!=", "male")), data) == {1}
    assert members(only(leaf("customer_attributes", "store_id", "!=", 2)), data) == {1, 3}
    assert members(only(leaf("customer_attributes", "website_id", "()", [1])), data) == {1, 2, 3}
