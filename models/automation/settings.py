"""Automation settings an admin changes at run time, stored in one database row (id 1).

Stored rather than read from the environment because every worker and server must see
a change at once (turning the global switch off stops sending everywhere), and because
an admin frontend changes them over GraphQL.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from tortoise.backends.base.client import BaseDBAsyncClient

from models.automation.orm import AutomationSettingsRow
from models.db import transaction
from models.errors import DomainError, ErrorCode, FieldError

SETTINGS_ID = 1
# Bounds that keep a mistyped value from stopping or flooding delivery.
LIMITS = {
    "progress_cleanup_days": (1, 3650),
    "coupon_cleanup_days": (1, 3650),
    "rate_limit_per_day": (1, 1000),
    "batch_size": (1, 10_000),
    "attribution_window_days": (1, 365),
}


@dataclass(frozen=True)
class AutomationSettings:
    enabled: bool = True
    progress_cleanup_days: int = 90
    coupon_cleanup_days: int = 30
    rate_limit_per_day: int = 5
    batch_size: int = 100
    # The privacy switches: off, new messages carry no open pixel / no click redirects.
    open_tracking: bool = True
    click_tracking: bool = True
    # Days after a click in which the customer's order is attributed to the clicked step.
    attribution_window_days: int = 7


def _of(row: AutomationSettingsRow) -> AutomationSettings:
    return AutomationSettings(**{f.name: getattr(row, f.name) for f in fields(AutomationSettings)})


async def automation_settings(conn: BaseDBAsyncClient | None = None) -> AutomationSettings:
    """The stored settings, or the defaults when nobody changed them yet."""
    row = await AutomationSettingsRow.get_or_none(id=SETTINGS_ID, using_db=conn)
    return AutomationSettings() if row is None else _of(row)


async def automation_enabled(conn: BaseDBAsyncClient | None = None) -> bool:
    return (await automation_settings(conn)).enabled


def _problems(settings: AutomationSettings) -> list[FieldError]:
    problems = []
    for name, (low, high) in LIMITS.items():
        value = getattr(settings, name)
        if not low <= value <= high:
            problems.append(
                FieldError(name, ErrorCode.INVALID, f"Must be between {low} and {high}.")
            )
    return problems


async def update_automation_settings(settings: AutomationSettings) -> AutomationSettings:
    """Store all settings at once; nothing is stored if any value is out of bounds."""
    problems = _problems(settings)
    if problems:
        raise DomainError(problems)
    values = {f.name: getattr(settings, f.name) for f in fields(AutomationSettings)}
    async with transaction() as conn:
        updated = await AutomationSettingsRow.filter(id=SETTINGS_ID).using_db(conn).update(**values)
        if not updated:
            await AutomationSettingsRow.create(id=SETTINGS_ID, using_db=conn, **values)
    return settings
