"""GraphQL `ID` arguments to the integer keys the domain uses."""

from __future__ import annotations

from models.errors import DomainError, ErrorCode

MAX_ID = 2**31 - 1  # INTEGER columns


def parse_id(value: str, field: str) -> int:
    """The integer an ID argument names; anything else is refused with the argument's name."""
    text = str(value).strip()
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    raise DomainError.single(field, ErrorCode.INVALID, f"{value!r} is not a valid id.")


def maybe_id(value: str) -> int | None:
    """The integer an ID names, or None when it cannot name anything (lookups answer null)."""
    try:
        return parse_id(value, "id")
    except DomainError:
        return None
