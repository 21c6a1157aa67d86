"""GraphQL `ID`s to and from the integer keys the domain uses."""

from __future__ import annotations

import strawberry

from models.errors import DomainError, ErrorCode

# Keys are INTEGER columns. Store ids may be 0 (the import format allows it, as Maho's
# admin website, store and group are 0); segment ids start at 1, so "0" is not found.
MAX_ID = 2**31 - 1
_MAX_DIGITS = len(str(MAX_ID))


def graphql_id(key: int) -> strawberry.ID:
    return strawberry.ID(str(key))


def parse_id(value: str, field: str = "id") -> int:
    """The integer an ID argument names; anything else is refused, naming the argument."""
    text = str(value).strip()
    # The length check comes first: int() refuses strings of more than 4300 digits.
    if text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS and int(text) <= MAX_ID:
        return int(text)
    raise DomainError.single(field, ErrorCode.INVALID, f"{value!r} is not a valid id.")


def maybe_id(value: str) -> int | None:
    """The integer an ID names, or None when it cannot name anything (lookups answer null)."""
    try:
        return parse_id(value)
    except DomainError:
        return None
