"""Store data queries admins need to see."""

from __future__ import annotations

import strawberry

from models.store.reference import Website as WebsiteRow
from resolvers.permissions import CanRead


@strawberry.type
class Website:
    id: int
    code: str
    name: str


@strawberry.type
class StoreQuery:
    @strawberry.field(permission_classes=[CanRead], description="All websites.")
    async def websites(self) -> list[Website]:
        rows = await WebsiteRow.all().order_by("id")
        return [Website(id=r.id, code=r.code, name=r.name) for r in rows]
