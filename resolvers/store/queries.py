"""Store data queries admins need to see."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models.store import reads
from resolvers.connection import After, Connection, First, connection_of
from resolvers.context import Info
from resolvers.ids import parse_id
from resolvers.permissions import CanRead
from resolvers.store.loaders import CustomerByIdLoader
from resolvers.store.types import (
    Customer,
    CustomerFilter,
    CustomerGroup,
    Store,
    Website,
)


@strawberry.type
class StoreQuery:
    @strawberry.field(
        permission_classes=[CanRead], description="A customer by the store's id, or null."
    )
    async def customer(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The store's customer id.")],
    ) -> Customer | None:
        row = await info.context.loader(CustomerByIdLoader).load(parse_id(id))
        return Customer.of(row) if row else None

    @strawberry.field(
        permission_classes=[CanRead], description="Customers in id order, keyset-paginated."
    )
    async def customers(
        self,
        first: First = None,
        after: After = None,
        filter: Annotated[
            CustomerFilter | None,
            strawberry.argument(description="Only customers meeting every given criterion."),
        ] = None,
    ) -> Connection[Customer]:
        where = reads.CustomerFilter(
            website_id=filter.website_id if filter else None,
            group_id=filter.group_id if filter else None,
            email_contains=filter.email_contains if filter else None,
        )
        page = await reads.customers_page(first=first, after=after, where=where)
        return connection_of(page, lambda c: reads.customer_cursor(c.id), Customer.of)

    @strawberry.field(permission_classes=[CanRead], description="All websites.")
    async def websites(self) -> list[Website]:
        return [Website.of(r) for r in await reads.all_websites()]

    @strawberry.field(permission_classes=[CanRead], description="All store views.")
    async def stores(self) -> list[Store]:
        return [Store.of(r) for r in await reads.all_stores()]

    @strawberry.field(permission_classes=[CanRead], description="All customer groups.")
    async def customer_groups(self) -> list[CustomerGroup]:
        return [CustomerGroup.of(r) for r in await reads.all_customer_groups()]
