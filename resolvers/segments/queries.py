"""Segment queries: one segment, the filtered list, and membership lookups."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models.segments import membership, service
from resolvers.connection import After, Connection, First, connection_of
from resolvers.ids import maybe_id, parse_id
from resolvers.permissions import CanRead
from resolvers.segments.inputs import SegmentFilter
from resolvers.segments.types import Segment


@strawberry.type
class SegmentQuery:
    @strawberry.field(permission_classes=[CanRead], description="A segment by id, or null.")
    async def segment(
        self, id: Annotated[strawberry.ID, strawberry.argument(description="The segment's id.")]
    ) -> Segment | None:
        segment_id = maybe_id(id)
        row = None if segment_id is None else await service.get_segment(segment_id)
        return Segment.of(row) if row else None

    @strawberry.field(permission_classes=[CanRead], description="Segments in id order.")
    async def segments(
        self,
        first: First = None,
        after: After = None,
        filter: Annotated[
            SegmentFilter | None,
            strawberry.argument(description="Only segments meeting every given criterion."),
        ] = None,
    ) -> Connection[Segment]:
        criteria = filter or SegmentFilter()
        page = await service.list_segments(
            first=first,
            after=after,
            is_active=criteria.is_active,
            refresh_status=criteria.refresh_status,
            refresh_mode=criteria.refresh_mode,
        )
        return connection_of(page, lambda row: service.segment_cursor(row.id), Segment.of)

    @strawberry.field(
        permission_classes=[CanRead],
        description="Whether the customer was in the segment at its last refresh "
        "(and on that website, when given).",
    )
    async def is_customer_in_segment(
        self,
        segment_id: Annotated[strawberry.ID, strawberry.argument(description="The segment.")],
        customer_id: Annotated[strawberry.ID, strawberry.argument(description="The customer.")],
        website_id: Annotated[
            int | None,
            strawberry.argument(description="Only a membership on this website counts."),
        ] = None,
    ) -> bool:
        return await membership.is_customer_in_segment(
            parse_id(segment_id, "segmentId"), parse_id(customer_id, "customerId"), website_id
        )
