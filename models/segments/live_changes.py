"""Drain the changed-customer list (`models.store.changed_customers`) into live re-evaluation.

Idempotent and safe with several workers at once: each round claims its own rows,
re-evaluates those customers (restricted refreshes record nothing twice), and deletes
the rows it still holds. A round that fails gives its rows back; a worker that dies
mid-round leaves a claim that expires after `CLAIM_LEASE`, and the next drain takes it.
Past `reevaluation.FULL_REFRESH_THRESHOLD` waiting customers (a bulk import) a round claims every
row and refreshes the live segments in full instead.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from models.segments import reevaluation
from models.store.changed_customers import (
    claim_all_changed_customers,
    claim_changed_customers,
    release_changed_customers,
    unclaim_changed_customers,
)

# Longer than a round takes: a claim that outlives its job is taken over by the next.
CLAIM_LEASE = timedelta(minutes=10)
# Rounds per drain, so one job cannot run forever behind a steady stream of changes; the
# next wake-up (or the sweep) drains the rest.
MAX_ROUNDS = 50


@dataclass
class DrainSummary:
    customers: int = 0
    full_refreshes: int = 0
    refreshes: int = 0
    entered: int = 0
    exited: int = 0


async def drain_changed_customers(*, now: datetime | None = None) -> DrainSummary:
    """Re-evaluate every customer waiting in the list, round after round, until none waits."""
    summary = DrainSummary()
    for _ in range(MAX_ROUNDS):
        if not await _drain_round(summary, now or datetime.now(UTC)):
            break
    return summary


async def _drain_round(summary: DrainSummary, now: datetime) -> bool:
    """One claim, act, release; False once nothing was claimable."""
    token = uuid.uuid4().hex
    lease_until = now + CLAIM_LEASE
    ids = await claim_changed_customers(
        token, now=now, lease_until=lease_until, limit=reevaluation.FULL_REFRESH_THRESHOLD + 1
    )
    if not ids:
        return False
    try:
        if reevaluation.needs_full_refresh(len(ids)):
            claimed = await claim_all_changed_customers(token, now=now, lease_until=lease_until)
            outcomes = await reevaluation.refresh_live_segments(now=now)
            summary.customers += len(ids) + claimed
            summary.full_refreshes += 1
        else:
            outcomes = await reevaluation.reevaluate_customers(ids, now=now)
            summary.customers += len(ids)
    except BaseException:
        await unclaim_changed_customers(token)
        raise
    summary.refreshes += len(outcomes)
    summary.entered += sum(o.entered_count for o in outcomes)
    summary.exited += sum(o.exited_count for o in outcomes)
    await release_changed_customers(token)
    return True
