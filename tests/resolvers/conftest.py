"""Cross-domain API tests (connections, schema documentation) run the real app; queue
outage tests get a Redis of their own to kill."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from arq.connections import ArqRedis

from tasks.queue import create_queue
from tests.graphql_client import app, gql, make_client  # noqa: F401
from tests.redis_server import RedisServer, own_redis


@pytest_asyncio.fixture
async def redis_server(tmp_path: Path) -> AsyncIterator[RedisServer]:
    """A redis-server of the test's own, which the test may kill and start again."""
    async with own_redis(tmp_path) as server:
        yield server


@pytest_asyncio.fixture
async def own_queue(redis_server: RedisServer) -> AsyncIterator[ArqRedis]:
    """The job queue on that server."""
    queue = await create_queue(redis_server.url)
    try:
        yield queue
    finally:
        await queue.aclose()
