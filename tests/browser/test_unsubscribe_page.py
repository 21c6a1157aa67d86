"""The unsubscribe confirmation page in a real browser: opening it changes nothing, its button
unsubscribes, and the page needs nothing from outside the machine."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from starlette.applications import Starlette

from models.mail.links import unsubscribe_url
from tests.automation.unsubscribe_rows import state, subscribed_with_rows
from tests.browser.conftest import OfflinePage
from tests.graphql_client import uvicorn_server

pytestmark = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


@pytest_asyncio.fixture
async def base_url(app: Starlette) -> AsyncIterator[str]:
    async with uvicorn_server(app) as url:
        yield url


async def test_the_button_on_the_confirmation_page_unsubscribes(
    app: Starlette, base_url: str, offline_page: OfflinePage
):
    rows = await subscribed_with_rows()
    page = offline_page.page
    url = unsubscribe_url(base_url, app.state.link_secret, 1)

    await page.goto(url)
    heading_before = await page.locator("h1").inner_text()
    unchanged = await state()
    await page.locator("#unsubscribe").click()
    await page.locator("h1", has_text="You are unsubscribed").wait_for()

    assert heading_before == "Unsubscribe"
    assert unchanged[0] == {1: 1, 2: 1}
    subscribers, progress = await state()
    assert subscribers == {1: 3, 2: 1}
    assert progress[rows[1][0]] == ("skipped", "unsubscribed")
    assert progress[rows[2][0]] == ("scheduled", None)
    assert (offline_page.blocked, offline_page.errors) == ([], [])
