"""Field types shared by the store tables."""

from __future__ import annotations

from typing import Any

from pypika_tortoise.terms import Term
from tortoise import fields
from tortoise.fields.data import SqlTypes, functions


class MoneyField(fields.DecimalField):
    """DECIMAL(12,4) as Maho stores money.

    On SQLite Tortoise's DecimalField is VARCHAR, which compares as text in raw SQL
    (`'9' > '10'`); NUMERIC affinity keeps amounts comparable and summable there.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)

    class _db_sqlite:
        SQL_TYPE = "NUMERIC(12,4)"

        def function_cast(self, term: Term) -> Term:
            return functions.Cast(term, SqlTypes.NUMERIC)
