"""`segmentql token revoke`, run in its own process, ends the websocket and subscription a
running `segmentql serve` holds for that token (PostgreSQL, real Redis)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.conftest import require
from tests.e2e.documents import CREATE_SEGMENT, MEMBERSHIP_CHANGED, UPSERT
from tests.e2e.processes import Segmentql, free_port, fresh_pg_database, wait_ready
from tests.e2e.wsclient import subscription_client, wait_subscribed

WAIT = 15.0  # seconds any one step may take before the test fails


async def _segment(base_url: str, admin_token: str) -> str:
    """A segment of a new website, made over GraphQL; its id."""
    website = {"type": "website", "id": 1, "code": "base", "name": "Base"}
    segment = {"name": "Everyone", "websiteIds": [1], "conditions": None}
    async with httpx.AsyncClient(
        base_url=base_url, timeout=WAIT, headers={"Authorization": f"Bearer {admin_token}"}
    ) as http:
        await http.post("/graphql", json={"query": UPSERT, "variables": {"records": [website]}})
        created = await http.post(
            "/graphql", json={"query": CREATE_SEGMENT, "variables": {"input": segment}}
        )
    return str(created.json()["data"]["createSegment"]["segment"]["id"])


async def test_a_token_revoked_with_the_cli_loses_its_socket_on_a_running_server(
    tmp_path: Path, redis_url: str, arq_queue
):
    await require("postgres")
    async with fresh_pg_database() as database_url:
        cli = Segmentql(tmp_path, DATABASE_URL=database_url, REDIS_URL=redis_url)
        try:
            await cli.run("migrate")
            admin = await cli.run("token", "create", "--name", "admin", "--scope", "admin")
            created = await cli.run("token", "create", "--name", "dashboard", "--scope", "read")
            token = created.strip().splitlines()[-1]
            port = free_port()
            server = cli.start("serve", "--port", str(port), log_name="serve")
            base_url = f"http://127.0.0.1:{port}"
            await wait_ready(base_url, [server])

            segment_id = await _segment(base_url, admin.strip().splitlines()[-1])
            db = arq_queue.connection_pool.connection_kwargs.get("db", 0)
            channel = f"segmentql:{db}:segments:{segment_id}:membership"
            ws_url = base_url.replace("http://", "ws://") + "/graphql"
            async with subscription_client(ws_url, token, WAIT) as ws:
                await ws.subscribe("changes", MEMBERSHIP_CHANGED, {"id": segment_id})
                await wait_subscribed(arq_queue, channel, 1, WAIT)

                revoked = await cli.run("token", "revoke", "dashboard")
                await asyncio.wait_for(ws.connection.wait_closed(), WAIT)
                closed = (ws.connection.close_code, ws.connection.close_reason)

            # The server dropped the subscription, and forgot the token for HTTP too.
            await wait_subscribed(arq_queue, channel, 0, WAIT)
            async with httpx.AsyncClient(base_url=base_url, timeout=WAIT) as http:
                refused = await http.post(
                    "/graphql",
                    json={"query": "{ websites { id } }"},
                    headers={"Authorization": f"Bearer {token}"},
                )
        finally:
            await cli.stop_all()
            print("--- serve log ---\n" + cli.log("serve"))

    assert revoked.startswith("revoked token 2 (dashboard);")
    assert closed == (4403, "API token revoked")
    assert refused.status_code == 401
