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
    description: str | None = strawberry.field(
        default=None, description="Free text for admins, at most 10,000 characters; null for none."
    )
    is_active: bool = strawberry.field(
        default=True, description="Default true; an inactive segment refreshes to no members."
    )
    customer_group_ids: list[int] = strawberry.field(
        default_factory=list, description="Existing customer groups; empty means every group."
    )
    refresh_mode: RefreshModeType = strawberry.field(  # type: ignore[valid-type]
        default=RefreshMode.AUTO,
        description="Default AUTO: refreshed by the cron and kept live as store data changes.",
    )
    priority: int = strawberry.field(
        default=0,
        description="0 or more, default 0; higher first when segments are refreshed or "
        "re-evaluated together.",
    )
    conditions: JSON | None = strawberry.field(
        default=None,
        description="The condition tree (a combine node); null or {} matches every active "
        "customer of the segment's websites and groups.",
    )
    auto_email_active: bool = strawberry.field(
        default=False,
        description="Default false. True starts the segment's email sequences on enter and "
        "exit events; allowed only while the segment has an active step.",
    )
    allow_overlapping_sequences: bool = strawberry.field(
        default=False,
        description="Default false: a customer with a scheduled mail of this segment gets "
        "nothing new. True: only a scheduled or sent row of the same trigger blocks.",
    )

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
    is_active: bool | None = strawberry.field(
        default=None, description="Only active (true) or inactive (false) segments."
    )
    refresh_status: RefreshStatusType | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only segments in this refresh status."
    )
    refresh_mode: RefreshModeType | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only segments of this refresh mode."
    )
