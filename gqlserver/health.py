"""Liveness (`/healthz`, no I/O) and readiness (`/readyz`: database and Redis answer)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from models.db import connection

CHECK_TIMEOUT_SECONDS = 2.0

logger = logging.getLogger("segmentql.health")


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def _database_answers() -> None:
    await connection().execute_query("SELECT 1")


async def _check(name: str, probe: Callable[[], Awaitable[Any]]) -> str:
    # The body names only the failure's kind: /readyz is unauthenticated, details go to the log.
    try:
        await asyncio.wait_for(probe(), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        logger.warning("readiness: %s did not answer within %ss", name, CHECK_TIMEOUT_SECONDS)
        return "error: timeout"
    except Exception as exc:
        logger.warning("readiness: %s failed: %r", name, exc)
        return f"error: {type(exc).__name__}"
    return "ok"


async def readyz(request: Request) -> JSONResponse:
    redis = request.app.state.redis
    database, redis_status = await asyncio.gather(
        _check("database", _database_answers), _check("redis", redis.ping)
    )
    checks = {"database": database, "redis": redis_status}
    failed = [name for name, status in checks.items() if status != "ok"]
    body: dict[str, Any] = {"status": "unavailable" if failed else "ok", "checks": checks}
    if failed:
        body["failed"] = failed
    return JSONResponse(body, status_code=503 if failed else 200)
