"""GraphQL types of email automation: templates, sales rules, steps, progress, coupons and
settings (stats and reports: `stats_types`). Relations resolve through per-request
DataLoaders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from models.automation import orm
from models.automation.orm import ProgressStatus, TriggerEvent
from models.automation.settings import AutomationSettings as SettingsData
from models.automation.templates import template_cursor
from models.automation.tracking import LinkClick as LinkClickRow
from models.coupons import rules
from models.coupons.orm import Coupon as CouponRow
from models.pagination import Page
from models.store.reference import NewsletterTemplate as TemplateRow
from models.store.reference import SalesRule as SalesRuleRow
from resolvers.automation.enums import ProgressStatusType, TriggerEventType
from resolvers.automation.loaders import (
    LinkClicksByProgressLoader,
    StepCountsBySequenceLoader,
    TemplateByIdLoader,
)
from resolvers.automation.stats_types import StepStats
from resolvers.connection import Connection, connection_of
from resolvers.context import Info
from resolvers.ids import graphql_id
from resolvers.rows import copy_fields
from resolvers.store.loaders import CustomerByIdLoader
from resolvers.store.types import Customer


def _maybe_id(value: int | None) -> strawberry.ID | None:
    return None if value is None else graphql_id(value)


@strawberry.type(description="A newsletter template; subject and text may use `{{var name}}`.")
class NewsletterTemplate:
    id: strawberry.ID = strawberry.field(description="The template's id.")
    code: str = strawberry.field(description="The name admins know the template by.")
    subject: str = strawberry.field(description="The subject line, plain text.")
    text: str = strawberry.field(description="The HTML body; the plain-text part is derived.")
    sender_name: str | None = strawberry.field(description="The sender's display name.")
    sender_email: str | None = strawberry.field(
        description="The sender's address; null sends from the server's default sender."
    )

    @classmethod
    def of(cls, row: TemplateRow) -> NewsletterTemplate:
        return copy_fields(cls, row, id=graphql_id(row.id))


@strawberry.type(description="A store's sales rule, as imported; coupon steps generate from one.")
class SalesRule:
    id: strawberry.ID = strawberry.field(description="The store's id of the rule.")
    name: str = strawberry.field(description="The rule's name.")
    description: str | None = strawberry.field(
        description="Shown as the coupon description in mails."
    )
    is_active: bool = strawberry.field(description="Whether the store applies the rule.")
    coupon_type: str = strawberry.field(description="`specific`, `auto` or `none`.")
    use_auto_generation: bool = strawberry.field(
        description="Whether codes are generated for the rule."
    )
    simple_action: str = strawberry.field(
        description="`by_percent`, `by_fixed` or `cart_fixed`: how the discount applies."
    )
    discount_amount: Decimal = strawberry.field(description="Percent or amount of the discount.")
    available_for_coupons: bool = strawberry.field(
        description="Whether a coupon step may use it: active, specific coupons, auto-generation."
    )

    @classmethod
    def of(cls, row: SalesRuleRow) -> SalesRule:
        return copy_fields(
            cls, row, id=graphql_id(row.id), available_for_coupons=rules.available_for_coupons(row)
        )


@strawberry.type(description="One step of a segment's enter or exit sequence.")
class EmailSequence:
    template_pk: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="The step's id.")
    segment_id: strawberry.ID = strawberry.field(description="The segment the step belongs to.")
    trigger_event: TriggerEventType = strawberry.field(  # type: ignore[valid-type]
        description="Entering or exiting the segment starts the step."
    )
    template_id: strawberry.ID = strawberry.field(description="The template the step sends.")
    step_number: int = strawberry.field(description="1, 2, ... per segment and trigger.")
    delay_minutes: int = strawberry.field(
        description="Minutes from the trigger (not from the step before) to sending."
    )
    is_active: bool = strawberry.field(description="Inactive steps schedule and send nothing.")
    max_sends: int = strawberry.field(
        description="How often one customer may receive the step, ever."
    )
    generate_coupon: bool = strawberry.field(
        description="Whether each message carries a coupon generated for it."
    )
    coupon_sales_rule_id: strawberry.ID | None = strawberry.field(
        description="The sales rule coupons are generated from."
    )
    coupon_prefix: str | None = strawberry.field(
        description="Prefix of generated codes; null uses `SEQ`."
    )
    coupon_expires_days: int = strawberry.field(
        description="Days a generated coupon stays valid; 0 never expires."
    )
    stop_on_conversion: bool = strawberry.field(
        description="Whether a conversion of the customer (an order attributed to any step of "
        "this segment's sequence) skips their scheduled mails of this step."
    )
    created_at: datetime = strawberry.field(description="When the step was created.")
    updated_at: datetime = strawberry.field(description="When the step was last changed.")

    @strawberry.field(description="The template; null if it was deleted (due rows then fail).")
    async def template(self, info: Info) -> NewsletterTemplate | None:
        row = await info.context.loader(TemplateByIdLoader).load(self.template_pk)
        return NewsletterTemplate.of(row) if row else None

    @strawberry.field(description="The step's progress rows counted by status.")
    async def stats(self, info: Info) -> StepStats:
        step_id = int(self.id)
        counts = await info.context.loader(StepCountsBySequenceLoader).load(step_id)
        return StepStats.of(step_id, self.trigger_event, self.step_number, counts)

    @classmethod
    def of(cls, row: orm.EmailSequence) -> EmailSequence:
        return copy_fields(
            cls,
            row,
            template_pk=row.template_id,
            id=graphql_id(row.id),
            segment_id=graphql_id(row.segment_id),  # type: ignore[attr-defined]
            trigger_event=TriggerEvent(row.trigger_event),
            template_id=graphql_id(row.template_id),
            coupon_sales_rule_id=_maybe_id(row.coupon_sales_rule_id),
        )


@strawberry.type(description="Clicks of one tracked link of a sent message.")
class LinkClick:
    url: str = strawberry.field(description="The link's URL, as the message had it.")
    first_clicked_at: datetime = strawberry.field(description="When it was first clicked.")
    click_count: int = strawberry.field(description="How often it was clicked.")

    @classmethod
    def of(cls, row: LinkClickRow) -> LinkClick:
        return copy_fields(cls, row)


@strawberry.type(description="One step of one customer's sequence: scheduled, sending or done.")
class SequenceProgress:
    customer_pk: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="The row's id.")
    customer_id: strawberry.ID = strawberry.field(description="The customer it is for.")
    segment_id: strawberry.ID = strawberry.field(description="The segment whose sequence it is.")
    sequence_id: strawberry.ID = strawberry.field(
        description="The step (it may have been deleted since)."
    )
    step_number: int = strawberry.field(description="The step's number when the row was written.")
    trigger_type: TriggerEventType = strawberry.field(  # type: ignore[valid-type]
        description="Whether entering or exiting started it."
    )
    status: ProgressStatusType = strawberry.field(  # type: ignore[valid-type]
        description="Where the row stands."
    )
    scheduled_at: datetime = strawberry.field(description="When it is (or was) due.")
    sent_at: datetime | None = strawberry.field(description="When it was sent.")
    attempts: int = strawberry.field(description="Sending attempts so far.")
    last_error: str | None = strawberry.field(
        description="Why it failed, was skipped or is being retried."
    )
    coupon_code: str | None = strawberry.field(description="The coupon generated for it.")
    message_id: str | None = strawberry.field(
        description="The Message-ID header, the same on every attempt."
    )
    opened_at: datetime | None = strawberry.field(
        description="First open of the message (the tracking pixel fetched), machine opens "
        "included; null if never (or open tracking was off)."
    )
    human_opened_at: datetime | None = strawberry.field(
        description="First open not recognised as a machine open (privacy proxy, scanner)."
    )
    open_count: int = strawberry.field(
        description="Times the pixel was fetched, machine opens too."
    )
    clicked_at: datetime | None = strawberry.field(
        description="First click of a tracked link in the message; null if never."
    )
    click_count: int = strawberry.field(description="Clicks of tracked links, all links together.")
    converted_at: datetime | None = strawberry.field(
        description="Creation time of the first order attributed to the row; null if none "
        "(or its orders were canceled since)."
    )
    order_id: strawberry.ID | None = strawberry.field(
        description="That first attributed order's id (the store's order id)."
    )
    revenue: Decimal | None = strawberry.field(
        description="Grand totals of every order attributed to the row; null if none."
    )
    created_at: datetime = strawberry.field(description="When the row was written.")
    updated_at: datetime = strawberry.field(description="When the row last changed.")

    @strawberry.field(description="The customer; null if deleted meanwhile.")
    async def customer(self, info: Info) -> Customer | None:
        row = await info.context.loader(CustomerByIdLoader).load(self.customer_pk)
        return Customer.of(row) if row else None

    @strawberry.field(
        description="Each tracked link of the message that was clicked, first clicked first."
    )
    async def link_clicks(self, info: Info) -> list[LinkClick]:
        rows = await info.context.loader(LinkClicksByProgressLoader).load(int(self.id))
        return [LinkClick.of(row) for row in rows]

    @classmethod
    def of(cls, row: orm.SequenceProgress) -> SequenceProgress:
        return copy_fields(
            cls,
            row,
            customer_pk=row.customer_id,
            id=graphql_id(row.id),
            customer_id=graphql_id(row.customer_id),
            segment_id=graphql_id(row.segment_id),  # type: ignore[attr-defined]
            sequence_id=graphql_id(row.sequence_id),
            trigger_type=TriggerEvent(row.trigger_type),
            status=ProgressStatus(row.status),
            order_id=_maybe_id(row.order_id),
        )


@strawberry.type(description="A coupon code of a sales rule.")
class Coupon:
    code: str = strawberry.field(description="The code a customer enters.")
    sales_rule_id: strawberry.ID = strawberry.field(description="The rule it applies.")
    customer_id: strawberry.ID | None = strawberry.field(
        description="The customer it was generated for."
    )
    progress_id: strawberry.ID | None = strawberry.field(
        description="The progress row whose message carried it."
    )
    usage_limit: int = strawberry.field(
        description="How often it may be used in all; 0 is unlimited."
    )
    usage_per_customer: int = strawberry.field(description="How often one customer may use it.")
    times_used: int = strawberry.field(description="Orders that used it.")
    expiration_date: datetime | None = strawberry.field(description="When it expires; null never.")
    created_at: datetime = strawberry.field(description="When it was created.")
    is_expired: bool = strawberry.field(description="Whether its expiration date has passed.")
    is_used_up: bool = strawberry.field(description="Whether it was used as often as allowed.")

    @classmethod
    def of(cls, row: CouponRow, now: datetime) -> Coupon:
        return copy_fields(
            cls,
            row,
            sales_rule_id=graphql_id(row.rule_id),  # type: ignore[attr-defined]
            customer_id=_maybe_id(row.customer_id),
            progress_id=_maybe_id(row.progress_id),
            is_expired=row.expiration_date is not None and row.expiration_date < now,
            # As in Maho, a usage limit of 0 means unlimited.
            is_used_up=row.usage_limit > 0 and row.times_used >= row.usage_limit,
        )


@strawberry.type(description="Automation settings every server and worker follows at once.")
class AutomationSettings:
    enabled: bool = strawberry.field(
        description="The global switch: off, nothing is scheduled, sent or cleaned up."
    )
    progress_cleanup_days: int = strawberry.field(
        description="Sent, failed and skipped rows are deleted after this many days."
    )
    coupon_cleanup_days: int = strawberry.field(
        description="Unused generated coupons are deleted this many days after expiring."
    )
    rate_limit_per_day: int = strawberry.field(
        description="Automation mails one customer may get per rolling 24 hours."
    )
    batch_size: int = strawberry.field(description="Due rows claimed per delivery batch.")
    open_tracking: bool = strawberry.field(
        description="Whether new messages carry the open pixel (default true); off, opens "
        "are not tracked."
    )
    click_tracking: bool = strawberry.field(
        description="Whether links in new messages go through the click redirect (default "
        "true); off, links are sent as written."
    )
    attribution_window_days: int = strawberry.field(
        description="An order placed this many days or fewer after a click in a sequence mail "
        "is attributed to that step (default 7); orders using the step's coupon always are."
    )

    @classmethod
    def of(cls, settings: SettingsData) -> AutomationSettings:
        return copy_fields(cls, settings)


def template_connection(page: Page[TemplateRow]) -> Connection[NewsletterTemplate]:
    return connection_of(page, template_cursor, NewsletterTemplate.of)
