"""Value types of the import format: what each JSON value may look like and what it becomes.

The rules are CONTRACT's: booleans are true/false or 0/1 (also "0"/"1", as Maho's exports
write them), times are ISO 8601 and UTC when they carry no offset, dates are YYYY-MM-DD.
Every limit mirrors the column it lands in, so a valid record never fails in the database.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, Field, PlainValidator, StringConstraints
from pydantic_core import PydanticCustomError

INT_MAX = 2**31 - 1
# NUMERIC(12,4): eight digits before the point.
MONEY_LIMIT = Decimal(10) ** 8
MONEY_STEP = Decimal("0.0001")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refusing it here keeps the batch writable.
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "must not contain the NUL character")
    return value


def _flag(value: Any) -> bool:
    if value is True or value is False:
        return value
    if (type(value) is int and value in (0, 1)) or value in ("0", "1"):
        return value in (1, "1")
    raise PydanticCustomError("boolean", "must be true/false or 0/1")


def _money(value: Any) -> Decimal:
    kind = type(value)
    try:
        if kind is int:
            amount = Decimal(value)
        elif kind is float or kind is str:
            amount = Decimal(repr(value) if kind is float else value.strip())
        else:
            raise PydanticCustomError("money_type", "must be a number or a numeric string")
    except InvalidOperation:
        raise PydanticCustomError("money", "must be a number or a numeric string") from None
    if not amount.is_finite() or abs(amount) >= MONEY_LIMIT:
        raise PydanticCustomError("money_range", "must be a finite number below 100000000")
    # Rounded as the NUMERIC(12,4) column would, so re-importing compares equal.
    return amount.quantize(MONEY_STEP, rounding=ROUND_HALF_UP)


def _timestamp(value: Any) -> datetime:
    if not isinstance(value, str):
        raise PydanticCustomError("datetime_type", "must be an ISO 8601 date-time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "datetime", "must be an ISO 8601 date-time, e.g. 2024-05-31T14:30:00Z"
        ) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _date(value: Any) -> date:
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "must be a YYYY-MM-DD string")
    if len(value) != 10 or not _DATE.fullmatch(value):
        raise PydanticCustomError("date", "must be a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date", "must be a date as YYYY-MM-DD") from None


# Strings by the length of their VARCHAR column (constraints before the NUL check, so a
# length error reads "string should have at most 64 characters").
_NUL = AfterValidator(_no_nul)
Text = Annotated[str, _NUL]
Str2 = Annotated[str, StringConstraints(max_length=2), _NUL]
Str3 = Annotated[str, StringConstraints(max_length=3), _NUL]
Str32 = Annotated[str, StringConstraints(max_length=32), _NUL]
Str50 = Annotated[str, StringConstraints(max_length=50), _NUL]
Str64 = Annotated[str, StringConstraints(max_length=64), _NUL]
Str128 = Annotated[str, StringConstraints(max_length=128), _NUL]
Str255 = Annotated[str, StringConstraints(max_length=255), _NUL]
Required32 = Annotated[str, StringConstraints(min_length=1, max_length=32), _NUL]
Required64 = Annotated[str, StringConstraints(min_length=1, max_length=64), _NUL]
Required128 = Annotated[str, StringConstraints(min_length=1, max_length=128), _NUL]
Required150 = Annotated[str, StringConstraints(min_length=1, max_length=150), _NUL]
Required255 = Annotated[str, StringConstraints(min_length=1, max_length=255), _NUL]
Id = Annotated[int, Field(ge=0, le=INT_MAX)]
Count = Annotated[int, Field(ge=0, le=INT_MAX)]
Flag = Annotated[bool, PlainValidator(_flag)]
Money = Annotated[Decimal, PlainValidator(_money)]
Timestamp = Annotated[datetime, PlainValidator(_timestamp)]
Day = Annotated[date, PlainValidator(_date)]
ZERO = Decimal("0.0000")
