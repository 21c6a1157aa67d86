"""Payload types shared by mutations of several domains."""

from __future__ import annotations

import strawberry

from resolvers.errors import Error

ERRORS_DESCRIPTION = "Empty on success; otherwise every problem found, and nothing changed."


def errors_field() -> list[Error]:
    """A payload's `errors`, described the same everywhere."""
    return strawberry.field(description=ERRORS_DESCRIPTION)


@strawberry.type(description="What a delete mutation deleted.")
class DeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="Id of the deleted object; null when nothing was deleted."
    )
    errors: list[Error] = errors_field()
