"""What jobs and crons read from the process settings; the process passes its own in.

`tasks/` never reads the environment: `gqlserver`'s settings satisfy this protocol and
reach jobs as `ctx["settings"]` and cron schedules as `cron_jobs(settings)`.
"""

from __future__ import annotations

from typing import Protocol


class TaskSettings(Protocol):
    @property
    def refresh_cron(self) -> str: ...

    @property
    def refresh_max_age_hours(self) -> float: ...

    @property
    def job_lease_seconds(self) -> float: ...

    @property
    def process_emails_cron(self) -> str: ...

    @property
    def cleanup_progress_cron(self) -> str: ...

    @property
    def cleanup_coupons_cron(self) -> str: ...

    @property
    def automation_report_cron(self) -> str: ...
