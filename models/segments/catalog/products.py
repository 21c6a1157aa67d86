"""Catalog entries read from browsing: product views and wishlists."""

from __future__ import annotations

from models.segments.catalog.types import (
    AttributeSpec,
    Option,
    ValueKind,
    date_attribute,
    numeric_attribute,
    select_attribute,
    string_attribute,
)
from models.segments.sql.sources import (
    VIEW_STATS,
    VIEWED_PRODUCTS,
    VIEWS,
    WISHLIST_ITEMS,
    WISHLIST_PRODUCTS,
    WISHLIST_STATS,
    WISHLISTS,
    RowSource,
    column,
    stat,
)
from models.segments.sql.terms import (
    Categories,
    Choice,
    Count,
    Integer,
    Term,
    Text,
)
from models.segments.sql.terms_time import (
    DateOf,
    DaysSince,
)

WISHLIST_SHARED = (Option("1", "Yes"), Option("0", "No"))

_CATEGORY_NOTE = (
    "The product's categories (no ancestors): positive operators need one category to"
    " match, != and !() need none of the given ones."
)


def current_product_fields(
    rows: RowSource, with_product: RowSource, alias: str
) -> dict[str, AttributeSpec]:
    """Views and wishlist items match on the product's current sku and name."""
    return {
        "product_id": numeric_attribute(
            "Product ID", Term(Integer(column(f"{alias}.product_id")), rows)
        ),
        "sku": string_attribute("SKU", Term(Text(column("p.sku")), with_product)),
        "product_name": string_attribute(
            "Product Name", Term(Text(column("p.name")), with_product)
        ),
        "category_id": numeric_attribute(
            "Category ID", Term(Categories(f"{alias}.product_id"), rows), _CATEGORY_NOTE
        ),
    }


_LAST_VIEW = stat(VIEW_STATS, "last_viewed_at")

PRODUCT_VIEWED: dict[str, AttributeSpec] = {
    **current_product_fields(VIEWS, VIEWED_PRODUCTS, "v"),
    "view_count": numeric_attribute(
        "Products Viewed",
        Term(Count(VIEW_STATS, "product_count")),
        "Number of distinct products viewed, 0 without views.",
    ),
    "days_since_last_view": numeric_attribute(
        "Days Since Last View",
        Term(DaysSince(_LAST_VIEW)),
        "Calendar days (UTC) since the latest view; no views matches nothing.",
    ),
    "last_viewed_at": date_attribute(
        "Last Viewed On",
        Term(DateOf(_LAST_VIEW)),
        "UTC date of the latest view; no views matches nothing.",
    ),
}

PRODUCT_WISHLIST: dict[str, AttributeSpec] = {
    **current_product_fields(WISHLIST_ITEMS, WISHLIST_PRODUCTS, "wi"),
    "wishlist_items_count": numeric_attribute(
        "Wishlist Items Count",
        Term(Count(WISHLIST_STATS, "item_count")),
        "Items in all the customer's wishlists, 0 without items.",
    ),
    "days_since_added": numeric_attribute(
        "Days Since Last Added",
        Term(DaysSince(stat(WISHLIST_STATS, "last_added_at"))),
        "Calendar days (UTC) since the most recent addition; no items matches nothing.",
    ),
    "added_at": date_attribute(
        "Added On", Term(DateOf(column("wi.added_at")), WISHLIST_ITEMS), "Any one item."
    ),
    "wishlist_shared": select_attribute(
        "Wishlist Shared",
        Term(Choice(column("w.shared")), WISHLISTS),
        ValueKind.FLAG,
        options=WISHLIST_SHARED,
        description="Any one of the customer's wishlists, with or without items.",
    ),
}
