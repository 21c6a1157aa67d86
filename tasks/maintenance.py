"""Jobs that keep the worker itself observable."""

from __future__ import annotations

import os
import socket
from typing import Any

from models.db import connection, dialect


async def ping(ctx: dict[str, Any]) -> dict[str, Any]:
    """Answer with who ran the job and prove the worker's database connection works."""
    await connection().execute_query("SELECT 1")
    return {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "job_id": ctx.get("job_id"),
        "database": dialect(),
    }
