"""Every arq job function and cron job the worker runs; each domain adds its lines here.

Jobs run at least once (a killed worker's job is run again), so each must be idempotent.
Wrap a function in `arq.worker.func(...)` for its own timeout, retries or result lifetime.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from arq.cron import CronJob
from arq.worker import Function

from tasks.live import LIVE_CRON_JOBS, LIVE_FUNCTIONS
from tasks.maintenance import ping
from tasks.segments import SEGMENT_CRON_JOBS, SEGMENT_FUNCTIONS

FUNCTIONS: list[Callable[..., Awaitable[Any]] | Function] = [
    ping,
    *LIVE_FUNCTIONS,
    *SEGMENT_FUNCTIONS,
]

CRON_JOBS: list[CronJob] = [*LIVE_CRON_JOBS, *SEGMENT_CRON_JOBS]
