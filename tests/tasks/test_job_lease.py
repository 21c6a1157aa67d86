"""Leased jobs (tasks/lease.py) on a real Redis: the in-progress key arq set for the whole job
timeout is cut to the lease while the job runs, so a dead worker's job is soon free to rerun."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from arq.constants import in_progress_key_prefix

from tasks.lease import leased
from tasks.registry import FUNCTIONS

JOB_ID = "refresh-segment:7"
KEY = in_progress_key_prefix + JOB_ID


def _ctx(queue: Any, lease: float) -> dict[str, Any]:
    return {"redis": queue, "job_id": JOB_ID, "settings": SimpleNamespace(job_lease_seconds=lease)}


async def test_a_running_job_holds_its_in_progress_key_for_one_lease_only(arq_queue):
    # What arq's worker sets when it starts a job: job_timeout (900 s) + 10 s.
    await arq_queue.psetex(KEY, 910_000, b"1")
    seen: dict[str, int] = {}

    async def job(ctx: dict[str, Any], segment_id: int) -> int:
        seen["ttl_ms"] = await ctx["redis"].pttl(KEY)
        return segment_id * 2

    result = await leased(job)(_ctx(arq_queue, 5), 21)

    assert result == 42
    assert 0 < seen["ttl_ms"] <= 5_000


async def test_the_lease_never_brings_back_a_key_arq_deleted(arq_queue):
    async def job(ctx: dict[str, Any]) -> None:
        # arq deletes the key when the job finishes; a renewal after that must not revive it.
        await ctx["redis"].delete(KEY)

    await leased(job)(_ctx(arq_queue, 5))

    assert await arq_queue.exists(KEY) == 0


def test_every_registered_job_is_leased():
    assert FUNCTIONS
    assert all(getattr(f.coroutine, "__wrapped__", None) is not None for f in FUNCTIONS)
