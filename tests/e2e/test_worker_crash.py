"""A refresh whose worker is killed (SIGKILL) mid-run is finished by another worker.

Real `segmentql serve` and two `segmentql worker` processes on PostgreSQL and Redis. The
test holds the segment's refresh lock, so the first worker's refresh waits inside its
transaction; that worker is killed there. The lock is let go, and the second worker
must run the same job (its lease on the queue entry ran out) well within a minute: a
`refreshSegment(wait: true)` asked after the kill answers with the completed refresh,
and the change is recorded once.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
import pytest_asyncio

from models.segments.sql.refresh import REFRESH_LOCK_NAMESPACE
from tests.e2e.deployment import (
    BIG_SPENDERS,
    WAIT,
    Deployment,
    deployed_on_postgres,
    ndjson,
    order,
    post,
)
from tests.e2e.documents import CREATE_SEGMENT

# Within a minute of the kill, with the default lease (SEGMENTQL_JOB_LEASE_SECONDS=30).
PICKED_UP_WITHIN = 60.0

REFRESH_AND_WAIT = """
mutation($id: ID!) {
  refreshSegment(id: $id, wait: true) {
    jobId
    segment { refreshStatus matchedCustomersCount members { edges { node { customerId } } } }
    errors { field code message }
  }
}"""
QUEUE_REFRESH = """
mutation($id: ID!) { refreshSegment(id: $id) { jobId errors { code } } }
"""


@pytest_asyncio.fixture
async def deployment(tmp_path: Path, redis_url: str) -> AsyncIterator[Deployment]:
    async with deployed_on_postgres(tmp_path, redis_url) as running:
        yield running


async def _wait_until(
    check: Callable[[], Awaitable[bool]], what: str, within: float = WAIT
) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


async def _refresh_and_wait(deployment: Deployment, segment_id: str, within: float) -> dict:
    async with httpx.AsyncClient(base_url=deployment.base_url, timeout=within) as http:
        response = await http.post(
            "/graphql",
            json={"query": REFRESH_AND_WAIT, "variables": {"id": segment_id}},
            headers={"Authorization": f"Bearer {deployment.token}"},
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["refreshSegment"]


def _members(payload: dict) -> list[str]:
    return sorted(e["node"]["customerId"] for e in payload["segment"]["members"]["edges"])


async def test_a_refresh_killed_with_its_worker_is_finished_by_another_within_a_minute(
    deployment: Deployment,
):
    created = await post(
        deployment,
        CREATE_SEGMENT,
        {
            "input": {
                "name": "Big spenders",
                "websiteIds": [1],
                "refreshMode": "MANUAL",
                "conditions": BIG_SPENDERS,
            }
        },
    )
    segment_id = created["createSegment"]["segment"]["id"]
    first = await _refresh_and_wait(deployment, segment_id, WAIT)
    assert (first["segment"]["refreshStatus"], _members(first)) == ("COMPLETED", ["1"])
    # Bob becomes a big spender: the next refresh enters him.
    await deployment.cli.run("import", "-", stdin=ndjson([order(102, 2, 300, "complete")]))

    pg = await asyncpg.connect(deployment.database_url.replace("postgres://", "postgresql://", 1))
    try:
        await pg.execute("SELECT pg_advisory_lock($1, $2)", REFRESH_LOCK_NAMESPACE, int(segment_id))
        queued = await post(deployment, QUEUE_REFRESH, {"id": segment_id})
        assert queued["refreshSegment"]["errors"] == []

        async def refresh_waits_for_the_lock() -> bool:
            waiting = await pg.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
            )
            return bool(waiting)

        await _wait_until(refresh_waits_for_the_lock, "the first worker's refresh to block")
        second = deployment.cli.start("worker", log_name="worker-2")

        async def second_worker_polls() -> bool:
            return "Starting worker" in deployment.cli.log("worker-2")

        await _wait_until(second_worker_polls, "the second worker to start")
        assert deployment.worker is not None
        deployment.worker.send_signal(signal.SIGKILL)
        deployment.worker.wait()
        killed_at = time.monotonic()
        await pg.execute(
            "SELECT pg_advisory_unlock($1, $2)", REFRESH_LOCK_NAMESPACE, int(segment_id)
        )

        payload = await _refresh_and_wait(deployment, segment_id, PICKED_UP_WITHIN + 5)
        finished_after = time.monotonic() - killed_at

        assert payload["errors"] == []
        assert payload["jobId"] == f"refresh-segment:{segment_id}"
        assert payload["segment"]["refreshStatus"] == "COMPLETED"
        assert (payload["segment"]["matchedCustomersCount"], _members(payload)) == (2, ["1", "2"])
        assert finished_after < PICKED_UP_WITHIN, finished_after
        assert second.poll() is None
        assert f"refresh-segment:{segment_id}" in deployment.cli.log("worker-2")
        events = await pg.fetch(
            "SELECT customer_id, change FROM segment_membership_event WHERE segment_id = $1 "
            "ORDER BY id",
            int(segment_id),
        )
        assert [(e["customer_id"], e["change"]) for e in events] == [
            (1, "entered"),
            (2, "entered"),
        ]
    finally:
        await pg.close()
