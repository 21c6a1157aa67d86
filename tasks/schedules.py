"""Cron expressions (5 fields, as the settings give them) turned into arq cron jobs."""

from __future__ import annotations

from typing import Any

from arq.cron import CronJob, cron
from arq.typing import WorkerCoroutine
from croniter import croniter


def cron_schedule(expression: str) -> list[dict[str, Any]]:
    """arq `cron()` keyword sets for a 5-field cron expression.

    Cron runs a job when day-of-month OR day-of-week matches if both are restricted,
    while arq requires every field to match: that case becomes two schedules.
    """
    if len(expression.split()) != 5 or not croniter.is_valid(expression):
        raise ValueError(f"not a 5-field cron expression: {expression!r} (e.g. '0 5 * * *')")
    expanded, _ = croniter.expand(expression)
    minute, hour, day, month, weekday = (
        None if values == ["*"] else {int(v) for v in values} for values in expanded
    )
    if weekday is not None:
        weekday = {(d - 1) % 7 for d in weekday}  # cron: 0 = Sunday; arq: 0 = Monday
    base = {"minute": minute, "hour": hour, "month": month}
    if day is not None and weekday is not None:
        return [{**base, "day": day}, {**base, "weekday": weekday}]
    return [{**base, "day": day, "weekday": weekday}]


def cron_jobs_for(coroutine: WorkerCoroutine, name: str, expression: str) -> list[CronJob]:
    """arq cron jobs running `coroutine` on `expression` (in the worker's timezone).

    arq's cron jobs are unique by default (the job id names the run), so each run happens
    on one worker however many run.
    """
    return [
        cron(
            coroutine,
            name=name if index == 0 else f"{name}_{index}",
            **{k: v for k, v in schedule.items() if v is not None},
        )
        for index, schedule in enumerate(cron_schedule(expression))
    ]
