"""GraphQL inputs of email automation, converted to the domain's data."""

from __future__ import annotations

from dataclasses import fields, replace

import strawberry

from models.automation.orm import TriggerEvent
from models.automation.sequences import SequenceData
from models.automation.settings import LIMITS, AutomationSettings
from models.automation.templates import TemplateData
from models.errors import DomainError, FieldError
from resolvers.automation.enums import TriggerEventType
from resolvers.ids import parse_id
from resolvers.rows import copy_fields


@strawberry.input(
    description="A template as a whole: updateNewsletterTemplate replaces every field."
)
class NewsletterTemplateInput:
    code: str = strawberry.field(description="Required, at most 150 characters.")
    subject: str = strawberry.field(
        description="Required, at most 255 characters; may use `{{var name}}`."
    )
    text: str = strawberry.field(default="", description="The HTML body; may use `{{var name}}`.")
    sender_name: str | None = strawberry.field(
        default=None, description="The sender's display name."
    )
    sender_email: str | None = strawberry.field(
        default=None, description="The sender's address; null sends from the default sender."
    )

    def to_data(self) -> TemplateData:
        return copy_fields(TemplateData, self)


@strawberry.input(description="A step as a whole: updateEmailSequence replaces every field.")
class EmailSequenceInput:
    segment_id: strawberry.ID = strawberry.field(description="The segment the step belongs to.")
    template_id: strawberry.ID = strawberry.field(description="An existing template.")
    step_number: int = strawberry.field(
        description="Greater than 0, not taken by another step of the segment and trigger."
    )
    trigger_event: TriggerEventType = strawberry.field(  # type: ignore[valid-type]
        default=TriggerEvent.ENTER, description="Entering or exiting the segment starts it."
    )
    delay_minutes: int = strawberry.field(
        default=0, description="0 or more minutes after the trigger."
    )
    is_active: bool = strawberry.field(
        default=True, description="Inactive steps schedule and send nothing."
    )
    max_sends: int = strawberry.field(
        default=1, description="1 or more: how often one customer may receive the step, ever."
    )
    generate_coupon: bool = strawberry.field(
        default=False, description="Attach a coupon generated per message."
    )
    coupon_sales_rule_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Required with generateCoupon: an active rule of specific coupons with "
        "auto-generation.",
    )
    coupon_prefix: str | None = strawberry.field(
        default=None, description="Letters and digits, at most 10; null uses `SEQ`."
    )
    coupon_expires_days: int = strawberry.field(
        default=30, description="0 or more days a coupon stays valid; 0 never expires."
    )
    stop_on_conversion: bool | None = strawberry.field(
        default=None,
        description="Once the customer converts (an order attributed to any step of this "
        "segment's sequence), their scheduled mails of this step are skipped. Omitted or null: "
        "on for an enter step and off for an exit step when created, unchanged when updated.",
    )

    def to_data(self) -> SequenceData:
        """The domain's data; ids that cannot name anything are refused on their fields."""
        errors: list[FieldError] = []
        segment_id = _parse(self.segment_id, "segmentId", errors)
        template_id = _parse(self.template_id, "templateId", errors)
        rule_id = (
            None
            if self.coupon_sales_rule_id is None
            else _parse(self.coupon_sales_rule_id, "couponSalesRuleId", errors)
        )
        if errors:
            raise DomainError(errors)
        assert segment_id is not None
        return copy_fields(
            SequenceData,
            self,
            segment_id=segment_id,
            template_id=template_id,
            trigger_event=TriggerEvent(self.trigger_event),
            coupon_sales_rule_id=rule_id,
        )


def _parse(value: strawberry.ID, field: str, errors: list[FieldError]) -> int | None:
    try:
        return parse_id(value, field)
    except DomainError as error:
        errors.extend(error.errors)
        return None


def _range(name: str) -> str:
    low, high = LIMITS[name]
    return f"{low} to {high}"


@strawberry.input(description="Settings to change; omitted or null fields keep their value.")
class AutomationSettingsInput:
    enabled: bool | None = strawberry.field(
        default=None, description="The global switch of scheduling, sending and cleanup."
    )
    progress_cleanup_days: int | None = strawberry.field(
        default=None,
        description=f"{_range('progress_cleanup_days')} days after which finished "
        "rows are deleted.",
    )
    coupon_cleanup_days: int | None = strawberry.field(
        default=None,
        description=f"{_range('coupon_cleanup_days')} days after expiry when unused generated "
        "coupons are deleted.",
    )
    rate_limit_per_day: int | None = strawberry.field(
        default=None,
        description=f"{_range('rate_limit_per_day')} automation mails per customer per rolling "
        "24 h.",
    )
    batch_size: int | None = strawberry.field(
        default=None, description=f"{_range('batch_size')} due rows claimed per delivery batch."
    )
    open_tracking: bool | None = strawberry.field(
        default=None,
        description="Privacy switch: false sends new messages without the open pixel.",
    )
    click_tracking: bool | None = strawberry.field(
        default=None,
        description="Privacy switch: false sends new messages with their links as written, "
        "not through the click redirect.",
    )
    attribution_window_days: int | None = strawberry.field(
        default=None,
        description=f"{_range('attribution_window_days')} days after a click in a sequence "
        "mail within which the customer's imported orders are attributed to that step.",
    )

    def applied_to(self, current: AutomationSettings) -> AutomationSettings:
        given = {f.name: getattr(self, f.name) for f in fields(self)}
        return replace(current, **{name: v for name, v in given.items() if v is not None})
