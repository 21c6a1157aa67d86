"""A real deployment for end-to-end tests: store data, `segmentql` processes and an HTTP client."""

from __future__ import annotations

import json
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from redis.asyncio import Redis

from tests.conftest import require
from tests.e2e.documents import CREATE_SEGMENT
from tests.e2e.processes import Segmentql, free_port, fresh_pg_database, wait_ready
from tests.e2e.wsclient import wait_subscribed

WAIT = 15.0  # seconds any one step may take before the test fails

STORE = [
    {"type": "website", "id": 1, "code": "base", "name": "Main Website"},
    {"type": "store", "id": 1, "website_id": 1, "code": "default", "name": "Default"},
    {"type": "customer_group", "id": 1, "code": "general"},
    *(
        {
            "type": "customer",
            "id": cid,
            "website_id": 1,
            "store_id": 1,
            "group_id": 1,
            "email": f"{name.lower()}@example.com",
            "firstname": name,
            "lastname": "Example",
            "created_at": "2024-01-10T09:00:00Z",
            "is_active": True,
        }
        for cid, name in ((1, "Ann"), (2, "Bob"), (3, "Cy"))
    ),
]


def order(order_id: int, customer_id: int, grand_total: float, state: str) -> dict:
    return {
        "type": "order",
        "id": order_id,
        "increment_id": f"1000{order_id}",
        "customer_id": customer_id,
        "store_id": 1,
        "state": state,
        "status": state,
        "created_at": "2024-02-01T10:00:00Z",
        "updated_at": "2024-02-01T10:00:00Z",
        "grand_total": grand_total,
        "subtotal": grand_total,
        "tax_amount": 0,
        "shipping_amount": 0,
        "discount_amount": 0,
        "total_qty_ordered": 1,
        "order_currency_code": "USD",
        "payment_method": "checkmo",
        "shipping_method": "flatrate_flatrate",
        "items": [],
    }


BIG_SPENDERS = {
    "type": "combine",
    "aggregator": "all",
    "value": True,
    "conditions": [
        {"type": "customer_clv", "attribute": "lifetime_sales", "operator": ">", "value": "100"}
    ],
}


@dataclass
class Deployment:
    base_url: str
    token: str
    redis: Redis
    cli: Segmentql
    database_url: str
    worker: subprocess.Popen[bytes] | None = None


def ndjson(records: list[dict]) -> bytes:
    return "".join(json.dumps(record) + "\n" for record in records).encode()


@asynccontextmanager
async def deployed(
    workdir: Path, database_url: str, redis_url: str, *, worker: bool = True
) -> AsyncIterator[Deployment]:
    """`segmentql serve` and, with `worker`, a `segmentql worker`, ready: the database
    migrated, an admin token made, STORE and Ann's completed order 101 (500) imported.
    Afterwards every process is stopped and the logs printed (pytest shows them when the
    test failed)."""
    cli = Segmentql(workdir, DATABASE_URL=database_url, REDIS_URL=redis_url)
    # With memory:// Redis is inside the server: the test cannot look at its subscribers.
    redis = Redis() if redis_url == "memory://" else Redis.from_url(redis_url)
    try:
        await cli.run("migrate")
        token = await cli.run("token", "create", "--name", "e2e", "--scope", "admin")
        await cli.run("import", "-", stdin=ndjson([*STORE, order(101, 1, 500, "complete")]))
        port = free_port()
        server = cli.start("serve", "--host", "127.0.0.1", "--port", str(port), log_name="serve")
        workers = [cli.start("worker", log_name="worker")] if worker else []
        base_url = f"http://127.0.0.1:{port}"
        await wait_ready(base_url, [server, *workers])
        token = token.strip().splitlines()[-1]
        worker_process = workers[0] if workers else None
        yield Deployment(base_url, token, redis, cli, database_url, worker_process)
    finally:
        await cli.stop_all()
        await redis.aclose()
        print("--- serve log ---\n" + cli.log("serve"))
        # A test that kills the worker starts the next one as worker-2.
        print("--- worker log ---\n" + cli.log("worker") + cli.log("worker-2"))


@asynccontextmanager
async def deployed_on_postgres(workdir: Path, redis_url: str) -> AsyncIterator[Deployment]:
    """`deployed` with a serve and a worker on a fresh PostgreSQL database (the test is
    skipped without PostgreSQL)."""
    await require("postgres")
    async with (
        fresh_pg_database() as database_url,
        deployed(workdir, database_url, redis_url) as deployment,
    ):
        yield deployment


async def post(deployment: Deployment, query: str, variables: dict) -> dict:
    async with httpx.AsyncClient(base_url=deployment.base_url, timeout=WAIT) as http:
        response = await http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {deployment.token}"},
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


async def create_big_spenders(deployment: Deployment) -> str:
    """A segment "Big spenders" (lifetime sales over 100) of website 1, refreshed
    automatically; its id."""
    created = await post(
        deployment,
        CREATE_SEGMENT,
        {
            "input": {
                "name": "Big spenders",
                "websiteIds": [1],
                "refreshMode": "AUTO",
                "conditions": BIG_SPENDERS,
            }
        },
    )
    assert created["createSegment"]["errors"] == []
    return str(created["createSegment"]["segment"]["id"])


async def wait_for_subscribers(redis: Redis, channels: list[str], expected: int) -> None:
    for channel in channels:
        await wait_subscribed(redis, channel, expected, WAIT)
