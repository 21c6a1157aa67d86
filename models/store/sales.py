"""Orders, credit memos and carts (quotes), each with their items."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.store.customers import Customer
from models.store.fields import MoneyField


class Order(Model):
    id = fields.IntField(primary_key=True, generated=False)
    increment_id = fields.CharField(max_length=50, null=True)
    # Orders are accounting records: deleting the customer keeps them as guest orders.
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="orders", null=True, on_delete=fields.SET_NULL
    )
    store_id = fields.IntField(null=True)
    state = fields.CharField(max_length=32)
    status = fields.CharField(max_length=32)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField(null=True)
    grand_total = MoneyField(default=0)
    subtotal = MoneyField(default=0)
    tax_amount = MoneyField(default=0)
    shipping_amount = MoneyField(default=0)
    discount_amount = MoneyField(default=0)
    total_qty_ordered = MoneyField(default=0)
    order_currency_code = fields.CharField(max_length=3, null=True)
    payment_method = fields.CharField(max_length=64, null=True)
    shipping_method = fields.CharField(max_length=64, null=True)
    coupon_code = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "sales_order"
        indexes = (("customer_id", "created_at"),)


class OrderItem(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="items", on_delete=fields.CASCADE
    )
    product_id = fields.IntField(null=True)
    sku = fields.CharField(max_length=128, null=True)
    name = fields.CharField(max_length=255, null=True)
    product_type = fields.CharField(max_length=32, null=True)
    qty_ordered = MoneyField(default=0)
    price = MoneyField(default=0)
    row_total = MoneyField(default=0)
    discount_amount = MoneyField(default=0)

    class Meta:
        table = "sales_order_item"
        indexes = (("order_id",), ("product_id",))


class Creditmemo(Model):
    id = fields.IntField(primary_key=True, generated=False)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="creditmemos", on_delete=fields.CASCADE
    )
    grand_total = MoneyField(default=0)
    created_at = fields.DatetimeField()

    class Meta:
        table = "sales_creditmemo"
        indexes = (("order_id",),)


class Quote(Model):
    id = fields.IntField(primary_key=True, generated=False)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="quotes", on_delete=fields.CASCADE
    )
    store_id = fields.IntField(null=True)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField(null=True)
    items_count = fields.IntField(default=0)
    items_qty = MoneyField(default=0)
    base_subtotal = MoneyField(default=0)
    base_grand_total = MoneyField(default=0)
    applied_rule_ids = fields.CharField(max_length=255, null=True)
    coupon_code = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "sales_quote"
        indexes = (("customer_id", "is_active"),)


class QuoteItem(Model):
    id = fields.IntField(primary_key=True)
    quote: fields.ForeignKeyRelation[Quote] = fields.ForeignKeyField(
        "models.Quote", related_name="items", on_delete=fields.CASCADE
    )
    product_id = fields.IntField(null=True)
    sku = fields.CharField(max_length=128, null=True)
    name = fields.CharField(max_length=255, null=True)
    product_type = fields.CharField(max_length=32, null=True)
    qty = MoneyField(default=0)
    price = MoneyField(default=0)
    row_total = MoneyField(default=0)
    created_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sales_quote_item"
        indexes = (("quote_id",), ("product_id",))
