"""Comparisons of times: dates, days and hours since, birthdays, order frequency.

Each is turned into ranges of whole numbers in Python and then into comparisons of the
stored timestamp with bound boundaries (see intervals), so no date functions are needed
except the one day count order frequency compares two stored times with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from models.segments.sql.context import (
    FALSE_SQL,
    TRUE_SQL,
    SqlContext,
    latest_timestamp,
    month_day_key,
    utc_day_number,
)
from models.segments.sql.intervals import (
    birthday_key_ranges,
    days_ago,
    integer_intervals,
    timestamp_hours_ago,
    timestamp_on_days,
)
from models.segments.sql.sources import Expr
from models.segments.sql.terms import (
    SQL_OPERATORS,
    OfExpr,
    Reads,
    and_operand,
    guarded,
    null_reads_as,
    ratio_predicate,
)

# A never-ordered customer's days without purchase is infinite: it satisfies these only.
_INFINITY_MATCHES = frozenset({">", ">=", "!=", "!()"})


@dataclass(frozen=True)
class DateOf(OfExpr):
    """The UTC calendar date of a timestamp, compared with a date."""

    def render(self, ctx: SqlContext, operator: str, value: date) -> str:
        days = integer_intervals(operator, Decimal(value.toordinal()))
        return guarded(ctx, self.expr, timestamp_on_days(ctx, self.expr.sql, days))


@dataclass(frozen=True)
class Day(OfExpr):
    """A DATE column compared with a date."""

    def render(self, ctx: SqlContext, operator: str, value: date) -> str:
        predicate = f"{self.expr.sql} {SQL_OPERATORS[operator]} {ctx.params.add(value)}"
        return guarded(ctx, self.expr, predicate)


@dataclass(frozen=True)
class DaysSince(OfExpr):
    """Calendar days (UTC) from a timestamp to now; optionally missing means infinitely many."""

    missing_is_infinite: bool = False

    def render(self, ctx: SqlContext, operator: str, value: Any) -> str:
        days = days_ago(integer_intervals(operator, value), ctx.today)
        predicate = timestamp_on_days(ctx, self.expr.sql, days)
        if not (self.missing_is_infinite and operator in _INFINITY_MATCHES):
            return guarded(ctx, self.expr, predicate)
        if predicate == TRUE_SQL:
            return TRUE_SQL
        if predicate == FALSE_SQL:
            return f"{self.expr.sql} IS NULL"
        return null_reads_as(self.expr.sql, True, predicate)


@dataclass(frozen=True)
class DaysInactive:
    """Days since the latest of registration, last login and last order."""

    registered: Expr
    others: tuple[Expr, ...]

    def reads(self, operator: str, value: Any) -> Reads:
        return self.registered.reads + tuple(r for e in self.others for r in e.reads)

    def render(self, ctx: SqlContext, operator: str, value: Any) -> str:
        latest = latest_timestamp(ctx.dialect, self.registered.sql, [e.sql for e in self.others])
        return DaysSince(Expr(latest)).render(ctx, operator, value)


@dataclass(frozen=True)
class HoursSince(OfExpr):
    """Whole hours elapsed from a timestamp to now."""

    def render(self, ctx: SqlContext, operator: str, value: Any) -> str:
        predicate = timestamp_hours_ago(ctx, self.expr.sql, integer_intervals(operator, value))
        return guarded(ctx, self.expr, predicate)


@dataclass(frozen=True)
class DaysUntilBirthday(OfExpr):
    """From a date of birth: 0 on the day, up to 365; 29 February is 28 February in
    non-leap years. Matching month/day keys are worked out in Python for today."""

    def render(self, ctx: SqlContext, operator: str, value: Any) -> str:
        ranges = birthday_key_ranges(integer_intervals(operator, value), ctx.today)
        key = month_day_key(ctx.dialect, self.expr.sql)
        if ranges == [(101, 1231)]:
            predicate = TRUE_SQL
        elif not ranges:
            predicate = FALSE_SQL
        else:
            parts = [
                f"{key} = {ctx.params.add(lo)}"
                if lo == hi
                else f"{key} BETWEEN {ctx.params.add(lo)} AND {ctx.params.add(hi)}"
                for lo, hi in ranges
            ]
            predicate = parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
        return guarded(ctx, self.expr, predicate)


@dataclass(frozen=True)
class OrderFrequency:
    """(last - first order) in calendar days / (orders - 1); needs two orders, not rounded."""

    first: Expr
    last: Expr
    count: Expr

    def reads(self, operator: str, value: Any) -> Reads:
        return self.first.reads + self.last.reads + self.count.reads

    def render(self, ctx: SqlContext, operator: str, value: Any) -> str:
        span = (
            f"({utc_day_number(ctx.dialect, self.last.sql)}"
            f" - {utc_day_number(ctx.dialect, self.first.sql)})"
        )
        c = self.count.raw
        predicate = ratio_predicate(ctx, operator, value, span, f"({c} - 1)")
        return f"{c} IS NOT NULL AND {c} >= 2 AND {and_operand(predicate)}"
