"""Running the real app in tests, and a small GraphQL client for it.

Import the fixtures into a package's conftest.py to use them:

    from tests.graphql_client import app, gql, make_client  # noqa: F401

`gql` is a client with an admin token on the app of the test's database (the `db`
fixture, both dialects); `make_client("read")` gives one with other scopes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette

from gqlserver.app import create_app
from gqlserver.settings import Settings
from models.auth.tokens import create_token


def make_settings(database_url: str, **env: Any) -> Settings:
    """Settings for a test app; keys are the environment names (REDIS_URL=...)."""
    values: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "REDIS_URL": "memory://",
        "SEGMENTQL_AUTH": "required",
        **env,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def running(app: Starlette) -> AsyncIterator[Starlette]:
    """Run the app's lifespan (startup and shutdown) around the block."""
    async with app.router.lifespan_context(app):
        yield app


class GraphQLClient:
    """Posts GraphQL documents to an app with one bearer token."""

    def __init__(self, http: httpx.AsyncClient, token: str | None) -> None:
        self.http = http
        self.token = token

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
    ) -> httpx.Response:
        body: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name
        return await self.http.post("/graphql", json=body, headers=self.headers())

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """The whole JSON response ({data, errors}); the HTTP status must be 200."""
        response = await self.post(query, variables, operation_name)
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """`data` of a response that must have no errors."""
        result = await self.execute(query, variables)
        assert "errors" not in result, result["errors"]
        return result["data"]

    async def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[dict]:
        """`errors` of a response that must have some."""
        result = await self.execute(query, variables)
        assert result.get("errors"), result
        return result["errors"]

    def with_token(self, token: str | None) -> GraphQLClient:
        return GraphQLClient(self.http, token)


def asgi_client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest_asyncio.fixture
async def app(db) -> AsyncIterator[Starlette]:
    """The app, started on the test's database, with an in-memory Redis and worker."""
    # A token exists before startup, so the app does not create and print a first one.
    await create_token("fixture", ["read"])
    async with running(create_app(make_settings(db.url))) as started:
        yield started


@pytest_asyncio.fixture
async def make_client(app) -> AsyncIterator[Callable[..., Awaitable[GraphQLClient]]]:
    """`await make_client("read", "write")`: a client whose token has these scopes."""
    async with asgi_client(app) as http:

        async def make(*scopes: str) -> GraphQLClient:
            return GraphQLClient(http, await create_token("test", list(scopes)))

        yield make


@pytest_asyncio.fixture
async def gql(make_client) -> GraphQLClient:
    """A client with an admin token."""
    return await make_client("admin")


@contextlib.asynccontextmanager
async def uvicorn_server(app: Starlette) -> AsyncIterator[str]:
    """Serve the app on a free loopback port; yields the base URL (`http://127.0.0.1:N`)."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
