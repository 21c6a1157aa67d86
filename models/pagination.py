"""Keyset pages with opaque cursors, shared by every list the API pages through.

A cursor is URL-safe base64 of a JSON array `[kind, *key]`: opaque to clients, yet
tagged with the list it belongs to so a cursor of one list is refused by another
instead of silently skipping rows.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from models.errors import DomainError, ErrorCode

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a keyset-paginated list; `end_cursor` is the key of its last item."""

    items: list[T]
    end_cursor: str | None
    has_next: bool
    # Counts the whole list (every page, same filters) when awaited: callers that show a
    # total ask for it, others never pay for the query.
    count: Callable[[], Awaitable[int]] | None = field(default=None, compare=False)


def encode_cursor(kind: str, *key: int | str) -> str:
    raw = json.dumps([kind, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(
    cursor: str | None, kind: str, key_types: Sequence[type], *, field: str = "after"
) -> tuple[Any, ...] | None:
    """The key a cursor carries, or None for no cursor; a malformed or foreign one is refused."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        value = None
    if (
        isinstance(value, list)
        and len(value) == len(key_types) + 1
        and value[0] == kind
        and all(
            type(part) is key_type  # bool is an int subclass: demand the exact type
            for part, key_type in zip(value[1:], key_types, strict=True)
        )
    ):
        return tuple(value[1:])
    raise DomainError.single(field, ErrorCode.INVALID, "Invalid cursor.")


def page_size(first: int | None, *, field: str = "first", maximum: int = MAX_PAGE_SIZE) -> int:
    """The number of items to return, refusing negative or oversized requests."""
    if first is None:
        return min(DEFAULT_PAGE_SIZE, maximum)
    if first < 0 or first > maximum:
        raise DomainError.single(
            field, ErrorCode.INVALID, f"Must be between 0 and {maximum}, got {first}."
        )
    return first


def page_from_rows(
    rows: list[T], size: int, cursor_of: Any, count: Callable[[], Awaitable[int]] | None = None
) -> Page[T]:
    """Build a page from up to `size + 1` rows fetched in key order (the extra row means more)."""
    items = rows[:size]
    return Page(
        items=items,
        end_cursor=cursor_of(items[-1]) if items else None,
        has_next=len(rows) > size,
        count=count,
    )
