"""GraphiQL at GET /graphql in a real browser, with no request leaving the machine: the
token typed into the headers pane authenticates queries (HTTP) and subscriptions (websocket)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
import pytest_asyncio
from playwright.async_api import Page
from starlette.applications import Starlette

from models.auth.tokens import create_token
from models.store.reference import Website
from tasks.broadcast import membership_channel
from tests.browser.conftest import OfflinePage
from tests.e2e.wsclient import wait_subscribed
from tests.graphql_client import uvicorn_server

# The page is the same on both dialects; one is enough for a browser.
pytestmark = pytest.mark.parametrize("db", ["sqlite"], indirect=True)

QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
# Variables and headers share the tools pane; the "Headers" tab unhides the second.
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RESULT_EDITOR = ".result-window .CodeMirror"
WAIT_SECONDS = 10.0


@pytest_asyncio.fixture
async def base_url(app: Starlette) -> AsyncIterator[str]:
    async with uvicorn_server(app) as url:
        yield url


async def paste(page: Page, editor: str, text: str) -> None:
    """Replace an editor's text the way a paste does (no typed keys, so no auto-closing)."""
    await page.locator(editor).click()
    await page.keyboard.press("Control+A")
    await page.keyboard.insert_text(text)


async def editor_text(page: Page, editor: str) -> str:
    return await page.locator(editor).evaluate("element => element.CodeMirror.getValue()")


async def open_graphiql(page: Page, base_url: str, token: str) -> None:
    await page.goto(f"{base_url}/graphql")
    await page.locator(QUERY_EDITOR).wait_for()
    await page.get_by_role("button", name="Headers").click()
    await paste(page, HEADERS_EDITOR, json.dumps({"Authorization": f"Bearer {token}"}))


async def run(page: Page, query: str) -> None:
    await paste(page, QUERY_EDITOR, query)
    await page.get_by_role("button", name="Execute query (Ctrl-Enter)").click()


async def result_containing(page: Page, text: str) -> Any:
    """The JSON in the result pane, once it contains `text`."""
    await page.wait_for_function(
        "([selector, text]) => document.querySelector(selector)?.CodeMirror.getValue()"
        ".includes(text)",
        arg=[RESULT_EDITOR, text],
        timeout=WAIT_SECONDS * 1000,
    )
    return json.loads(await editor_text(page, RESULT_EDITOR))


def assert_stayed_local(offline: OfflinePage, base_url: str) -> None:
    assert offline.blocked == []
    assert offline.errors == []
    ws_url = base_url.replace("http://", "ws://") + "/graphql"
    assert all(url == ws_url for url in offline.websockets), offline.websockets


async def test_a_query_runs_with_the_token_from_the_headers_pane(
    app: Starlette, base_url: str, offline_page: OfflinePage
) -> None:
    await Website.create(id=1, code="base", name="Base")
    token = await create_token("browser", ["read"])
    page = offline_page.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    await open_graphiql(page, base_url, token)
    assert "segmentql token create" in await editor_text(page, QUERY_EDITOR)
    await run(page, "{ websites { id code } }")

    assert await result_containing(page, '"websites"') == {
        "data": {"websites": [{"id": 1, "code": "base"}]}
    }
    assert_stayed_local(offline_page, base_url)
    assert all(url.startswith(base_url) for url in requested), requested
    assert any("/graphiql/static/graphiql.min.js?v=" in url for url in requested), requested


async def test_a_subscription_runs_over_the_websocket_with_that_token(
    app: Starlette, base_url: str, offline_page: OfflinePage
) -> None:
    token = await create_token("browser", ["read"])
    page = offline_page.page
    redis = app.state.redis

    await open_graphiql(page, base_url, token)
    await run(page, "subscription { segmentMembershipChanged { segmentId customerId change } }")
    # The server subscribes to Redis only once the websocket accepted the token.
    await wait_subscribed(redis, membership_channel(redis, None), 1, WAIT_SECONDS)
    event = {
        "segment_id": 4,
        "customer_id": 7,
        "website_id": 1,
        "change": "entered",
        "at": "2025-03-01T12:00:00+00:00",
        "event_id": 1,
    }
    await redis.publish(membership_channel(redis, 4), orjson.dumps(event))

    assert await result_containing(page, '"segmentMembershipChanged"') == {
        "data": {
            "segmentMembershipChanged": {"segmentId": "4", "customerId": "7", "change": "ENTERED"}
        }
    }
    assert offline_page.websockets == [base_url.replace("http://", "ws://") + "/graphql"]
    assert_stayed_local(offline_page, base_url)


async def test_a_refused_token_is_reported_in_the_result_pane(
    base_url: str, offline_page: OfflinePage
) -> None:
    page = offline_page.page

    await open_graphiql(page, base_url, "not-a-token")
    await run(page, "subscription { segmentRefreshed { id } }")

    result = await result_containing(page, "4403")
    assert [error["message"] for error in result["errors"]] == [
        "The subscription websocket closed: 4403 Forbidden"
    ]
    assert_stayed_local(offline_page, base_url)
