"""sequenceProgressChanged over a real websocket (memory:// Redis): the segment filter, rows
read as stored, deleted rows left out, and startEmailSequence publishing its rows."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from starlette.applications import Starlette

from models.auth.tokens import create_token
from models.automation.orm import ProgressStatus, SequenceProgress
from tasks.automation import progress_channel, publish_progress
from tests.automation.step_rows import progress, step
from tests.e2e.wsclient import SubscriptionClient, subscription_client, wait_subscribed
from tests.graphql_client import uvicorn_server

WAIT = 5.0
CHANGED = """
subscription($segment: ID) {
  sequenceProgressChanged(segmentId: $segment) { id customerId segmentId status lastError }
}"""
START = """
mutation($segment: ID!) {
  startEmailSequence(segmentId: $segment, customerId: "1", trigger: ENTER) {
    scheduled { id } errors { field }
  }
}"""


@pytest_asyncio.fixture
async def ws(app: Starlette) -> AsyncIterator[SubscriptionClient]:
    token = await create_token("subscriber", ["read"])
    async with uvicorn_server(app) as base_url:
        url = base_url.replace("http://", "ws://") + "/graphql"
        async with subscription_client(url, token, WAIT) as client:
            yield client


async def _rows(shop) -> tuple[SequenceProgress, SequenceProgress]:
    """A skipped row of VIPs (Cat) and a scheduled row of Others (Bob)."""
    vips = await step(shop.segment_id, 1)
    others = await step(shop.other_segment_id, 1)
    skipped = await progress(vips, 3, ProgressStatus.SKIPPED, last_error="not subscribed")
    return skipped, await progress(others, 2)


async def test_a_segment_filter_receives_only_that_segments_rows(app, ws, shop):
    vips_row, other_row = await _rows(shop)
    redis = app.state.redis
    await ws.subscribe("s", CHANGED, {"segment": str(shop.segment_id)})
    await wait_subscribed(redis, progress_channel(redis, shop.segment_id), 1, WAIT)

    await publish_progress(
        redis, [(other_row.id, shop.other_segment_id), (vips_row.id, shop.segment_id)]
    )

    assert await ws.next("s", WAIT) == {
        "sequenceProgressChanged": {
            "id": str(vips_row.id),
            "customerId": "3",
            "segmentId": str(shop.segment_id),
            "status": "SKIPPED",
            "lastError": "not subscribed",
        }
    }
    await ws.quiet("s", 0.3)


async def test_every_segment_without_a_filter_and_deleted_rows_left_out(app, ws, shop):
    vips_row, other_row = await _rows(shop)
    redis = app.state.redis
    before = await redis.pubsub_numpat()
    await ws.subscribe("all", CHANGED, {"segment": None})
    await wait_subscribed(redis, progress_channel(redis, None), before + 1, WAIT)
    await SequenceProgress.filter(id=vips_row.id).delete()

    await publish_progress(
        redis, [(vips_row.id, shop.segment_id), (other_row.id, shop.other_segment_id)]
    )

    assert await ws.next("all", WAIT) == {
        "sequenceProgressChanged": {
            "id": str(other_row.id),
            "customerId": "2",
            "segmentId": str(shop.other_segment_id),
            "status": "SCHEDULED",
            "lastError": None,
        }
    }
    await ws.quiet("all", 0.3)


async def test_started_rows_reach_subscribers(app, ws, gql, shop):
    await step(shop.segment_id, 1, delay_minutes=60)
    redis = app.state.redis
    await ws.subscribe("s", CHANGED, {"segment": str(shop.segment_id)})
    await wait_subscribed(redis, progress_channel(redis, shop.segment_id), 1, WAIT)

    started = await gql.data(START, {"segment": str(shop.segment_id)})

    (row,) = started["startEmailSequence"]["scheduled"]
    assert await ws.next("s", WAIT) == {
        "sequenceProgressChanged": {
            "id": row["id"],
            "customerId": "1",
            "segmentId": str(shop.segment_id),
            "status": "SCHEDULED",
            "lastError": None,
        }
    }


async def test_an_unknown_or_invalid_segment_is_an_error(ws, shop):
    await ws.subscribe("missing", CHANGED, {"segment": "999"})
    await ws.subscribe("bad", CHANGED, {"segment": "abc"})

    missing = await ws.error("missing", WAIT)
    bad = await ws.error("bad", WAIT)

    assert [e["message"] for e in missing] == ["segmentId: Segment 999 does not exist."]
    assert [e["message"] for e in bad] == ["segmentId: 'abc' is not a valid id."]
