"""SEMANTICS.md §3 as the reference evaluator reads it: type -> attribute -> input type.

Written from the page, independently of models/segments/catalog/.
"""

from __future__ import annotations

LONG_TYPE_PREFIX = "customersegmentation/segment_condition_"

STRING_OPERATORS = ("==", "!=", ">=", ">", "<=", "<", "{}", "!{}", "()", "!()")
NUMERIC_OPERATORS = ("==", "!=", ">=", ">", "<=", "<", "()", "!()")
DATE_OPERATORS = ("==", "!=", ">=", ">", "<=", "<")
SELECT_OPERATORS = ("==", "!=", "()", "!()")
OPERATORS = {
    "string": STRING_OPERATORS,
    "numeric": NUMERIC_OPERATORS,
    "date": DATE_OPERATORS,
    "select": SELECT_OPERATORS,
}

_PRODUCT_FIELDS = {
    "product_id": "numeric",
    "sku": "string",
    "product_name": "string",
    "category_id": "numeric",
}

# SEMANTICS §3, type -> attribute -> input type.
ATTRIBUTES: dict[str, dict[str, str]] = {
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
            (
                "firstname",
                "lastname",
                "company",
                "street",
                "city",
                "region",
                "postcode",
                "telephone",
            ),
            "string",
        ),
        "country_id": "select",
    },
    "customer_clv": dict.fromkeys(
        (
            "lifetime_sales",
            "number_of_orders",
            "average_order_value",
            "lifetime_refunds",
            "lifetime_profit",
        ),
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
        **_PRODUCT_FIELDS,
        "product_type": "select",
        "qty": "numeric",
        "price": "numeric",
        "row_total": "numeric",
        "created_at": "date",
    },
    "order_attributes": {
        **dict.fromkeys(
            (
                "grand_total",
                "subtotal",
                "tax_amount",
                "shipping_amount",
                "discount_amount",
                "total_qty",
            ),
            "numeric",
        ),
        **dict.fromkeys(
            ("status", "store_id", "currency_code", "payment_method", "shipping_method"),
            "select",
        ),
        "created_at": "date",
        "updated_at": "date",
        "coupon_code": "string",
        "days_since_last_order": "numeric",
        "average_order_amount": "numeric",
        "total_ordered_amount": "numeric",
        "number_of_orders": "numeric",
    },
    "order_items": {
        **_PRODUCT_FIELDS,
        "product_type": "select",
        "qty_ordered": "numeric",
        "row_total": "numeric",
        "discount_amount": "numeric",
    },
    "product_viewed": {
        **_PRODUCT_FIELDS,
        "view_count": "numeric",
        "days_since_last_view": "numeric",
        "last_viewed_at": "date",
    },
    "product_wishlist": {
        **_PRODUCT_FIELDS,
        "wishlist_items_count": "numeric",
        "days_since_added": "numeric",
        "added_at": "date",
        "wishlist_shared": "select",
    },
    "customer_timebased": dict.fromkeys(
        (
            "days_since_last_login",
            "days_since_last_order",
            "days_since_first_order",
            "days_inactive",
            "order_frequency_days",
            "days_without_purchase",
        ),
        "numeric",
    ),
}
