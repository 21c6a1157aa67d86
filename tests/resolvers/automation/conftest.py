"""Automation API tests run documents through the real app, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from starlette.applications import Starlette

from gqlserver.app import create_app
from models.auth.tokens import create_token
from tests.graphql_client import gql, make_client, make_settings, running  # noqa: F401
from tests.resolvers.automation.rows import PUBLIC_URL, SECRET, Shop, shop_rows


@pytest_asyncio.fixture
async def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest_asyncio.fixture
async def app(db, outbox: Path) -> AsyncIterator[Starlette]:
    """The app on the test's database with an in-memory Redis and worker; mail goes to
    `outbox`, links are signed with SECRET under PUBLIC_URL."""
    await create_token("fixture", ["read"])
    settings = make_settings(
        db.url,
        SEGMENTQL_OUTBOX_DIR=str(outbox),
        SEGMENTQL_SECRET_KEY=SECRET,
        SEGMENTQL_PUBLIC_URL=PUBLIC_URL,
    )
    async with running(create_app(settings)) as started:
        yield started


@pytest_asyncio.fixture
async def shop(db) -> Shop:
    return await shop_rows()
