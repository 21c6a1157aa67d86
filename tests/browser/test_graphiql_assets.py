"""The GraphiQL page links only this server's own assets, served without a token."""

from __future__ import annotations

import hashlib
import re

import pytest
from starlette.applications import Starlette

from gqlserver.graphiql import STATIC_DIR
from tests.graphql_client import asgi_client

SQLITE_ONLY = pytest.mark.parametrize("db", ["sqlite"], indirect=True)

ASSETS = [
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphql-ws.min.js",
    "graphiql.min.js",
    "graphiql.min.css",
    "plugin-explorer.umd.js",
    "plugin-explorer.css",
]


def digest(name: str) -> str:
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()


@SQLITE_ONLY
async def test_the_page_links_every_asset_locally_with_its_content_hash(app: Starlette) -> None:
    async with asgi_client(app) as http:
        response = await http.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    linked = re.findall(r'(?:src|href)="([^"]*)"', response.text)
    expected = [f"/graphiql/static/{name}?v={digest(name)[:16]}" for name in ASSETS]
    assert sorted(linked) == sorted(["data:,", *expected])
    assert re.findall(r"\w+://[^\s\"'`]*", response.text) == []


@SQLITE_ONLY
async def test_assets_are_served_without_a_token_and_cached_for_good(app: Starlette) -> None:
    async with asgi_client(app) as http:
        script = await http.get("/graphiql/static/graphql-ws.min.js?v=any")
        style = await http.get("/graphiql/static/graphiql.min.css")
        missing = await http.get("/graphiql/static/nothing.js")

    assert script.status_code == 200
    assert script.content == (STATIC_DIR / "graphql-ws.min.js").read_bytes()
    assert script.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert style.status_code == 200
    assert style.headers["content-type"].startswith("text/css")
    assert missing.status_code == 404


def test_the_committed_assets_match_their_recorded_checksums() -> None:
    recorded: dict[str, str] = {}
    for line in (STATIC_DIR / "SHA256SUMS").read_text().splitlines():
        recorded_digest, name = line.split("  ", 1)
        recorded[name] = recorded_digest
    assert sorted(recorded) == sorted(ASSETS)
    for name, recorded_digest in recorded.items():
        assert digest(name) == recorded_digest, name
