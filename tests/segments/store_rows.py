"""Plain-Python store data mirroring the store tables, and its insertion through the ORM.

The reference evaluator reads these rows directly; the property test writes the same
rows to the database so that the compiled SQL sees exactly what the evaluator sees.
Every test that needs customers in the database writes them here: `customer_row` for
one row (defaults below, any field overridden), `add_customers` to insert them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models.db import connection
from models.store.activity import ProductView as ProductViewOrm
from models.store.activity import Wishlist as WishlistOrm
from models.store.activity import WishlistItem as WishlistItemOrm
from models.store.customers import Customer as CustomerOrm
from models.store.customers import CustomerAddress as CustomerAddressOrm
from models.store.customers import CustomerLogin as CustomerLoginOrm
from models.store.customers import NewsletterSubscriber as NewsletterSubscriberOrm
from models.store.reference import Category as CategoryOrm
from models.store.reference import CustomerGroup as CustomerGroupOrm
from models.store.reference import Product as ProductOrm
from models.store.reference import ProductCategory as ProductCategoryOrm
from models.store.reference import Store as StoreOrm
from models.store.reference import Website as WebsiteOrm
from models.store.sales import Creditmemo as CreditmemoOrm
from models.store.sales import Order as OrderOrm
from models.store.sales import OrderItem as OrderItemOrm
from models.store.sales import Quote as QuoteOrm
from models.store.sales import QuoteItem as QuoteItemOrm


@dataclass(frozen=True)
class Website:
    id: int
    code: str


@dataclass(frozen=True)
class Store:
    id: int
    website_id: int
    code: str


@dataclass(frozen=True)
class CustomerGroup:
    id: int
    code: str


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class Product:
    id: int
    sku: str
    name: str
    type_id: str


@dataclass(frozen=True)
class ProductCategory:
    id: int
    product_id: int
    category_id: int


@dataclass(frozen=True)
class Customer:
    id: int
    website_id: int
    store_id: int | None
    group_id: int
    email: str
    firstname: str | None
    lastname: str | None
    gender: str | None
    dob: date | None
    created_at: datetime
    is_active: bool


REGISTERED = datetime(2024, 1, 1, tzinfo=UTC)


def customer_row(id: int, **fields: Any) -> Customer:
    """An active customer of website 1 and group 1 without a store, email c<id>@example.com,
    registered at REGISTERED, every other field empty; `fields` override any of these."""
    values: dict[str, Any] = {
        "website_id": 1,
        "store_id": None,
        "group_id": 1,
        "email": f"c{id}@example.com",
        "firstname": None,
        "lastname": None,
        "gender": None,
        "dob": None,
        "created_at": REGISTERED,
        "is_active": True,
    }
    values.update(fields)
    return Customer(id=id, **values)


@dataclass(frozen=True)
class CustomerAddress:
    id: int
    customer_id: int
    firstname: str | None
    lastname: str | None
    company: str | None
    street: str | None
    city: str | None
    region: str | None
    postcode: str | None
    country_id: str | None
    telephone: str | None


@dataclass(frozen=True)
class NewsletterSubscriber:
    id: int
    customer_id: int
    subscriber_status: int
    change_status_at: datetime | None


@dataclass(frozen=True)
class CustomerLogin:
    id: int
    customer_id: int
    login_at: datetime


@dataclass(frozen=True)
class Order:
    id: int
    customer_id: int | None
    store_id: int | None
    state: str
    status: str
    created_at: datetime
    updated_at: datetime | None
    grand_total: Decimal
    subtotal: Decimal
    tax_amount: Decimal
    shipping_amount: Decimal
    discount_amount: Decimal
    total_qty_ordered: Decimal
    order_currency_code: str | None
    payment_method: str | None
    shipping_method: str | None
    coupon_code: str | None


@dataclass(frozen=True)
class OrderItem:
    id: int
    order_id: int
    product_id: int | None
    sku: str | None
    name: str | None
    product_type: str | None
    qty_ordered: Decimal
    price: Decimal
    row_total: Decimal
    discount_amount: Decimal


@dataclass(frozen=True)
class Creditmemo:
    id: int
    order_id: int
    grand_total: Decimal
    created_at: datetime


@dataclass(frozen=True)
class Quote:
    id: int
    customer_id: int
    store_id: int | None
    is_active: bool
    created_at: datetime
    updated_at: datetime | None
    items_count: int
    items_qty: Decimal
    base_subtotal: Decimal
    base_grand_total: Decimal
    applied_rule_ids: str | None
    coupon_code: str | None


@dataclass(frozen=True)
class QuoteItem:
    id: int
    quote_id: int
    product_id: int | None
    sku: str | None
    name: str | None
    product_type: str | None
    qty: Decimal
    price: Decimal
    row_total: Decimal
    created_at: datetime | None


@dataclass(frozen=True)
class ProductView:
    id: int
    customer_id: int
    product_id: int
    store_id: int | None
    added_at: datetime


@dataclass(frozen=True)
class Wishlist:
    id: int
    customer_id: int
    shared: bool


@dataclass(frozen=True)
class WishlistItem:
    id: int
    wishlist_id: int
    product_id: int
    added_at: datetime


@dataclass
class StoreData:
    """Everything the conditions read, one list per store table."""

    websites: list[Website] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)
    groups: list[CustomerGroup] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    product_categories: list[ProductCategory] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    addresses: list[CustomerAddress] = field(default_factory=list)
    subscribers: list[NewsletterSubscriber] = field(default_factory=list)
    logins: list[CustomerLogin] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    order_items: list[OrderItem] = field(default_factory=list)
    creditmemos: list[Creditmemo] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    quote_items: list[QuoteItem] = field(default_factory=list)
    views: list[ProductView] = field(default_factory=list)
    wishlists: list[Wishlist] = field(default_factory=list)
    wishlist_items: list[WishlistItem] = field(default_factory=list)


# Parents before children; deletion walks this backwards.
_TABLES: list[tuple[str, Any, str]] = [
    ("websites", WebsiteOrm, "website"),
    ("stores", StoreOrm, "store"),
    ("groups", CustomerGroupOrm, "customer_group"),
    ("categories", CategoryOrm, "category"),
    ("products", ProductOrm, "product"),
    ("product_categories", ProductCategoryOrm, "product_category"),
    ("customers", CustomerOrm, "customer"),
    ("addresses", CustomerAddressOrm, "customer_address"),
    ("subscribers", NewsletterSubscriberOrm, "newsletter_subscriber"),
    ("logins", CustomerLoginOrm, "customer_login"),
    ("orders", OrderOrm, "sales_order"),
    ("order_items", OrderItemOrm, "sales_order_item"),
    ("creditmemos", CreditmemoOrm, "sales_creditmemo"),
    ("quotes", QuoteOrm, "sales_quote"),
    ("quote_items", QuoteItemOrm, "sales_quote_item"),
    ("views", ProductViewOrm, "product_view"),
    ("wishlists", WishlistOrm, "wishlist"),
    ("wishlist_items", WishlistItemOrm, "wishlist_item"),
]


async def _insert(model: Any, rows: Sequence[Any], using_db: BaseDBAsyncClient | None) -> None:
    if rows:
        await model.bulk_create([model(**asdict(row)) for row in rows], using_db=using_db)


async def add_customers(*customers: Customer) -> None:
    """Insert customer rows (see `customer_row`) next to what is stored, in one batch."""
    await _insert(CustomerOrm, customers, None)


async def replace_store_data(data: StoreData) -> None:
    """Empty every store table, children first, and write `data` in one transaction."""
    async with in_transaction(connection().connection_name) as tx:
        for _attribute, _model, table in reversed(_TABLES):
            await tx.execute_script(f"DELETE FROM {table}")
        for attribute, model, _table in _TABLES:
            await _insert(model, getattr(data, attribute), tx)
