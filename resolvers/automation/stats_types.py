"""GraphQL types of what automation achieved: progress rows counted per step and per
segment, the daily reports, and the open, click and conversion rates they all show."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.automation import orm
from models.automation.orm import TriggerEvent
from models.automation.reports import report_cursor
from models.automation.stats import StatusCounts
from models.automation.stats import StepStats as StepStatsData
from models.automation.stats import sent_per_day as sent_per_day_of
from models.pagination import Page
from resolvers.automation.enums import TriggerEventType
from resolvers.connection import Connection, connection_of
from resolvers.ids import graphql_id
from resolvers.rows import copy_fields

DEFAULT_SENT_DAYS = 30
OPENED = (
    "Rows opened at least once, machine opens (privacy proxies, scanners) included; "
    "counted while open tracking is on."
)
HUMAN_OPENED = "Rows opened at least once by a reader: machine opens left out."
CLICKED = "Rows with at least one tracked link clicked."
OPEN_RATE = "opened / sent, 0 to 1; null when nothing was sent."
HUMAN_OPEN_RATE = "humanOpened / sent, 0 to 1 (machine opens left out); null when nothing was sent."
CLICK_RATE = "clicked / sent, 0 to 1; null when nothing was sent."
CONVERTED = (
    "Rows an imported order was attributed to: the customer's last click in the mail within "
    "the attribution window before the order, or the mail's coupon used; canceled orders not."
)
REVENUE = "Grand totals of the orders attributed to the rows, in the orders' currencies."
CONVERSION_RATE = "converted / sent, 0 to 1; null when nothing was sent."


def _rate(count: int, sent: int) -> float | None:
    return None if sent == 0 else count / sent


@strawberry.type
class EngagementRates:
    """The rates every count of sent rows shows, each over the rows sent (null when none were).

    Its subclasses declare the counts, each with a description of what it counts there.
    """

    if TYPE_CHECKING:
        sent: int
        opened: int
        human_opened: int
        clicked: int
        converted: int

    @strawberry.field(description=OPEN_RATE)
    def open_rate(self) -> float | None:
        return _rate(self.opened, self.sent)

    @strawberry.field(description=HUMAN_OPEN_RATE)
    def human_open_rate(self) -> float | None:
        return _rate(self.human_opened, self.sent)

    @strawberry.field(description=CLICK_RATE)
    def click_rate(self) -> float | None:
        return _rate(self.clicked, self.sent)

    @strawberry.field(description=CONVERSION_RATE)
    def conversion_rate(self) -> float | None:
        return _rate(self.converted, self.sent)


@strawberry.type(description="Progress rows of one step, counted by status.")
class StepStats(EngagementRates):
    sequence_id: strawberry.ID = strawberry.field(description="The step's id.")
    trigger_event: TriggerEventType = strawberry.field(  # type: ignore[valid-type]
        description="The step's trigger (for a deleted step: that of its newest rows)."
    )
    step_number: int = strawberry.field(
        description="The step's number (for a deleted step: that of its newest rows)."
    )
    total: int = strawberry.field(description="All rows of the step.")
    scheduled: int = strawberry.field(description="Rows waiting to be sent.")
    sending: int = strawberry.field(description="Rows being sent now.")
    sent: int = strawberry.field(description="Rows sent.")
    failed: int = strawberry.field(description="Rows that failed.")
    skipped: int = strawberry.field(description="Rows skipped (unsubscribed, exited, ...).")
    unique_customers: int = strawberry.field(description="Distinct customers among the rows.")
    opened: int = strawberry.field(description=OPENED)
    human_opened: int = strawberry.field(description=HUMAN_OPENED)
    clicked: int = strawberry.field(description=CLICKED)
    converted: int = strawberry.field(description=CONVERTED)
    revenue: Decimal = strawberry.field(description=REVENUE)

    @classmethod
    def of(
        cls, sequence_id: int, trigger: TriggerEvent, step_number: int, counts: StatusCounts
    ) -> StepStats:
        return copy_fields(
            cls,
            counts,
            sequence_id=graphql_id(sequence_id),
            trigger_event=trigger,
            step_number=step_number,
        )

    @classmethod
    def of_step(cls, step: StepStatsData) -> StepStats:
        return cls.of(step.sequence_id, step.trigger_event, step.step_number, step.counts)


@strawberry.type(description="Messages sent on one UTC day.")
class DayCount:
    day: date = strawberry.field(description="The UTC day.")
    count: int = strawberry.field(description="Rows sent that day.")


@strawberry.type(description="A segment's progress rows counted by status, in total and per step.")
class AutomationStats(EngagementRates):
    segment_id: strawberry.ID = strawberry.field(description="The segment.")
    total: int = strawberry.field(description="All rows of the segment.")
    scheduled: int = strawberry.field(description="Rows waiting to be sent.")
    sending: int = strawberry.field(description="Rows being sent now.")
    sent: int = strawberry.field(description="Rows sent.")
    failed: int = strawberry.field(description="Rows that failed.")
    skipped: int = strawberry.field(description="Rows skipped.")
    unique_customers: int = strawberry.field(description="Distinct customers among the rows.")
    opened: int = strawberry.field(description=OPENED)
    human_opened: int = strawberry.field(description=HUMAN_OPENED)
    clicked: int = strawberry.field(description=CLICKED)
    converted: int = strawberry.field(description=CONVERTED)
    revenue: Decimal = strawberry.field(description=REVENUE)
    steps: list[StepStats] = strawberry.field(
        description="Per step, enter before exit, then by step number; deleted steps that "
        "left rows are listed too."
    )

    @strawberry.field(description="Rows sent per UTC day, oldest first, every day listed.")
    async def sent_per_day(
        self,
        days: Annotated[
            int, strawberry.argument(description="The last N days up to today, 1 to 366.")
        ] = DEFAULT_SENT_DAYS,
    ) -> list[DayCount]:
        found = await sent_per_day_of(int(self.segment_id), days=days, now=datetime.now(UTC))
        return [DayCount(day=day, count=count) for day, count in found]

    @classmethod
    def of(
        cls, segment_id: int, counts: StatusCounts, steps: list[StepStatsData]
    ) -> AutomationStats:
        return copy_fields(
            cls,
            counts,
            segment_id=graphql_id(segment_id),
            steps=[StepStats.of_step(step) for step in steps],
        )


@strawberry.type(description="A stored report of the 24 hours before it was made.")
class AutomationReport(EngagementRates):
    id: strawberry.ID = strawberry.field(description="The report's id.")
    created_at: datetime = strawberry.field(description="When it was made.")
    period_start: datetime = strawberry.field(description="Start of the period counted.")
    period_end: datetime = strawberry.field(description="End of the period counted.")
    sent: int = strawberry.field(description="Rows sent in the period.")
    failed: int = strawberry.field(description="Rows that failed in the period.")
    skipped: int = strawberry.field(description="Rows skipped in the period.")
    scheduled: int = strawberry.field(description="Rows waiting when the report was made.")
    total_active: int = strawberry.field(
        description="Active segments with automation on and an active step."
    )
    opened: int = strawberry.field(
        description="Rows sent in the period and opened by its end, machine opens included."
    )
    human_opened: int = strawberry.field(
        description="Rows sent in the period and opened by a reader by its end."
    )
    clicked: int = strawberry.field(
        description="Rows sent in the period with a tracked link clicked by its end."
    )
    converted: int = strawberry.field(
        description="Rows sent in the period that an order created by its end was attributed to."
    )
    revenue: Decimal = strawberry.field(
        description="Grand totals of the orders created by the period's end that were "
        "attributed to rows sent in the period."
    )

    @classmethod
    def of(cls, row: orm.AutomationReport) -> AutomationReport:
        return copy_fields(cls, row, id=graphql_id(row.id))


def report_connection(page: Page[orm.AutomationReport]) -> Connection[AutomationReport]:
    return connection_of(page, report_cursor, AutomationReport.of)
