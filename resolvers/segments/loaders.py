"""Per-request DataLoaders of segment relations, so lists never query once per row."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from models.segments import membership
from models.segments.orm import Segment


async def _segments_by_id(ids: Sequence[int]) -> list[Segment | None]:
    found = {row.id: row for row in await Segment.filter(id__in=list(set(ids)))}
    return [found.get(i) for i in ids]


async def _memberships_by_customer(ids: Sequence[int]) -> list[list[membership.Membership]]:
    found = await membership.memberships_of_customers(ids)
    return [found.get(i, []) for i in ids]


class SegmentByIdLoader(DataLoader[int, Segment | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_segments_by_id)


class MembershipsByCustomerLoader(DataLoader[int, list[membership.Membership]]):
    def __init__(self) -> None:
        super().__init__(load_fn=_memberships_by_customer)
