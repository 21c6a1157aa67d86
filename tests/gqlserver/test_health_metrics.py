"""/healthz, /readyz and /metrics."""

from __future__ import annotations

from redis.asyncio import Redis

from gqlserver.app import create_app
from tests.graphql_client import asgi_client, make_settings, running


async def test_healthz_answers_without_io_or_token(app):
    async with asgi_client(app) as http:
        response = await http.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_ok_with_in_memory_redis(app):
    async with asgi_client(app) as http:
        response = await http.get("/readyz")

    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "checks": {"database": "ok", "redis": "ok"}},
    )


async def test_readyz_ok_with_real_redis(db, redis_url):
    app = create_app(make_settings(db.url, REDIS_URL=redis_url))
    async with running(app), asgi_client(app) as http:
        response = await http.get("/readyz")

    assert (response.status_code, response.json()["status"]) == (200, "ok")


async def test_readyz_names_redis_when_it_does_not_answer(app):
    healthy = app.state.redis
    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    app.state.redis = unreachable
    try:
        async with asgi_client(app) as http:
            response = await http.get("/readyz")
    finally:
        app.state.redis = healthy
        await unreachable.aclose()

    assert (response.status_code, response.json()) == (
        503,
        {
            "status": "unavailable",
            "checks": {"database": "ok", "redis": "error: ConnectionError"},
            "failed": ["redis"],
        },
    )


def sample(metrics_text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus text, or None if absent."""
    wanted = name + "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"
    for line in metrics_text.splitlines():
        if line.startswith(wanted + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


async def test_metrics_count_operations_by_name_and_type_and_http_status(make_client, app):
    client = await make_client("read")
    await client.data("query Websites { websites { id } }")
    await client.data("query Websites { websites { id } }")
    await client.execute("query Broken { nope }")
    await client.with_token("sq_wrong").post("{ websites { id } }")

    async with asgi_client(app) as http:
        text = (await http.get("/metrics")).text

    ops = "segmentql_graphql_operations_total"
    assert sample(text, ops, operation_name="Websites", operation_type="query", outcome="ok") == 2
    assert sample(text, ops, operation_name="Broken", operation_type="query", outcome="error") == 1
    assert (
        sample(
            text,
            "segmentql_graphql_operation_duration_seconds_count",
            operation_name="Websites",
            operation_type="query",
        )
        == 2
    )
    requests = "segmentql_http_requests_total"
    assert sample(text, requests, method="POST", route="/graphql", status="200") == 3
    assert sample(text, requests, method="POST", route="/graphql", status="401") == 1


async def test_metrics_label_export_routes_by_template(make_client, app):
    client = await make_client("read")
    await client.http.get("/segments/123/members.csv", headers=client.headers())

    async with asgi_client(app) as http:
        text = (await http.get("/metrics")).text

    assert (
        sample(
            text,
            "segmentql_http_requests_total",
            method="GET",
            route="/segments/{segment_id}/members.{format}",
            status="404",
        )
        == 1
    )


async def test_each_app_has_its_own_registry(db):
    first, second = create_app(make_settings(db.url)), create_app(make_settings(db.url))

    assert first.state.metrics.registry is not second.state.metrics.registry
