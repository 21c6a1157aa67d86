"""Every module holding Tortoise models, in one list for the ORM, migrations and tests."""

# The Tortoise app all of them are registered under.
APP_LABEL = "models"

MODEL_MODULES: list[str] = [
    "models.store.reference",
    "models.store.customers",
    "models.store.sales",
    "models.store.activity",
    "models.store.changed_customers",
    "models.auth.orm",
    "models.segments.orm",
    "models.coupons.orm",
    "models.automation.orm",
    "models.automation.tracking",
    "models.automation.conversions",
]
