"""Payload types shared by mutations of several domains."""

from __future__ import annotations

import strawberry

from resolvers.errors import Error


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="Id of the deleted object; null when nothing was deleted."
    )
    errors: list[Error]
