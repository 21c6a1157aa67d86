"""Compiled SQL for the tree itself: groups, empty groups, scope, parameters, readability."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from models.db import connection, dialect
from models.segments.compiler import compile_members_query, explain_sql
from models.segments.tree import Group
from models.segments.validation import parse_conditions
from models.store.customers import Customer
from tests.segments.compiler_support import (
    NOW,
    address,
    at,
    customer,
    members,
    order,
    reference_data,
)
from tests.segments.trees import leaf, root

MALE = leaf("customer_attributes", "gender", "==", "male")  # {2, 4}
GROUP_2 = leaf("customer_attributes", "group_id", "==", 2)  # {2}
ALICE = leaf("customer_attributes", "firstname", "==", "Alice")  # {1}; 3 has no first name
BERLIN = leaf("customer_address", "city", "==", "Berlin")  # {1}; only 1 and 2 have addresses


async def _customers() -> None:
    await reference_data()
    await customer(1, firstname="Alice", gender="female")
    await customer(2, firstname="Bob", gender="male", group_id=2)
    await customer(3, website_id=2)
    await customer(4, firstname="Dave", gender="male")
    await customer(5, firstname="Alice", gender="male", group_id=2, is_active=False)
    await address(1, 1, city="Berlin")
    await address(2, 2, city="Paris")


GROUP_CASES = [
    (root(MALE, GROUP_2), {2}),
    (root(MALE, GROUP_2, aggregator="any"), {2, 4}),
    (root(MALE, GROUP_2, value=False), {1, 3}),  # every child false
    (root(MALE, GROUP_2, aggregator="any", value=False), {1, 3, 4}),  # at least one false
    (root(MALE, GROUP_2, value="0"), {1, 3}),
    (root(MALE, GROUP_2, aggregator="any", value="1"), {2, 4}),
    # A missing value is false, so negating it matches.
    (root(ALICE, value=False), {2, 3, 4}),
    (root(leaf("customer_attributes", "firstname", "!=", "Alice"), value=False), {1, 3}),
    # Row-level: no rows never match, so under a false group they count as false.
    (root(BERLIN, value=False), {2, 3, 4}),
    (root(leaf("customer_address", "city", "!=", "Berlin"), value=False), {1, 3, 4}),
    # Nested groups.
    (root(ALICE, root(MALE, GROUP_2, value=False), aggregator="any"), {1, 3}),
    (root(root(MALE, value=False), root(GROUP_2, value=False), aggregator="any"), {1, 3, 4}),
    (root(root(root(MALE, value=False), value=False)), {2, 4}),
]


async def test_all_any_true_false(db):
    await _customers()
    failures = []
    for tree, expected in GROUP_CASES:
        got = await members(tree)
        if got != expected:
            failures.append(f"{tree}: expected {sorted(expected)}, got {sorted(got)}")
    assert not failures, "\n".join(failures)


EMPTY = root()

EMPTY_CASES = [
    (None, {1, 2, 3, 4}),
    ({}, {1, 2, 3, 4}),
    (EMPTY, {1, 2, 3, 4}),
    (root(value=False), {1, 2, 3, 4}),
    (root(EMPTY), {1, 2, 3, 4}),
    (root(EMPTY, aggregator="any", value=False), {1, 2, 3, 4}),
    (root(root(root(EMPTY)), value=False), {1, 2, 3, 4}),
    # An empty group makes no `any` true and no `all` false.
    (root(MALE, EMPTY, aggregator="any"), {2, 4}),
    (root(MALE, EMPTY, value=False), {1, 3}),
    (root(MALE, root(EMPTY, root()), aggregator="any", value=False), {1, 3}),
    # A missing group value means true.
    ({"type": "combine", "aggregator": "all", "conditions": [MALE]}, {2, 4}),
    ({"aggregator": "any", "conditions": [MALE, GROUP_2]}, {2, 4}),
]


async def test_empty_groups_are_removed_and_empty_root_matches_everyone(db):
    await _customers()
    failures = []
    for tree, expected in EMPTY_CASES:
        got = await members(tree)
        if got != expected:
            failures.append(f"{tree}: expected {sorted(expected)}, got {sorted(got)}")
    assert not failures, "\n".join(failures)


async def test_maho_long_type_names_and_string_booleans(db):
    await _customers()
    tree = {
        "type": "customersegmentation/segment_condition_combine",
        "aggregator": "all",
        "value": "1",
        "conditions": [
            {
                "type": "customersegmentation/segment_condition_customer_attributes",
                "attribute": "gender",
                "operator": "==",
                "value": "male",
            },
            {
                "type": "customersegmentation/segment_condition_combine",
                "aggregator": "any",
                "value": "0",
                "conditions": [
                    {
                        "type": "customersegmentation/segment_condition_customer_attributes",
                        "attribute": "group_id",
                        "operator": "==",
                        "value": "2",
                    }
                ],
            },
        ],
    }
    assert await members(tree) == {4}


async def test_scope_websites_groups_and_inactive_customers(db):
    await _customers()
    assert await members(EMPTY, website_ids=[1]) == {1, 2, 4}
    assert await members(EMPTY, website_ids=[2]) == {3}
    assert await members(EMPTY, website_ids=[]) == set()
    assert await members(EMPTY, group_ids=[2]) == {2}
    assert await members(EMPTY, group_ids=[1, 2], website_ids=[1]) == {1, 2, 4}
    # Inactive customer 5 matches the tree but is never a member.
    assert await members(root(ALICE), website_ids=[1]) == {1}


async def test_customer_ids_restrict_every_part_of_the_query(db):
    await _customers()
    await order(1, 2, grand_total=100)
    await order(2, 4, grand_total=100)
    tree = root(leaf("customer_clv", "lifetime_sales", ">=", 100), MALE)
    assert await members(tree) == {2, 4}
    assert await members(tree, customer_ids=[2]) == {2}
    assert await members(tree, customer_ids=[1, 2, 3]) == {2}
    assert await members(tree, customer_ids=[]) == set()
    assert await members(tree, customer_ids=[5]) == set()  # inactive
    assert await members(EMPTY, customer_ids=[3], website_ids=[1]) == set()
    # Restricted in the customer scan and inside the derived table, on both dialects.
    for sql_dialect in ("sqlite", "postgres"):
        assert _restrictions(_compile(tree, customer_ids=[2], dialect=sql_dialect).sql) == 2


def _restrictions(sql: str) -> int:
    return len(re.findall(r"(IN \(SELECT value FROM json_each|= ANY\()", sql))


def _compile(tree: dict, **kwargs):
    parsed = parse_conditions(tree, None)
    return compile_members_query(
        parsed,
        website_ids=kwargs.pop("website_ids", [1, 2]),
        group_ids=kwargs.pop("group_ids", []),
        now=kwargs.pop("now", NOW),
        dialect=kwargs.pop("dialect", "sqlite"),
        **kwargs,
    )


HOSTILE = "'; DROP TABLE customer; --"


async def test_values_are_bound_parameters_never_sql(db):
    await _customers()
    await customer(9, email=HOSTILE, firstname=HOSTILE)
    for operator in ("==", "{}", "!=", "()", ">"):
        tree = root(leaf("customer_attributes", "email", operator, HOSTILE))
        compiled = _compile(tree, dialect=dialect())
        assert "DROP" not in compiled.sql
        await members(tree)
    assert await members(root(leaf("customer_attributes", "email", "==", HOSTILE))) == {9}
    assert await members(root(leaf("customer_address", "city", "{}", HOSTILE))) == set()
    assert await Customer.all().count() == 6


@pytest.mark.parametrize("sql_dialect", ["sqlite", "postgres"])
def test_placeholders_match_parameters(sql_dialect):
    tree = root(
        leaf("customer_clv", "lifetime_sales", ">", "1000"),
        leaf("order_items", "sku", "()", "a, b, c"),
        leaf("customer_attributes", "days_until_birthday", "<=", 7),
        root(leaf("customer_timebased", "days_without_purchase", "!=", 30), value=False),
    )
    compiled = _compile(tree, dialect=sql_dialect, customer_ids=[1, 2])
    if sql_dialect == "sqlite":
        assert compiled.sql.count("?") == len(compiled.params)
    else:
        numbers = {int(n) for n in re.findall(r"\$(\d+)", compiled.sql)}
        assert numbers == set(range(1, len(compiled.params) + 1))
    assert "1000" not in compiled.sql


def test_statistics_sources_are_joined_once_and_shared():
    tree = root(
        leaf("customer_clv", "lifetime_sales", ">", 10),
        leaf("customer_clv", "number_of_orders", ">", 1),
        root(leaf("customer_clv", "average_order_value", "<", 5), aggregator="any"),
        leaf("order_attributes", "number_of_orders", "==", 0),
        leaf("customer_timebased", "days_since_last_order", ">", 3),
    )
    sql = _compile(tree).sql
    assert sql.count(") clv_stats ON") == 1
    assert sql.count(") order_stats ON") == 1
    assert sql.count("LEFT JOIN") == 2
    # Only the statistics the leaves read are computed.
    assert "first_order_at" not in sql
    assert "refund_stats" not in sql


def test_row_level_leaves_are_exists_and_scope_is_plain_where():
    sql = _compile(root(leaf("order_items", "sku", "==", "x")), group_ids=[1]).sql
    assert "EXISTS (" in sql
    assert "LEFT JOIN" not in sql
    assert "WHERE c.is_active\n  AND c.website_id IN (?, ?)\n  AND c.group_id = ?" in sql


def test_now_without_timezone_is_utc_and_other_zones_are_converted():
    from datetime import timedelta, timezone

    tree = root(leaf("customer_attributes", "days_since_registration", "==", 0))
    naive = _compile(tree, now=datetime(2024, 6, 15, 23, 30))
    aware = _compile(tree, now=datetime(2024, 6, 16, 1, 30, tzinfo=timezone(timedelta(hours=2))))
    assert naive.params == aware.params


async def test_explain_sql_inlines_quoted_values(db):
    tree = root(
        leaf("customer_attributes", "email", "==", "o'brien@example.com"),
        leaf("customer_attributes", "dob", "==", "1990-01-02"),
        leaf("customer_clv", "lifetime_sales", ">", "10.5"),
    )
    explained = explain_sql(_compile(tree, dialect=dialect()), dialect())
    assert explained.startswith("-- ")
    assert "bound parameters" in explained.splitlines()[0]
    assert "c.email = 'o''brien@example.com'" in explained
    assert "c.dob = '1990-01-02'" in explained
    assert "> 10.5" in explained
    assert "?" not in explained and "$1" not in explained
    # Still a valid query.
    await reference_data()
    await connection().execute_query_dict(explained)


async def test_empty_tree_runs_on_both_dialects(db):
    await _customers()
    compiled = compile_members_query(
        Group("all", True, ()), website_ids=[1], group_ids=[], now=at(2024, 1, 1), dialect=dialect()
    )
    rows = await connection().execute_query_dict(compiled.sql, compiled.params)
    assert sorted((r["customer_id"], r["website_id"]) for r in rows) == [(1, 1), (2, 1), (4, 1)]


def test_counts_that_only_tell_none_from_some_are_semi_joins():
    for operator, value, expected in [
        ("==", 0, "NOT EXISTS ("),
        ("<", 1, "NOT EXISTS ("),
        (">", 0, "-- order_attributes.number_of_orders >\n      EXISTS ("),
        ("!=", "0", "-- order_attributes.number_of_orders !=\n      EXISTS ("),
        (">=", "0.5", "-- order_attributes.number_of_orders >=\n      EXISTS ("),
        ("!()", [0], "-- order_attributes.number_of_orders !()\n      EXISTS ("),
    ]:
        sql = _compile(root(leaf("order_attributes", "number_of_orders", operator, value))).sql
        assert expected in sql, (operator, value)
        assert "LEFT JOIN" not in sql
    for operator, value in [("==", 2), (">", 1), ("()", "0, 2")]:
        sql = _compile(root(leaf("order_attributes", "number_of_orders", operator, value))).sql
        assert ") order_stats ON" in sql
    assert "1 = 1" in _compile(root(leaf("customer_clv", "number_of_orders", ">=", 0))).sql
    assert "1 = 0" in _compile(root(leaf("product_viewed", "view_count", "<", 0))).sql


async def test_a_tree_at_the_validation_limits_runs(db):
    await _customers()
    values = [f"nobody{i}@example.com" for i in range(999)] + ["customer4@example.com"]
    wide = root(*[leaf("customer_attributes", "email", "()", values)] * 10)
    assert await members(wide) == {4}
    deep = root(MALE)
    for _ in range(18):
        deep = root(deep, value=False)
    assert await members(deep) == {2, 4}


TOTAL = leaf("cart_attributes", "base_grand_total", ">=", 150)  # {1, 2, 3}
ITEMS = leaf("cart_attributes", "items_count", ">=", 2)  # {2, 3}
NEVER = leaf("cart_attributes", "items_count", "==", "2.5")  # nobody
FRESH = leaf("cart_attributes", "hours_since_updated", "<", 1)  # {3}


async def _carts() -> None:
    from tests.segments.compiler_support import quote

    await reference_data()
    for cid in (1, 2, 3, 4, 5):
        await customer(cid, gender="male" if cid in (2, 3) else "female")
    await quote(1, 1, base_grand_total=200, items_count=1, updated_at=at(2024, 6, 14))
    # Customer 2 meets each condition with a different cart.
    await quote(2, 2, base_grand_total=200, items_count=1, updated_at=at(2024, 6, 14))
    await quote(3, 2, base_grand_total=10, items_count=3, updated_at=at(2024, 6, 14))
    await quote(4, 3, base_grand_total=200, items_count=3, updated_at=at(2024, 6, 15, 11, 30))
    await quote(5, 5, base_grand_total=200, items_count=3, is_active=False)


SAME_ROWS_CASES = [
    (root(TOTAL, ITEMS), None, {2, 3}),
    (root(TOTAL, ITEMS, aggregator="any"), None, {1, 2, 3}),
    (root(TOTAL, ITEMS, value=False), None, {4, 5}),
    (root(TOTAL, ITEMS, aggregator="any", value=False), None, {1, 4, 5}),
    (root(TOTAL, MALE, ITEMS), None, {2, 3}),
    (root(TOTAL, ITEMS, FRESH), None, {3}),
    (root(TOTAL, ITEMS, NEVER), None, set()),
    (root(TOTAL, NEVER, aggregator="any"), None, {1, 2, 3}),
    (root(NEVER, NEVER, aggregator="any", value=False), None, {1, 2, 3, 4, 5}),
    (root(root(TOTAL, ITEMS, aggregator="any"), root(TOTAL, ITEMS)), None, {2, 3}),
    (root(TOTAL, ITEMS), [2], {2}),
    (root(TOTAL, ITEMS), [1, 3, 4], {3}),
    (root(TOTAL, ITEMS, value=False), [1, 4], {4}),
    (root(TOTAL, ITEMS, aggregator="any", value=False), [2, 3], set()),
]


async def test_leaves_sharing_rows_keep_their_own_meaning(db):
    await _carts()
    failures = []
    for tree, customer_ids, expected in SAME_ROWS_CASES:
        got = await members(tree, website_ids=[1], customer_ids=customer_ids)
        if got != expected:
            failures.append(
                f"{tree} {customer_ids}: expected {sorted(expected)}, got {sorted(got)}"
            )
    assert not failures, "\n".join(failures)


def test_leaves_sharing_rows_are_compiled_together():
    both = _compile(root(TOTAL, ITEMS)).sql
    assert "(q.base_grand_total >= ? OR q.items_count >= ?)" in both
    assert "HAVING MAX(q.base_grand_total >= ?)\n" in both
    assert "   AND MAX(q.items_count >= ?)\n" in both
    assert both.count("FROM sales_quote q") == 1
    either = _compile(root(TOTAL, ITEMS, aggregator="any")).sql
    assert "HAVING" not in either
    assert either.count("FROM sales_quote q") == 1
    assert "(q.base_grand_total >= ? OR q.items_count >= ?)" in either
    # Different rows (active carts, every cart) stay apart.
    apart = _compile(root(TOTAL, leaf("cart_attributes", "is_active", "==", 1))).sql
    assert "HAVING" not in apart
    assert apart.count("EXISTS (") == 2


def test_statistics_with_a_natural_zero_compare_the_bare_column():
    above = _compile(root(leaf("customer_clv", "lifetime_sales", ">", 1000))).sql
    # Strict: lets the database use an inner join and filter inside the aggregate.
    assert "(clv_stats.sales_total IS NOT NULL AND clv_stats.sales_total > ?)" in above
    below = _compile(root(leaf("customer_clv", "lifetime_sales", "<", 1000))).sql
    assert "(clv_stats.sales_total IS NULL OR clv_stats.sales_total < ?)" in below
    average = _compile(root(leaf("order_attributes", "average_order_amount", ">", 10))).sql
    assert "(order_stats.order_count IS NOT NULL AND order_stats.amount_total > ROUND(" in average
