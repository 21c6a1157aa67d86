"""Small store fixtures and readers shared by the segment, live and task tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from models.segments.orm import MembershipChange, SegmentMember, SegmentMembershipEvent
from models.segments.service import SegmentData
from models.store.customers import Customer
from models.store.reference import CustomerGroup, Website
from tests.segments.store_rows import REGISTERED as REGISTERED
from tests.segments.store_rows import add_customers, customer_row
from tests.segments.trees import leaf, root

T1 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
T2 = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)
T3 = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


async def reference_rows() -> None:
    """Websites 1 and 2, customer groups 1 and 2."""
    for website_id in (1, 2):
        await Website.create(id=website_id, code=f"w{website_id}", name=f"Website {website_id}")
    for group_id in (1, 2):
        await CustomerGroup.create(id=group_id, code=f"g{group_id}")


async def customer(
    customer_id: int,
    firstname: str,
    *,
    website_id: int = 1,
    group_id: int = 1,
    is_active: bool = True,
) -> None:
    await add_customers(
        customer_row(
            customer_id,
            firstname=firstname,
            website_id=website_id,
            group_id=group_id,
            is_active=is_active,
        )
    )


async def customers_named(firstnames: dict[int, str]) -> None:
    """The reference rows and, per customer id, an active customer of website 1 and group 1."""
    await reference_rows()
    await add_customers(
        *(customer_row(customer_id, firstname=name) for customer_id, name in firstnames.items())
    )


async def rename(customer_id: int, firstname: str) -> None:
    await Customer.filter(id=customer_id).update(firstname=firstname)


def firstname_is(name: str, *, type_name: str = "customer_attributes") -> dict[str, Any]:
    return root(leaf(type_name, "firstname", "==", name))


def segment_data(**overrides: Any) -> SegmentData:
    fields: dict[str, Any] = {
        "name": "Anns",
        "description": "Customers called Ann",
        "is_active": True,
        "website_ids": [1],
        "customer_group_ids": [],
        "priority": 0,
        "conditions": firstname_is("Ann"),
    }
    fields.update(overrides)
    return SegmentData(**fields)


async def member_ids(segment_id: int) -> set[int]:
    rows = await SegmentMember.filter(segment_id=segment_id).values_list("customer_id", flat=True)
    return set(rows)  # type: ignore[arg-type]


async def members(segment_id: int) -> dict[int, tuple[int, datetime]]:
    """customer id -> (website id, added at)."""
    rows = await SegmentMember.filter(segment_id=segment_id)
    return {r.customer_id: (r.website_id, r.added_at) for r in rows}


async def events(segment_id: int) -> list[tuple[int, MembershipChange, datetime]]:
    """(customer id, change, occurred at) by time, then customer (one refresh shares a time)."""
    rows = await SegmentMembershipEvent.filter(segment_id=segment_id).order_by("id")
    found = [(r.customer_id, MembershipChange(r.change), r.occurred_at) for r in rows]
    return sorted(found, key=lambda event: (event[2], event[0]))
