"""A real deployment for end-to-end tests: store data, `segmentql` processes and an HTTP client."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from redis.asyncio import Redis

from tests.e2e.processes import Segmentql
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


async def wait_for_subscribers(redis: Redis, channels: list[str], expected: int) -> None:
    for channel in channels:
        await wait_subscribed(redis, channel, expected, WAIT)
