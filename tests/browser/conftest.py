"""A real Chromium (Debian's, never a downloaded one) driven by Playwright, kept offline."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, Route, async_playwright

from tests.graphql_client import app  # noqa: F401

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


def chromium_path() -> str:
    """Debian's chromium; skips without it, or fails when CI requires every service."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("SEGMENTQL_REQUIRE_SERVICES") == "1":
            pytest.fail("chromium is required (SEGMENTQL_REQUIRE_SERVICES=1) but not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


@pytest_asyncio.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the run; each test gets its own context in `offline_page`."""
    executable = chromium_path()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@dataclass
class OfflinePage:
    """A page that may only talk to loopback; anything else is blocked and recorded."""

    page: Page
    blocked: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in ("127.0.0.1", "localhost")


@pytest_asyncio.fixture
async def offline_page(browser: Browser) -> AsyncIterator[OfflinePage]:
    context = await browser.new_context()
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    offline = OfflinePage(page)

    async def guard(route: Route) -> None:
        if is_local(route.request.url):
            await route.continue_()
        else:
            offline.blocked.append(route.request.url)
            await route.abort()

    await context.route("**/*", guard)
    page.on("websocket", lambda socket: offline.websockets.append(socket.url))
    page.on("pageerror", lambda error: offline.errors.append(str(error)))
    yield offline
    await context.close()
