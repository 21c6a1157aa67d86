"""GraphQL inputs of segments."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from models.segments.orm import RefreshMode
from models.segments.service import SegmentData
from resolvers.segments.types import RefreshModeType, RefreshStatusType


@strawberry.input(description="A segment as a whole: updateSegment replaces every field.")
class SegmentInput:
    name: str = strawberry.field(description="1 to 255 characters.")
    website_ids: list[int] = strawberry.field(description="At least one existing website.")
    description: str | None = None
    is_active: bool = True
    customer_group_ids: list[int] = strawberry.field(
        default_factory=list, description="Existing customer groups; empty means every group."
    )
    refresh_mode: RefreshModeType = RefreshMode.AUTO  # type: ignore[valid-type]
    priority: int = strawberry.field(default=0, description="0 or more.")
    conditions: JSON | None = strawberry.field(
        default=None,
        description="The condition tree (a combine node); null or {} matches every active "
        "customer of the segment's websites and groups.",
    )
    auto_email_active: bool = False
    allow_overlapping_sequences: bool = False

    def to_data(self) -> SegmentData:
        return SegmentData(
            name=self.name,
            description=self.description,
            is_active=self.is_active,
            website_ids=list(self.website_ids),
            customer_group_ids=list(self.customer_group_ids),
            refresh_mode=RefreshMode(self.refresh_mode),
            priority=self.priority,
            conditions=self.conditions,
            auto_email_active=self.auto_email_active,
            allow_overlapping_sequences=self.allow_overlapping_sequences,
        )


@strawberry.input(description="Every given criterion must hold.")
class SegmentFilter:
    is_active: bool | None = None
    refresh_status: RefreshStatusType | None = None  # type: ignore[valid-type]
    refresh_mode: RefreshModeType | None = None  # type: ignore[valid-type]
