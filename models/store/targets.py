"""Where each record type lands: table, columns, upsert key, parents, children, owning customer.

TARGETS is ordered parents first, so a batch written in this order finds the parents a
child references even when both came in the same batch.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Reference:
    """A field naming a parent row that must exist (the columns with a foreign key)."""

    field: str
    parent_type: str
    parent: type[Model]


@dataclass(frozen=True)
class Children:
    """Rows replaced wholesale with their parent: `items`, or a product's `category_ids`."""

    field: str
    model: type[Model]
    parent_column: str
    columns: tuple[str, ...]
    # Items keep their order; category links are a set.
    ordered: bool = True


@dataclass(frozen=True)
class Target:
    record_type: str
    model: type[Model]
    columns: tuple[str, ...]
    key: tuple[str, ...] = ("id",)
    references: tuple[Reference, ...] = ()
    children: Children | None = None
    # The column naming whose data the row is: a customer id, or an order id (credit memos).
    owner: str | None = None
    # Only a later value of this column replaces an existing row (product views).
    newer: str | None = None

    @property
    def owner_is_order(self) -> bool:
        return self.owner == "order_id"


def _ref(field: str, parent_type: str, parent: type[Model]) -> Reference:
    return Reference(field, parent_type, parent)


_CUSTOMER = _ref("customer_id", "customer", Customer)
_ITEM_PRODUCT = ("product_id", "sku", "name", "product_type")

TARGETS: tuple[Target, ...] = (
    Target("website", Website, ("id", "code", "name")),
    Target("customer_group", CustomerGroup, ("id", "code")),
    Target(
        "store",
        Store,
        ("id", "website_id", "code", "name"),
        references=(_ref("website_id", "website", Website),),
    ),
    Target("category", Category, ("id", "name", "parent_id")),
    Target(
        "product",
        Product,
        ("id", "sku", "name", "type_id", "price"),
        children=Children(
            "category_ids", ProductCategory, "product_id", ("category_id",), ordered=False
        ),
    ),
    Target(
        "sales_rule",
        SalesRule,
        (
            "id",
            "name",
            "description",
            "is_active",
            "coupon_type",
            "use_auto_generation",
            "simple_action",
            "discount_amount",
        ),
    ),
    Target(
        "newsletter_template",
        NewsletterTemplate,
        ("id", "code", "subject", "text", "sender_name", "sender_email"),
    ),
    Target(
        "customer",
        Customer,
        (
            "id",
            "website_id",
            "store_id",
            "group_id",
            "email",
            "firstname",
            "lastname",
            "gender",
            "dob",
            "created_at",
            "is_active",
        ),
        references=(
            _ref("website_id", "website", Website),
            _ref("store_id", "store", Store),
            _ref("group_id", "customer_group", CustomerGroup),
        ),
        owner="id",
    ),
    Target(
        "customer_address",
        CustomerAddress,
        (
            "id",
            "customer_id",
            "firstname",
            "lastname",
            "company",
            "street",
            "city",
            "region",
            "postcode",
            "country_id",
            "telephone",
        ),
        references=(_CUSTOMER,),
        owner="customer_id",
    ),
    Target(
        "newsletter_subscriber",
        NewsletterSubscriber,
        ("customer_id", "email", "subscriber_status", "change_status_at"),
        key=("customer_id",),
        references=(_CUSTOMER,),
        owner="customer_id",
    ),
    Target(
        "order",
        Order,
        (
            "id",
            "increment_id",
            "customer_id",
            "store_id",
            "state",
            "status",
            "created_at",
            "updated_at",
            "grand_total",
            "subtotal",
            "tax_amount",
            "shipping_amount",
            "discount_amount",
            "total_qty_ordered",
            "order_currency_code",
            "payment_method",
            "shipping_method",
            "coupon_code",
        ),
        references=(_CUSTOMER,),
        children=Children(
            "items",
            OrderItem,
            "order_id",
            (*_ITEM_PRODUCT, "qty_ordered", "price", "row_total", "discount_amount"),
        ),
        owner="customer_id",
    ),
    Target(
        "creditmemo",
        Creditmemo,
        ("id", "order_id", "grand_total", "created_at"),
        references=(_ref("order_id", "order", Order),),
        owner="order_id",
    ),
    Target(
        "quote",
        Quote,
        (
            "id",
            "customer_id",
            "store_id",
            "is_active",
            "created_at",
            "updated_at",
            "items_count",
            "items_qty",
            "base_subtotal",
            "base_grand_total",
            "applied_rule_ids",
            "coupon_code",
        ),
        references=(_CUSTOMER,),
        children=Children(
            "items",
            QuoteItem,
            "quote_id",
            (*_ITEM_PRODUCT, "qty", "price", "row_total", "created_at"),
        ),
        owner="customer_id",
    ),
    Target(
        "product_view",
        ProductView,
        ("customer_id", "product_id", "store_id", "added_at"),
        key=("customer_id", "product_id"),
        references=(_CUSTOMER,),
        owner="customer_id",
        newer="added_at",
    ),
    Target(
        "wishlist",
        Wishlist,
        ("id", "customer_id", "shared"),
        references=(_CUSTOMER,),
        children=Children("items", WishlistItem, "wishlist_id", ("product_id", "added_at")),
        owner="customer_id",
    ),
    Target(
        "customer_login",
        CustomerLogin,
        ("customer_id", "login_at"),
        key=("customer_id", "login_at"),
        references=(_CUSTOMER,),
        owner="customer_id",
    ),
)

TARGET_BY_TYPE: dict[str, Target] = {t.record_type: t for t in TARGETS}
DELETE_TYPE = "customer_delete"
# Record types in the order a batch writes them (and a summary lists them).
TYPE_ORDER: tuple[str, ...] = (*(t.record_type for t in TARGETS), DELETE_TYPE)
