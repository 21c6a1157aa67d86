"""Bearer tokens over HTTP and websocket, scopes, and the token domain."""

from __future__ import annotations

import json

import pytest
import websockets
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from gqlserver.app import create_app
from models.auth import tokens
from models.auth.orm import ApiToken
from models.errors import DomainError
from tests.graphql_client import asgi_client, make_settings, running, uvicorn_server

WEBSITES = "{ websites { id } }"


async def test_missing_token_is_refused_with_401_before_execution(app):
    async with asgi_client(app) as http:
        response = await http.post("/graphql", json={"query": WEBSITES})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="segmentql"'
    assert response.json() == {
        "errors": [{"message": "Missing API token.", "extensions": {"code": "UNAUTHENTICATED"}}]
    }


@pytest.mark.parametrize(
    "authorization",
    ["Bearer sq_not-a-token", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer "],
)
async def test_wrong_token_is_refused_with_401(app, authorization):
    async with asgi_client(app) as http:
        response = await http.post(
            "/graphql", json={"query": WEBSITES}, headers={"Authorization": authorization}
        )

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer realm="segmentql"')
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_queries_via_get_need_a_token_too(app):
    async with asgi_client(app) as http:
        response = await http.get("/graphql", params={"query": WEBSITES})

    assert response.status_code == 401


async def test_graphiql_page_is_served_without_a_token(app):
    async with asgi_client(app) as http:
        response = await http.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_valid_token_runs_the_query(make_client):
    client = await make_client("read")

    assert await client.data(WEBSITES) == {"websites": []}


async def test_revoked_token_is_refused(app, make_client):
    client = await make_client("read")
    assert (await client.post(WEBSITES)).status_code == 200
    row = await ApiToken.get(token_hash=tokens.hash_token(client.token))

    assert await tokens.revoke(row.id) is True
    app.state.authenticator.forget()

    assert (await client.post(WEBSITES)).status_code == 401


async def test_token_use_is_recorded(make_client):
    client = await make_client("read")
    await client.data(WEBSITES)

    row = await ApiToken.get(token_hash=tokens.hash_token(client.token))
    assert row.last_used_at is not None


async def test_auth_off_grants_every_scope_without_a_token(db):
    app = create_app(make_settings(db.url, SEGMENTQL_AUTH="off"))
    async with running(app), asgi_client(app) as http:
        response = await http.post("/graphql", json={"query": WEBSITES})

    assert response.status_code == 200
    assert response.json() == {"data": {"websites": []}}
    assert await ApiToken.all().count() == 0  # no admin token is made when auth is off


async def _connection_init(url: str, payload: dict) -> dict:
    """Open a graphql-transport-ws socket, send connection_init, return the first answer."""
    ws_url = url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(ws_url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        return json.loads(await ws.recv())


@pytest.mark.parametrize(
    "payload",
    [{}, {"authorization": "Bearer sq_wrong"}, {"authorization": 42}],
    ids=["missing", "wrong", "not-a-string"],
)
async def test_websocket_with_bad_token_is_closed_with_4403(db, payload):
    await tokens.create_token("someone", ["read"])
    async with uvicorn_server(create_app(make_settings(db.url))) as url:
        with pytest.raises(ConnectionClosed) as closed:
            await _connection_init(url, payload)

    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "Forbidden")


async def test_websocket_token_grants_its_scopes_to_operations(db):
    token = await tokens.create_token("someone", ["read"])
    async with uvicorn_server(create_app(make_settings(db.url))) as url:
        ws_url = url.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(
            ws_url, subprotocols=[Subprotocol("graphql-transport-ws")]
        ) as ws:
            init = {"authorization": f"Bearer {token}"}
            await ws.send(json.dumps({"type": "connection_init", "payload": init}))
            ack = json.loads(await ws.recv())
            await ws.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": WEBSITES}})
            )
            answers = [json.loads(await ws.recv()), json.loads(await ws.recv())]

    assert ack == {"type": "connection_ack"}
    assert answers == [
        {"id": "1", "type": "next", "payload": {"data": {"websites": []}}},
        {"id": "1", "type": "complete"},
    ]


async def test_legacy_websocket_protocol_is_not_offered(db):
    async with uvicorn_server(create_app(make_settings(db.url))) as url:
        ws_url = url.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(ws_url, subprotocols=[Subprotocol("graphql-ws")]) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4406


async def test_created_token_is_stored_only_as_its_hash(db):
    plaintext = await tokens.create_token("ci", ["write", "read", "write"])

    row = await ApiToken.get(name="ci")
    assert plaintext.startswith("sq_") and len(plaintext) > 40
    assert row.token_hash == tokens.hash_token(plaintext) != plaintext
    assert row.scopes == ["read", "write"]
    assert (await tokens.verify(plaintext)).id == row.id  # type: ignore[union-attr]
    assert await tokens.verify(plaintext + "x") is None


@pytest.mark.parametrize(
    ("name", "scopes", "expected"),
    [
        ("x", ["read", "root"], ("scopes[1]", "VALUE_NOT_ALLOWED")),
        ("x", [], ("scopes", "REQUIRED")),
        ("  ", ["read"], ("name", "REQUIRED")),
    ],
)
async def test_bad_token_requests_are_refused_and_store_nothing(db, name, scopes, expected):
    with pytest.raises(DomainError) as raised:
        await tokens.create_token(name, scopes)

    assert [(e.field, e.code) for e in raised.value.errors] == [expected]
    assert await ApiToken.all().count() == 0


async def test_first_admin_token_only_on_an_empty_token_table(db):
    first = await tokens.create_first_admin_token()

    assert first is not None
    assert await tokens.create_first_admin_token() is None
    assert [(t.name, t.scopes) for t in await ApiToken.all()] == [("admin", ["admin"])]


UPSERT = """
mutation ($records: [JSON!]!) {
  upsertStoreRecords(records: $records) { counts { type upserted } errors { field code } }
}
"""
A_WEBSITE = [{"type": "website", "id": 5, "code": "shop", "name": "Shop"}]


async def test_read_token_cannot_write_and_nothing_changes(make_client):
    from models.store.reference import Website

    client = await make_client("read")

    result = await client.execute(UPSERT, {"records": A_WEBSITE})

    assert result["data"] is None
    assert [(e["message"], e["path"], e["extensions"]) for e in result["errors"]] == [
        (
            "This operation needs the 'write' scope.",
            ["upsertStoreRecords"],
            {"code": "FORBIDDEN"},
        )
    ]
    assert await Website.all().count() == 0


@pytest.mark.parametrize("scope", ["write", "admin"])
async def test_write_and_admin_tokens_can_write(make_client, scope):
    from models.store.reference import Website

    client = await make_client(scope)

    data = await client.data(UPSERT, {"records": A_WEBSITE})

    assert data == {
        "upsertStoreRecords": {"counts": [{"type": "website", "upserted": 1}], "errors": []}
    }
    assert [(w.id, w.code) for w in await Website.all()] == [(5, "shop")]


def test_websocket_connection_loaders_batch_without_caching():
    from gqlserver.app import ConnectionContext
    from resolvers.context import Context
    from resolvers.store.loaders import WebsiteByIdLoader

    connection = ConnectionContext()
    request = Context()

    assert connection.loader(WebsiteByIdLoader) is connection.loader(WebsiteByIdLoader)
    assert connection.loader(WebsiteByIdLoader).cache is False
    assert request.loader(WebsiteByIdLoader).cache is True
