"""Reading one condition value by the attribute's value kind (numbers, dates, options...)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from models.errors import ErrorCode
from models.segments.catalog.types import AttributeSpec, Suggestions, ValueKind
from models.segments.references import ReferenceIds

# Far beyond any amount, count or number of days; keeps bound numbers ordinary.
MAX_MAGNITUDE = Decimal(10) ** 15
MAX_PLACES = 30
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTEGER = re.compile(r"[+-]?\d+")


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


class ValueProblem(Exception):
    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _wrong(message: str) -> ValueProblem:
    return ValueProblem(ErrorCode.INVALID_VALUE, message)


def _not_allowed(message: str) -> ValueProblem:
    return ValueProblem(ErrorCode.VALUE_NOT_ALLOWED, message)


def split_items(raw: Any, path: str) -> tuple[list[Any] | None, list[str]]:
    """Items of a `()` / `!()` value (a list, or comma-separated text) and their paths."""
    if isinstance(raw, list | tuple):
        return list(raw), [f"{path}[{i}]" for i in range(len(raw))]
    if isinstance(raw, str):
        items = raw.split(",")
        return items, [path] * len(items)
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return [raw], [path]
    return None, []


def normalise_item(spec: AttributeSpec, raw: Any, refs: ReferenceIds | None, *, trim: bool) -> Any:
    """One typed value, or ValueProblem.

    Items of comma-separated text are trimmed ("a, b"); items of a JSON list and single
    values are taken as given.
    """
    if trim and isinstance(raw, str):
        raw = raw.strip()
    kind = spec.kind
    if kind is ValueKind.TEXT:
        return _text(raw)
    if kind is ValueKind.NUMBER:
        return number(raw)
    if kind is ValueKind.DATE:
        return _date(raw)
    if kind is ValueKind.CHOICE:
        return _choice(spec, raw)
    if kind is ValueKind.STATUS:
        return _status(spec, raw)
    if kind is ValueKind.FLAG:
        return _flag(spec, raw)
    if kind is ValueKind.CODE:
        return _code(raw)
    return _reference(spec, raw, refs)


def _text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return str(raw)
    raise _wrong("Must be text.")


def number(raw: Any) -> Decimal:
    """A number or numeric text ("1000", as Maho sends it) as a Decimal."""
    if isinstance(raw, bool):
        raise _wrong("Must be a number.")
    try:
        if isinstance(raw, Decimal):
            value = raw
        elif isinstance(raw, int):
            value = Decimal(raw)
        elif isinstance(raw, float):
            value = Decimal(repr(raw))
        elif isinstance(raw, str) and raw.strip():
            value = Decimal(raw.strip())
        else:
            raise _wrong("Must be a number.")
    except InvalidOperation:
        raise _wrong(f"Not a number: {raw!r}.") from None
    if not value.is_finite():
        raise _wrong("Must be a finite number.")
    if abs(value) >= MAX_MAGNITUDE:
        raise _wrong("Number out of range.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PLACES:
        raise _wrong(f"At most {MAX_PLACES} decimal places.")
    return value


def _date(raw: Any) -> date:
    if isinstance(raw, date) and not hasattr(raw, "hour"):
        return raw
    if isinstance(raw, str) and _DATE.fullmatch(raw.strip()):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise _wrong("Must be a date as YYYY-MM-DD.")


def _choice(spec: AttributeSpec, raw: Any) -> str:
    if not isinstance(raw, str):
        raise _wrong(f"{_shown(raw)} is not one of: {_allowed(spec)}.")
    if raw not in {o.value for o in spec.options or ()}:
        raise _not_allowed(f"{_shown(raw)} is not one of: {_allowed(spec)}.")
    return raw


# A value is quoted back in its error only this long: it may be megabytes.
MAX_SHOWN_CHARS = 40


def _shown(raw: Any) -> str:
    text = repr(raw)
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 3] + "..."


def _allowed(spec: AttributeSpec) -> str:
    """The fixed options with their labels, as an admin reads them: `1 (Subscribed), ...`."""
    return ", ".join(f"{o.value} ({o.label})" for o in spec.options or ())


def _integer(raw: Any) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and _INTEGER.fullmatch(raw.strip()):
        return int(raw.strip())
    raise _wrong("Must be a whole number.")


def _status(spec: AttributeSpec, raw: Any) -> int:
    try:
        value = _integer(raw)
    except ValueProblem:
        # "subscribed" for status 1: the options say which number means what.
        raise _wrong(f"{_shown(raw)} is not one of: {_allowed(spec)}.") from None
    if str(value) not in {o.value for o in spec.options or ()}:
        raise _not_allowed(f"{value} is not one of: {_allowed(spec)}.")
    return value


def flag_value(raw: Any) -> bool | None:
    """A boolean, 1 / 0, or "1" / "0" / "true" / "false" in any case as a bool; else None."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in ("1", "0", "true", "false"):
        return raw.strip().lower() in ("1", "true")
    return None


def _flag(spec: AttributeSpec, raw: Any) -> bool:
    flag = flag_value(raw)
    if flag is not None:
        return flag
    message = f"{_shown(raw)} is not one of: {_allowed(spec)}; true and false are accepted too."
    if isinstance(raw, int | str):
        raise _not_allowed(message)
    raise _wrong(message)


def _code(raw: Any) -> str:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise _wrong("Must be text.")
    if not raw.strip():
        raise _wrong("Must not be empty.")
    return raw


_REFERENCE_NAMES = {
    Suggestions.WEBSITE: ("website_ids", "website"),
    Suggestions.STORE: ("store_ids", "store"),
    Suggestions.GROUP: ("group_ids", "customer group"),
}


# Websites, stores and groups are few; past this many the message stops listing ids.
MAX_LISTED_IDS = 20


def _reference(spec: AttributeSpec, raw: Any, refs: ReferenceIds | None) -> int:
    assert spec.suggestions is not None
    field, name = _REFERENCE_NAMES[spec.suggestions]
    existing: set[int] | None = None if refs is None else getattr(refs, field)
    try:
        value = _integer(raw)
    except ValueProblem:
        raise _wrong(f"Must be the id of a {name}, got {_shown(raw)}.{_ids(existing)}") from None
    if existing is not None and value not in existing:
        raise _not_allowed(f"No {name} with id {value}.{_ids(existing)}")
    return value


def _ids(existing: set[int] | None) -> str:
    """` Existing ids: 1, 2.` (conditionCatalog lists them with their names)."""
    if not existing:
        return ""
    shown = sorted(existing)[:MAX_LISTED_IDS]
    more = ", ..." if len(existing) > MAX_LISTED_IDS else ""
    return f" Existing ids: {', '.join(map(str, shown))}{more}."
