"""Browsing activity: product views and wishlists."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.store.customers import Customer


class ProductView(Model):
    """The latest view of a product by a customer (a later view replaces the earlier)."""

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="product_views", on_delete=fields.CASCADE
    )
    product_id = fields.IntField()
    store_id = fields.IntField(null=True)
    added_at = fields.DatetimeField()

    class Meta:
        table = "product_view"
        unique_together = (("customer_id", "product_id"),)


class Wishlist(Model):
    id = fields.IntField(primary_key=True, generated=False)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="wishlists", on_delete=fields.CASCADE
    )
    shared = fields.BooleanField(default=False)

    class Meta:
        table = "wishlist"
        indexes = (("customer_id",),)


class WishlistItem(Model):
    id = fields.IntField(primary_key=True)
    wishlist: fields.ForeignKeyRelation[Wishlist] = fields.ForeignKeyField(
        "models.Wishlist", related_name="items", on_delete=fields.CASCADE
    )
    product_id = fields.IntField()
    added_at = fields.DatetimeField()

    class Meta:
        table = "wishlist_item"
        indexes = (("wishlist_id",), ("product_id",))
