"""Redis goes away and comes back under a real `segmentql serve` and `segmentql worker`.

Each test runs its own redis-server (killed with SIGKILL, then started again on the same
port, empty) with a fresh PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest_asyncio

from tests.conftest import require
from tests.e2e.deployment import WAIT, Deployment, create_big_spenders, deployed, order, post
from tests.e2e.documents import CREATE_SEGMENT, UPSERT
from tests.e2e.processes import fresh_pg_database
from tests.redis_server import RedisServer, own_redis

REFRESH_AND_WAIT = """
mutation($id: ID!) {
  refreshSegment(id: $id, wait: true) {
    segment { refreshStatus matchedCustomersCount } errors { field code message }
  }
}"""
MEMBERS = """
query($id: ID!) { segment(id: $id) { members { edges { node { customerId } } } } }
"""
# The worker's backoff grows to 30 s; an outage of a few seconds is over well within this.
RECOVERY = 45.0
# Reconnecting, then the sweep cron (once a minute) finding the change in the database.
CAUGHT_UP = RECOVERY + 60.0


@dataclass
class Outage:
    deployment: Deployment
    redis: RedisServer


@pytest_asyncio.fixture
async def outage(tmp_path: Path) -> AsyncIterator[Outage]:
    await require("postgres")
    async with (
        own_redis(tmp_path) as redis,
        fresh_pg_database() as database_url,
        deployed(tmp_path, database_url, redis.url) as deployment,
    ):
        yield Outage(deployment, redis)


async def _eventually(check: Callable[[], Awaitable[bool]], what: str, within: float) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.2)


async def _create_everyone(deployment: Deployment) -> str:
    created = await post(
        deployment,
        CREATE_SEGMENT,
        {"input": {"name": "Everyone", "websiteIds": [1], "refreshMode": "MANUAL"}},
    )
    return str(created["createSegment"]["segment"]["id"])


async def test_the_worker_outlives_a_redis_outage_and_runs_jobs_once_redis_is_back(
    outage: Outage,
):
    deployment = outage.deployment
    worker = deployment.worker
    assert worker is not None
    segment_id = await _create_everyone(deployment)

    outage.redis.kill()

    async def worker_noticed() -> bool:
        return "reconnecting in" in deployment.cli.log("worker")

    await _eventually(worker_noticed, "the worker to notice the outage", WAIT)
    down = await post(deployment, REFRESH_AND_WAIT, {"id": segment_id})
    assert [e["code"] for e in down["refreshSegment"]["errors"]] == ["UNAVAILABLE"]
    assert worker.poll() is None, "the worker exited"

    await outage.redis.start()
    refreshed: dict = {}

    async def refreshed_through_the_worker() -> bool:
        data = await post(deployment, REFRESH_AND_WAIT, {"id": segment_id})
        refreshed.update(data["refreshSegment"])
        return not refreshed["errors"]

    await _eventually(refreshed_through_the_worker, "a refresh after the outage", RECOVERY)

    assert refreshed["segment"] == {"refreshStatus": "COMPLETED", "matchedCustomersCount": 3}
    assert worker.poll() is None


async def _members(deployment: Deployment, segment_id: str) -> list[str]:
    data = await post(deployment, MEMBERS, {"id": segment_id})
    return sorted(e["node"]["customerId"] for e in data["segment"]["members"]["edges"])


async def test_a_customer_changed_while_redis_is_down_enters_its_live_segment_afterwards(
    outage: Outage,
):
    deployment = outage.deployment
    segment_id = await create_big_spenders(deployment)
    refreshed = await post(deployment, REFRESH_AND_WAIT, {"id": segment_id})
    assert refreshed["refreshSegment"]["errors"] == []
    assert await _members(deployment, segment_id) == ["1"]

    outage.redis.kill()
    # Bob's order makes him a big spender; the upsert itself must not need Redis.
    upserted = await post(deployment, UPSERT, {"records": [order(102, 2, 300, "complete")]})
    assert upserted["upsertStoreRecords"]["errors"] == []
    assert await _members(deployment, segment_id) == ["1"]
    await outage.redis.start()

    async def bob_entered() -> bool:
        return await _members(deployment, segment_id) == ["1", "2"]

    await _eventually(bob_entered, "Bob to enter the live segment", CAUGHT_UP)
