"""What a command checks before it starts serving: the database migrated, Redis answering.

Failures are command errors (one line, an exit code of their own) instead of a traceback
from deep inside the server's startup.
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gqlserver.clierrors import RedisUnreachable
from gqlserver.settingchecks import without_password

REDIS_TIMEOUT_SECONDS = 5.0


async def require_redis(redis_url: str) -> None:
    """Raise RedisUnreachable unless Redis answers a PING (memory:// always does)."""
    if redis_url.startswith("memory://"):
        return
    client = Redis.from_url(
        redis_url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        where = without_password(redis_url)
        raise RedisUnreachable(f"cannot connect to Redis at {where}: {_failure(exc)}") from exc
    finally:
        await client.aclose()


def _failure(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__:
        return f"no answer within {REDIS_TIMEOUT_SECONDS:g} seconds"
    if isinstance(exc, ConnectionRefusedError) or "Connect call failed" in text:
        return "connection refused"
    return text.rstrip(".")
