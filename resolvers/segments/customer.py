"""`Customer.segments`: a customer's memberships, batched across the customers of a request."""

from __future__ import annotations

from resolvers.context import Info
from resolvers.segments.loaders import MembershipsByCustomerLoader
from resolvers.segments.types import CustomerSegmentMembership

__all__ = ["CustomerSegmentMembership", "customer_segments"]


async def customer_segments(customer_id: int, info: Info) -> list[CustomerSegmentMembership]:
    found = await info.context.loader(MembershipsByCustomerLoader).load(customer_id)
    return [CustomerSegmentMembership.of(m) for m in found]
