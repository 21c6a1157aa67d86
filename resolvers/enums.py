"""GraphQL enums over the domain's own enums, with a description for every value.

models/ never imports strawberry, so its enums cannot use `strawberry.enum_value`; the
descriptions are attached here instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=Enum)


def described_enum(
    enum: type[E], *, name: str, description: str, values: Mapping[E, str]
) -> type[E]:
    """`strawberry.enum(enum)` whose values carry these descriptions.

    A value left out stays undescribed, which tests/resolvers/test_schema_documentation.py
    reports by name.
    """
    wrapped = strawberry.enum(enum, name=name, description=description)
    for value in wrapped.__strawberry_definition__.values:  # type: ignore[attr-defined]
        member = enum[value.name]
        if member in values:
            value.description = values[member]
    return wrapped
