"""Membership events reach subscribers durably, across real processes.

- PostgreSQL and real Redis: the worker that refreshed is killed (SIGKILL) after the
  refresh committed and before its broadcaster published; a restarted worker publishes
  every event exactly once.
- The embedded defaults (SQLite file, memory://): `segmentql import` in its own process
  changes membership, and a websocket subscriber of `segmentql serve` receives it.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest_asyncio

from tests.e2e.deployment import (
    WAIT,
    Deployment,
    create_big_spenders,
    deployed,
    deployed_on_postgres,
    ndjson,
    order,
    post,
    wait_for_subscribers,
)
from tests.e2e.documents import (
    MEMBERSHIP_CHANGED,
    REFRESH_SEGMENT,
    SEGMENT_REFRESHED,
    UPSERT,
)
from tests.e2e.wsclient import SubscriptionClient, subscription_client

BROADCASTER = "subscription_broadcast"


async def changes(ws: SubscriptionClient, count: int) -> list[tuple[str, str]]:
    found = [(await ws.next("changes", WAIT))["segmentMembershipChanged"] for _ in range(count)]
    return sorted((change["customerId"], change["change"]) for change in found)


@pytest_asyncio.fixture
async def deployment(tmp_path: Path, redis_url: str) -> AsyncIterator[Deployment]:
    async with deployed_on_postgres(tmp_path, redis_url) as running:
        yield running


async def event_count(pg: asyncpg.Connection, segment_id: str) -> int:
    count = await pg.fetchval(
        "SELECT count(*) FROM segment_membership_event WHERE segment_id = $1", int(segment_id)
    )
    return int(count)


async def test_events_committed_before_a_worker_was_killed_are_published_once(
    deployment: Deployment,
):
    segment_id = await create_big_spenders(deployment)
    db = deployment.redis.connection_pool.connection_kwargs.get("db", 0)
    channel = f"segmentql:{db}:segments:{segment_id}:membership"
    ws_url = deployment.base_url.replace("http://", "ws://") + "/graphql"
    pg = await asyncpg.connect(deployment.database_url.replace("postgres://", "postgresql://", 1))
    try:
        async with subscription_client(ws_url, deployment.token, WAIT) as ws:
            await ws.subscribe("changes", MEMBERSHIP_CHANGED, {"id": segment_id})
            await wait_for_subscribers(deployment.redis, [channel], 1)
            await post(deployment, REFRESH_SEGMENT, {"id": segment_id})
            assert await changes(ws, 1) == [("1", "ENTERED")]

            # Hold the broadcaster's cursor, so the worker's broadcaster skips the segment
            # after the re-evaluation commits: its events exist, unpublished, at the kill.
            hold = pg.transaction()
            await hold.start()
            await pg.execute(
                "SELECT 1 FROM segment_event_cursor WHERE consumer = $1 AND segment_id = $2 "
                "FOR UPDATE",
                BROADCASTER,
                int(segment_id),
            )
            changed = [order(102, 2, 300, "complete"), order(101, 1, 500, "canceled")]
            upserted = await post(deployment, UPSERT, {"records": changed})
            assert upserted["upsertStoreRecords"]["errors"] == []
            for _ in range(int(WAIT * 10)):
                if await event_count(pg, segment_id) == 3:
                    break
                await asyncio.sleep(0.1)
            assert await event_count(pg, segment_id) == 3
            assert deployment.worker is not None
            deployment.worker.send_signal(signal.SIGKILL)
            deployment.worker.wait(timeout=WAIT)
            await hold.rollback()
            await ws.quiet("changes", 1.5)

            deployment.cli.start("worker", log_name="worker-2")
            assert await changes(ws, 2) == [("1", "EXITED"), ("2", "ENTERED")]

            # Nothing is repeated: the next message is the next change.
            upserted = await post(deployment, UPSERT, {"records": [order(103, 3, 200, "complete")]})
            assert upserted["upsertStoreRecords"]["errors"] == []
            assert await changes(ws, 1) == [("3", "ENTERED")]
            await ws.quiet("changes", 1.5)
        cursor = await pg.fetchval(
            "SELECT last_event_id FROM segment_event_cursor "
            "WHERE consumer = $1 AND segment_id = $2",
            BROADCASTER,
            int(segment_id),
        )
        last = await pg.fetchval(
            "SELECT max(id) FROM segment_membership_event WHERE segment_id = $1", int(segment_id)
        )
        assert cursor == last
    finally:
        await pg.close()


async def test_an_import_in_another_process_reaches_a_subscriber_of_serve(tmp_path: Path):
    database_url = f"sqlite://{tmp_path / 'segmentql.sqlite3'}"
    async with deployed(tmp_path, database_url, "memory://", worker=False) as deployment:
        segment_id = await create_big_spenders(deployment)
        ws_url = deployment.base_url.replace("http://", "ws://") + "/graphql"

        async with subscription_client(ws_url, deployment.token, WAIT) as ws:
            await ws.subscribe("changes", MEMBERSHIP_CHANGED, {"id": segment_id})
            await ws.subscribe("refreshes", SEGMENT_REFRESHED, {"id": segment_id})
            refreshed = await post(deployment, REFRESH_SEGMENT, {"id": segment_id})
            assert refreshed["refreshSegment"]["segment"]["matchedCustomersCount"] == 1
            assert await changes(ws, 1) == [("1", "ENTERED")]
            assert (await ws.next("refreshes", WAIT))["segmentRefreshed"]["id"] == segment_id

            changed = [order(102, 2, 300, "complete"), order(101, 1, 500, "canceled")]
            await deployment.cli.run("import", "-", stdin=ndjson(changed))

            assert await changes(ws, 2) == [("1", "EXITED"), ("2", "ENTERED")]
            assert (await ws.next("refreshes", WAIT))["segmentRefreshed"] == {
                "id": segment_id,
                "matchedCustomersCount": 1,
            }
            await ws.quiet("changes", 1.5)
