"""Every arq job function and cron job the worker runs; each domain adds its lines here.

Jobs run at least once (a killed worker's job is run again within one job lease, see
`tasks/lease.py`), so each must be idempotent.
Wrap a function in `arq.worker.func(...)` for its own timeout, retries or result lifetime.
Cron schedules come from the settings the worker was started with, never from import time.
"""

from __future__ import annotations

from arq.cron import CronJob
from arq.worker import Function

from tasks.automation import AUTOMATION_FUNCTIONS, automation_cron_jobs
from tasks.changed_customers import LIVE_CRON_JOBS, LIVE_FUNCTIONS
from tasks.lease import leased_functions
from tasks.maintenance import ping
from tasks.segments import SEGMENT_FUNCTIONS, auto_refresh_cron_jobs
from tasks.settings import TaskSettings

# Each renews a short lease while it runs, so a killed worker's job is soon run again.
FUNCTIONS: list[Function] = leased_functions(
    [ping, *LIVE_FUNCTIONS, *SEGMENT_FUNCTIONS, *AUTOMATION_FUNCTIONS]
)


def cron_jobs(settings: TaskSettings) -> list[CronJob]:
    """The cron jobs for these settings; raises ValueError for an invalid schedule."""
    return [
        *LIVE_CRON_JOBS,
        *auto_refresh_cron_jobs(settings.refresh_cron),
        *automation_cron_jobs(settings),
    ]
