"""The catalog table itself, its store-data suggestions, and the `conditionCatalog` query."""

from __future__ import annotations

from decimal import Decimal

from gqlserver.schema import schema
from models.segments.catalog import CATALOG, attribute_spec, catalog_suggestions, resolve_type
from models.segments.catalog.types import (
    OPERATORS_BY_INPUT,
    InputType,
    Option,
    Suggestions,
    ValueKind,
)
from models.segments.tree import COMBINE
from resolvers.context import Context
from tests.segments.compiler_support import address, customer, order, reference_data

# SEMANTICS.md §3, written out again here: type -> attribute -> input type.
PRODUCT = {"product_id": "numeric", "sku": "string", "product_name": "string"}
EXPECTED = {
    "customer_attributes": {
        "email": "string",
        "firstname": "string",
        "lastname": "string",
        "gender": "select",
        "dob": "date",
        "created_at": "date",
        "group_id": "select",
        "store_id": "select",
        "website_id": "select",
        "days_since_registration": "numeric",
        "days_until_birthday": "numeric",
    },
    "customer_address": {
        **dict.fromkeys(
            [
                "firstname",
                "lastname",
                "company",
                "street",
                "city",
                "region",
                "postcode",
                "telephone",
            ],
            "string",
        ),
        "country_id": "select",
    },
    "customer_clv": dict.fromkeys(
        [
            "lifetime_sales",
            "number_of_orders",
            "average_order_value",
            "lifetime_refunds",
            "lifetime_profit",
        ],
        "numeric",
    ),
    "customer_newsletter": {"subscriber_status": "select", "change_status_at": "date"},
    "cart_attributes": {
        "items_count": "numeric",
        "items_qty": "numeric",
        "base_subtotal": "numeric",
        "base_grand_total": "numeric",
        "created_at": "date",
        "updated_at": "date",
        "hours_since_created": "numeric",
        "hours_since_updated": "numeric",
        "is_active": "select",
        "store_id": "select",
        "applied_rule_ids": "string",
        "coupon_code": "string",
    },
    "cart_items": {
        **PRODUCT,
        "product_type": "select",
        "category_id": "numeric",
        "qty": "numeric",
        "price": "numeric",
        "row_total": "numeric",
        "created_at": "date",
    },
    "order_attributes": {
        **dict.fromkeys(
            [
                "grand_total",
                "subtotal",
                "tax_amount",
                "shipping_amount",
                "discount_amount",
                "total_qty",
                "days_since_last_order",
                "average_order_amount",
                "total_ordered_amount",
                "number_of_orders",
            ],
            "numeric",
        ),
        **dict.fromkeys(
            ["status", "store_id", "currency_code", "payment_method", "shipping_method"],
            "select",
        ),
        "created_at": "date",
        "updated_at": "date",
        "coupon_code": "string",
    },
    "order_items": {
        **PRODUCT,
        "product_type": "select",
        "category_id": "numeric",
        "qty_ordered": "numeric",
        "row_total": "numeric",
        "discount_amount": "numeric",
    },
    "product_viewed": {
        **PRODUCT,
        "category_id": "numeric",
        "view_count": "numeric",
        "days_since_last_view": "numeric",
        "last_viewed_at": "date",
    },
    "product_wishlist": {
        **PRODUCT,
        "category_id": "numeric",
        "wishlist_items_count": "numeric",
        "days_since_added": "numeric",
        "added_at": "date",
        "wishlist_shared": "select",
    },
    "customer_timebased": dict.fromkeys(
        [
            "days_since_last_login",
            "days_since_last_order",
            "days_since_first_order",
            "days_inactive",
            "order_frequency_days",
            "days_without_purchase",
        ],
        "numeric",
    ),
}


def test_catalog_lists_exactly_the_documented_types_and_attributes():
    assert {
        t: {a: s.input_type.value for a, s in spec.attributes.items()}
        for t, spec in CATALOG.items()
    } == EXPECTED


def test_every_attribute_allows_the_operators_of_its_input_type():
    for spec in CATALOG.values():
        for code, attribute in spec.attributes.items():
            assert attribute.operators == OPERATORS_BY_INPUT[attribute.input_type], code
            assert attribute.label


def test_selects_have_fixed_options_or_a_store_source():
    fixed = {
        ("customer_attributes", "gender"): ["male", "female"],
        ("customer_newsletter", "subscriber_status"): ["1", "2", "3", "4"],
        ("cart_attributes", "is_active"): ["1", "0"],
        ("product_wishlist", "wishlist_shared"): ["1", "0"],
        ("cart_items", "product_type"): PRODUCT_TYPES,
        ("order_items", "product_type"): PRODUCT_TYPES,
    }
    for type_, spec in CATALOG.items():
        for code, attribute in spec.attributes.items():
            if attribute.input_type is not InputType.SELECT:
                assert attribute.options is None and attribute.suggestions is None
                continue
            if (type_, code) in fixed:
                assert [o.value for o in attribute.options or ()] == fixed[type_, code]
            else:
                assert attribute.options is None
                assert attribute.suggestions is not None
                assert attribute.kind in (ValueKind.CODE, ValueKind.REFERENCE)


PRODUCT_TYPES = ["simple", "configurable", "grouped", "bundle", "downloadable", "virtual"]


def test_type_names_resolve_from_short_and_maho_names():
    assert resolve_type("customer_clv") == "customer_clv"
    assert resolve_type("customersegmentation/segment_condition_customer_clv") == "customer_clv"
    assert resolve_type("customersegmentation/segment_condition_combine") == "combine"
    assert resolve_type("customersegmentation/customer_clv") is None
    assert resolve_type("clv") is None
    for short, spec in CATALOG.items():
        assert spec.maho_type == f"customersegmentation/segment_condition_{short}"
    assert attribute_spec("customer_clv", "lifetime_sales") is not None
    assert attribute_spec("customer_clv", "nope") is None


async def _store() -> None:
    await reference_data()
    await customer(1)
    await customer(2)
    await address(1, 1, country_id="DE")
    await address(2, 2, country_id="FR")
    await address(3, 2, country_id="DE")
    await address(4, 2, country_id=None)
    await order(
        1,
        1,
        status="pending",
        order_currency_code="EUR",
        payment_method="checkmo",
        shipping_method="flatrate_flatrate",
        grand_total=Decimal("1"),
    )
    await order(2, 2, status="complete", order_currency_code="USD", payment_method="paypal")
    await order(3, 2, status="complete", order_currency_code="", shipping_method=None)


async def test_suggestions_are_values_present_in_the_store(db):
    await _store()
    found = await catalog_suggestions()
    assert found[Suggestions.WEBSITE] == [
        Option("1", "Main Website"),
        Option("2", "Second Website"),
    ]
    assert found[Suggestions.STORE] == [Option("1", "Default Store"), Option("2", "Second Store")]
    assert found[Suggestions.GROUP] == [Option("1", "General"), Option("2", "Wholesale")]
    assert [o.value for o in found[Suggestions.ORDER_STATUS]] == ["complete", "pending"]
    assert [o.value for o in found[Suggestions.CURRENCY]] == ["EUR", "USD"]
    assert [o.value for o in found[Suggestions.PAYMENT_METHOD]] == ["checkmo", "paypal"]
    assert [o.value for o in found[Suggestions.SHIPPING_METHOD]] == ["flatrate_flatrate"]
    assert [o.value for o in found[Suggestions.COUNTRY]] == ["DE", "FR"]


QUERY = """
{
  conditionCatalog {
    type label mahoType
    attributes {
      code label inputType operators optionsAreSuggestions description
      operatorOptions { value label }
      options { value label }
    }
  }
}
"""


async def test_condition_catalog_query(db):
    await _store()
    result = await schema.execute(QUERY, context_value=Context(scopes=frozenset({"read"})))
    assert result.errors is None
    assert result.data is not None
    types = {t["type"]: t for t in result.data["conditionCatalog"]}
    assert list(types) == [COMBINE, *CATALOG]
    clv = types["customer_clv"]
    assert clv["label"] == "Customer Lifetime Value"
    assert clv["mahoType"] == "customersegmentation/segment_condition_customer_clv"
    attributes = {a["code"]: a for a in types["customer_attributes"]["attributes"]}
    assert attributes["email"]["inputType"] == "STRING"
    assert attributes["email"]["operators"] == [
        "==",
        "!=",
        ">=",
        ">",
        "<=",
        "<",
        "{}",
        "!{}",
        "()",
        "!()",
    ]
    assert attributes["email"]["options"] == []
    assert attributes["email"]["operatorOptions"][6] == {"value": "{}", "label": "contains"}
    assert attributes["gender"]["options"] == [
        {"value": "male", "label": "Male"},
        {"value": "female", "label": "Female"},
    ]
    assert attributes["website_id"]["options"] == [
        {"value": "1", "label": "Main Website"},
        {"value": "2", "label": "Second Website"},
    ]
    assert attributes["website_id"]["optionsAreSuggestions"] is False
    assert attributes["dob"]["inputType"] == "DATE"
    assert attributes["dob"]["operators"] == ["==", "!=", ">=", ">", "<=", "<"]
    orders = {a["code"]: a for a in types["order_attributes"]["attributes"]}
    assert orders["status"]["optionsAreSuggestions"] is True
    assert orders["status"]["options"] == [
        {"value": "complete", "label": "complete"},
        {"value": "pending", "label": "pending"},
    ]
    assert orders["status"]["operators"] == ["==", "!=", "()", "!()"]
    assert "canceled" in orders["grand_total"]["description"]


async def test_condition_catalog_needs_the_read_scope(db):
    result = await schema.execute(QUERY, context_value=Context(scopes=frozenset()))
    assert result.data is None
    assert result.errors and result.errors[0].extensions == {"code": "FORBIDDEN"}
