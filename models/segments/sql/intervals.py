"""Whole-number conditions (days since, hours since, days until birthday, dates) as ranges.

Every time condition is turned, in Python, into ranges of whole numbers and then into
comparisons of the stored timestamp with bound boundaries, so the SQL needs no date
functions and can use indexes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from models.segments.sql.context import FALSE_SQL, TRUE_SQL, SqlContext

# Inclusive bounds; None is unbounded.
Interval = tuple[int | None, int | None]

_MIN_ORDINAL = date.min.toordinal()
_MAX_ORDINAL = date.max.toordinal()
_MAX_HOURS = 10**8  # beyond the datetime range either way


def is_whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def whole_numbers(values: Sequence[Decimal]) -> list[int]:
    """The distinct whole numbers among `values`, ascending."""
    return sorted({int(v) for v in values if is_whole(v)})


def _merge_points(points: list[int]) -> list[Interval]:
    merged: list[list[int]] = []
    for point in points:
        if merged and merged[-1][1] + 1 == point:
            merged[-1][1] = point
        else:
            merged.append([point, point])
    return [(lo, hi) for lo, hi in merged]


def _complement(intervals: list[Interval]) -> list[Interval]:
    """The whole numbers outside sorted, bounded, non-adjacent intervals."""
    if not intervals:
        return [(None, None)]
    result: list[Interval] = [(None, _bound(intervals[0][0]) - 1)]
    for (_, hi), (lo, _) in zip(intervals, intervals[1:], strict=False):
        result.append((_bound(hi) + 1, _bound(lo) - 1))
    result.append((_bound(intervals[-1][1]) + 1, None))
    return result


def _bound(value: int | None) -> int:
    assert value is not None
    return value


def integer_intervals(operator: str, value: Decimal | Sequence[Decimal]) -> list[Interval]:
    """The whole numbers n for which `n <operator> value` holds."""
    if operator in ("()", "!()"):
        assert isinstance(value, list | tuple)
        points = _merge_points(whole_numbers(value))
        return points if operator == "()" else _complement(points)
    assert isinstance(value, Decimal)
    if operator == "==":
        return [(int(value), int(value))] if is_whole(value) else []
    if operator == "!=":
        k = int(value)
        return [(None, k - 1), (k + 1, None)] if is_whole(value) else [(None, None)]
    floor, ceil = math.floor(value), math.ceil(value)
    by_operator: dict[str, list[Interval]] = {
        ">": [(floor + 1, None)],
        ">=": [(ceil, None)],
        "<": [(None, ceil - 1)],
        "<=": [(None, floor)],
    }
    return by_operator[operator]


def contains(intervals: list[Interval], number: int) -> bool:
    return any(
        (lo is None or number >= lo) and (hi is None or number <= hi) for lo, hi in intervals
    )


def days_ago(intervals: list[Interval], today: date) -> list[Interval]:
    """Day ordinals whose distance to `today` (today - day) lies in `intervals`."""
    base = today.toordinal()
    return [
        (None if hi is None else base - hi, None if lo is None else base - lo)
        for lo, hi in intervals
    ]


def _midnight(ordinal: int) -> datetime:
    return datetime.combine(date.fromordinal(ordinal), datetime.min.time(), tzinfo=UTC)


# A part is a list of (comparison, bound) that must all hold; parts are alternatives.
Part = list[tuple[str, datetime]]


def _render(ctx: SqlContext, expr: str, parts: list[Part]) -> str:
    """Parameters are bound only for what ends up in the SQL (SQLite's are positional)."""
    if not parts:
        return FALSE_SQL
    if any(not part for part in parts):
        return TRUE_SQL
    rendered = [
        " AND ".join(f"{expr} {op} {ctx.params.add(bound)}" for op, bound in part) for part in parts
    ]
    if len(rendered) == 1:
        return rendered[0]
    return "(" + " OR ".join(f"({r})" if " AND " in r else r for r in rendered) + ")"


def timestamp_on_days(ctx: SqlContext, expr: str, day_intervals: list[Interval]) -> str:
    """`expr` (a UTC timestamp) falls on one of the day ordinals in `day_intervals`."""
    parts: list[Part] = []
    for lo, hi in day_intervals:
        if lo is not None and hi is not None and lo > hi:
            continue
        if (lo is not None and lo > _MAX_ORDINAL) or (hi is not None and hi < _MIN_ORDINAL):
            continue
        part: Part = []
        if lo is not None and lo > _MIN_ORDINAL:
            part.append((">=", _midnight(lo)))
        if hi is not None and hi < _MAX_ORDINAL:
            part.append(("<", _midnight(hi + 1)))
        parts.append(part)
    return _render(ctx, expr, parts)


def _hours_before(now: datetime, hours: int) -> datetime | None:
    """now - hours, or None when that leaves the datetime range."""
    if abs(hours) > _MAX_HOURS:
        return None
    try:
        return now - timedelta(hours=hours)
    except OverflowError:
        return None


def timestamp_hours_ago(ctx: SqlContext, expr: str, intervals: list[Interval]) -> str:
    """Whole hours elapsed since `expr` (floor of (now - expr) / 1 h) lie in `intervals`."""
    parts: list[Part] = []
    for lo, hi in intervals:
        if lo is not None and hi is not None and lo > hi:
            continue
        part: Part = []
        impossible = False
        if lo is not None:  # hours >= lo  <=>  expr <= now - lo h
            bound = _hours_before(ctx.now, lo)
            if bound is not None:
                part.append(("<=", bound))
            elif lo > 0:
                impossible = True
        if hi is not None:  # hours <= hi  <=>  expr > now - (hi + 1) h
            bound = _hours_before(ctx.now, hi + 1)
            if bound is not None:
                part.append((">", bound))
            elif hi < 0:
                impossible = True
        if not impossible:
            parts.append(part)
    return _render(ctx, expr, parts)


def birthday_in(year: int, month: int, day: int) -> date:
    """29 February falls on 28 February in years without one."""
    if month == 2 and day == 29 and not _is_leap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_until_birthday(month: int, day: int, today: date) -> int:
    """0 on the day; once this year's birthday has passed, counts to next year's."""
    birthday = birthday_in(today.year, month, day)
    if birthday < today:
        birthday = birthday_in(today.year + 1, month, day)
    return (birthday - today).days


# Every month*100+day key, 29 February included, in calendar order.
_BIRTHDAY_KEYS = [
    d.month * 100 + d.day for d in (date(2000, 1, 1) + timedelta(days=n) for n in range(366))
]


def birthday_key_ranges(intervals: list[Interval], today: date) -> list[tuple[int, int]]:
    """Ranges of month*100+day keys whose days until birthday lie in `intervals`."""
    ranges: list[list[int]] = []
    previous_matched = False
    for key in _BIRTHDAY_KEYS:
        matched = contains(intervals, days_until_birthday(key // 100, key % 100, today))
        if matched:
            if previous_matched:
                ranges[-1][1] = key
            else:
                ranges.append([key, key])
        previous_matched = matched
    return [(lo, hi) for lo, hi in ranges]
