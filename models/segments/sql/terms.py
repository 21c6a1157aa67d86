"""How a leaf compares its value: one class per kind of comparison (times: terms_time).

Every `render` returns a predicate that is never NULL for a customer-level value (a
missing value matches nothing, so `NOT` of a leaf means what the admin reads) and that
rejects NULL rows inside a row-level EXISTS. Every value goes through `ctx.params`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from models.segments.sql.context import (
    FALSE_SQL,
    TRUE_SQL,
    SqlContext,
    enclosed,
    ordering,
)
from models.segments.sql.intervals import contains, integer_intervals, is_whole, whole_numbers
from models.segments.sql.sources import Expr, JoinedTable, RowSource, StatsSource, stat

INDENT = "    "
SQL_OPERATORS = {"==": "=", "!=": "<>", ">=": ">=", ">": ">", "<=": "<=", "<": "<"}

Reads = tuple[tuple[StatsSource | JoinedTable, str], ...]


class Comparison(Protocol):
    def reads(self, operator: str, value: Any) -> Reads:
        """The joins rendering this leaf needs (known before rendering: SQL order matters)."""
        ...

    def render(self, ctx: SqlContext, operator: str, value: Any) -> str: ...


def guarded(ctx: SqlContext, expr: Expr, predicate: str) -> str:
    """Make a predicate over a nullable value false (not NULL) when the value is missing."""
    if predicate == FALSE_SQL or not expr.nullable:
        return predicate
    if predicate == TRUE_SQL:
        return f"{expr.sql} IS NOT NULL"
    if ctx.row_level:
        return predicate
    return null_reads_as(expr.sql, False, predicate)


def null_reads_as(column: str, holds: bool, predicate: str) -> str:
    """`predicate` over a nullable column, a NULL counting as holding it or not."""
    if holds:
        return f"{column} IS NULL OR {or_operand(predicate)}"
    return f"{column} IS NOT NULL AND {and_operand(predicate)}"


def and_operand(sql: str) -> str:
    return f"({sql})" if " OR " in sql and not enclosed(sql) else sql


def or_operand(sql: str) -> str:
    return f"({sql})" if (" OR " in sql or " AND " in sql) and not enclosed(sql) else sql


def in_list(expr: str, placeholders: Sequence[str], *, negated: bool = False) -> str:
    if len(placeholders) == 1:
        return f"{expr} {'<>' if negated else '='} {placeholders[0]}"
    return f"{expr} {'NOT IN' if negated else 'IN'} ({', '.join(placeholders)})"


def like_pattern(needle: str) -> str:
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def number_holds(operator: str, stored: Decimal, value: Any) -> bool:
    """The comparison in Python, for values known at compile time (an average of nothing)."""
    if operator == "()":
        return any(stored == v for v in value)
    if operator == "!()":
        return all(stored != v for v in value)
    return {
        "==": stored == value,
        "!=": stored != value,
        ">=": stored >= value,
        ">": stored > value,
        "<=": stored <= value,
        "<": stored < value,
    }[operator]


def zero_aware(ctx: SqlContext, expr: Expr, operator: str, value: Any, predicate_on: Any) -> str:
    """`predicate_on(expr)`, never NULL. A statistic that is 0 without rows is compared on the
    bare column, NULL read as 0 by the operator's answer for 0 (known here): `x IS NOT NULL
    AND x > v` lets the database turn the LEFT JOIN into an inner join and filter inside the
    aggregate, which `COALESCE(x, 0) > v` does not."""
    if expr.zero is None:
        return guarded(ctx, expr, predicate_on(expr.sql))
    predicate = predicate_on(expr.raw)
    if predicate in (TRUE_SQL, FALSE_SQL):
        return predicate
    return null_reads_as(expr.raw, number_holds(operator, Decimal(expr.zero), value), predicate)


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def integer_predicate(ctx: SqlContext, expr: str, operator: str, value: Any) -> str:
    """`expr` is a whole number: fractional values are resolved here, ints are bound."""
    p = ctx.params
    if operator in ("()", "!()"):
        ints = whole_numbers(value)
        if not ints:
            return FALSE_SQL if operator == "()" else TRUE_SQL
        return in_list(expr, [p.integer(i) for i in ints], negated=operator == "!()")
    integral = is_whole(value)
    if operator == "==":
        return f"{expr} = {p.integer(int(value))}" if integral else FALSE_SQL
    if operator == "!=":
        return f"{expr} <> {p.integer(int(value))}" if integral else TRUE_SQL
    bound = math.floor(value) if operator in (">", "<=") else math.ceil(value)
    return f"{expr} {operator} {p.integer(bound)}"


@dataclass(frozen=True)
class OfExpr:
    """A comparison of one value: it needs the joins its expression reads."""

    expr: Expr

    def reads(self, operator: str, value: Any) -> Reads:
        return self.expr.reads


@dataclass(frozen=True)
class Text(OfExpr):
    """Text: exact comparisons by code point; `{}` / `!{}` ignore case on both sides with the
    database's LOWER (SQLite folds ASCII letters only, PostgreSQL every letter)."""

    def render(self, ctx: SqlContext, operator: str, value: Any) -> str:
        e, p = self.expr.sql, ctx.params
        if operator in ("()", "!()"):
            predicate = in_list(e, [p.add(v) for v in value], negated=operator == "!()")
        elif operator in ("{}", "!{}"):
            like = f"LOWER({e}) LIKE LOWER({p.add(like_pattern(value))}) ESCAPE '\\'"
            predicate = like if operator == "{}" else f"NOT ({like})"
        elif operator in ("==", "!="):
            predicate = f"{e} {SQL_OPERATORS[operator]} {p.add(value)}"
        else:
            predicate = f"{ordering(ctx.dialect, e)} {operator} {p.add(value)}"
        return guarded(ctx, self.expr, predicate)


@dataclass(frozen=True)
class Number(OfExpr):
    """A NUMERIC value (money, quantities, sums)."""

    def render(self, ctx: SqlContext, operator: str, value: Any) -> str:
        p = ctx.params

        def on(e: str) -> str:
            if operator in ("()", "!()"):
                return in_list(e, [p.number(v) for v in value], negated=operator == "!()")
            return f"{e} {SQL_OPERATORS[operator]} {p.number(value)}"

        return zero_aware(ctx, self.expr, operator, value, on)


@dataclass(frozen=True)
class Integer(OfExpr):
    """An INTEGER value (ids, counts)."""

    def render(self, ctx: SqlContext, operator: str, value: Any) -> str:
        def on(e: str) -> str:
            return integer_predicate(ctx, e, operator, value)

        return zero_aware(ctx, self.expr, operator, value, on)


@dataclass(frozen=True)
class Choice(OfExpr):
    """A select: equality against typed option values (text, ids, statuses, flags)."""

    def render(self, ctx: SqlContext, operator: str, value: Any) -> str:
        e, p = self.expr.sql, ctx.params
        if operator in ("()", "!()"):
            predicate = in_list(e, [p.add(v) for v in value], negated=operator == "!()")
        else:
            predicate = f"{e} {SQL_OPERATORS[operator]} {p.add(value)}"
        return guarded(ctx, self.expr, predicate)


def ratio_predicate(
    ctx: SqlContext, operator: str, value: Any, numerator: str, denominator: str
) -> str:
    """numerator / denominator <op> value, as numerator <op> value * denominator.

    Multiplying instead of dividing keeps the comparison exact: PostgreSQL's NUMERIC is
    exact, and on SQLite rounding the product to the value's own scale recovers it.
    """

    def one(op: str, v: Decimal) -> str:
        product = f"ROUND({ctx.params.numeric(v)} * {denominator}, {_places(v)})"
        return f"{numerator} {SQL_OPERATORS[op]} {product}"

    if operator == "()":
        parts = [one("==", v) for v in value]
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    if operator == "!()":
        return " AND ".join(one("!=", v) for v in value)
    return one(operator, value)


@dataclass(frozen=True)
class Average:
    """A money average over rows; 0 for a customer without rows."""

    total: Expr
    count: Expr

    def __post_init__(self) -> None:
        if not (self.total.raw and self.count.raw):
            raise ValueError("an average reads statistics with a natural zero")

    def reads(self, operator: str, value: Any) -> Reads:
        return self.total.reads + self.count.reads

    def render(self, ctx: SqlContext, operator: str, value: Any) -> str:
        # Customers with rows have a count of at least 1; the others read 0.
        count, total = self.count.raw, self.total.raw
        predicate = ratio_predicate(ctx, operator, value, total, count)
        return null_reads_as(count, number_holds(operator, Decimal(0), value), predicate)


@dataclass(frozen=True)
class Categories:
    """A row's product categories as a set: positive operators need one category to
    satisfy them, `!=` and `!()` need none of the excluded ones."""

    product_id: str

    def reads(self, operator: str, value: Any) -> Reads:
        return ()

    def render(self, ctx: SqlContext, operator: str, value: Any) -> str:
        negated = operator in ("!=", "!()")
        positive = {"!=": "==", "!()": "()"}.get(operator, operator)
        inner = integer_predicate(ctx, "pc.category_id", positive, value)
        if inner == FALSE_SQL:
            return TRUE_SQL if negated else FALSE_SQL
        exists = (
            "EXISTS (SELECT 1 FROM product_category pc"
            f" WHERE pc.product_id = {self.product_id} AND {inner})"
        )
        return f"NOT {exists}" if negated else exists


@dataclass(frozen=True)
class Count:
    """How many rows a customer has (0 without rows).

    When the condition only tells none from some (`== 0`, `> 0`, `!= 0`, `< 1`...), it
    is an anti / semi-join on the rows instead of a grouped count of every row.
    """

    source: StatsSource
    column: str

    def _presence(self, operator: str, value: Any) -> tuple[bool, bool] | None:
        """(holds for 0, holds for every positive count), or None when counts matter."""
        intervals = integer_intervals(operator, value)
        positive = [(max(lo or 1, 1), hi) for lo, hi in intervals if hi is None or hi >= 1]
        if positive and positive != [(1, None)]:
            return None
        return contains(intervals, 0), bool(positive)

    def reads(self, operator: str, value: Any) -> Reads:
        if self.source.rows is not None and self._presence(operator, value) is not None:
            return ()
        return self._count.reads

    @property
    def _count(self) -> Expr:
        return stat(self.source, self.column, zero=0)

    def render(self, ctx: SqlContext, operator: str, value: Any) -> str:
        presence = self._presence(operator, value)
        if self.source.rows is None or presence is None:
            return Integer(self._count).render(ctx, operator, value)
        zero, some = presence
        if zero and some:
            return TRUE_SQL
        if not zero and not some:
            return FALSE_SQL
        exists = exists_sql(self.source.rows, TRUE_SQL)
        return exists if some else f"NOT {exists}"


def exists_sql(rows: RowSource, predicate: str) -> str:
    """The customer has at least one of `rows` for which `predicate` holds (multi-line)."""
    if predicate == FALSE_SQL:
        return FALSE_SQL
    filters = [f"{rows.customer_column} = c.id", *rows.filters]
    if predicate != TRUE_SQL:
        filters.append(and_operand(predicate))
    tables = [t.strip() for t in rows.tables.split("\n")]
    lines = ["EXISTS (", f"{INDENT}SELECT 1", f"{INDENT}FROM {tables[0]}"]
    lines += [f"{INDENT}{t}" for t in tables[1:]]
    lines += [f"{INDENT}{'WHERE' if i == 0 else '  AND'} {f}" for i, f in enumerate(filters)]
    lines.append(")")
    return "\n".join(lines)


@dataclass(frozen=True)
class Term:
    """An attribute's SQL: its comparison, and the rows it searches if it is row-level."""

    comparison: Comparison
    rows: RowSource | None = None
