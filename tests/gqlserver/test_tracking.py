"""The open pixel and the click redirect over real HTTP (uvicorn): valid, tampered, replayed and
foreign links, machine opens, and the live event; no API token anywhere. Both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest_asyncio
from starlette.applications import Starlette

from gqlserver.tracking import PIXEL
from models.automation.orm import EmailSequence, ProgressStatus, SequenceProgress, TriggerEvent
from models.automation.tracking import LinkClick
from models.mail.tracking import click_url, pixel_url
from models.segments.orm import Segment
from tasks.automation import progress_channel
from tests.graphql_client import app, uvicorn_server  # noqa: F401

BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15"
GMAIL_PROXY = (
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
)
SHOP = "https://shop.example.com/sale?a=1&b=2"


@pytest_asyncio.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    async with (
        uvicorn_server(app) as base_url,
        httpx.AsyncClient(base_url=base_url, headers={"User-Agent": BROWSER}) as client,
    ):
        yield client


async def _sent_rows(sent_ago: timedelta = timedelta(hours=1)) -> list[SequenceProgress]:
    """Two rows sent `sent_ago`, for customers 1 and 2."""
    segment = await Segment.create(name="s", website_ids=[1], auto_email_active=True)
    step = await EmailSequence.create(segment_id=segment.id, template_id=1, step_number=1)
    sent_at = datetime.now(UTC) - sent_ago
    return [
        await SequenceProgress.create(
            customer_id=customer_id,
            segment_id=segment.id,
            sequence_id=step.id,
            step_number=1,
            trigger_type=TriggerEvent.ENTER,
            status=ProgressStatus.SENT,
            scheduled_at=sent_at,
            sent_at=sent_at,
        )
        for customer_id in (1, 2)
    ]


async def _engagement() -> dict[int, tuple[Any, ...]]:
    """(opened, human opened, opens, clicked, clicks) per row: which moments are set, and counts."""
    return {
        r.id: (
            r.opened_at is not None,
            r.human_opened_at is not None,
            r.open_count,
            r.clicked_at is not None,
            r.click_count,
        )
        for r in await SequenceProgress.all().order_by("id")
    }


async def _clicks() -> set[tuple[int, str, int]]:
    return {(c.progress_id, c.url, c.click_count) for c in await LinkClick.all()}  # type: ignore[attr-defined]


def _pixel(app: Starlette, progress_id: int) -> str:  # noqa: F811
    return pixel_url("", app.state.link_secret, progress_id)


def _click(app: Starlette, progress_id: int, url: str = SHOP) -> str:  # noqa: F811
    return click_url("", app.state.link_secret, progress_id, url)


def _tampered(link: str) -> str:
    return link[:-6] + ("AA" if link[-6:-4] != "AA" else "BB") + link[-4:]


def _is_pixel(response: httpx.Response) -> bool:
    return (
        response.status_code == 200
        and response.content == PIXEL
        and response.headers["content-type"] == "image/gif"
        and response.headers["cache-control"].startswith("no-store")
        and response.headers["pragma"] == "no-cache"
    )


async def test_an_open_is_recorded_once_and_counted_on_every_fetch(app, http):  # noqa: F811
    rows = await _sent_rows()
    before = datetime.now(UTC)

    first = await http.get(_pixel(app, rows[0].id))
    second = await http.get(_pixel(app, rows[0].id))

    assert _is_pixel(first) and _is_pixel(second)
    assert await _engagement() == {
        rows[0].id: (True, True, 2, False, 0),
        rows[1].id: (False, False, 0, False, 0),
    }
    opened = await SequenceProgress.get(id=rows[0].id)
    assert opened.opened_at == opened.human_opened_at
    assert opened.opened_at is not None and opened.opened_at >= before - timedelta(seconds=1)


async def test_machine_opens_are_counted_but_not_human(app, http):  # noqa: F811
    old, _ = await _sent_rows()
    [just_sent, _] = await _sent_rows(sent_ago=timedelta(seconds=5))

    proxy = await http.get(_pixel(app, old.id), headers={"User-Agent": GMAIL_PROXY})
    prefetch = await http.get(_pixel(app, just_sent.id))

    assert _is_pixel(proxy) and _is_pixel(prefetch)
    engagement = await _engagement()
    assert engagement[old.id] == (True, False, 1, False, 0)
    assert engagement[just_sent.id] == (True, False, 1, False, 0)
    # A later open by a reader sets the human open; the first open stays the proxy's.
    await http.get(_pixel(app, old.id))
    assert (await _engagement())[old.id] == (True, True, 2, False, 0)
    row = await SequenceProgress.get(id=old.id)
    assert row.human_opened_at is not None and row.opened_at is not None
    assert row.human_opened_at > row.opened_at


async def test_a_bad_pixel_token_still_answers_the_gif_and_records_nothing(app, http):  # noqa: F811
    rows = await _sent_rows()
    before = await _engagement()
    foreign = pixel_url("", "another installation's key", rows[0].id)
    click_token_as_pixel = _click(app, rows[0].id).replace("/t/c/", "/t/o/") + ".gif"

    answers = [
        await http.get(_tampered(_pixel(app, rows[0].id))),
        await http.get(foreign),
        await http.get(click_token_as_pixel),
        await http.get("/t/o/not-a-token.gif"),
        await http.get(_pixel(app, 999_999)),  # signed, but no such row
    ]

    assert all(_is_pixel(a) for a in answers)
    assert await _engagement() == before


async def test_a_click_is_recorded_and_redirected_to_the_signed_url(app, http):  # noqa: F811
    rows = await _sent_rows()
    other = "http://blog.example.org/post"

    first = await http.get(_click(app, rows[0].id))
    again = await http.get(_click(app, rows[0].id))
    elsewhere = await http.get(_click(app, rows[0].id, other))

    assert [r.status_code for r in (first, again, elsewhere)] == [302, 302, 302]
    assert [r.headers["location"] for r in (first, again, elsewhere)] == [SHOP, SHOP, other]
    assert await _engagement() == {
        rows[0].id: (False, False, 0, True, 3),
        rows[1].id: (False, False, 0, False, 0),
    }
    assert await _clicks() == {(rows[0].id, SHOP, 2), (rows[0].id, other, 1)}
    row = await SequenceProgress.get(id=rows[0].id)
    first_click = await LinkClick.get(progress_id=rows[0].id, url=SHOP)
    assert row.clicked_at == first_click.first_clicked_at


async def test_a_tampered_or_foreign_click_link_is_404_and_redirects_nowhere(app, http):  # noqa: F811
    rows = await _sent_rows()
    good = _click(app, rows[0].id)
    before = await _engagement()
    # A URL that was never in a message: signed with another key, or not signed at all.
    foreign = click_url("", "another installation's key", rows[0].id, "https://evil.example/")
    pixel_token_as_click = _pixel(app, rows[0].id).replace("/t/o/", "/t/c/")[:-4]

    answers = [
        await http.get(_tampered(good)),
        await http.get(foreign),
        await http.get(pixel_token_as_click),
        await http.get("/t/c/https%3A%2F%2Fevil.example%2F"),
    ]

    assert [a.status_code for a in answers] == [404] * 4
    assert all("location" not in a.headers for a in answers)
    # The last is no token at all: the router's own 404.
    assert [a.text for a in answers[:3]] == ["This link is not valid."] * 3
    assert await _engagement() == before
    assert await _clicks() == set()


async def test_a_link_of_a_deleted_row_still_redirects_and_records_nothing(app, http):  # noqa: F811
    # Progress cleanup deletes finished rows; links in the mail they sent keep working.
    response = await http.get(_click(app, 999_999))

    assert (response.status_code, response.headers["location"]) == (302, SHOP)
    assert await _engagement() == {}
    assert await _clicks() == set()


async def test_opens_and_clicks_publish_the_row_change(app, http):  # noqa: F811
    rows = await _sent_rows()
    redis = app.state.redis
    pubsub = redis.pubsub()
    channel = progress_channel(redis, rows[0].segment_id)  # type: ignore[attr-defined]
    await pubsub.subscribe(channel)
    published = []
    try:
        await http.get(_pixel(app, rows[0].id))
        await http.get(_click(app, rows[1].id))
        await http.get(_tampered(_pixel(app, rows[0].id)))

        for _ in range(10):
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
            if message is not None:
                published.append(orjson.loads(message["data"]))
    finally:
        # The in-memory Redis outlives the app: a subscription left behind would be
        # counted by the next test that waits for its own subscriber.
        await pubsub.unsubscribe(channel)
        await pubsub.aclose()
    segment_id = rows[0].segment_id  # type: ignore[attr-defined]
    assert published == [
        {"progress_id": rows[0].id, "segment_id": segment_id},
        {"progress_id": rows[1].id, "segment_id": segment_id},
    ]
