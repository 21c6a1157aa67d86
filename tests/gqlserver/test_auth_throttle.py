"""Failed authentication is throttled per client address, and a repeated wrong token costs no
database lookup."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
import websockets
from starlette.applications import Starlette
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from gqlserver.app import create_app
from gqlserver.auth import Authenticator, FailureThrottle, TooManyFailures
from models.auth import tokens
from models.auth.orm import ApiToken
from tests.e2e.wsclient import PROTOCOL
from tests.graphql_client import make_settings, running, uvicorn_server

WEBSITES = {"query": "{ websites { id } }"}
LIMIT = 5


@pytest_asyncio.fixture
async def throttled_app(db) -> AsyncIterator[Starlette]:
    await tokens.create_token("fixture", ["read"])
    settings = make_settings(
        db.url, SEGMENTQL_AUTH_FAILURE_LIMIT=str(LIMIT), SEGMENTQL_AUTH_FAILURE_WINDOW_SECONDS="60"
    )
    async with running(create_app(settings)) as started:
        yield started


def _from(app: Starlette, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def verify_calls(monkeypatch) -> list[str]:
    """Each token looked up in the database (tokens.verify still does the lookup)."""
    calls: list[str] = []
    real = tokens.verify

    async def counted(plaintext: str) -> ApiToken | None:
        calls.append(plaintext)
        return await real(plaintext)

    monkeypatch.setattr(tokens, "verify", counted)
    return calls


async def test_an_address_over_its_failure_limit_gets_429_with_retry_after(throttled_app):
    good = await tokens.create_token("good", ["read"])
    async with (
        _from(throttled_app, "10.0.0.9") as attacker,
        _from(throttled_app, "10.0.0.7") as neighbour,
    ):
        refused = [
            (await attacker.post("/graphql", json=WEBSITES, headers=_bearer(f"sq_guess{n}")))
            for n in range(LIMIT)
        ]
        throttled = await attacker.post("/graphql", json=WEBSITES, headers=_bearer("sq_guess"))
        with_good_token = await attacker.post("/graphql", json=WEBSITES, headers=_bearer(good))
        export = await attacker.get("/segments/1/members.csv", headers=_bearer(good))
        other_address = await neighbour.post("/graphql", json=WEBSITES, headers=_bearer(good))

    assert [r.status_code for r in refused] == [401] * LIMIT
    assert throttled.status_code == 429
    assert 1 <= int(throttled.headers["retry-after"]) <= 60
    assert throttled.json() == {
        "errors": [
            {
                "message": "Too many failed authentication attempts from this address; "
                f"retry after {throttled.headers['retry-after']} seconds.",
                "extensions": {"code": "TOO_MANY_REQUESTS"},
            }
        ]
    }
    # The address is refused whatever it sends until its window closes.
    assert (with_good_token.status_code, export.status_code) == (429, 429)
    assert other_address.status_code == 200


async def test_missing_tokens_and_good_tokens_do_not_count(throttled_app):
    good = await tokens.create_token("good", ["read"])
    async with _from(throttled_app, "10.0.0.9") as client:
        for _ in range(LIMIT * 2):
            assert (await client.post("/graphql", json=WEBSITES)).status_code == 401
            ok = await client.post("/graphql", json=WEBSITES, headers=_bearer(good))
            assert ok.status_code == 200


async def test_a_websocket_from_a_throttled_address_is_refused(throttled_app):
    good = await tokens.create_token("good", ["read"])
    async with uvicorn_server(throttled_app) as base_url:
        # uvicorn sees these requests from 127.0.0.1, as the socket below.
        async with httpx.AsyncClient(base_url=base_url) as http:
            for n in range(LIMIT):
                await http.post("/graphql", json=WEBSITES, headers=_bearer(f"sq_guess{n}"))
            throttled = await http.post("/graphql", json=WEBSITES, headers=_bearer(good))
        url = base_url.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=[Subprotocol(PROTOCOL)]) as ws:
            init = {"type": "connection_init", "payload": {"authorization": f"Bearer {good}"}}
            await ws.send(json.dumps(init))
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()

    assert throttled.status_code == 429
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "Forbidden")


async def test_a_repeated_wrong_token_is_looked_up_once(throttled_app, verify_calls):
    async with _from(throttled_app, "10.0.0.9") as client:
        statuses = [
            (await client.post("/graphql", json=WEBSITES, headers=_bearer("sq_wrong"))).status_code
            for _ in range(3)
        ]

    assert statuses == [401, 401, 401]
    assert verify_calls == ["sq_wrong"]


async def test_a_valid_token_is_looked_up_once_per_period(throttled_app, verify_calls):
    good = await tokens.create_token("good", ["read"])
    async with _from(throttled_app, "10.0.0.9") as client:
        for _ in range(3):
            response = await client.post("/graphql", json=WEBSITES, headers=_bearer(good))
            assert response.status_code == 200

    assert verify_calls == [good]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_closes_and_the_address_may_try_again():
    clock = Clock()
    throttle = FailureThrottle(limit=2, window_seconds=30, clock=clock)
    throttle.failed("a")
    clock.now += 10
    throttle.failed("a")

    with pytest.raises(TooManyFailures) as raised:
        throttle.check("a")
    throttle.check("b")  # other addresses are not affected

    assert raised.value.retry_after == 20
    clock.now += 20
    throttle.check("a")  # the window opened at the first failure has closed


@pytest.mark.parametrize("limit", [0])
def test_a_limit_of_zero_turns_throttling_off(limit):
    throttle = FailureThrottle(limit=limit, window_seconds=30)
    for _ in range(100):
        throttle.failed("a")
    throttle.check("a")


async def test_a_wrong_token_is_forgotten_after_the_negative_period(db, verify_calls):
    clock = Clock()
    authenticator = Authenticator(required=True, negative_cache_seconds=60, clock=clock)
    wrong = "Bearer sq_wrong"

    assert await authenticator.authenticate(wrong) is None
    assert await authenticator.authenticate(wrong) is None
    clock.now += 61
    assert await authenticator.authenticate(wrong) is None

    assert verify_calls == ["sq_wrong", "sq_wrong"]
