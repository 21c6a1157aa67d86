"""Customers and what hangs on them directly: addresses, subscription, logins."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.store.reference import CustomerGroup, Store, Website


class Customer(Model):
    id = fields.IntField(primary_key=True, generated=False)
    website: fields.ForeignKeyRelation[Website] = fields.ForeignKeyField(
        "models.Website", related_name="customers", on_delete=fields.RESTRICT
    )
    store: fields.ForeignKeyNullableRelation[Store] = fields.ForeignKeyField(
        "models.Store", related_name="customers", null=True, on_delete=fields.SET_NULL
    )
    group: fields.ForeignKeyRelation[CustomerGroup] = fields.ForeignKeyField(
        "models.CustomerGroup", related_name="customers", on_delete=fields.RESTRICT
    )
    email = fields.CharField(max_length=255)
    firstname = fields.CharField(max_length=255, null=True)
    lastname = fields.CharField(max_length=255, null=True)
    gender = fields.CharField(max_length=8, null=True)
    dob = fields.DateField(null=True)
    created_at = fields.DatetimeField()
    is_active = fields.BooleanField(default=True)

    class Meta:
        table = "customer"
        indexes = (("website_id", "group_id"), ("email",))


class CustomerAddress(Model):
    id = fields.IntField(primary_key=True, generated=False)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="addresses", on_delete=fields.CASCADE
    )
    firstname = fields.CharField(max_length=255, null=True)
    lastname = fields.CharField(max_length=255, null=True)
    company = fields.CharField(max_length=255, null=True)
    street = fields.CharField(max_length=255, null=True)
    city = fields.CharField(max_length=255, null=True)
    region = fields.CharField(max_length=255, null=True)
    postcode = fields.CharField(max_length=32, null=True)
    country_id = fields.CharField(max_length=2, null=True)
    telephone = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "customer_address"
        indexes = (("customer_id",),)


class NewsletterSubscriber(Model):
    """One row per customer, keyed by customer as the import format upserts it."""

    id = fields.IntField(primary_key=True)
    customer: fields.OneToOneRelation[Customer] = fields.OneToOneField(
        "models.Customer", related_name="subscriber", on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=255, null=True)
    subscriber_status = fields.SmallIntField()
    change_status_at = fields.DatetimeField(null=True)

    class Meta:
        table = "newsletter_subscriber"
        indexes = (("subscriber_status",),)


class CustomerLogin(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="logins", on_delete=fields.CASCADE
    )
    login_at = fields.DatetimeField()

    class Meta:
        table = "customer_login"
        unique_together = (("customer_id", "login_at"),)
