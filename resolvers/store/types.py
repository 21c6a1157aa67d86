"""GraphQL types of store data. Relations resolve through per-request DataLoaders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.pagination import page_size
from models.store import customers as rows
from models.store import reference, sales
from models.store.reads import order_cursor, orders_page_key
from resolvers.automation.loaders import ProgressByCustomerLoader, ProgressKey
from resolvers.connection import After, Connection, connection_of
from resolvers.context import Info
from resolvers.rows import copy_fields
from resolvers.store.loaders import (
    AddressesByCustomerLoader,
    CreditmemosByOrderLoader,
    CustomerGroupByIdLoader,
    ItemsByOrderLoader,
    OrdersPageByCustomerLoader,
    SalesTotalsByCustomerLoader,
    StoreByIdLoader,
    StoresByWebsiteLoader,
    SubscriberByCustomerLoader,
    WebsiteByIdLoader,
)

if TYPE_CHECKING:
    from resolvers.automation.types import SequenceProgress
    from resolvers.segments.types import CustomerSegmentMembership

# Segment types build on these (a member's customer), so the store names theirs lazily:
# in annotations through strawberry.lazy, and as a class only when a resolver runs.
SEGMENT_TYPES = "resolvers.segments.types"
AUTOMATION_TYPES = "resolvers.automation.types"
DEFAULT_CUSTOMER_PROGRESS = 20
MAX_CUSTOMER_PROGRESS = 100


@strawberry.enum(description="A customer's gender as the store records it.")
class Gender(Enum):
    MALE = strawberry.enum_value("male", description="Stored as `male`.")
    FEMALE = strawberry.enum_value("female", description="Stored as `female`.")


@strawberry.enum(description="Newsletter subscription status, as the store records it.")
class SubscriberStatus(Enum):
    SUBSCRIBED = strawberry.enum_value(
        1, description="Status 1: receives newsletters and automation mail."
    )
    NOT_ACTIVE = strawberry.enum_value(2, description="Status 2 (Not Activated): receives none.")
    UNSUBSCRIBED = strawberry.enum_value(
        3, description="Status 3: unsubscribed (import, upsert or one-click link); receives none."
    )
    UNCONFIRMED = strawberry.enum_value(
        4, description="Status 4: subscription not confirmed yet; receives none."
    )


SUBSCRIBER_STATUS_LABELS = {
    SubscriberStatus.SUBSCRIBED: "Subscribed",
    SubscriberStatus.NOT_ACTIVE: "Not Activated",
    SubscriberStatus.UNSUBSCRIBED: "Unsubscribed",
    SubscriberStatus.UNCONFIRMED: "Unconfirmed",
}


@strawberry.type(description="A website of the store (Maho's top level of scope).")
class Website:
    id: int = strawberry.field(description="The store's own website id.")
    code: str = strawberry.field(description="The website's code, e.g. `base`.")
    name: str = strawberry.field(description="The website's name.")

    @strawberry.field(description="The website's store views, in id order.")
    async def stores(self, info: Info) -> list[Store]:
        found = await info.context.loader(StoresByWebsiteLoader).load(self.id)
        return [Store.of(s) for s in found]

    @classmethod
    def of(cls, row: reference.Website) -> Website:
        return cls(id=row.id, code=row.code, name=row.name)


@strawberry.type(description="A store view of a website.")
class Store:
    id: int = strawberry.field(description="The store's own store view id.")
    website_id: int = strawberry.field(description="Id of the website it belongs to.")
    code: str = strawberry.field(description="The store view's code, e.g. `default`.")
    name: str = strawberry.field(description="The store view's name.")

    @strawberry.field(description="The website it belongs to.")
    async def website(self, info: Info) -> Website:
        row = await info.context.loader(WebsiteByIdLoader).load(self.website_id)
        assert row is not None  # a foreign key with ON DELETE RESTRICT
        return Website.of(row)

    @classmethod
    def of(cls, row: reference.Store) -> Store:
        return cls(
            id=row.id,
            website_id=row.website_id,  # type: ignore[attr-defined]
            code=row.code,
            name=row.name,
        )


@strawberry.type(description="A customer group (General, Wholesale, ...).")
class CustomerGroup:
    id: int = strawberry.field(description="The store's own customer group id.")
    code: str = strawberry.field(description="The group's name, e.g. `General`.")

    @classmethod
    def of(cls, row: reference.CustomerGroup) -> CustomerGroup:
        return cls(id=row.id, code=row.code)


@strawberry.type(description="One of a customer's addresses, as imported; null parts are unknown.")
class CustomerAddress:
    id: strawberry.ID = strawberry.field(description="The store's own address id.")
    firstname: str | None = strawberry.field(description="First name on the address.")
    lastname: str | None = strawberry.field(description="Last name on the address.")
    company: str | None = strawberry.field(description="Company, if any.")
    street: str | None = strawberry.field(description="Street lines, newline-separated.")
    city: str | None = strawberry.field(description="City.")
    region: str | None = strawberry.field(description="Region or state, as text.")
    postcode: str | None = strawberry.field(description="Postal code.")
    country_id: str | None = strawberry.field(
        description="ISO 3166-1 alpha-2 country code, e.g. `DE`."
    )
    telephone: str | None = strawberry.field(description="Telephone number, as entered.")

    @classmethod
    def of(cls, row: rows.CustomerAddress) -> CustomerAddress:
        return copy_fields(cls, row, id=strawberry.ID(str(row.id)))


@strawberry.type(description="A customer's newsletter subscriber record.")
class NewsletterSubscription:
    status: SubscriberStatus = strawberry.field(
        description="Only SUBSCRIBED customers get automation mail."
    )
    label: str = strawberry.field(description="The status as the store's admin names it.")
    changed_at: datetime | None = strawberry.field(
        description="When the status last changed (UTC); null if the store did not say."
    )

    @classmethod
    def of(cls, row: rows.NewsletterSubscriber) -> NewsletterSubscription:
        status = SubscriberStatus(row.subscriber_status)
        return cls(
            status=status, label=SUBSCRIBER_STATUS_LABELS[status], changed_at=row.change_status_at
        )


@strawberry.type(
    description="One line of an order, as recorded when ordered (not the product's current data)."
)
class OrderItem:
    product_id: int | None = strawberry.field(description="The product's id; null if unknown.")
    sku: str | None = strawberry.field(description="SKU as ordered.")
    name: str | None = strawberry.field(description="Product name as ordered.")
    product_type: str | None = strawberry.field(
        description="`simple`, `configurable`, `grouped`, `bundle`, `downloadable` or `virtual`."
    )
    qty_ordered: Decimal = strawberry.field(description="Quantity ordered (4 decimals).")
    price: Decimal = strawberry.field(description="Unit price in the order's currency.")
    row_total: Decimal = strawberry.field(description="Line total in the order's currency.")
    discount_amount: Decimal = strawberry.field(
        description="Discount on the line, in the order's currency."
    )

    @classmethod
    def of(cls, row: sales.OrderItem) -> OrderItem:
        return copy_fields(cls, row)


@strawberry.type(description="A credit memo (refund) of an order.")
class Creditmemo:
    id: strawberry.ID = strawberry.field(description="The store's own credit memo id.")
    grand_total: Decimal = strawberry.field(description="Amount refunded, in the order's currency.")
    created_at: datetime = strawberry.field(description="When it was created (UTC).")

    @classmethod
    def of(cls, row: sales.Creditmemo) -> Creditmemo:
        return cls(
            id=strawberry.ID(str(row.id)), grand_total=row.grand_total, created_at=row.created_at
        )


@strawberry.type(description="A customer's order, as imported. Amounts are in its own currency.")
class Order:
    id: strawberry.ID = strawberry.field(description="The store's own order id.")
    pk: strawberry.Private[int]
    increment_id: str | None = strawberry.field(
        description="The order number customers see, e.g. `100000123`."
    )
    store_id: int | None = strawberry.field(description="Store view it was placed in.")
    state: str = strawberry.field(
        description="Maho's order state: `new`, `processing`, `complete`, `closed` (fully "
        "refunded), `canceled`, `holded`, ...; conditions on lifetime value skip canceled and "
        "closed orders."
    )
    status: str = strawberry.field(description="The store's order status code.")
    created_at: datetime = strawberry.field(description="When it was placed (UTC).")
    updated_at: datetime | None = strawberry.field(description="Last change (UTC), if known.")
    grand_total: Decimal = strawberry.field(description="What the customer paid in all.")
    subtotal: Decimal = strawberry.field(description="Sum of the lines before tax and shipping.")
    tax_amount: Decimal = strawberry.field(description="Tax, in the order's currency.")
    shipping_amount: Decimal = strawberry.field(description="Shipping, in the order's currency.")
    discount_amount: Decimal = strawberry.field(
        description="Discount, as the store records it (usually negative)."
    )
    total_qty_ordered: Decimal = strawberry.field(description="Units ordered over all lines.")
    order_currency_code: str | None = strawberry.field(
        description="ISO 4217 currency of the amounts, e.g. `EUR`."
    )
    payment_method: str | None = strawberry.field(
        description="Payment method code, e.g. `checkmo`."
    )
    shipping_method: str | None = strawberry.field(
        description="Shipping method code, e.g. `flatrate_flatrate`."
    )
    coupon_code: str | None = strawberry.field(description="Coupon code used, if any.")

    @strawberry.field(description="The order's lines, in id order.")
    async def items(self, info: Info) -> list[OrderItem]:
        found = await info.context.loader(ItemsByOrderLoader).load(self.pk)
        return [OrderItem.of(i) for i in found]

    @strawberry.field(description="The order's credit memos (refunds), in id order.")
    async def creditmemos(self, info: Info) -> list[Creditmemo]:
        found = await info.context.loader(CreditmemosByOrderLoader).load(self.pk)
        return [Creditmemo.of(c) for c in found]

    @classmethod
    def of(cls, row: sales.Order) -> Order:
        return copy_fields(cls, row, id=strawberry.ID(str(row.id)), pk=row.id)


@strawberry.type(
    description="A store customer with what hangs on it: addresses, subscription, orders, "
    "segment memberships and email automation progress."
)
class Customer:
    """Other domains add fields here (e.g. segment memberships)."""

    id: strawberry.ID = strawberry.field(description="The store's own customer id.")
    pk: strawberry.Private[int]
    website_id: int = strawberry.field(description="Website the account belongs to.")
    store_id: int | None = strawberry.field(description="Store view it was created in, if known.")
    group_id: int = strawberry.field(description="Customer group id.")
    email: str = strawberry.field(description="Email address (unique per website).")
    firstname: str | None = strawberry.field(description="First name.")
    lastname: str | None = strawberry.field(description="Last name.")
    gender: Gender | None = strawberry.field(description="Null when not given.")
    dob: date | None = strawberry.field(description="Date of birth, if given.")
    created_at: datetime = strawberry.field(description="When the account was created (UTC).")
    is_active: bool = strawberry.field(
        description="Inactive customers are in no segment, whatever the conditions."
    )

    @strawberry.field(description="The website the account belongs to.")
    async def website(self, info: Info) -> Website:
        row = await info.context.loader(WebsiteByIdLoader).load(self.website_id)
        assert row is not None  # a foreign key with ON DELETE RESTRICT
        return Website.of(row)

    @strawberry.field(description="The store view it was created in; null if unknown.")
    async def store(self, info: Info) -> Store | None:
        if self.store_id is None:
            return None
        row = await info.context.loader(StoreByIdLoader).load(self.store_id)
        return Store.of(row) if row else None

    @strawberry.field(description="The customer's group.")
    async def group(self, info: Info) -> CustomerGroup:
        row = await info.context.loader(CustomerGroupByIdLoader).load(self.group_id)
        assert row is not None  # a foreign key with ON DELETE RESTRICT
        return CustomerGroup.of(row)

    @strawberry.field(description="Every address of the customer, in id order.")
    async def addresses(self, info: Info) -> list[CustomerAddress]:
        found = await info.context.loader(AddressesByCustomerLoader).load(self.pk)
        return [CustomerAddress.of(a) for a in found]

    @strawberry.field(description="Null when the customer has no newsletter subscriber record.")
    async def newsletter_subscription(self, info: Info) -> NewsletterSubscription | None:
        row = await info.context.loader(SubscriberByCustomerLoader).load(self.pk)
        return NewsletterSubscription.of(row) if row else None

    @strawberry.field(description="Every order, canceled ones included, newest first.")
    async def orders(
        self,
        info: Info,
        first: Annotated[
            int | None,
            strawberry.argument(description="How many orders: 0 to 100, default 10."),
        ] = None,
        after: After = None,
    ) -> Connection[Order]:
        key = orders_page_key(self.pk, first, after)
        page = await info.context.loader(OrdersPageByCustomerLoader).load(key)

        async def count() -> int:
            totals = await info.context.loader(SalesTotalsByCustomerLoader).load(self.pk)
            return totals.orders_count

        return connection_of(page, lambda o: order_cursor(o.id), Order.of, count=count)

    @strawberry.field(
        description="Every order placed, canceled and closed ones included (the"
        " customer_clv.number_of_orders condition counts neither)."
    )
    async def orders_count(self, info: Info) -> int:
        return (await info.context.loader(SalesTotalsByCustomerLoader).load(self.pk)).orders_count

    @strawberry.field(
        description="Sum of the grand totals of orders neither canceled nor closed (fully"
        " refunded), in the orders' currencies as stored: the value the"
        " customer_clv.lifetime_sales condition compares."
    )
    async def lifetime_sales(self, info: Info) -> Decimal:
        return (await info.context.loader(SalesTotalsByCustomerLoader).load(self.pk)).lifetime_sales

    @strawberry.field(
        description="Sum of the grand totals of every credit memo (the"
        " customer_clv.lifetime_refunds condition counts only those of orders neither canceled"
        " nor closed)."
    )
    async def refunded_total(self, info: Info) -> Decimal:
        return (await info.context.loader(SalesTotalsByCustomerLoader).load(self.pk)).refunded_total

    @strawberry.field(description="Segments the customer is in, as of their last refresh.")
    async def segments(
        self, info: Info
    ) -> list[Annotated[CustomerSegmentMembership, strawberry.lazy(SEGMENT_TYPES)]]:
        memberships: type[CustomerSegmentMembership] = strawberry.LazyType(
            "CustomerSegmentMembership", SEGMENT_TYPES
        ).resolve_type()
        return await memberships.of_customer(self.pk, info)

    @strawberry.field(description="The customer's email sequence progress rows, newest first.")
    async def sequence_progress(
        self,
        info: Info,
        first: Annotated[
            int | None,
            strawberry.argument(
                description=f"How many rows: 0 to {MAX_CUSTOMER_PROGRESS}, default "
                f"{DEFAULT_CUSTOMER_PROGRESS}."
            ),
        ] = DEFAULT_CUSTOMER_PROGRESS,
    ) -> list[Annotated[SequenceProgress, strawberry.lazy(AUTOMATION_TYPES)]]:
        progress: type[SequenceProgress] = strawberry.LazyType(
            "SequenceProgress", AUTOMATION_TYPES
        ).resolve_type()
        limit = (
            DEFAULT_CUSTOMER_PROGRESS
            if first is None
            else page_size(first, maximum=MAX_CUSTOMER_PROGRESS)
        )
        key = ProgressKey(self.pk, limit)
        found = await info.context.loader(ProgressByCustomerLoader).load(key)
        return [progress.of(row) for row in found]

    @classmethod
    def of(cls, row: rows.Customer) -> Customer:
        return copy_fields(
            cls,
            row,
            id=strawberry.ID(str(row.id)),
            pk=row.id,
            gender=Gender(row.gender) if row.gender in ("male", "female") else None,
        )


@strawberry.input(description="Criteria of `customers`; every given one must hold.")
class CustomerFilter:
    website_id: int | None = strawberry.field(
        default=None, description="Only customers of this website."
    )
    group_id: int | None = strawberry.field(
        default=None, description="Only customers of this group."
    )
    email_contains: str | None = strawberry.field(
        default=None, description="Case-insensitive substring of the email."
    )
