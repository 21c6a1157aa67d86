"""The arq queue: real Redis, or for `memory://` a fakeredis server shared by the whole process."""

from __future__ import annotations

from typing import Any

import arq.worker
from arq.connections import ArqRedis, RedisSettings, create_pool
from fakeredis import FakeServer
from fakeredis.aioredis import FakeAsyncRedisConnection
from redis.asyncio import ConnectionPool

from tasks.codec import deserialize, serialize

MEMORY_URL_SCHEME = "memory://"

_memory_server: FakeServer | None = None


class MemoryArqRedis(ArqRedis):
    """An arq pool on the process's in-memory Redis."""


def memory_server() -> FakeServer:
    """One in-memory Redis per process, so the server's pool and its worker see the same keys."""
    global _memory_server
    if _memory_server is None:
        _memory_server = FakeServer()
        _tolerate_missing_info()
    return _memory_server


async def create_queue(redis_url: str) -> ArqRedis:
    """An arq pool for REDIS_URL using the JSON codec; the caller closes it with `aclose()`."""
    if redis_url.startswith(MEMORY_URL_SCHEME):
        pool = ConnectionPool(connection_class=FakeAsyncRedisConnection, server=memory_server())
        return MemoryArqRedis(pool, job_serializer=serialize, job_deserializer=deserialize)
    return await create_pool(
        RedisSettings.from_dsn(redis_url), job_serializer=serialize, job_deserializer=deserialize
    )


def _tolerate_missing_info() -> None:
    """arq's worker logs Redis `INFO` on start; fakeredis has no INFO, so skip it there only."""
    log_redis_info = arq.worker.log_redis_info

    async def log_redis_info_unless_memory(redis: Any, log_func: Any) -> None:
        if isinstance(redis, MemoryArqRedis):
            log_func(f"redis=memory db_keys={await redis.dbsize()}")
            return
        await log_redis_info(redis, log_func)

    arq.worker.log_redis_info = log_redis_info_unless_memory
