"""Reading store tables back through the ORM, so both dialects yield the same Python values."""

from __future__ import annotations

from typing import Any

from tortoise.models import Model

from models.store.activity import ProductView, Wishlist, WishlistItem
from models.store.customers import Customer, CustomerAddress, CustomerLogin, NewsletterSubscriber
from models.store.reference import (
    Category,
    CustomerGroup,
    NewsletterTemplate,
    Product,
    ProductCategory,
    SalesRule,
    Store,
    Website,
)
from models.store.sales import Creditmemo, Order, OrderItem, Quote, QuoteItem
from models.store.targets import TARGET_BY_TYPE

_ITEM = ("product_id", "sku", "name", "product_type")

# name -> (model, columns as in sample.EXPECTED_ROWS, order)
TABLES: dict[str, tuple[type[Model], tuple[str, ...], tuple[str, ...]]] = {
    **{t.record_type: (t.model, t.columns, t.key) for t in TARGET_BY_TYPE.values()},
    "product_category": (
        ProductCategory,
        ("product_id", "category_id"),
        ("product_id", "category_id"),
    ),
    "order_item": (
        OrderItem,
        ("order_id", *_ITEM, "qty_ordered", "price", "row_total", "discount_amount"),
        ("order_id", "id"),
    ),
    "quote_item": (
        QuoteItem,
        ("quote_id", *_ITEM, "qty", "price", "row_total", "created_at"),
        ("quote_id", "id"),
    ),
    "wishlist_item": (
        WishlistItem,
        ("wishlist_id", "product_id", "added_at"),
        ("wishlist_id", "id"),
    ),
}
ALL_MODELS: tuple[type[Model], ...] = (
    Website,
    Store,
    CustomerGroup,
    Category,
    Product,
    ProductCategory,
    SalesRule,
    NewsletterTemplate,
    Customer,
    CustomerAddress,
    NewsletterSubscriber,
    CustomerLogin,
    Order,
    OrderItem,
    Creditmemo,
    Quote,
    QuoteItem,
    ProductView,
    Wishlist,
    WishlistItem,
)


async def rows(name: str) -> list[tuple]:
    model, columns, order = TABLES[name]
    return [tuple(r) for r in await model.all().order_by(*order).values_list(*columns)]


async def all_rows() -> dict[str, list[tuple]]:
    return {name: await rows(name) for name in TABLES}


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every column of every store table, surrogate ids included (to see rows replaced)."""
    result = {}
    for model in ALL_MODELS:
        result[model._meta.db_table] = await model.all().order_by("id").values()
    return result
