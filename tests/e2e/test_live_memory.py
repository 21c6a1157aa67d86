"""The default single process (memory://): a store change made through the API is re-evaluated
by the in-process worker and reaches a websocket subscriber."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from starlette.applications import Starlette

from models.auth.tokens import create_token
from models.segments.orm import Segment
from models.segments.refresh import refresh_segment
from tasks.broadcast import membership_channel
from tests.e2e.documents import MEMBERSHIP_CHANGED, UPSERT
from tests.e2e.wsclient import subscription_client, wait_subscribed
from tests.graphql_client import app, uvicorn_server  # noqa: F401
from tests.segments.segment_rows import REGISTERED, customers_named, firstname_is

WAIT = 10.0
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


async def test_an_api_upsert_reaches_a_subscriber(app: Starlette):  # noqa: F811
    await customers_named({1: "Ann", 2: "Bob"})
    segment = await Segment.create(name="anns", website_ids=[1], conditions=firstname_is("Ann"))
    await refresh_segment(segment.id, now=T0)
    token = await create_token("admin", ["admin"])
    redis = app.state.redis
    renamed = {
        "type": "customer",
        "id": 2,
        "website_id": 1,
        "group_id": 1,
        "email": "c2@example.com",
        "firstname": "Ann",
        "created_at": REGISTERED.isoformat(),
    }

    async with uvicorn_server(app) as base_url:
        url = base_url.replace("http://", "ws://") + "/graphql"
        async with subscription_client(url, token, WAIT) as ws:
            await ws.subscribe("s", MEMBERSHIP_CHANGED, {"id": str(segment.id)})
            await wait_subscribed(redis, membership_channel(redis, segment.id), 1, WAIT)
            async with httpx.AsyncClient(base_url=base_url, timeout=WAIT) as http:
                response = await http.post(
                    "/graphql",
                    json={"query": UPSERT, "variables": {"records": [renamed]}},
                    headers={"Authorization": f"Bearer {token}"},
                )
            assert response.json() == {"data": {"upsertStoreRecords": {"errors": []}}}

            change = (await ws.next("s", WAIT))["segmentMembershipChanged"]

    assert (change["segmentId"], change["customerId"], change["change"]) == (
        str(segment.id),
        "2",
        "ENTERED",
    )
