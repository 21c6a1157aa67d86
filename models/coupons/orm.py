"""Coupons of sales rules, and the orders that used them."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Coupon(Model):
    id = fields.IntField(primary_key=True)
    rule: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.SalesRule", related_name="coupons", on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=64, unique=True)
    usage_limit = fields.IntField(default=1)
    usage_per_customer = fields.IntField(default=1)
    times_used = fields.IntField(default=0)
    expiration_date = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    generated_by_automation = fields.BooleanField(default=False)
    # Who it was generated for, and for which message; both cleared, never cascaded:
    # a deleted customer's or cleaned-up row's coupon stays redeemable until it expires.
    customer_id = fields.IntField(null=True)
    progress_id = fields.BigIntField(null=True, unique=True)

    class Meta:
        table = "coupon"
        indexes = (("generated_by_automation", "expiration_date"),)


class CouponUsage(Model):
    """One order's use of a coupon: an order re-imported counts its use once."""

    id = fields.BigIntField(primary_key=True)
    coupon: fields.ForeignKeyRelation[Coupon] = fields.ForeignKeyField(
        "models.Coupon", related_name="usages", on_delete=fields.CASCADE
    )
    order_id = fields.IntField()
    used_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "coupon_usage"
        unique_together = (("coupon_id", "order_id"),)
