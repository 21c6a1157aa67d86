"""Small reference tables: websites, stores, groups, catalog, sales rules, templates."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.store.fields import MoneyField


class Website(Model):
    id = fields.IntField(primary_key=True, generated=False)
    code = fields.CharField(max_length=64)
    name = fields.CharField(max_length=255, default="")

    class Meta:
        table = "website"


class Store(Model):
    id = fields.IntField(primary_key=True, generated=False)
    website: fields.ForeignKeyRelation[Website] = fields.ForeignKeyField(
        "models.Website", related_name="stores", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=64)
    name = fields.CharField(max_length=255, default="")

    class Meta:
        table = "store"


class CustomerGroup(Model):
    id = fields.IntField(primary_key=True, generated=False)
    code = fields.CharField(max_length=64)

    class Meta:
        table = "customer_group"


class Category(Model):
    id = fields.IntField(primary_key=True, generated=False)
    name = fields.CharField(max_length=255, default="")
    parent_id = fields.IntField(null=True)

    class Meta:
        table = "category"


class Product(Model):
    id = fields.IntField(primary_key=True, generated=False)
    sku = fields.CharField(max_length=128, db_index=True)
    name = fields.CharField(max_length=255, default="")
    type_id = fields.CharField(max_length=32, default="simple")
    price = MoneyField(null=True)

    class Meta:
        table = "product"


class ProductCategory(Model):
    """A product's direct categories (no ancestors), as SEMANTICS §2 reads them."""

    id = fields.IntField(primary_key=True)
    product_id = fields.IntField()
    category_id = fields.IntField()

    class Meta:
        table = "product_category"
        unique_together = (("product_id", "category_id"),)
        indexes = (("category_id",),)


class SalesRule(Model):
    id = fields.IntField(primary_key=True, generated=False)
    name = fields.CharField(max_length=255)
    description = fields.TextField(null=True)
    is_active = fields.BooleanField(default=True)
    coupon_type = fields.CharField(max_length=16, default="none")
    use_auto_generation = fields.BooleanField(default=False)
    simple_action = fields.CharField(max_length=16, default="by_percent")
    discount_amount = MoneyField(default=0)

    class Meta:
        table = "sales_rule"


class NewsletterTemplate(Model):
    id = fields.IntField(primary_key=True, generated=False)
    code = fields.CharField(max_length=150)
    subject = fields.CharField(max_length=255, default="")
    text = fields.TextField(default="")
    sender_name = fields.CharField(max_length=255, null=True)
    sender_email = fields.CharField(max_length=255, null=True)

    class Meta:
        table = "newsletter_template"
