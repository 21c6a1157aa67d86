"""Segment API tests run documents through the real schema with a hand-built context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest_asyncio
from arq.connections import ArqRedis
from strawberry.types import ExecutionResult

from gqlserver.schema import schema
from models.segments.orm import Segment
from models.store.reference import CustomerGroup, Website
from resolvers.context import Context, ResolverSettings
from tests.graphql_client import app, gql, make_client  # noqa: F401
from tests.segments.store_rows import add_customers, customer_row
from tests.segments.trees import leaf, root

T0 = datetime(2025, 1, 15, 9, 30, tzinfo=UTC)

# id -> (website, group, gender, email); customer 8 is inactive.
CUSTOMERS: dict[int, tuple[int, int, str | None, str]] = {
    1: (1, 1, "female", "ann@example.com"),
    2: (1, 2, "male", "bob@example.com"),
    3: (1, 1, "female", "cat@shop.test"),
    4: (2, 1, "female", "dee@example.com"),
    5: (2, 2, "male", "eve@shop.test"),
    6: (1, 1, None, "fay@example.com"),
    7: (1, 2, "female", "gia@example.com"),
    8: (1, 1, "female", "hal@example.com"),
}


FEMALE = root(leaf("customer_attributes", "gender", "==", "female"))


@dataclass
class Api:
    """Runs GraphQL documents through `gqlserver.schema.schema`."""

    queue: ArqRedis | None = None
    settings: ResolverSettings | None = None
    scopes: frozenset[str] = field(default_factory=lambda: frozenset({"write"}))

    def context(self, scopes: frozenset[str] | None = None) -> Context:
        return Context(
            scopes=self.scopes if scopes is None else scopes,
            queue=self.queue,
            settings=self.settings,
        )

    async def run(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        scopes: frozenset[str] | None = None,
    ) -> ExecutionResult:
        return await schema.execute(
            query, variable_values=variables, context_value=self.context(scopes)
        )

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        result = await self.run(query, variables)
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data


@pytest_asyncio.fixture
async def store(db) -> None:
    """Two websites, two groups and the CUSTOMERS (8 inactive)."""
    await Website.create(id=1, code="base", name="Main")
    await Website.create(id=2, code="second", name="Second")
    await CustomerGroup.create(id=1, code="general")
    await CustomerGroup.create(id=2, code="wholesale")
    await add_customers(
        *(
            customer_row(
                cid,
                website_id=website,
                group_id=group,
                gender=gender,
                email=email,
                firstname=email.split("@")[0].title(),
                created_at=T0,
                is_active=cid != 8,
            )
            for cid, (website, group, gender, email) in CUSTOMERS.items()
        )
    )


@pytest_asyncio.fixture
async def api(db) -> Api:
    return Api()


@pytest_asyncio.fixture
async def queued_api(db, arq_queue) -> Api:
    return Api(queue=arq_queue)


async def segment_count() -> int:
    return await Segment.all().count()
