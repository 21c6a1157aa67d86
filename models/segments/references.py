"""The store ids that select values may name (websites, stores, customer groups)."""

from __future__ import annotations

from dataclasses import dataclass

from models.db import connection


@dataclass
class ReferenceIds:
    """Ids that select values may name: they must exist in the store data."""

    website_ids: set[int]
    store_ids: set[int]
    group_ids: set[int]


async def load_reference_ids() -> ReferenceIds:
    conn = connection()

    async def ids(table: str) -> set[int]:
        return {int(r["id"]) for r in await conn.execute_query_dict(f"SELECT id FROM {table}")}

    return ReferenceIds(
        website_ids=await ids("website"),
        store_ids=await ids("store"),
        group_ids=await ids("customer_group"),
    )
