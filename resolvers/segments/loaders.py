"""Per-request DataLoaders of segment relations, so lists never query once per row."""

from __future__ import annotations

from collections.abc import Iterable

from models.segments import membership
from models.segments.orm import Segment
from resolvers.loaders import MappedLoader


async def _segments_by_id(ids: Iterable[int]) -> dict[int, Segment]:
    return {row.id: row for row in await Segment.filter(id__in=list(set(ids)))}


async def _memberships_by_customer(ids: Iterable[int]) -> dict[int, list[membership.Membership]]:
    # Looked up per call rather than bound once, so a replaced module function is the one used.
    return await membership.memberships_of_customers(ids)


class SegmentByIdLoader(MappedLoader[int, Segment | None]):
    fetch = staticmethod(_segments_by_id)


class MembershipsByCustomerLoader(MappedLoader[int, list[membership.Membership]]):
    fetch = staticmethod(_memberships_by_customer)
