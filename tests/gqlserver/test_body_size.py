"""The request body cap: 413 with a clear error, held while a body streams in."""

from __future__ import annotations

import json

import pytest

from gqlserver.app import create_app
from models.auth.tokens import create_token
from models.store.reference import Website
from tests.graphql_client import asgi_client, make_settings, running

CAP = 64 * 1024
TOO_LARGE = {
    "errors": [
        {
            "message": f"Request body too large: at most {CAP} bytes are accepted "
            "(SEGMENTQL_MAX_BODY_BYTES).",
            "extensions": {"code": "PAYLOAD_TOO_LARGE", "maxBytes": CAP},
        }
    ]
}
UPSERT = """mutation($records: [JSON!]!) {
  upsertStoreRecords(records: $records) { errors { field message } }
}"""


@pytest.fixture
async def capped_app(db):
    await create_token("fixture", ["read"])
    async with running(create_app(make_settings(db.url, SEGMENTQL_MAX_BODY_BYTES=str(CAP)))) as app:
        yield app


def websites(count: int) -> list[dict]:
    """`count` website records of about 250 bytes each."""
    name = "x" * 200
    return [
        {"type": "website", "id": i, "code": f"w{i}", "name": name} for i in range(1, count + 1)
    ]


async def test_a_body_announced_over_the_cap_is_refused_before_it_is_read(capped_app):
    token = await create_token("integrator", ["write"])
    body = {"query": UPSERT, "variables": {"records": websites(300)}}

    async with asgi_client(capped_app) as http:
        response = await http.post(
            "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
        )

    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    assert await Website.all().count() == 0


async def test_a_streamed_body_is_cut_off_at_the_cap(capped_app):
    """A chunked body (no Content-Length) is read only up to the cap, then refused.

    Driven at the ASGI level, as a server hands a body over chunk by chunk (httpx's
    test transport would read the whole stream before calling the app).
    """
    token = await create_token("integrator", ["write"])
    chunk = b"x" * 16384
    chunks_read = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal chunks_read
        chunks_read += 1
        if chunks_read == 1:
            return {"type": "http.request", "body": b'{"query": "', "more_body": True}
        return {"type": "http.request", "body": chunk, "more_body": chunks_read < 1000}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"test"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-type", b"application/json"),
            (b"transfer-encoding", b"chunked"),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("test", 80),
    }
    await capped_app(scope, receive, send)

    assert sent[0]["status"] == 413
    assert json.loads(b"".join(m.get("body", b"") for m in sent[1:])) == TOO_LARGE
    # The opening and 4 chunks: the 4th passes the cap and is the last one read.
    assert chunks_read == 1 + CAP // len(chunk)


async def test_a_body_under_the_cap_runs(capped_app):
    token = await create_token("integrator", ["write"])
    body = {"query": UPSERT, "variables": {"records": websites(40)}}

    async with asgi_client(capped_app) as http:
        response = await http.post(
            "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
        )

    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"upsertStoreRecords": {"errors": []}}}
    assert await Website.all().count() == 40


async def test_the_default_cap_is_2_mib(app):
    token = await create_token("integrator", ["write"])
    body = {"query": UPSERT, "variables": {"records": websites(9000)}}

    async with asgi_client(app) as http:
        response = await http.post(
            "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
        )

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["maxBytes"] == 2 * 1024 * 1024
    assert await Website.all().count() == 0
