"""Bound parameters and the handful of dialect differences the compiled SQL needs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from models.db import Dialect

TRUE_SQL = "1 = 1"
FALSE_SQL = "1 = 0"

_INT4 = 2**31
_INT8 = 2**63


class Params:
    """Collects bound values and hands out the dialect's placeholder for each."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        if self.dialect == "sqlite" and isinstance(value, date):
            # Text in the format Tortoise stores, so SQLite compares it as text correctly.
            value = value.isoformat(" ") if isinstance(value, datetime) else value.isoformat()
        self.values.append(value)
        return "?" if self.dialect == "sqlite" else f"${len(self.values)}"

    def number(self, value: Decimal) -> str:
        """A number compared with a NUMERIC expression (PostgreSQL infers the type)."""
        if self.dialect == "postgres":
            return self.add(value)
        return self.add(sqlite_number(value))

    def numeric(self, value: Decimal) -> str:
        """A number in arithmetic, where PostgreSQL cannot infer the type from a column."""
        if self.dialect == "postgres":
            return f"CAST({self.add(value)} AS NUMERIC)"
        return self.add(sqlite_number(value))

    def integer(self, value: int) -> str:
        """An integer compared with an INTEGER or BIGINT expression."""
        placeholder = self.add(value)
        if self.dialect == "postgres" and not -_INT4 <= value < _INT4:
            return f"CAST({placeholder} AS BIGINT)"
        return placeholder

    def id_set(self, ids: Sequence[int]) -> str:
        """`IN`-style membership in a list of ids, bound as one parameter whatever its size."""
        if self.dialect == "postgres":
            return f"= ANY({self.add([int(i) for i in ids])})"
        return f"IN (SELECT value FROM json_each({self.add(json.dumps([int(i) for i in ids]))}))"


def customer_filter(ctx: SqlContext, column: str, customer_ids: Sequence[int]) -> str:
    """Restrict `column` to the given customers (nothing when the list is empty)."""
    if not customer_ids:
        return FALSE_SQL
    return f"{column} {ctx.params.id_set(customer_ids)}"


def sqlite_number(value: Decimal) -> int | float:
    """SQLite stores money as INTEGER or REAL; bind the same so comparisons stay numeric."""
    if value == value.to_integral_value() and -_INT8 <= value < _INT8:
        return int(value)
    return float(value)


@dataclass
class SqlContext:
    """What rendering one leaf needs: the dialect, the parameters and the refresh's instant."""

    dialect: Dialect
    params: Params
    now: datetime
    # Inside an EXISTS a NULL predicate already counts as false; outside it needs a guard.
    row_level: bool = False

    @property
    def today(self) -> date:
        return self.now.date()


def enclosed(sql: str) -> bool:
    """`sql` is one parenthesised expression, so it needs no more parentheses."""
    if not (sql.startswith("(") and sql.endswith(")")):
        return False
    depth = 0
    for i, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and i < len(sql) - 1:
            return False
    return True


def ordering(dialect: Dialect, expr: str) -> str:
    """Strings order by code point on both databases (PostgreSQL's default may be a locale)."""
    return f'{expr} COLLATE "C"' if dialect == "postgres" else expr


def month_day_key(dialect: Dialect, date_expr: str) -> str:
    """month * 100 + day of a DATE column, as an integer."""
    if dialect == "postgres":
        return f"CAST(TO_CHAR({date_expr}, 'MMDD') AS INTEGER)"
    return f"CAST(strftime('%m%d', {date_expr}) AS INTEGER)"


def utc_day_number(dialect: Dialect, timestamp_expr: str) -> str:
    """A day count of a timestamp's UTC calendar date; differences are calendar days."""
    if dialect == "postgres":
        return f"CAST({timestamp_expr} AT TIME ZONE 'UTC' AS DATE)"
    return f"julianday(date({timestamp_expr}))"


def any_row(dialect: Dialect, predicate: str) -> str:
    """Aggregate: the predicate holds for at least one row of the group."""
    if dialect == "postgres":
        return f"bool_or({predicate})"
    return f"MAX({predicate})"  # SQLite's comparisons are 0/1 integers


def latest_timestamp(dialect: Dialect, always: str, maybe: Sequence[str]) -> str:
    """The latest of a non-null timestamp and nullable ones (nulls ignored)."""
    if dialect == "postgres":
        return f"GREATEST({', '.join([always, *maybe])})"
    # SQLite's scalar MAX returns NULL when any argument is NULL; stored times compare as text.
    return f"MAX({', '.join([always, *(f'COALESCE({m}, {always})' for m in maybe)])})"


def sql_literal(value: Any, dialect: Dialect) -> str:
    """A value as a quoted SQL literal, for showing a query to people (never for running it)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return _quote(value.isoformat(" "))
    if isinstance(value, date):
        return _quote(value.isoformat())
    if isinstance(value, list | tuple):
        inner = ", ".join(sql_literal(item, dialect) for item in value)
        return f"ARRAY[{inner}]" if dialect == "postgres" else f"({inner})"
    return _quote(str(value))


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
