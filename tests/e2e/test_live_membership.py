"""End to end, across real processes: live membership changes reach a websocket subscriber.

`segmentql serve` and a separate `segmentql worker` share real Redis and a fresh
PostgreSQL database. A client subscribes over graphql-transport-ws, creates a segment
and refreshes it over HTTP (the worker refreshes and publishes), then changes store data
through the upsert mutation (the server queues a live re-evaluation, the worker runs it):
each step's enter/exit events must arrive on the websocket. Every wait is bounded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from tests.e2e.deployment import (
    WAIT,
    Deployment,
    create_big_spenders,
    deployed_on_postgres,
    order,
    post,
    wait_for_subscribers,
)
from tests.e2e.documents import MEMBERSHIP_CHANGED, REFRESH_SEGMENT, SEGMENT_REFRESHED, UPSERT
from tests.e2e.wsclient import subscription_client


@pytest_asyncio.fixture
async def deployment(tmp_path: Path, redis_url: str) -> AsyncIterator[Deployment]:
    async with deployed_on_postgres(tmp_path, redis_url) as running:
        yield running


async def test_refresh_and_store_changes_reach_websocket_subscribers(deployment: Deployment):
    segment_id = await create_big_spenders(deployment)
    db = deployment.redis.connection_pool.connection_kwargs.get("db", 0)
    channels = [
        f"segmentql:{db}:segments:{segment_id}:membership",
        f"segmentql:{db}:segments:{segment_id}:refreshed",
    ]
    ws_url = deployment.base_url.replace("http://", "ws://") + "/graphql"

    async with subscription_client(ws_url, deployment.token, WAIT) as ws:
        await ws.subscribe("changes", MEMBERSHIP_CHANGED, {"id": segment_id})
        await ws.subscribe("refreshes", SEGMENT_REFRESHED, {"id": segment_id})
        await wait_for_subscribers(deployment.redis, channels, 1)

        # A refresh run by the worker process: Ann (500 spent) enters.
        refreshed = await post(deployment, REFRESH_SEGMENT, {"id": segment_id})
        assert refreshed["refreshSegment"]["errors"] == []
        assert refreshed["refreshSegment"]["segment"]["matchedCustomersCount"] == 1
        entered = (await ws.next("changes", WAIT))["segmentMembershipChanged"]
        assert (entered["segmentId"], entered["customerId"], entered["change"]) == (
            segment_id,
            "1",
            "ENTERED",
        )
        assert entered["at"]
        assert (await ws.next("refreshes", WAIT))["segmentRefreshed"] == {
            "id": segment_id,
            "matchedCustomersCount": 1,
        }

        # Store changes through the API: Bob buys, Ann's order is canceled.
        upserted = await post(
            deployment,
            UPSERT,
            {"records": [order(102, 2, 300, "complete"), order(101, 1, 500, "canceled")]},
        )
        assert upserted["upsertStoreRecords"]["errors"] == []
        live = [(await ws.next("changes", WAIT))["segmentMembershipChanged"] for _ in range(2)]
        assert sorted((c["customerId"], c["change"]) for c in live) == [
            ("1", "EXITED"),
            ("2", "ENTERED"),
        ]
        assert (await ws.next("refreshes", WAIT))["segmentRefreshed"] == {
            "id": segment_id,
            "matchedCustomersCount": 1,
        }

        await ws.complete("changes")
        await wait_for_subscribers(deployment.redis, channels[:1], 0)

    # Disconnecting ends the remaining subscription on the server too.
    await wait_for_subscribers(deployment.redis, channels, 0)
