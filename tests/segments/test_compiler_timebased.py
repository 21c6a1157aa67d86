"""Compiled SQL per attribute: time-based conditions."""

from __future__ import annotations

from decimal import Decimal

from tests.segments.compiler_support import (
    Case,
    at,
    check_cases,
    customer,
    login,
    order,
    reference_data,
)

# NOW is 2024-06-15 12:00 UTC.
# 1: registered 06-14, logins 06-13 and 06-01, orders 05-01 (closed), 06-01, 06-10
#    (+ a canceled one 06-14): first 05-01, last 06-10, frequency 40 / 2 = 20.
# 2: registered 2023-06-15, never logged in, only a canceled order: never ordered.
# 3: registered today, logged in today, no orders.
# 4: registered 2020, orders 06-13 and today 01:00: frequency 2.
# 6: four orders over 10 days: frequency 10 / 3 = 3.333...


async def _timebased() -> None:
    await reference_data()
    await customer(1, created_at=at(2024, 6, 14, 23, 30))
    await customer(2, created_at=at(2023, 6, 15, 8))
    await customer(3, created_at=at(2024, 6, 15))
    await customer(4, created_at=at(2020, 2, 29, 12))
    await customer(6, created_at=at(2020, 1, 1))
    await login(1, at(2024, 6, 13, 10))
    await login(1, at(2024, 6, 1))
    await login(3, at(2024, 6, 15, 11))
    await order(1, 1, state="closed", created_at=at(2024, 5, 1, 23, 59))
    await order(2, 1, created_at=at(2024, 6, 1, 10))
    await order(3, 1, state="processing", created_at=at(2024, 6, 10))
    await order(4, 1, state="canceled", created_at=at(2024, 6, 14))
    await order(5, 2, state="canceled", created_at=at(2024, 6, 14))
    await order(6, 4, created_at=at(2024, 6, 15, 1), grand_total=Decimal("1"))
    await order(7, 4, created_at=at(2024, 6, 13, 23))
    for i, day in enumerate((1, 2, 7, 11)):
        await order(10 + i, 6, created_at=at(2024, 5, day, 12))


TIMEBASED_CASES = [
    Case("days_since_last_login", "==", 2, {1}),
    Case("days_since_last_login", "==", 0, {3}),
    Case("days_since_last_login", "!=", 2, {3}),
    Case("days_since_last_login", ">", 100, set()),
    Case("days_since_last_order", "==", 5, {1}),
    Case("days_since_last_order", "==", 0, {4}),
    Case("days_since_last_order", ">", 30, {6}),
    Case("days_since_first_order", "==", 45, {1, 6}),
    Case("days_since_first_order", "==", 2, {4}),
    Case("days_since_first_order", "<", 45, {4}),
    # Latest of registration, login, order: 1 -> 06-14, 2 -> 2023-06-15, 3 and 4 -> today.
    Case("days_inactive", "==", 1, {1}),
    Case("days_inactive", "==", 366, {2}),
    Case("days_inactive", "==", 0, {3, 4}),
    Case("days_inactive", ">", 0, {1, 2, 6}),
    Case("days_inactive", "==", 35, {6}),
    Case("order_frequency_days", "==", 20, {1}),
    Case("order_frequency_days", "==", "2", {4}),
    Case("order_frequency_days", "<", 20, {4, 6}),
    Case("order_frequency_days", ">", 2, {1, 6}),
    Case("order_frequency_days", "!=", 20, {4, 6}),
    Case("order_frequency_days", "==", "19.99", set()),
    Case("order_frequency_days", "()", "2, 20", {1, 4}),
    Case("order_frequency_days", "!()", [20], {4, 6}),
    Case("order_frequency_days", "==", "3.3333", set()),
    Case("order_frequency_days", ">", "3.3333", {1, 6}),
    Case("order_frequency_days", "<", "3.3334", {4, 6}),
    Case("order_frequency_days", "<=", 0, set()),
    # Never ordered (2, 3) counts as infinitely many days.
    Case("days_without_purchase", "==", 5, {1}),
    Case("days_without_purchase", ">", 100, {2, 3}),
    Case("days_without_purchase", ">=", 0, {1, 2, 3, 4, 6}),
    Case("days_without_purchase", "<", 1000, {1, 4, 6}),
    Case("days_without_purchase", "!=", 5, {2, 3, 4, 6}),
    Case("days_without_purchase", "()", "0,5", {1, 4}),
    Case("days_without_purchase", "!()", "0", {1, 2, 3, 6}),
    Case("days_without_purchase", "<=", 5, {1, 4}),
    Case("days_without_purchase", "==", 0, {4}),
]


async def test_customer_timebased(db):
    await _timebased()
    await check_cases("customer_timebased", TIMEBASED_CASES)
