"""One-click unsubscribe over real HTTP: POST unsubscribes (RFC 8058), GET only shows a page,
a tampered link changes nothing; no API token anywhere."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio
from starlette.applications import Starlette

from models.mail.links import unsubscribe_url
from tests.automation.unsubscribe_rows import state, subscribed_with_rows
from tests.graphql_client import app, uvicorn_server  # noqa: F401

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest_asyncio.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    async with uvicorn_server(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        yield client


def link(app: Starlette, customer_id: int) -> str:  # noqa: F811
    return unsubscribe_url("", app.state.link_secret, customer_id)


async def test_a_one_click_post_unsubscribes_and_skips_scheduled_mail(app, http):  # noqa: F811
    rows = await subscribed_with_rows()

    response = await http.post(link(app, 1), data=ONE_CLICK)

    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    assert response.headers["cache-control"] == "no-store"
    subscribers, progress = await state()
    assert subscribers == {1: 3, 2: 1}
    assert progress == {
        rows[1][0]: ("skipped", "unsubscribed"),
        rows[1][1]: ("sent", None),
        rows[2][0]: ("scheduled", None),
        rows[2][1]: ("sent", None),
    }
    again = await http.post(link(app, 1), data=ONE_CLICK)
    assert again.status_code == 200
    assert await state() == (subscribers, progress)


async def test_a_get_shows_the_confirmation_and_changes_nothing(app, http):  # noqa: F811
    await subscribed_with_rows()
    before = await state()

    response = await http.get(link(app, 1))

    assert response.status_code == 200
    assert '<form method=post><input type=hidden name="List-Unsubscribe"' in response.text
    assert await state() == before


async def test_a_tampered_or_foreign_link_changes_nothing(app, http):  # noqa: F811
    await subscribed_with_rows()
    before = await state()
    good = link(app, 1)
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    foreign = unsubscribe_url("", "another installation's key", 1)

    answers = [
        (await http.post(tampered, data=ONE_CLICK)).status_code,
        (await http.get(tampered)).status_code,
        (await http.post(foreign, data=ONE_CLICK)).status_code,
        (await http.post(good, data={"something": "else"})).status_code,
    ]

    assert answers == [404, 404, 404, 400]
    assert await state() == before
