"""Orders attributed to automation steps: one row per order (an order converts once), the
ledger that attribution writes in the order's import transaction (SEMANTICS §5).

No foreign keys: an order's conversion outlives a cleaned-up progress row or a deleted step
in the revenue history, as sent rows outlive a deleted step in the stats.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.store.fields import MoneyField


class ConversionSource(StrEnum):
    """What tied the order to the step: a click in the step's mail, or its coupon."""

    CLICK = "click"
    COUPON = "coupon"


class SequenceConversion(Model):
    """An order attributed to one progress row (the last touch before it)."""

    id = fields.BigIntField(primary_key=True)
    order_id = fields.IntField(unique=True)
    progress_id = fields.BigIntField()
    sequence_id = fields.IntField()
    segment_id = fields.IntField()
    customer_id = fields.IntField()
    grand_total = MoneyField(default=0)
    source = fields.CharEnumField(ConversionSource, max_length=8)
    # The order's creation time.
    converted_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sequence_conversion"
        indexes = (("progress_id",), ("segment_id", "converted_at"))
