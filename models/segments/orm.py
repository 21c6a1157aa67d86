"""Segments, their materialised members, and the enter/exit events a refresh records.

Members and events refer to their segment without a database foreign key: a refresh
writes one member and one event row per entering customer, and the per-row key check
against `segment` was half the cost of those writes. A refresh takes the segment's
lock and re-reads the segment before writing, and `delete_segment` takes the same lock
and deletes members and events with the segment in one transaction, so no row
outlives its segment.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class RefreshMode(StrEnum):
    AUTO = "auto"
    MANUAL = "manual"


class RefreshStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    ERROR = "error"


class MembershipChange(StrEnum):
    ENTERED = "entered"
    EXITED = "exited"


class Segment(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)
    description = fields.TextField(null=True)
    is_active = fields.BooleanField(default=True)
    # The validated, normalised condition tree (SEMANTICS §2), short type names.
    conditions: fields.Field[dict] = fields.JSONField(default=dict)
    website_ids: fields.Field[list[int]] = fields.JSONField(default=list)
    customer_group_ids: fields.Field[list[int]] = fields.JSONField(default=list)
    refresh_mode = fields.CharEnumField(RefreshMode, max_length=16, default=RefreshMode.AUTO)
    priority = fields.IntField(default=0)
    matched_customers_count = fields.IntField(default=0)
    last_refresh_at = fields.DatetimeField(null=True)
    refresh_status = fields.CharEnumField(
        RefreshStatus, max_length=16, default=RefreshStatus.PENDING
    )
    refresh_error = fields.TextField(null=True)
    auto_email_active = fields.BooleanField(default=False)
    allow_overlapping_sequences = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "segment"
        indexes = (("is_active", "refresh_mode"),)


class SegmentMember(Model):
    """One row per (segment, customer) currently in the segment."""

    id = fields.BigIntField(primary_key=True)
    segment: fields.ForeignKeyRelation[Segment] = fields.ForeignKeyField(
        "models.Segment", related_name="members", on_delete=fields.NO_ACTION, db_constraint=False
    )
    customer_id = fields.IntField()
    website_id = fields.IntField()
    added_at = fields.DatetimeField()

    class Meta:
        table = "segment_member"
        unique_together = (("segment_id", "customer_id"),)
        indexes = (("customer_id",),)


class SegmentMembershipEvent(Model):
    """An enter or exit recorded by a refresh; listeners consume these (history, email, live)."""

    id = fields.BigIntField(primary_key=True)
    segment: fields.ForeignKeyRelation[Segment] = fields.ForeignKeyField(
        "models.Segment",
        related_name="membership_events",
        on_delete=fields.NO_ACTION,
        db_constraint=False,
    )
    customer_id = fields.IntField()
    website_id = fields.IntField()
    change = fields.CharEnumField(MembershipChange, max_length=8)
    occurred_at = fields.DatetimeField()

    class Meta:
        table = "segment_membership_event"
        # History pages are keyset-ordered by id, per segment or per customer.
        indexes = (("segment_id", "id"), ("customer_id", "segment_id"))


class EventConsumer(Model):
    """A named reader of membership events (the subscription broadcaster, email scheduling).

    `start_after_event_id` is the newest event when the consumer was first registered:
    segments it has no cursor for yet are read from there, so a consumer added to a
    running installation acts on what happens from then on, not on years of history.
    """

    name = fields.CharField(primary_key=True, max_length=64)
    start_after_event_id = fields.BigIntField()
    registered_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "event_consumer"


class SegmentEventCursor(Model):
    """How far one consumer has acted on one segment's events (the last event id it handled).

    Per segment rather than global: refreshes of different segments commit out of id
    order, but every writer of one segment's events holds that segment's lock, so a
    segment's events become visible in id order and a cursor never skips one.
    """

    id = fields.BigIntField(primary_key=True)
    consumer = fields.CharField(max_length=64)
    segment: fields.ForeignKeyRelation[Segment] = fields.ForeignKeyField(
        "models.Segment", related_name="event_cursors", on_delete=fields.CASCADE
    )
    last_event_id = fields.BigIntField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "segment_event_cursor"
        unique_together = (("consumer", "segment_id"),)
