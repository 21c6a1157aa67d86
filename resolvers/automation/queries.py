"""Email automation queries: templates, sales rules, steps, progress, stats, coupons,
settings and reports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry

from models.automation import reports, settings, stats, templates
from models.automation.orm import ProgressStatus, TriggerEvent
from models.automation.progress import progress_cursor, progress_page
from models.automation.sequences import sequences_of
from models.coupons import rules
from models.coupons.orm import Coupon as CouponRow
from models.errors import DomainError, ErrorCode
from models.segments.orm import Segment
from resolvers.automation.enums import ProgressStatusType, TriggerEventType
from resolvers.automation.stats_types import AutomationReport, AutomationStats, report_connection
from resolvers.automation.types import (
    AutomationSettings,
    Coupon,
    EmailSequence,
    NewsletterTemplate,
    SalesRule,
    SequenceProgress,
    template_connection,
)
from resolvers.connection import After, Connection, First, connection_of
from resolvers.ids import maybe_id, parse_id
from resolvers.permissions import CanRead

SegmentArgument = Annotated[strawberry.ID, strawberry.argument(description="The segment's id.")]


def _filter_id(value: strawberry.ID | None, field: str) -> int | None:
    return None if value is None else parse_id(value, field)


async def existing_segment(value: strawberry.ID, field: str = "segmentId") -> int:
    """The id of an existing segment; anything else is refused on `field`."""
    segment_id = parse_id(value, field)
    if not await Segment.exists(id=segment_id):
        raise DomainError.single(
            field, ErrorCode.NOT_FOUND, f"Segment {segment_id} does not exist."
        )
    return segment_id


@strawberry.type
class AutomationQuery:
    @strawberry.field(permission_classes=[CanRead], description="Newsletter templates by id.")
    async def newsletter_templates(
        self, first: First = None, after: After = None
    ) -> Connection[NewsletterTemplate]:
        return template_connection(await templates.templates_page(first, after))

    @strawberry.field(permission_classes=[CanRead], description="A template by id, or null.")
    async def newsletter_template(
        self, id: Annotated[strawberry.ID, strawberry.argument(description="The template's id.")]
    ) -> NewsletterTemplate | None:
        template_id = maybe_id(id)
        row = None if template_id is None else await templates.get_template(template_id)
        return NewsletterTemplate.of(row) if row else None

    @strawberry.field(permission_classes=[CanRead], description="Sales rules by id.")
    async def sales_rules(
        self,
        available_for_coupons: Annotated[
            bool | None,
            strawberry.argument(
                description="True: only rules coupon steps may use; false: only the others."
            ),
        ] = None,
    ) -> list[SalesRule]:
        return [SalesRule.of(r) for r in await rules.list_rules(available_for_coupons)]

    @strawberry.field(
        permission_classes=[CanRead],
        description="A segment's steps: enter before exit, then by step number.",
    )
    async def email_sequences(
        self,
        segment_id: SegmentArgument,
        trigger: Annotated[
            TriggerEventType | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only the steps of this trigger."),
        ] = None,
    ) -> list[EmailSequence]:
        found = await sequences_of(
            await existing_segment(segment_id),
            None if trigger is None else TriggerEvent(trigger),
        )
        return [EmailSequence.of(row) for row in found]

    @strawberry.field(
        permission_classes=[CanRead],
        description="Progress rows matching every given criterion, newest first.",
    )
    async def sequence_progress(
        self,
        segment_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Rows of this segment.")
        ] = None,
        customer_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Rows of this customer.")
        ] = None,
        sequence_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Rows of this step.")
        ] = None,
        status: Annotated[
            ProgressStatusType | None,  # type: ignore[valid-type]
            strawberry.argument(description="Rows in this status."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[SequenceProgress]:
        page = await progress_page(
            segment_id=_filter_id(segment_id, "segmentId"),
            customer_id=_filter_id(customer_id, "customerId"),
            sequence_id=_filter_id(sequence_id, "sequenceId"),
            status=None if status is None else ProgressStatus(status),
            first=first,
            after=after,
        )
        return connection_of(page, progress_cursor, SequenceProgress.of)

    @strawberry.field(
        permission_classes=[CanRead],
        description="A segment's progress rows counted by status, in total and per step.",
    )
    async def email_automation_stats(self, segment_id: SegmentArgument) -> AutomationStats:
        wanted = await existing_segment(segment_id)
        counts, steps = await stats.segment_stats(wanted)
        return AutomationStats.of(wanted, counts, steps)

    @strawberry.field(permission_classes=[CanRead], description="A coupon by its code, or null.")
    async def coupon(
        self, code: Annotated[str, strawberry.argument(description="The exact code.")]
    ) -> Coupon | None:
        row = await CouponRow.get_or_none(code=code)
        return Coupon.of(row, datetime.now(UTC)) if row else None

    @strawberry.field(permission_classes=[CanRead], description="The automation settings.")
    async def automation_settings(self) -> AutomationSettings:
        return AutomationSettings.of(await settings.automation_settings())

    @strawberry.field(permission_classes=[CanRead], description="Stored reports, newest first.")
    async def automation_reports(
        self, first: First = None, after: After = None
    ) -> Connection[AutomationReport]:
        return report_connection(await reports.reports_page(first, after))
