"""GraphQL types of segments, their members and their membership history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from models.db import dialect
from models.errors import DomainError, ErrorCode
from models.pagination import Page
from models.segments import events, membership, service
from models.segments.orm import MembershipChange, RefreshMode, RefreshStatus
from models.segments.orm import Segment as SegmentRow
from resolvers.automation.loaders import SequencesBySegmentLoader
from resolvers.automation.types import EmailSequence
from resolvers.connection import (
    After,
    Connection,
    Edge,
    First,
    connection_parts,
    known_count,
)
from resolvers.context import Info
from resolvers.enums import described_enum
from resolvers.ids import parse_id
from resolvers.segments.loaders import MembershipsByCustomerLoader, SegmentByIdLoader
from resolvers.store.loaders import CustomerByIdLoader
from resolvers.store.types import Customer

RefreshModeType = described_enum(
    RefreshMode,
    name="RefreshMode",
    description="How a segment's membership is kept up to date.",
    values={
        RefreshMode.AUTO: "Refreshed by the cron (SEGMENTQL_REFRESH_CRON, default daily at "
        "05:00 UTC) once older than SEGMENTQL_REFRESH_MAX_AGE_HOURS (default 24), and, once "
        "refreshed, re-evaluated live for customers whose store data changes.",
        RefreshMode.MANUAL: "Refreshed only by refreshSegment.",
    },
)
RefreshStatusType = described_enum(
    RefreshStatus,
    name="RefreshStatus",
    description="Where a segment's last refresh stands.",
    values={
        RefreshStatus.PENDING: "Never refreshed, or a refresh is queued.",
        RefreshStatus.PROCESSING: "A refresh is running.",
        RefreshStatus.COMPLETED: "The last refresh finished; members are as of lastRefreshAt.",
        RefreshStatus.ERROR: "The last refresh failed (see refreshError); members are those "
        "of the refresh before.",
    },
)
MembershipChangeKind = described_enum(
    MembershipChange,
    name="MembershipChangeKind",
    description="Whether a customer entered or left.",
    values={
        MembershipChange.ENTERED: "The customer became a member.",
        MembershipChange.EXITED: "The customer stopped being a member.",
    },
)


@strawberry.type(description="A customer currently in a segment.")
class SegmentMember:
    customer_id: strawberry.ID = strawberry.field(description="The member's customer id.")
    website_id: int = strawberry.field(description="The customer's website.")
    added_at: datetime = strawberry.field(
        description="When the customer entered (UTC): the refresh's or live re-evaluation's now."
    )
    customer_pk: strawberry.Private[int]

    @strawberry.field(description="Null if the customer was deleted since the last refresh.")
    async def customer(self, info: Info) -> Customer | None:
        row = await info.context.loader(CustomerByIdLoader).load(self.customer_pk)
        return Customer.of(row) if row else None

    @classmethod
    def of(cls, member: membership.Member) -> SegmentMember:
        return cls(
            customer_pk=member.customer_id,
            customer_id=strawberry.ID(str(member.customer_id)),
            website_id=member.website_id,
            added_at=member.added_at,
        )


@strawberry.type(name="MemberEdge", description="A member with its cursor.")
class MemberEdge(Edge[SegmentMember]):
    pass


@strawberry.type(
    name="MemberConnection",
    description="A page of a segment's members; `totalCount` is the member count of the last "
    "refresh (matchedCustomersCount).",
)
class MemberConnection(Connection[SegmentMember]):
    edges: list[MemberEdge] = strawberry.field(  # type: ignore[assignment]
        description="The page's members with cursors."
    )

    @strawberry.field(
        description="Members as of the last refresh (the segment's matchedCustomersCount)."
    )
    async def total_count(self) -> int:
        return await self.counter()

    @classmethod
    def of(cls, page: Page[membership.Member], total_count: int) -> MemberConnection:
        return cls(
            **connection_parts(
                page,
                lambda m: membership.member_cursor(m.customer_id),
                SegmentMember.of,
                count=known_count(total_count),
                edge=MemberEdge,
            )
        )


@strawberry.type(
    description="One enter or exit of a customer, recorded by a refresh or a live re-evaluation."
)
class SegmentMembershipEvent:
    id: strawberry.ID = strawberry.field(
        description="Increases with every event recorded, across segments."
    )
    customer_id: strawberry.ID = strawberry.field(description="The customer's id.")
    website_id: int = strawberry.field(description="The customer's website.")
    change: MembershipChangeKind = strawberry.field(  # type: ignore[valid-type]
        description="ENTERED or EXITED."
    )
    occurred_at: datetime = strawberry.field(
        description="The refresh's or re-evaluation's now (UTC): email sequences count their "
        "delays from it."
    )

    @classmethod
    def of(cls, event: events.MembershipEvent) -> SegmentMembershipEvent:
        return cls(
            id=strawberry.ID(str(event.id)),
            customer_id=strawberry.ID(str(event.customer_id)),
            website_id=event.website_id,
            change=event.change,
            occurred_at=event.occurred_at,
        )


@strawberry.type(name="MembershipEventEdge", description="A membership event with its cursor.")
class MembershipEventEdge(Edge[SegmentMembershipEvent]):
    pass


@strawberry.type(
    name="MembershipEventConnection",
    description="A page of enter and exit events, oldest first.",
)
class MembershipEventConnection(Connection[SegmentMembershipEvent]):
    edges: list[MembershipEventEdge] = strawberry.field(  # type: ignore[assignment]
        description="The page's events with cursors."
    )

    @classmethod
    def of(cls, page: Page[events.MembershipEvent]) -> MembershipEventConnection:
        return cls(
            **connection_parts(
                page,
                lambda e: events.event_cursor(e.id),
                SegmentMembershipEvent.of,
                edge=MembershipEventEdge,
            )
        )


@strawberry.type(description="A rule-defined set of customers, materialised by refreshes.")
class Segment:
    row: strawberry.Private[SegmentRow]
    id: strawberry.ID = strawberry.field(description="The segment's id.")
    name: str = strawberry.field(description="1 to 255 characters.")
    description: str | None = strawberry.field(description="Free text for admins.")
    is_active: bool = strawberry.field(
        description="An inactive segment refreshes to no members (its exits start no mail)."
    )
    website_ids: list[int] = strawberry.field(
        description="Only customers of these websites can be members (at least one)."
    )
    customer_group_ids: list[int] = strawberry.field(description="Empty means every group.")
    refresh_mode: RefreshModeType = strawberry.field(  # type: ignore[valid-type]
        description="AUTO (cron and live re-evaluation) or MANUAL (refreshSegment only)."
    )
    priority: int = strawberry.field(
        description="0 or more; higher first when segments are refreshed or re-evaluated together."
    )
    conditions: JSON = strawberry.field(
        description="The condition tree, normalised: short type names, typed values."
    )
    auto_email_active: bool = strawberry.field(
        description="Whether enter and exit events start the segment's email sequences."
    )
    allow_overlapping_sequences: bool = strawberry.field(
        description="False: a customer with a scheduled mail of this segment gets nothing new. "
        "True: only a scheduled or sent row of the same trigger blocks."
    )
    matched_customers_count: int = strawberry.field(
        description="Members as of the last refresh or live re-evaluation."
    )
    last_refresh_at: datetime | None = strawberry.field(
        description="When the last successful refresh ran (UTC); null before the first."
    )
    refresh_status: RefreshStatusType = strawberry.field(  # type: ignore[valid-type]
        description="PENDING, PROCESSING, COMPLETED or ERROR."
    )
    refresh_error: str | None = strawberry.field(
        description="Why the last refresh failed (status ERROR); null otherwise."
    )
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    updated_at: datetime = strawberry.field(description="When it was last saved (UTC).")

    @classmethod
    def of(cls, row: SegmentRow) -> Segment:
        return cls(
            row=row,
            id=strawberry.ID(str(row.id)),
            name=row.name,
            description=row.description,
            is_active=row.is_active,
            website_ids=list(row.website_ids),
            customer_group_ids=list(row.customer_group_ids),
            refresh_mode=row.refresh_mode,
            priority=row.priority,
            conditions=JSON(row.conditions),
            auto_email_active=row.auto_email_active,
            allow_overlapping_sequences=row.allow_overlapping_sequences,
            matched_customers_count=row.matched_customers_count,
            last_refresh_at=row.last_refresh_at,
            refresh_status=row.refresh_status,
            refresh_error=row.refresh_error,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="The SQL the conditions compile to, for the serving database.")
    async def conditions_sql(self) -> str:
        return service.conditions_sql(self.row, dialect())

    @strawberry.field(description="Current members in customer id order.")
    async def members(
        self,
        first: First = None,
        after: After = None,
    ) -> MemberConnection:
        page = await membership.members_page(self.row.id, first=first, after=after)
        return MemberConnection.of(page, self.matched_customers_count)

    @strawberry.field(
        description="The steps of the segment's email sequences: enter before exit, then by "
        "step number."
    )
    async def email_sequences(self, info: Info) -> list[EmailSequence]:
        found = await info.context.loader(SequencesBySegmentLoader).load(self.row.id)
        return [EmailSequence.of(step) for step in found]

    @strawberry.field(
        description="Enters and exits, oldest first; pass customerId for one customer's story."
    )
    async def membership_history(
        self,
        customer_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this customer's events; null for everyone's."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> MembershipEventConnection:
        page = await events.membership_history(
            segment_id=self.row.id,
            customer_id=None if customer_id is None else parse_id(customer_id, "customerId"),
            first=first,
            after=after,
        )
        return MembershipEventConnection.of(page)


@strawberry.type(description="A segment a customer belongs to.")
class CustomerSegmentMembership:
    segment_id: strawberry.Private[int]
    website_id: int = strawberry.field(description="The website the customer is a member on.")
    added_at: datetime = strawberry.field(description="When the customer entered (UTC).")

    @strawberry.field(description="The segment.")
    async def segment(self, info: Info) -> Segment:
        row = await info.context.loader(SegmentByIdLoader).load(self.segment_id)
        if row is None:  # deleted since the membership was read, within this request
            raise DomainError.single("segment", ErrorCode.NOT_FOUND, "Segment was deleted.")
        return Segment.of(row)

    @classmethod
    def of(cls, found: membership.Membership) -> CustomerSegmentMembership:
        return cls(
            segment_id=found.segment_id, website_id=found.website_id, added_at=found.added_at
        )

    @classmethod
    async def of_customer(cls, customer_id: int, info: Info) -> list[CustomerSegmentMembership]:
        """`Customer.segments`: batched across the customers of a request."""
        found = await info.context.loader(MembershipsByCustomerLoader).load(customer_id)
        return [cls.of(m) for m in found]
