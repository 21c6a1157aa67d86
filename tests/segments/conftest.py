"""Hypothesis profiles for the property tests: `dev` by default, `ci` (more examples,
derandomized so a run is reproducible) when HYPOTHESIS_PROFILE=ci."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest_asyncio
from hypothesis import settings

from models.db import connection
from tests.conftest import Db

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest_asyncio.fixture
async def store_db(db: Db) -> AsyncIterator[Db]:
    """The `db` fixture, with SQLite not syncing to disk: examples rewrite it hundreds of times."""
    if db.dialect == "sqlite":
        await connection().execute_script("PRAGMA synchronous = OFF")
    yield db
