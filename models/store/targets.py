"""Where each record type lands: table, columns, upsert key, parents, children, owning customer.

TARGETS is ordered parents first, so a batch written in this order finds the parents a
child references even when both came in the same batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_origin

from pydantic import BaseModel
from tortoise.models import Model

from models.store.activity import ProductView, Wishlist, WishlistItem
from models.store.customers import Customer, CustomerAddress, CustomerLogin, NewsletterSubscriber
from models.store.records import (
    CategoryRecord,
    CreditmemoRecord,
    CustomerAddressRecord,
    CustomerGroupRecord,
    CustomerLoginRecord,
    CustomerRecord,
    NewsletterSubscriberRecord,
    NewsletterTemplateRecord,
    OrderItemRecord,
    OrderRecord,
    ProductRecord,
    ProductViewRecord,
    QuoteItemRecord,
    QuoteRecord,
    SalesRuleRecord,
    StoreViewRecord,
    WebsiteRecord,
    WishlistItemRecord,
    WishlistRecord,
)
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
    """A field naming a parent row that must exist (a foreign key's column, or a store id that
    has none but must name a store all the same)."""

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


def _columns(record: type[BaseModel]) -> tuple[str, ...]:
    """A record's fields name its table's columns, less `type` and the lists of children."""
    return tuple(
        name
        for name, field in record.model_fields.items()
        if name != "type" and get_origin(field.annotation) is not list
    )


_CUSTOMER = _ref("customer_id", "customer", Customer)
_STORE = _ref("store_id", "store", Store)

TARGETS: tuple[Target, ...] = (
    Target("website", Website, _columns(WebsiteRecord)),
    Target("customer_group", CustomerGroup, _columns(CustomerGroupRecord)),
    Target(
        "store",
        Store,
        _columns(StoreViewRecord),
        references=(_ref("website_id", "website", Website),),
    ),
    Target("category", Category, _columns(CategoryRecord)),
    Target(
        "product",
        Product,
        _columns(ProductRecord),
        children=Children(
            "category_ids", ProductCategory, "product_id", ("category_id",), ordered=False
        ),
    ),
    Target("sales_rule", SalesRule, _columns(SalesRuleRecord)),
    Target("newsletter_template", NewsletterTemplate, _columns(NewsletterTemplateRecord)),
    Target(
        "customer",
        Customer,
        _columns(CustomerRecord),
        references=(
            _ref("website_id", "website", Website),
            _STORE,
            _ref("group_id", "customer_group", CustomerGroup),
        ),
        owner="id",
    ),
    Target(
        "customer_address",
        CustomerAddress,
        _columns(CustomerAddressRecord),
        references=(_CUSTOMER,),
        owner="customer_id",
    ),
    Target(
        "newsletter_subscriber",
        NewsletterSubscriber,
        _columns(NewsletterSubscriberRecord),
        key=("customer_id",),
        references=(_CUSTOMER,),
        owner="customer_id",
    ),
    Target(
        "order",
        Order,
        _columns(OrderRecord),
        references=(_CUSTOMER, _STORE),
        children=Children("items", OrderItem, "order_id", _columns(OrderItemRecord)),
        owner="customer_id",
    ),
    Target(
        "creditmemo",
        Creditmemo,
        _columns(CreditmemoRecord),
        references=(_ref("order_id", "order", Order),),
        owner="order_id",
    ),
    Target(
        "quote",
        Quote,
        _columns(QuoteRecord),
        references=(_CUSTOMER, _STORE),
        children=Children("items", QuoteItem, "quote_id", _columns(QuoteItemRecord)),
        owner="customer_id",
    ),
    Target(
        "product_view",
        ProductView,
        _columns(ProductViewRecord),
        key=("customer_id", "product_id"),
        references=(_CUSTOMER, _STORE),
        owner="customer_id",
        newer="added_at",
    ),
    Target(
        "wishlist",
        Wishlist,
        _columns(WishlistRecord),
        references=(_CUSTOMER,),
        children=Children("items", WishlistItem, "wishlist_id", _columns(WishlistItemRecord)),
        owner="customer_id",
    ),
    Target(
        "customer_login",
        CustomerLogin,
        _columns(CustomerLoginRecord),
        key=("customer_id", "login_at"),
        references=(_CUSTOMER,),
        owner="customer_id",
    ),
)

TARGET_BY_TYPE: dict[str, Target] = {t.record_type: t for t in TARGETS}
DELETE_TYPE = "customer_delete"
# Record types in the order a batch writes them (and a summary lists them).
TYPE_ORDER: tuple[str, ...] = (*(t.record_type for t in TARGETS), DELETE_TYPE)
