"""Email automation tables: steps of a segment's sequences, each customer's progress, the mail
queue, settings and daily reports (SEMANTICS §5-§7).

Progress rows keep `sequence_id` without a database foreign key: deleting a step skips
its scheduled rows but keeps the sent history in the stats. Rows of a deleted segment
go with it (foreign key, cascade). `customer_id` has no foreign key either: deleting a
customer deletes its progress rows in the same transaction (`models.automation.hooks`).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.store.fields import MoneyField


class TriggerEvent(StrEnum):
    ENTER = "enter"
    EXIT = "exit"


class ProgressStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


TERMINAL_STATUSES = (ProgressStatus.SENT, ProgressStatus.FAILED, ProgressStatus.SKIPPED)


class EmailSequence(Model):
    """One step of a segment's enter or exit sequence."""

    id = fields.IntField(primary_key=True)
    segment: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Segment", related_name="email_sequences", on_delete=fields.CASCADE
    )
    trigger_event = fields.CharEnumField(TriggerEvent, max_length=8, default=TriggerEvent.ENTER)
    # No foreign key: a template may be deleted while steps use it (their due rows fail).
    template_id = fields.IntField()
    step_number = fields.IntField()
    delay_minutes = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)
    max_sends = fields.IntField(default=1)
    generate_coupon = fields.BooleanField(default=False)
    coupon_sales_rule_id = fields.IntField(null=True)
    coupon_prefix = fields.CharField(max_length=10, null=True)
    coupon_expires_days = fields.IntField(default=30)
    # A conversion of the customer skips their scheduled rows of this step. Set at creation
    # when not given: on for enter sequences, off for exit ones (models.automation.sequences).
    stop_on_conversion = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "email_sequence"
        unique_together = (("segment_id", "trigger_event", "step_number"),)


class SequenceProgress(Model):
    """One step of one customer's sequence: scheduled, being sent, or done."""

    id = fields.BigIntField(primary_key=True)
    customer_id = fields.IntField()
    segment: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Segment", related_name="sequence_progress", on_delete=fields.CASCADE
    )
    sequence_id = fields.IntField()
    step_number = fields.IntField()
    trigger_type = fields.CharEnumField(TriggerEvent, max_length=8)
    status = fields.CharEnumField(ProgressStatus, max_length=16, default=ProgressStatus.SCHEDULED)
    scheduled_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    # The membership event that started the row (None for startEmailSequence): with the
    # step it is unique, so acting on one event twice cannot schedule twice.
    event_id = fields.BigIntField(null=True)
    attempts = fields.IntField(default=0)
    # While SENDING: the claiming worker owns the row until then; after it, the sweep
    # hands the row back (same Message-ID).
    lease_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)
    coupon_code = fields.CharField(max_length=32, null=True)
    message_id = fields.CharField(max_length=255, null=True)
    queue_id = fields.BigIntField(null=True)
    deferrals = fields.IntField(default=0)
    # Engagement (models.automation.tracking): the first open of any kind, the first open
    # not recognised as a privacy proxy's or a scanner's prefetch, and the first click.
    opened_at = fields.DatetimeField(null=True)
    human_opened_at = fields.DatetimeField(null=True)
    # Database defaults too: set-based INSERTs of new rows (scheduling) need not name them.
    open_count = fields.IntField(default=0, db_default=0)
    clicked_at = fields.DatetimeField(null=True)
    click_count = fields.IntField(default=0, db_default=0)
    # Attribution (models.automation.attribution): the first order attributed to the row,
    # and the grand total of every order attributed to it (SequenceConversion rows).
    converted_at = fields.DatetimeField(null=True)
    order_id = fields.IntField(null=True)
    revenue = MoneyField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "sequence_progress"
        unique_together = (("sequence_id", "event_id"),)
        indexes = (
            ("status", "scheduled_at"),
            ("customer_id", "segment_id"),
            ("segment_id", "status"),
            ("sequence_id", "status"),
            # Attribution finds the row of a coupon an imported order used.
            ("coupon_code",),
        )


class SequenceSendCount(Model):
    """How often a customer was sent a step, ever: max_sends reads this, cleanup keeps it."""

    id = fields.BigIntField(primary_key=True)
    sequence_id = fields.IntField()
    customer_id = fields.IntField()
    sends = fields.IntField(default=0)

    class Meta:
        table = "sequence_send_count"
        unique_together = (("sequence_id", "customer_id"),)


class NewsletterQueue(Model):
    """A sent automation message, as Maho's newsletter queue records it."""

    id = fields.BigIntField(primary_key=True)
    template_id = fields.IntField(null=True)
    customer_id = fields.IntField(null=True)
    recipient_email = fields.CharField(max_length=255)
    subject = fields.CharField(max_length=998)
    message_id = fields.CharField(max_length=255)
    automation_source = fields.CharField(max_length=50, null=True)
    automation_source_id = fields.IntField(null=True)
    sent_at = fields.DatetimeField()

    class Meta:
        table = "newsletter_queue"
        indexes = (("automation_source", "automation_source_id"),)


class AutomationSettingsRow(Model):
    """The one row of admin-changed automation settings (id 1)."""

    id = fields.IntField(primary_key=True, generated=False)
    enabled = fields.BooleanField(default=True)
    progress_cleanup_days = fields.IntField(default=90)
    coupon_cleanup_days = fields.IntField(default=30)
    rate_limit_per_day = fields.IntField(default=5)
    batch_size = fields.IntField(default=100)
    open_tracking = fields.BooleanField(default=True)
    click_tracking = fields.BooleanField(default=True)
    attribution_window_days = fields.IntField(default=7)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "automation_settings"


class AutomationReport(Model):
    """The daily report of the last 24 h, stored so it can be queried later."""

    id = fields.IntField(primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    period_start = fields.DatetimeField()
    period_end = fields.DatetimeField()
    sent = fields.IntField()
    failed = fields.IntField()
    skipped = fields.IntField()
    scheduled = fields.IntField()
    total_active = fields.IntField()
    # Of the rows sent in the period: opened, opened by a reader, clicked by the report.
    opened = fields.IntField(default=0)
    human_opened = fields.IntField(default=0)
    clicked = fields.IntField(default=0)
    # Of the rows sent in the period: converted by the report, and their orders' totals.
    converted = fields.IntField(default=0)
    revenue = MoneyField(default=0)

    class Meta:
        table = "automation_report"


class InstanceSecret(Model):
    """Secrets generated for a local installation (the link key without SEGMENTQL_SECRET_KEY)."""

    name = fields.CharField(primary_key=True, max_length=64)
    value = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "instance_secret"
