"""Revoking a token: its open websockets (and their subscriptions) end, operations over a socket
re-check it, HTTP refuses it, and admins list and revoke tokens over GraphQL."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import orjson
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from gqlserver.app import create_app
from gqlserver.connections import REVOKED_CLOSE_CODE, REVOKED_CLOSE_REASON
from models.auth import tokens
from models.auth.orm import ApiToken
from models.segments.orm import Segment
from models.store.reference import Website
from tasks.broadcast import membership_channel
from tests.e2e.documents import MEMBERSHIP_CHANGED
from tests.e2e.wsclient import SubscriptionClient, subscription_client, wait_subscribed
from tests.graphql_client import (
    GraphQLClient,
    asgi_client,
    make_settings,
    uvicorn_server,
)

WAIT = 5.0
# A revocation made by another process is found by the watcher within
# SEGMENTQL_TOKEN_RECHECK_SECONDS (2 by default); this only bounds a failing test.
WATCHER_DEADLINE = 15.0

REVOKE = """
mutation($id: ID!) {
  revokeApiToken(id: $id) { apiToken { id name revokedAt } errors { field code message } }
}"""
TOKENS = "{ apiTokens { id name scopes createdAt lastUsedAt revokedAt } }"
UPSERT_WEBSITE = """
mutation { upsertStoreRecords(records: [{type: "website", id: 9, code: "w", name: "W"}]) {
  errors { message } } }"""


@dataclass
class Served:
    app: Starlette
    ws_url: str
    admin: GraphQLClient


@contextlib.asynccontextmanager
async def serving(database_url: str, **env: str) -> AsyncIterator[Served]:
    """The app under uvicorn with an admin HTTP client (token id 1)."""
    admin_token = await tokens.create_token("admin", ["admin"])
    app = create_app(make_settings(database_url, **env))
    async with uvicorn_server(app) as base_url, asgi_client(app) as http:
        ws_url = base_url.replace("http://", "ws://") + "/graphql"
        yield Served(app, ws_url, GraphQLClient(http, admin_token))


@pytest_asyncio.fixture
async def served(db) -> AsyncIterator[Served]:
    async with serving(db.url) as started:
        yield started


async def _token_id(plaintext: str) -> int:
    return (await ApiToken.get(token_hash=tokens.hash_token(plaintext))).id


async def _closed(client: SubscriptionClient, within: float) -> tuple[int | None, str | None]:
    await asyncio.wait_for(client.connection.wait_closed(), within)
    return client.connection.close_code, client.connection.close_reason


async def _subscribed_segment(served: Served, client: SubscriptionClient) -> int:
    await Website.create(id=1, code="base", name="Base")
    segment = await Segment.create(name="s", website_ids=[1])
    await client.subscribe("s", MEMBERSHIP_CHANGED, {"id": str(segment.id)})
    redis = served.app.state.redis
    await wait_subscribed(redis, membership_channel(redis, segment.id), 1, WAIT)
    return segment.id


def _change(segment_id: int) -> bytes:
    return orjson.dumps(
        {
            "segment_id": segment_id,
            "customer_id": 7,
            "website_id": 1,
            "change": "entered",
            "at": "2025-03-01T12:00:00+00:00",
            "event_id": 1,
        }
    )


async def test_revoking_over_graphql_ends_the_subscription_and_closes_the_socket(served):
    token = await tokens.create_token("dashboard", ["read"])
    async with subscription_client(served.ws_url, token, WAIT) as client:
        segment_id = await _subscribed_segment(served, client)
        redis = served.app.state.redis
        channel = membership_channel(redis, segment_id)
        await redis.publish(channel, _change(segment_id))
        assert (await client.next("s", WAIT))["segmentMembershipChanged"]["customerId"] == "7"

        revoked = await served.admin.data(REVOKE, {"id": str(await _token_id(token))})

        assert revoked["revokeApiToken"]["errors"] == []
        assert revoked["revokeApiToken"]["apiToken"]["name"] == "dashboard"
        assert await _closed(client, WAIT) == (REVOKED_CLOSE_CODE, REVOKED_CLOSE_REASON)
        # The server let go of the subscription: nothing listens on the channel any more.
        await wait_subscribed(redis, channel, 0, WAIT)
        assert served.app.state.connections.token_ids() == set()


async def test_a_token_revoked_by_another_process_loses_its_sockets_within_seconds(served):
    token = await tokens.create_token("dashboard", ["read"])
    async with subscription_client(served.ws_url, token, WAIT) as client:
        segment_id = await _subscribed_segment(served, client)

        # Written straight to the database, as `segmentql token revoke` or another replica
        # does: this server is not told, its watcher has to notice.
        assert await tokens.revoke(await _token_id(token)) is True

        assert await _closed(client, WATCHER_DEADLINE) == (
            REVOKED_CLOSE_CODE,
            REVOKED_CLOSE_REASON,
        )
        redis = served.app.state.redis
        await wait_subscribed(redis, membership_channel(redis, segment_id), 0, WAIT)


async def test_a_mutation_over_the_socket_of_a_revoked_token_is_refused(db):
    async with serving(db.url, SEGMENTQL_TOKEN_RECHECK_SECONDS="60") as served:
        await _mutation_after_revocation_is_refused(served)
    assert await Website.all().count() == 0


async def _mutation_after_revocation_is_refused(served: Served) -> None:
    token = await tokens.create_token("integrator", ["write"])
    async with subscription_client(served.ws_url, token, WAIT) as client:
        await client.subscribe("q", "{ websites { id } }", {})
        assert await client.next("q", WAIT) == {"websites": []}
        # Revoked elsewhere; the watcher (every 60 s here) has not run, and this process's
        # cached verification is dropped as it would be once it expires.
        assert await tokens.revoke(await _token_id(token)) is True
        served.app.state.authenticator.forget()

        await client.subscribe("m", UPSERT_WEBSITE, {})

        errors = await client.error("m", WAIT)
        assert errors == [
            {
                "message": "The API token of this connection was revoked.",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]
        assert await _closed(client, WAIT) == (REVOKED_CLOSE_CODE, REVOKED_CLOSE_REASON)


async def test_a_token_revoked_over_graphql_is_refused_over_http_at_once(served):
    token = await tokens.create_token("integrator", ["read"])
    reader = served.admin.with_token(token)
    assert (await reader.post("{ websites { id } }")).status_code == 200

    await served.admin.data(REVOKE, {"id": str(await _token_id(token))})

    response = await reader.post("{ websites { id } }")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_other_tokens_keep_their_sockets(served):
    kept = await tokens.create_token("kept", ["read"])
    dropped = await tokens.create_token("dropped", ["read"])
    async with (
        subscription_client(served.ws_url, kept, WAIT) as kept_client,
        subscription_client(served.ws_url, dropped, WAIT) as dropped_client,
    ):
        await served.admin.data(REVOKE, {"id": str(await _token_id(dropped))})
        await _closed(dropped_client, WAIT)

        await kept_client.subscribe("q", "{ websites { id } }", {})
        assert await kept_client.next("q", WAIT) == {"websites": []}
        assert served.app.state.connections.token_ids() == {await _token_id(kept)}


async def test_admins_list_tokens_without_secrets(served):
    await tokens.create_token("dashboard", ["read"])
    revoked = await tokens.create_token("old", ["write"])
    await tokens.revoke(await _token_id(revoked))

    listed = (await served.admin.data(TOKENS))["apiTokens"]

    assert [(t["id"], t["name"], t["scopes"], t["revokedAt"] is None) for t in listed] == [
        ("1", "admin", ["ADMIN"], True),
        ("2", "dashboard", ["READ"], True),
        ("3", "old", ["WRITE"], False),
    ]
    assert listed[0]["lastUsedAt"] is not None  # the admin's own request
    live = await served.admin.data("{ apiTokens(includeRevoked: false) { name } }")
    assert live == {"apiTokens": [{"name": "admin"}, {"name": "dashboard"}]}
    assert "sq_" not in json.dumps(listed)


@pytest.mark.parametrize(
    ("token_id", "code", "message"),
    [
        ("99", "NOT_FOUND", "No token with id 99."),
        ("2", "CONFLICT", "Token 2 (old) is already revoked."),
        ("x", "INVALID", "'x' is not a valid id."),
    ],
)
async def test_revoking_what_cannot_be_revoked_changes_nothing(served, token_id, code, message):
    old = await tokens.create_token("old", ["read"])
    await tokens.revoke(await _token_id(old))
    before = [(t.id, t.revoked_at) for t in await ApiToken.all().order_by("id")]

    result = await served.admin.data(REVOKE, {"id": token_id})

    assert result == {
        "revokeApiToken": {
            "apiToken": None,
            "errors": [{"field": "id", "code": code, "message": message}],
        }
    }
    assert [(t.id, t.revoked_at) for t in await ApiToken.all().order_by("id")] == before


@pytest.mark.parametrize("scope", ["read", "write"])
async def test_only_admins_see_or_revoke_tokens(served, scope):
    other = await tokens.create_token("other", [scope])
    client = served.admin.with_token(other)

    listed = await client.errors(TOKENS)
    revoked = await client.errors(REVOKE, {"id": "1"})

    assert [e["extensions"] for e in listed + revoked] == [{"code": "FORBIDDEN"}] * 2
    assert await ApiToken.filter(revoked_at__isnull=False).count() == 0


async def test_auth_off_needs_no_revocation_watch(db):
    app = create_app(make_settings(db.url, SEGMENTQL_AUTH="off"))
    async with uvicorn_server(app) as base_url:
        url = base_url.replace("http://", "ws://") + "/graphql"
        async with subscription_client(url, "anything", WAIT) as client:
            await client.subscribe("q", "{ websites { id } }", {})
            assert await client.next("q", WAIT) == {"websites": []}
            assert app.state.connections.token_ids() == set()
