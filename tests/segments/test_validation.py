"""Validation of condition trees: typed results, and one error per problem at its input path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from models.errors import DomainError, ErrorCode
from models.segments.references import ReferenceIds, load_reference_ids
from models.segments.tree import EMPTY_ROOT, Group, Leaf, prune_empty, tree_to_json
from models.segments.validation import parse_conditions, tree_from_json
from tests.segments.compiler_support import reference_data
from tests.segments.trees import leaf, root

REFS = ReferenceIds(website_ids={1, 2}, store_ids={1, 2}, group_ids={0, 1, 2})


def errors_of(raw: Any, refs: ReferenceIds | None = REFS) -> list[tuple[str | None, ErrorCode]]:
    with pytest.raises(DomainError) as raised:
        parse_conditions(raw, refs)
    return [(e.field, e.code) for e in raised.value.errors]


def one_leaf(type_: str, attribute: str, operator: str, value: Any) -> Leaf:
    parsed = parse_conditions(root(leaf(type_, attribute, operator, value)), REFS)
    (only,) = parsed.conditions
    assert isinstance(only, Leaf)
    return only


# ---------------------------------------------------------------- accepted input


@pytest.mark.parametrize("raw", [None, {}, "{}", "null"])
def test_nothing_is_the_empty_root(raw):
    assert parse_conditions(raw, REFS) == EMPTY_ROOT


def test_maho_tree_with_long_names_and_string_booleans():
    raw = {
        "type": "customersegmentation/segment_condition_combine",
        "aggregator": "any",
        "value": "0",
        "conditions": [
            {
                "type": "customersegmentation/segment_condition_customer_clv",
                "attribute": "lifetime_sales",
                "operator": ">",
                "value": "1000",
            },
            {"type": "combine", "aggregator": "all", "value": "1", "conditions": []},
        ],
    }
    assert parse_conditions(raw, REFS) == Group(
        "any",
        False,
        (
            Leaf("customer_clv", "lifetime_sales", ">", Decimal("1000")),
            Group("all", True, ()),
        ),
    )


def test_json_text_is_accepted():
    text = '{"aggregator": "all", "conditions": [{"type": "customer_attributes",'
    text += ' "attribute": "gender", "operator": "==", "value": "male"}]}'
    assert parse_conditions(text, REFS).conditions == (
        Leaf("customer_attributes", "gender", "==", "male"),
    )


def test_every_long_type_name_is_an_alias():
    for short in (
        "customer_attributes",
        "customer_address",
        "customer_clv",
        "customer_newsletter",
        "cart_attributes",
        "cart_items",
        "order_attributes",
        "order_items",
        "product_viewed",
        "product_wishlist",
        "customer_timebased",
    ):
        long = f"customersegmentation/segment_condition_{short}"
        with pytest.raises(DomainError) as raised:
            parse_conditions(root(leaf(long, "no_such_attribute", "==", "1")), REFS)
        assert [e.code for e in raised.value.errors] == [ErrorCode.UNKNOWN_ATTRIBUTE]


@pytest.mark.parametrize(
    ("type_", "attribute", "operator", "raw", "expected"),
    [
        ("customer_clv", "lifetime_sales", ">", "1000", Decimal("1000")),
        ("customer_clv", "lifetime_sales", ">", " 12.50 ", Decimal("12.50")),
        ("customer_clv", "lifetime_sales", ">", 12.5, Decimal("12.5")),
        ("customer_clv", "lifetime_sales", ">", 7, Decimal(7)),
        (
            "customer_clv",
            "lifetime_sales",
            "()",
            "1, 2.5 ,3",
            [Decimal(1), Decimal("2.5"), Decimal(3)],
        ),
        ("customer_clv", "lifetime_sales", "!()", [1, "2"], [Decimal(1), Decimal(2)]),
        ("customer_clv", "lifetime_sales", "()", 5, [Decimal(5)]),
        ("customer_attributes", "email", "==", " a@b.c ", " a@b.c "),
        ("customer_attributes", "email", "()", " a@b.c , d@e.f", ["a@b.c", "d@e.f"]),
        ("customer_attributes", "email", "()", [" x ", "y"], [" x ", "y"]),
        ("customer_clv", "lifetime_sales", "()", [" 1 ", 2], [Decimal(1), Decimal(2)]),
        ("customer_address", "postcode", "==", 10115, "10115"),
        ("customer_attributes", "dob", "==", "1990-02-28", date(1990, 2, 28)),
        ("customer_attributes", "gender", "()", "male, female", ["male", "female"]),
        ("customer_attributes", "website_id", "==", "2", 2),
        ("customer_attributes", "group_id", "()", "0,1", [0, 1]),
        ("customer_newsletter", "subscriber_status", "==", "3", 3),
        ("customer_newsletter", "subscriber_status", "!()", [1, "4"], [1, 4]),
        ("cart_attributes", "is_active", "==", "1", True),
        ("cart_attributes", "is_active", "==", "0", False),
        ("cart_attributes", "is_active", "==", 0, False),
        ("cart_attributes", "is_active", "==", True, True),
        ("product_wishlist", "wishlist_shared", "()", "1,0", [True, False]),
        ("order_attributes", "status", "==", "pending_payment", "pending_payment"),
        ("order_attributes", "currency_code", "()", "EUR, USD", ["EUR", "USD"]),
        ("order_items", "product_type", "==", "bundle", "bundle"),
    ],
)
def test_values_are_typed(type_, attribute, operator, raw, expected):
    assert one_leaf(type_, attribute, operator, raw).value == expected


def test_stored_json_reads_back_to_the_same_tree():
    raw = root(
        leaf("customer_clv", "average_order_value", ">=", "10.25"),
        leaf("customer_clv", "lifetime_sales", "()", "1, 2.5"),
        leaf("customer_attributes", "dob", "<", "2000-01-01"),
        leaf("cart_attributes", "is_active", "==", "0"),
        leaf("customer_attributes", "website_id", "==", "2"),
        root(leaf("customer_address", "city", "{}", "Ber"), aggregator="any", value="0"),
        root(),
    )
    tree = parse_conditions(raw, REFS)
    stored = tree_to_json(tree)
    assert stored["conditions"][0] == {
        "type": "customer_clv",
        "attribute": "average_order_value",
        "operator": ">=",
        "value": 10.25,
    }
    assert stored["conditions"][2]["value"] == "2000-01-01"
    assert stored["conditions"][3]["value"] is False
    assert stored["conditions"][5]["value"] is False
    assert tree_from_json(stored) == tree
    # Reading a stored tree does not check ids against the store.
    assert tree_from_json(tree_to_json(one_leaf_tree("website_id", 99))).conditions


def one_leaf_tree(attribute: str, value: Any) -> Group:
    return Group("all", True, (Leaf("customer_attributes", attribute, "==", value),))


def test_prune_empty_removes_empty_groups_wherever_they_stand():
    a = Leaf("customer_attributes", "gender", "==", "male")
    tree = Group(
        "any",
        False,
        (Group("all", True, ()), Group("any", True, (Group("all", False, ()),)), a),
    )
    assert prune_empty(tree) == Group("any", False, (a,))
    assert prune_empty(Group("all", False, (Group("all", True, ()),))) == Group("all", False, ())


# ---------------------------------------------------------------- rejected input


def test_unknown_type():
    assert errors_of(root(leaf("customer_vip", "x", "==", 1))) == [
        ("conditions.conditions[0].type", ErrorCode.UNKNOWN_TYPE)
    ]


def test_unknown_attribute():
    assert errors_of(root(leaf("customer_clv", "lifetime_salez", ">", 1))) == [
        ("conditions.conditions[0].attribute", ErrorCode.UNKNOWN_ATTRIBUTE)
    ]


def test_unknown_operator():
    assert errors_of(root(leaf("customer_clv", "lifetime_sales", "=>", 1))) == [
        ("conditions.conditions[0].operator", ErrorCode.UNKNOWN_OPERATOR)
    ]


@pytest.mark.parametrize(
    ("type_", "attribute", "operator"),
    [
        ("customer_clv", "lifetime_sales", "{}"),
        ("customer_attributes", "dob", "()"),
        ("customer_attributes", "created_at", "!{}"),
        ("customer_attributes", "gender", ">"),
        ("cart_attributes", "is_active", "<="),
    ],
)
def test_operator_not_allowed_for_input_type(type_, attribute, operator):
    assert errors_of(root(leaf(type_, attribute, operator, "1"))) == [
        ("conditions.conditions[0].operator", ErrorCode.OPERATOR_NOT_ALLOWED)
    ]


@pytest.mark.parametrize(
    ("type_", "attribute", "operator", "raw", "field"),
    [
        ("customer_clv", "lifetime_sales", ">", "lots", "value"),
        ("customer_clv", "lifetime_sales", ">", "NaN", "value"),
        ("customer_clv", "lifetime_sales", ">", "1e20", "value"),
        ("customer_clv", "lifetime_sales", ">", True, "value"),
        ("customer_clv", "lifetime_sales", ">", "", "value"),
        ("customer_clv", "lifetime_sales", ">", None, "value"),
        ("customer_clv", "lifetime_sales", "()", [1, "x"], "value[1]"),
        ("customer_clv", "lifetime_sales", "()", "1,,2", "value"),
        ("customer_clv", "lifetime_sales", "()", [], "value"),
        ("customer_clv", "lifetime_sales", "()", {"a": 1}, "value"),
        ("customer_attributes", "dob", "==", "15/06/1990", "value"),
        ("customer_attributes", "dob", "==", "2023-02-29", "value"),
        ("customer_attributes", "email", "==", ["a"], "value"),
        ("customer_attributes", "email", "==", False, "value"),
        ("customer_attributes", "group_id", "==", "one", "value"),
        ("customer_newsletter", "subscriber_status", "==", "subscribed", "value"),
        ("order_attributes", "status", "==", " ", "value"),
        ("order_attributes", "payment_method", "()", "checkmo,", "value"),
        ("customer_attributes", "gender", "==", 1, "value"),
    ],
)
def test_invalid_value(type_, attribute, operator, raw, field):
    assert errors_of(root(leaf(type_, attribute, operator, raw))) == [
        (f"conditions.conditions[0].{field}", ErrorCode.INVALID_VALUE)
    ]


@pytest.mark.parametrize(
    ("type_", "attribute", "operator", "raw", "field"),
    [
        ("customer_attributes", "gender", "==", "other", "value"),
        ("customer_attributes", "gender", "==", "Male", "value"),
        ("customer_attributes", "gender", "()", ["male", "x"], "value[1]"),
        ("customer_newsletter", "subscriber_status", "==", 5, "value"),
        ("cart_attributes", "is_active", "==", "2", "value"),
        ("product_wishlist", "wishlist_shared", "==", "yes", "value"),
        ("cart_items", "product_type", "==", "kit", "value"),
        ("customer_attributes", "website_id", "==", 3, "value"),
        ("customer_attributes", "store_id", "()", "1, 7", "value"),
        ("customer_attributes", "group_id", "!=", 9, "value"),
        ("order_attributes", "store_id", "==", 9, "value"),
        ("cart_attributes", "store_id", "==", 9, "value"),
    ],
)
def test_value_not_allowed(type_, attribute, operator, raw, field):
    assert errors_of(root(leaf(type_, attribute, operator, raw))) == [
        (f"conditions.conditions[0].{field}", ErrorCode.VALUE_NOT_ALLOWED)
    ]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ([], "conditions"),
        ("not json", "conditions"),
        (root(leaf("customer_clv", "lifetime_sales", ">", 1))["conditions"][0], "conditions"),
        ({"type": "combine", "conditions": "x"}, "conditions.conditions"),
        ({"type": "combine", "conditions": [7]}, "conditions.conditions[0]"),
        ({"conditions": [{"attribute": "email"}]}, "conditions.conditions[0].type"),
        (
            {"conditions": [{"type": "customer_clv", "operator": ">", "value": 1}]},
            "conditions.conditions[0].attribute",
        ),
        (
            {"conditions": [{"type": "customer_clv", "attribute": "lifetime_sales", "value": 1}]},
            "conditions.conditions[0].operator",
        ),
    ],
)
def test_malformed_nodes(raw, field):
    assert errors_of(raw) == [(field, ErrorCode.INVALID)]


def test_group_aggregator_and_value():
    assert errors_of({"aggregator": "some", "value": "maybe", "conditions": []}) == [
        ("conditions.aggregator", ErrorCode.INVALID_VALUE),
        ("conditions.value", ErrorCode.INVALID_VALUE),
    ]


def test_several_errors_at_once_each_with_its_path():
    raw = root(
        leaf("customer_vip", "x", "==", 1),
        root(
            leaf("customer_attributes", "email", "==", "ok@example.com"),
            leaf("customer_attributes", "nope", "~", 1),
            root(leaf("customer_clv", "lifetime_sales", ">", "lots")),
        ),
        leaf("customer_attributes", "gender", ">", "male"),
        leaf("customer_attributes", "website_id", "()", [1, 5, "x"]),
    )
    assert errors_of(raw) == [
        ("conditions.conditions[0].type", ErrorCode.UNKNOWN_TYPE),
        ("conditions.conditions[1].conditions[1].attribute", ErrorCode.UNKNOWN_ATTRIBUTE),
        ("conditions.conditions[1].conditions[1].operator", ErrorCode.UNKNOWN_OPERATOR),
        ("conditions.conditions[1].conditions[2].conditions[0].value", ErrorCode.INVALID_VALUE),
        ("conditions.conditions[2].operator", ErrorCode.OPERATOR_NOT_ALLOWED),
        ("conditions.conditions[3].value[1]", ErrorCode.VALUE_NOT_ALLOWED),
        ("conditions.conditions[3].value[2]", ErrorCode.INVALID_VALUE),
    ]


def test_custom_root_path():
    with pytest.raises(DomainError) as raised:
        parse_conditions(root(leaf("x", "y", "==", 1)), REFS, path="input.conditions")
    assert raised.value.errors[0].field == "input.conditions.conditions[0].type"


def test_too_deep_and_too_many():
    deep: dict[str, Any] = root()
    for _ in range(25):
        deep = root(deep)
    assert ErrorCode.INVALID in [code for _, code in errors_of(deep)]
    many = root(*[leaf("customer_attributes", "email", "==", "a")] * 301)
    assert errors_of(many) == [("conditions", ErrorCode.INVALID)]
    values = [str(i) for i in range(1000)]
    wide = root(*[leaf("customer_attributes", "email", "()", values)] * 11)
    assert errors_of(wide) == [("conditions", ErrorCode.INVALID)]
    assert parse_conditions(root(*[leaf("customer_attributes", "email", "()", values)] * 10), REFS)


async def test_reference_ids_come_from_the_store(db):
    await reference_data()
    refs = await load_reference_ids()
    assert refs == ReferenceIds(website_ids={1, 2}, store_ids={1, 2}, group_ids={1, 2})
    with pytest.raises(DomainError):
        parse_conditions(root(leaf("customer_attributes", "group_id", "==", 3)), refs)
