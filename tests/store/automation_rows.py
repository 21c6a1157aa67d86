"""Customers with subscriptions, progress rows and coupons, for what store writes do to
automation (models/store/effects.py, models/automation/hooks.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from models.automation.orm import (
    EmailSequence,
    ProgressStatus,
    SequenceProgress,
    TriggerEvent,
)
from models.coupons.orm import Coupon, CouponUsage
from models.segments.orm import Segment
from models.store.customers import NewsletterSubscriber
from models.store.importer import import_ndjson
from tests.store import sample

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
PARENTS = [sample.WEBSITE, sample.GROUP, sample.STORE]


def customer(customer_id: int) -> dict[str, Any]:
    return {**sample.CUSTOMER, "id": customer_id, "email": f"c{customer_id}@example.com"}


def subscriber(customer_id: int, status: int, **fields: Any) -> dict[str, Any]:
    return {
        **sample.SUBSCRIBER,
        "customer_id": customer_id,
        "email": f"c{customer_id}@example.com",
        "subscriber_status": status,
        **fields,
    }


async def subscribed_customers(*customer_ids: int) -> None:
    """Customers `customer_ids`, each subscribed (status 1), imported as an integrator would."""
    records = [*PARENTS, *(customer(c) for c in customer_ids)]
    records += [subscriber(c, 1) for c in customer_ids]
    report = await import_ndjson(sample.lines(*records))
    assert report.rejected == []


class Steps:
    """One segment with two enter steps; rows are created for them by customer and status."""

    def __init__(self, segment: Segment, first: EmailSequence, second: EmailSequence) -> None:
        self.segment, self.first, self.second = segment, first, second

    @staticmethod
    async def create() -> Steps:
        segment = await Segment.create(name="Buyers", website_ids=[1], auto_email_active=True)
        first, second = [
            await EmailSequence.create(segment_id=segment.id, step_number=n, template_id=1)
            for n in (1, 2)
        ]
        return Steps(segment, first, second)

    async def row(
        self, customer_id: int, status: ProgressStatus, *, second: bool = False, **fields: Any
    ) -> SequenceProgress:
        step = self.second if second else self.first
        values: dict[str, Any] = {"scheduled_at": NOW + timedelta(hours=1), **fields}
        if status is ProgressStatus.SENT:
            values.setdefault("sent_at", NOW - timedelta(hours=1))
        if status is ProgressStatus.FAILED:
            values.setdefault("last_error", "Template 1 does not exist.")
        return await SequenceProgress.create(
            customer_id=customer_id,
            segment_id=self.segment.id,
            sequence_id=step.id,
            step_number=step.step_number,
            trigger_type=TriggerEvent.ENTER,
            status=status,
            **values,
        )


async def progress_rows() -> dict[int, dict[str, Any]]:
    """Every progress row's columns by id."""
    return {row["id"]: row for row in await SequenceProgress.all().order_by("id").values()}


async def progress_states() -> dict[int, tuple[int, str, str | None]]:
    """Every progress row by id: (customer id, status, last error)."""
    rows = await SequenceProgress.all().values_list("id", "customer_id", "status", "last_error")
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


async def subscriber_rows() -> list[tuple[int, str | None, int, datetime | None]]:
    rows = (
        await NewsletterSubscriber.all()
        .order_by("customer_id")
        .values_list("customer_id", "email", "subscriber_status", "change_status_at")
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def coupon_rows() -> dict[str, dict[str, Any]]:
    """Every coupon's columns except created_at, by code."""
    rows = await Coupon.all().order_by("id").values()
    return {r["code"]: {k: v for k, v in r.items() if k != "created_at"} for r in rows}


async def usages() -> set[tuple[str, int]]:
    rows = await CouponUsage.all().values_list("coupon__code", "order_id")
    return {(code, order_id) for code, order_id in rows}
