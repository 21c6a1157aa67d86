"""The condition catalog: the one whitelist of condition types and attributes.

The validator accepts only what is listed here and the compiler builds SQL only from
the building blocks listed here; the API serves the same table to admin frontends.
"""

from __future__ import annotations

from models.db import connection
from models.segments.catalog.customer import (
    CUSTOMER_ADDRESS,
    CUSTOMER_ATTRIBUTES,
    CUSTOMER_CLV,
    CUSTOMER_NEWSLETTER,
    CUSTOMER_TIMEBASED,
)
from models.segments.catalog.products import PRODUCT_VIEWED, PRODUCT_WISHLIST
from models.segments.catalog.sales import (
    CART_ATTRIBUTES,
    CART_ITEMS,
    ORDER_ATTRIBUTES,
    ORDER_ITEMS_ATTRIBUTES,
)
from models.segments.catalog.types import (
    AttributeSpec,
    ConditionTypeSpec,
    GroupSpec,
    Option,
    Suggestions,
    maho_type,
)
from models.segments.tree import COMBINE

_TYPES: list[tuple[str, str, dict[str, AttributeSpec]]] = [
    ("customer_attributes", "Customer Attributes", CUSTOMER_ATTRIBUTES),
    ("customer_address", "Customer Address", CUSTOMER_ADDRESS),
    ("customer_clv", "Customer Lifetime Value", CUSTOMER_CLV),
    ("customer_newsletter", "Newsletter Subscription", CUSTOMER_NEWSLETTER),
    ("cart_attributes", "Shopping Cart Attributes", CART_ATTRIBUTES),
    ("cart_items", "Shopping Cart Items", CART_ITEMS),
    ("order_attributes", "Order Attributes", ORDER_ATTRIBUTES),
    ("order_items", "Order Items", ORDER_ITEMS_ATTRIBUTES),
    ("product_viewed", "Product Viewed", PRODUCT_VIEWED),
    ("product_wishlist", "Product in Wishlist", PRODUCT_WISHLIST),
    ("customer_timebased", "Time-based Conditions", CUSTOMER_TIMEBASED),
]

CATALOG: dict[str, ConditionTypeSpec] = {
    short: ConditionTypeSpec(short, label, maho_type(short), attributes)
    for short, label, attributes in _TYPES
}

# Listed with the condition types so an editor can offer groups from the catalog alone.
COMBINE_SPEC = GroupSpec(
    type=COMBINE,
    label="Conditions Combination",
    maho_type=maho_type(COMBINE),
    aggregators=(Option("all", "ALL"), Option("any", "ANY")),
    aggregator_description="`all`: every condition of the group must have the group's value;"
    " `any`: at least one must. Default `all`. A group with no conditions is ignored.",
    values=(Option("true", "TRUE"), Option("false", "FALSE")),
    value_description="What the conditions are tested for: `all` + false means none holds,"
    ' `any` + false means at least one does not. Default true; Maho\'s "1"/"0" work too.',
)

# Maho's model aliases (customersegmentation/segment_condition_<short>) name the same types.
_ALIASES: dict[str, str] = {
    **{short: short for short in [*CATALOG, COMBINE]},
    **{maho_type(short): short for short in [*CATALOG, COMBINE]},
}


def resolve_type(name: str) -> str | None:
    """The short type name for a short or Maho type name, or None when unknown."""
    return _ALIASES.get(name)


def attribute_spec(condition_type: str, attribute: str) -> AttributeSpec | None:
    spec = CATALOG.get(condition_type)
    return None if spec is None else spec.attributes.get(attribute)


# Constant queries; code-valued selects offer at most this many store values.
SUGGESTION_LIMIT = 200
_REFERENCE_QUERIES: dict[Suggestions, str] = {
    Suggestions.WEBSITE: "SELECT id, name AS label FROM website ORDER BY id",
    Suggestions.STORE: "SELECT id, name AS label FROM store ORDER BY id",
    Suggestions.GROUP: "SELECT id, code AS label FROM customer_group ORDER BY id",
}
_CODE_COLUMNS: dict[Suggestions, tuple[str, str]] = {
    Suggestions.ORDER_STATUS: ("sales_order", "status"),
    Suggestions.CURRENCY: ("sales_order", "order_currency_code"),
    Suggestions.PAYMENT_METHOD: ("sales_order", "payment_method"),
    Suggestions.SHIPPING_METHOD: ("sales_order", "shipping_method"),
    Suggestions.COUNTRY: ("customer_address", "country_id"),
}


async def catalog_suggestions() -> dict[Suggestions, list[Option]]:
    """Values present in the store data for selects whose options are not fixed."""
    conn = connection()
    found: dict[Suggestions, list[Option]] = {}
    for source, sql in _REFERENCE_QUERIES.items():
        rows = await conn.execute_query_dict(sql)
        found[source] = [Option(str(r["id"]), r["label"] or str(r["id"])) for r in rows]
    for source, (table, name) in _CODE_COLUMNS.items():
        rows = await conn.execute_query_dict(
            f"SELECT {name} AS value FROM {table} WHERE {name} IS NOT NULL AND {name} <> ''"
            f" GROUP BY {name} ORDER BY {name} LIMIT {SUGGESTION_LIMIT}"
        )
        found[source] = [Option(r["value"], r["value"]) for r in rows]
    return found
