"""Compiled SQL per attribute: customer attributes, addresses, newsletter subscription."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from tests.segments.compiler_support import (
    Case,
    address,
    at,
    check_cases,
    customer,
    d,
    four_customers,
    members,
    reference_data,
    subscriber,
)
from tests.segments.trees import leaf, root

# NOW is 2024-06-15 12:00 UTC (a leap year).


async def _customers() -> None:
    await reference_data()
    # Registered 2024-06-15 01:30 at +02:00, which is 2024-06-14 in UTC.
    await customer(
        1,
        email="Alice@Example.com",
        firstname="Alice",
        lastname="Smith",
        gender="female",
        dob=d("1990-06-15"),
        created_at=datetime(2024, 6, 15, 1, 30, tzinfo=timezone(timedelta(hours=2))),
        store_id=1,
    )
    await customer(
        2,
        email="bob@example.org",
        firstname="Bob",
        gender="male",
        dob=d("1985-06-22"),
        created_at=at(2023, 6, 15, 8),
        group_id=2,
    )
    await customer(
        3, email="carol_50%@example.com", created_at=at(2024, 6, 15), website_id=2, store_id=2
    )
    await customer(
        4,
        email="dave@example.com",
        firstname="Dave",
        lastname="Doe",
        gender="male",
        dob=d("2000-02-29"),
        created_at=at(2020, 2, 29, 12),
        store_id=1,
    )
    # Inactive: matches much, but is never a member.
    await customer(5, email="bob@example.org", firstname="Alice", gender="male", is_active=False)


CUSTOMER_ATTRIBUTE_CASES = [
    Case("email", "==", "bob@example.org", {2}),
    Case("email", "==", "BOB@example.org", set()),
    Case("email", "!=", "bob@example.org", {1, 3, 4}),
    Case("email", "{}", "EXAMPLE.COM", {1, 3, 4}),
    Case("email", "{}", "_50%", {3}),
    Case("email", "{}", "%", {3}),
    Case("email", "!{}", "example.com", {2}),
    Case("email", "()", "bob@example.org, dave@example.com", {2, 4}),
    Case("email", "!()", ["bob@example.org"], {1, 3, 4}),
    Case("email", ">", "c", {3, 4}),
    Case("email", "<", "b", {1}),
    Case("email", ">=", "bob@example.org", {2, 3, 4}),
    Case("email", "<=", "bob@example.org", {1, 2}),
    Case("firstname", "==", "Alice", {1}),
    Case("firstname", "!=", "Alice", {2, 4}),
    Case("firstname", "{}", "", {1, 2, 4}),
    Case("firstname", "!{}", "x", {1, 2, 4}),
    Case("firstname", "!()", "Alice,Bob", {4}),
    Case("firstname", "<", "B", {1}),
    Case("lastname", "==", "Doe", {4}),
    Case("lastname", "!=", "Doe", {1}),
    Case("gender", "==", "male", {2, 4}),
    Case("gender", "!=", "male", {1}),
    Case("gender", "()", "male,female", {1, 2, 4}),
    Case("gender", "!()", ["female"], {2, 4}),
    Case("dob", "==", "1990-06-15", {1}),
    Case("dob", "!=", "1990-06-15", {2, 4}),
    Case("dob", ">", "1990-01-01", {1, 4}),
    Case("dob", ">=", "1990-06-15", {1, 4}),
    Case("dob", "<", "1990-06-15", {2}),
    Case("dob", "<=", "1985-06-22", {2}),
    Case("created_at", "==", "2024-06-14", {1}),
    Case("created_at", "==", "2024-06-15", {3}),
    Case("created_at", "!=", "2024-06-14", {2, 3, 4}),
    Case("created_at", ">", "2024-06-14", {3}),
    Case("created_at", ">=", "2024-06-14", {1, 3}),
    Case("created_at", "<", "2024-06-14", {2, 4}),
    Case("created_at", "<=", "2024-06-14", {1, 2, 4}),
    Case("group_id", "==", 2, {2}),
    Case("group_id", "!=", "2", {1, 3, 4}),
    Case("group_id", "()", "1,2", {1, 2, 3, 4}),
    Case("group_id", "!()", [1], {2}),
    Case("store_id", "==", 1, {1, 4}),
    Case("store_id", "!=", 1, {3}),
    Case("store_id", "()", [2], {3}),
    Case("store_id", "!()", "1", {3}),
    Case("website_id", "==", "2", {3}),
    Case("website_id", "!=", 2, {1, 2, 4}),
    Case("website_id", "()", "1, 2", {1, 2, 3, 4}),
    Case("website_id", "!()", [2], {1, 2, 4}),
    # Days since registration: 1 -> 1, 2 -> 366, 3 -> 0, 4 -> 1568.
    Case("days_since_registration", "==", 1, {1}),
    Case("days_since_registration", "==", "1", {1}),
    Case("days_since_registration", "==", "1.5", set()),
    Case("days_since_registration", "!=", 0, {1, 2, 4}),
    Case("days_since_registration", ">=", 366, {2, 4}),
    Case("days_since_registration", ">", "366", {4}),
    Case("days_since_registration", "<", 1, {3}),
    Case("days_since_registration", "<=", 1, {1, 3}),
    Case("days_since_registration", "<", 1.5, {1, 3}),
    Case("days_since_registration", ">", "0.5", {1, 2, 4}),
    Case("days_since_registration", "==", 1568, {4}),
    Case("days_since_registration", "()", "0, 366", {2, 3}),
    Case("days_since_registration", "!()", [0, 366], {1, 4}),
    # Days until birthday: 1 -> 0 (today), 2 -> 7, 4 (29 Feb) -> 2025-02-28 = 258; 3 has none.
    Case("days_until_birthday", "==", 0, {1}),
    Case("days_until_birthday", "<=", 7, {1, 2}),
    Case("days_until_birthday", "<", "7", {1}),
    Case("days_until_birthday", ">", 7, {4}),
    Case("days_until_birthday", "!=", 0, {2, 4}),
    Case("days_until_birthday", "==", 258, {4}),
    Case("days_until_birthday", ">=", 0, {1, 2, 4}),
    Case("days_until_birthday", "<", 0, set()),
    Case("days_until_birthday", "()", "0,7", {1, 2}),
    Case("days_until_birthday", "!()", [0], {2, 4}),
]


async def test_customer_attributes(db):
    await _customers()
    await check_cases("customer_attributes", CUSTOMER_ATTRIBUTE_CASES)


# (now, dob, expected days until birthday)
BIRTHDAYS = [
    (at(2024, 12, 30, 23), "1990-12-30", 0),
    (at(2024, 12, 30), "1990-12-29", 364),  # passed yesterday: 2025-12-29
    (at(2024, 12, 30), "1990-01-02", 3),  # across the year end
    (at(2024, 2, 28), "2000-02-29", 1),  # leap year: on the 29th
    (at(2024, 2, 28), "1990-03-01", 2),
    (at(2024, 2, 29), "2000-02-29", 0),
    (at(2024, 2, 29), "1990-02-28", 365),  # 2025-02-28
    (at(2023, 2, 28), "2000-02-29", 0),  # non-leap year: falls on the 28th
    (at(2023, 2, 28), "1990-03-01", 1),
    (at(2023, 3, 1), "2000-02-29", 365),  # next one is 2024-02-29
    (at(2023, 12, 31), "2000-02-29", 60),  # 2024-02-29
    (at(2024, 12, 31), "2000-02-29", 59),  # 2025-02-28
]


async def test_days_until_birthday_across_year_end_and_29_february(db):
    await reference_data()
    for i, (_now, dob, _days) in enumerate(BIRTHDAYS, start=1):
        await customer(i, dob=d(dob))
    failures = []
    for i, (now, dob, days) in enumerate(BIRTHDAYS, start=1):
        exact = await members(
            root(leaf("customer_attributes", "days_until_birthday", "==", days)), now=now
        )
        if i not in exact:
            failures.append(f"now {now.date()} dob {dob}: expected {days}")
        around = await members(
            root(leaf("customer_attributes", "days_until_birthday", "!()", [days])), now=now
        )
        if i in around:
            failures.append(f"now {now.date()} dob {dob}: !() [{days}] matched")
    assert not failures, "\n".join(failures)


async def _addresses() -> None:
    await four_customers()
    await address(
        1,
        1,
        firstname="Al",
        lastname="Smith",
        street="Main St 1",
        city="Berlin",
        region="BE",
        postcode="10115",
        country_id="DE",
        telephone="+49 30 1",
    )
    await address(2, 1, city="Paris", company="ACME", country_id="FR", postcode="75001")
    await address(3, 2, city="berlin", country_id="DE", postcode="10117")
    await address(4, 4, country_id="US")  # every other field missing


ADDRESS_CASES = [
    Case("city", "==", "Berlin", {1}),
    Case("city", "{}", "BERLIN", {1, 2}),
    Case("city", "!=", "Berlin", {1, 2}),  # 1 has Paris; 4's city is missing
    Case("city", "!{}", "berlin", {1}),
    Case("city", "()", "Paris, berlin", {1, 2}),
    Case("city", "!()", "Berlin,berlin", {1}),
    Case("city", ">", "P", {1, 2}),
    Case("company", "==", "ACME", {1}),
    Case("company", "!=", "ACME", set()),
    Case("company", "!{}", "x", {1}),
    Case("country_id", "==", "DE", {1, 2}),
    Case("country_id", "!=", "DE", {1, 4}),
    Case("country_id", "()", "FR,US", {1, 4}),
    Case("country_id", "!()", ["DE"], {1, 4}),
    Case("firstname", "==", "Al", {1}),
    Case("lastname", "{}", "MIT", {1}),
    Case("street", "{}", "main", {1}),
    Case("region", "==", "BE", {1}),
    Case("postcode", "<", "10116", {1}),
    Case("postcode", ">=", "10116", {1, 2}),
    Case("telephone", "{}", "+49", {1}),
    Case("telephone", "!{}", "+49", set()),
]


async def test_customer_address(db):
    await _addresses()
    await check_cases("customer_address", ADDRESS_CASES)


NEWSLETTER_CASES = [
    Case("subscriber_status", "==", 1, {1, 4}),
    Case("subscriber_status", "==", "1", {1, 4}),
    Case("subscriber_status", "!=", 1, {2}),  # 3 has no subscriber record
    Case("subscriber_status", "()", "1,3", {1, 2, 4}),
    Case("subscriber_status", "!()", [1], {2}),
    Case("change_status_at", "==", "2024-06-10", {1}),
    Case("change_status_at", "!=", "2024-06-10", {4}),
    Case("change_status_at", ">=", "2024-06-11", {4}),
    Case("change_status_at", "<", "2024-06-14", {1}),
    Case("change_status_at", "<=", "2024-06-14", {1, 4}),
    Case("change_status_at", ">", "2024-06-14", set()),
]


async def test_customer_newsletter(db):
    await four_customers()
    await subscriber(1, 1, at(2024, 6, 10, 10))
    await subscriber(2, 3)
    await subscriber(4, 1, datetime(2024, 6, 14, 23, 59, 59, 999999, tzinfo=UTC))
    await check_cases("customer_newsletter", NEWSLETTER_CASES)
