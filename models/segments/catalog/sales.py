"""Catalog entries read from carts and orders, and the product fields of their items."""

from __future__ import annotations

from models.segments.catalog.types import (
    AttributeSpec,
    Option,
    Suggestions,
    ValueKind,
    date_attribute,
    numeric_attribute,
    select_attribute,
    string_attribute,
)
from models.segments.sql.sources import (
    ACTIVE_CART_ITEMS,
    ACTIVE_CARTS,
    CARTS,
    ORDER_ITEMS,
    ORDER_STATS,
    ORDERS,
    RowSource,
    column,
    stat,
)
from models.segments.sql.terms import (
    Average,
    Categories,
    Choice,
    Count,
    Integer,
    Number,
    Term,
    Text,
)
from models.segments.sql.terms_time import (
    DateOf,
    DaysSince,
    HoursSince,
)

PRODUCT_TYPES = (
    Option("simple", "Simple Product"),
    Option("configurable", "Configurable Product"),
    Option("grouped", "Grouped Product"),
    Option("bundle", "Bundle Product"),
    Option("downloadable", "Downloadable Product"),
    Option("virtual", "Virtual Product"),
)
CART_STATUSES = (Option("1", "Active"), Option("0", "Inactive"))

_CATEGORY_NOTE = (
    "The product's categories (no ancestors): positive operators need one category to"
    " match, != and !() need none of the given ones."
)


def recorded_product_fields(rows: RowSource, alias: str) -> dict[str, AttributeSpec]:
    """Item rows match on the product id, sku, name and type they recorded."""
    return {
        "product_id": numeric_attribute(
            "Product ID", Term(Integer(column(f"{alias}.product_id", nullable=True)), rows)
        ),
        "sku": string_attribute("SKU", Term(Text(column(f"{alias}.sku", nullable=True)), rows)),
        "product_name": string_attribute(
            "Product Name", Term(Text(column(f"{alias}.name", nullable=True)), rows)
        ),
        "product_type": select_attribute(
            "Product Type",
            Term(Choice(column(f"{alias}.product_type", nullable=True)), rows),
            ValueKind.CHOICE,
            options=PRODUCT_TYPES,
        ),
        "category_id": numeric_attribute(
            "Category ID", Term(Categories(f"{alias}.product_id"), rows), _CATEGORY_NOTE
        ),
    }


def _cart_number(label: str, name: str) -> AttributeSpec:
    return numeric_attribute(label, Term(Number(column(f"q.{name}")), ACTIVE_CARTS))


_ACTIVE = "Any active cart."

CART_ATTRIBUTES: dict[str, AttributeSpec] = {
    "items_count": numeric_attribute(
        "Items Count", Term(Integer(column("q.items_count")), ACTIVE_CARTS), _ACTIVE
    ),
    "items_qty": _cart_number("Items Quantity", "items_qty"),
    "base_subtotal": _cart_number("Subtotal", "base_subtotal"),
    "base_grand_total": _cart_number("Grand Total", "base_grand_total"),
    "created_at": date_attribute(
        "Cart Created Date", Term(DateOf(column("q.created_at")), ACTIVE_CARTS), _ACTIVE
    ),
    "updated_at": date_attribute(
        "Cart Updated Date",
        Term(DateOf(column("q.updated_at", nullable=True)), ACTIVE_CARTS),
        _ACTIVE,
    ),
    "hours_since_created": numeric_attribute(
        "Hours Since Cart Created",
        Term(HoursSince(column("q.created_at")), ACTIVE_CARTS),
        "Whole hours elapsed. " + _ACTIVE,
    ),
    "hours_since_updated": numeric_attribute(
        "Hours Since Cart Updated",
        Term(HoursSince(column("q.updated_at", nullable=True)), ACTIVE_CARTS),
        "Whole hours elapsed. " + _ACTIVE,
    ),
    "is_active": select_attribute(
        "Cart Status",
        Term(Choice(column("q.is_active")), CARTS),
        ValueKind.FLAG,
        options=CART_STATUSES,
        description="Any of the customer's carts, active or not.",
    ),
    "store_id": select_attribute(
        "Store",
        Term(Choice(column("q.store_id", nullable=True)), ACTIVE_CARTS),
        ValueKind.REFERENCE,
        suggestions=Suggestions.STORE,
    ),
    "applied_rule_ids": string_attribute(
        "Applied Promotion Rules",
        Term(Text(column("q.applied_rule_ids", nullable=True)), ACTIVE_CARTS),
        "The comma-separated rule ids as stored. " + _ACTIVE,
    ),
    "coupon_code": string_attribute(
        "Coupon Code", Term(Text(column("q.coupon_code", nullable=True)), ACTIVE_CARTS), _ACTIVE
    ),
}

CART_ITEMS: dict[str, AttributeSpec] = {
    **recorded_product_fields(ACTIVE_CART_ITEMS, "qi"),
    "qty": numeric_attribute("Quantity", Term(Number(column("qi.qty")), ACTIVE_CART_ITEMS)),
    "price": numeric_attribute("Price", Term(Number(column("qi.price")), ACTIVE_CART_ITEMS)),
    "row_total": numeric_attribute(
        "Row Total", Term(Number(column("qi.row_total")), ACTIVE_CART_ITEMS)
    ),
    "created_at": date_attribute(
        "Added To Cart On",
        Term(DateOf(column("qi.created_at", nullable=True)), ACTIVE_CART_ITEMS),
    ),
}


def _order_number(label: str, name: str) -> AttributeSpec:
    return numeric_attribute(label, Term(Number(column(f"o.{name}")), ORDERS), _ANY_ORDER)


def _order_code(label: str, name: str, suggestions: Suggestions, nullable: bool) -> AttributeSpec:
    return select_attribute(
        label,
        Term(Choice(column(f"o.{name}", nullable=nullable)), ORDERS),
        ValueKind.CODE,
        suggestions=suggestions,
        description=_ANY_ORDER,
    )


_ANY_ORDER = "Any one order, canceled ones included."
# Which orders the per-customer order statistics (ORDER_STATS) count.
LIVE_ORDERS_NOTE = " Orders not canceled (closed ones count)."
_LIVE_TOTAL = stat(ORDER_STATS, "amount_total", zero=0)
_LIVE_COUNT = stat(ORDER_STATS, "order_count", zero=0)

# Listed under order_attributes and customer_timebased alike, as Maho lists it.
DAYS_SINCE_LAST_ORDER = numeric_attribute(
    "Days Since Last Order",
    Term(DaysSince(stat(ORDER_STATS, "last_order_at"))),
    "Calendar days (UTC); never ordered matches nothing." + LIVE_ORDERS_NOTE,
)

ORDER_ATTRIBUTES: dict[str, AttributeSpec] = {
    "grand_total": _order_number("Grand Total", "grand_total"),
    "subtotal": _order_number("Subtotal", "subtotal"),
    "tax_amount": _order_number("Tax Amount", "tax_amount"),
    "shipping_amount": _order_number("Shipping Amount", "shipping_amount"),
    "discount_amount": _order_number("Discount Amount", "discount_amount"),
    "total_qty": _order_number("Total Items Quantity", "total_qty_ordered"),
    "status": _order_code("Order Status", "status", Suggestions.ORDER_STATUS, False),
    "store_id": select_attribute(
        "Store",
        Term(Choice(column("o.store_id", nullable=True)), ORDERS),
        ValueKind.REFERENCE,
        suggestions=Suggestions.STORE,
        description=_ANY_ORDER,
    ),
    "currency_code": _order_code("Currency", "order_currency_code", Suggestions.CURRENCY, True),
    "payment_method": _order_code(
        "Payment Method", "payment_method", Suggestions.PAYMENT_METHOD, True
    ),
    "shipping_method": _order_code(
        "Shipping Method", "shipping_method", Suggestions.SHIPPING_METHOD, True
    ),
    "created_at": date_attribute(
        "Purchase Date", Term(DateOf(column("o.created_at")), ORDERS), _ANY_ORDER
    ),
    "updated_at": date_attribute(
        "Last Modified",
        Term(DateOf(column("o.updated_at", nullable=True)), ORDERS),
        _ANY_ORDER,
    ),
    "coupon_code": string_attribute(
        "Coupon Code", Term(Text(column("o.coupon_code", nullable=True)), ORDERS), _ANY_ORDER
    ),
    "days_since_last_order": DAYS_SINCE_LAST_ORDER,
    "average_order_amount": numeric_attribute(
        "Average Order Amount",
        Term(Average(_LIVE_TOTAL, _LIVE_COUNT)),
        "Exact average of grand totals, 0 without orders." + LIVE_ORDERS_NOTE,
    ),
    "total_ordered_amount": numeric_attribute(
        "Total Ordered Amount",
        Term(Number(_LIVE_TOTAL)),
        "Sum of grand totals, 0 without orders." + LIVE_ORDERS_NOTE,
    ),
    "number_of_orders": numeric_attribute(
        "Number of Orders",
        Term(Count(ORDER_STATS, "order_count")),
        "0 without orders." + LIVE_ORDERS_NOTE,
    ),
}

ORDER_ITEMS_ATTRIBUTES: dict[str, AttributeSpec] = {
    **recorded_product_fields(ORDER_ITEMS, "oi"),
    "qty_ordered": numeric_attribute(
        "Quantity Ordered", Term(Number(column("oi.qty_ordered")), ORDER_ITEMS)
    ),
    "row_total": numeric_attribute("Row Total", Term(Number(column("oi.row_total")), ORDER_ITEMS)),
    "discount_amount": numeric_attribute(
        "Discount Amount", Term(Number(column("oi.discount_amount")), ORDER_ITEMS)
    ),
}
