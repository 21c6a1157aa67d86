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


@strawberry.enum
class Gender(Enum):
    MALE = "male"
    FEMALE = "female"


@strawberry.enum(description="Newsletter subscription status, as the store records it.")
class SubscriberStatus(Enum):
    SUBSCRIBED = 1
    NOT_ACTIVE = 2
    UNSUBSCRIBED = 3
    UNCONFIRMED = 4


SUBSCRIBER_STATUS_LABELS = {
    SubscriberStatus.SUBSCRIBED: "Subscribed",
    SubscriberStatus.NOT_ACTIVE: "Not Activated",
    SubscriberStatus.UNSUBSCRIBED: "Unsubscribed",
    SubscriberStatus.UNCONFIRMED: "Unconfirmed",
}


@strawberry.type
class Website:
    id: int
    code: str
    name: str

    @strawberry.field
    async def stores(self, info: Info) -> list[Store]:
        found = await info.context.loader(StoresByWebsiteLoader).load(self.id)
        return [Store.of(s) for s in found]

    @classmethod
    def of(cls, row: reference.Website) -> Website:
        return cls(id=row.id, code=row.code, name=row.name)


@strawberry.type
class Store:
    id: int
    website_id: int
    code: str
    name: str

    @strawberry.field
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


@strawberry.type
class CustomerGroup:
    id: int
    code: str

    @classmethod
    def of(cls, row: reference.CustomerGroup) -> CustomerGroup:
        return cls(id=row.id, code=row.code)


@strawberry.type
class CustomerAddress:
    id: strawberry.ID
    firstname: str | None
    lastname: str | None
    company: str | None
    street: str | None
    city: str | None
    region: str | None
    postcode: str | None
    country_id: str | None
    telephone: str | None

    @classmethod
    def of(cls, row: rows.CustomerAddress) -> CustomerAddress:
        return copy_fields(cls, row, id=strawberry.ID(str(row.id)))


@strawberry.type
class NewsletterSubscription:
    status: SubscriberStatus
    label: str = strawberry.field(description="The status as the store's admin names it.")
    changed_at: datetime | None

    @classmethod
    def of(cls, row: rows.NewsletterSubscriber) -> NewsletterSubscription:
        status = SubscriberStatus(row.subscriber_status)
        return cls(
            status=status, label=SUBSCRIBER_STATUS_LABELS[status], changed_at=row.change_status_at
        )


@strawberry.type
class OrderItem:
    product_id: int | None
    sku: str | None
    name: str | None
    product_type: str | None
    qty_ordered: Decimal
    price: Decimal
    row_total: Decimal
    discount_amount: Decimal

    @classmethod
    def of(cls, row: sales.OrderItem) -> OrderItem:
        return copy_fields(cls, row)


@strawberry.type
class Creditmemo:
    id: strawberry.ID
    grand_total: Decimal
    created_at: datetime

    @classmethod
    def of(cls, row: sales.Creditmemo) -> Creditmemo:
        return cls(
            id=strawberry.ID(str(row.id)), grand_total=row.grand_total, created_at=row.created_at
        )


@strawberry.type
class Order:
    id: strawberry.ID
    pk: strawberry.Private[int]
    increment_id: str | None
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

    @strawberry.field
    async def items(self, info: Info) -> list[OrderItem]:
        found = await info.context.loader(ItemsByOrderLoader).load(self.pk)
        return [OrderItem.of(i) for i in found]

    @strawberry.field
    async def creditmemos(self, info: Info) -> list[Creditmemo]:
        found = await info.context.loader(CreditmemosByOrderLoader).load(self.pk)
        return [Creditmemo.of(c) for c in found]

    @classmethod
    def of(cls, row: sales.Order) -> Order:
        return copy_fields(cls, row, id=strawberry.ID(str(row.id)), pk=row.id)


@strawberry.type
class Customer:
    """A store customer. Other domains add fields here (e.g. segment memberships)."""

    id: strawberry.ID
    pk: strawberry.Private[int]
    website_id: int
    store_id: int | None
    group_id: int
    email: str
    firstname: str | None
    lastname: str | None
    gender: Gender | None
    dob: date | None
    created_at: datetime
    is_active: bool

    @strawberry.field
    async def website(self, info: Info) -> Website:
        row = await info.context.loader(WebsiteByIdLoader).load(self.website_id)
        assert row is not None  # a foreign key with ON DELETE RESTRICT
        return Website.of(row)

    @strawberry.field
    async def store(self, info: Info) -> Store | None:
        if self.store_id is None:
            return None
        row = await info.context.loader(StoreByIdLoader).load(self.store_id)
        return Store.of(row) if row else None

    @strawberry.field
    async def group(self, info: Info) -> CustomerGroup:
        row = await info.context.loader(CustomerGroupByIdLoader).load(self.group_id)
        assert row is not None  # a foreign key with ON DELETE RESTRICT
        return CustomerGroup.of(row)

    @strawberry.field
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
            strawberry.argument(description=f"0 to {MAX_CUSTOMER_PROGRESS} rows."),
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


@strawberry.input
class CustomerFilter:
    website_id: int | None = None
    group_id: int | None = None
    email_contains: str | None = strawberry.field(
        default=None, description="Case-insensitive substring of the email."
    )
