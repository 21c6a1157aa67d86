"""The ASGI app: GraphQL (HTTP, GraphiQL, websocket subscriptions), health, readiness, metrics."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from cross_web import HTTPException, StarletteRequestAdapter
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType
from tortoise.context import get_current_context

from gqlserver import request_checks
from gqlserver.auth import (
    Authenticator,
    FailureThrottle,
    Identity,
    TooManyFailures,
    too_many_failures,
    unauthorized,
)
from gqlserver.bodysize import BodySizeLimitMiddleware
from gqlserver.connections import ConnectionRegistry
from gqlserver.cors import cors_middleware
from gqlserver.exports import export_routes
from gqlserver.extensions import schema_extensions
from gqlserver.graphiql import graphiql_page, static_mount
from gqlserver.health import healthz, readyz
from gqlserver.metrics import HttpMetricsMiddleware, Metrics
from gqlserver.ratelimit import RateLimitMiddleware, rate_limiter
from gqlserver.schema import build_schema
from gqlserver.settings import Settings, get_settings
from gqlserver.tracking import tracking_routes
from gqlserver.unsubscribe import unsubscribe_routes
from gqlserver.worker import start_inprocess_worker
from gqlserver.wslimits import LimitedConnectionHandler
from models.automation.secret import link_secret
from resolvers.context import Context, L
from resolvers.pubsub import PubSubHub
from tasks.automation import install_progress_events
from tasks.changed_customers import install_live_reevaluation
from tasks.queue import create_queue

logger = logging.getLogger("segmentql.app")

GRAPHQL_PATH = "/graphql"


@dataclass
class ConnectionContext(Context):
    """A websocket connection's context; strawberry stores the connection_init payload here."""

    connection_params: Any = None
    # The Authorization value connection_init brought, re-checked before every operation.
    authorization: str | None = None
    token_id: int | None = None

    def loader(self, factory: Callable[[], L]) -> L:
        """Loaders that batch but do not cache: a connection outlives any one event's data."""
        found = super().loader(factory)
        found.cache = False
        return found


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with bearer-token authentication in front of execution."""

    graphql_transport_ws_handler_class = LimitedConnectionHandler

    def __init__(
        self, schema: BaseSchema, authenticator: Authenticator, connections: ConnectionRegistry
    ) -> None:
        # Only graphql-transport-ws: the legacy protocol rejects bad tokens without 4403.
        super().__init__(
            schema, graphql_ide="graphiql", subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,)
        )
        self.authenticator = authenticator
        self.connections = connections

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope, receive)
            # The GraphiQL page itself is public; the requests it sends carry the token.
            if not self.should_render_graphql_ide(StarletteRequestAdapter(request)):
                authorization = request.headers.get("authorization")
                try:
                    identity = await self.authenticator.authenticate(
                        authorization, client_address(request)
                    )
                except TooManyFailures as throttled:
                    await too_many_failures(throttled)(scope, receive, send)
                    return
                if identity is None:
                    await unauthorized(bool(authorization))(scope, receive, send)
                    return
                scope.setdefault("state", {})["identity"] = identity
            await self._respond(request, scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def _respond(self, request: Request, scope: Scope, receive: Receive, send: Send) -> None:
        """strawberry's HTTP handling, with its refusals (bad JSON, no query...) as JSON errors
        like every other error instead of plain text."""
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = request_checks.http_error(error.status_code, error.reason)
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return self.decode_json(data)
        except request_checks.JsonTooDeep as error:
            raise HTTPException(400, str(error)) from error
        except json.JSONDecodeError as error:
            raise HTTPException(400, "Unable to parse request body as JSON") from error

    def decode_json(self, data: str | bytes) -> object:
        """Request bodies and websocket messages, refused past MAX_JSON_DEPTH levels."""
        return request_checks.decode_json(data)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """GraphiQL loading its assets from this server; strawberry's page loads them from a CDN."""
        return HTMLResponse(graphiql_page())

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        state = request.app.state
        shared: dict[str, Any] = {
            "request": request,
            "queue": state.queue,
            "redis": state.redis,
            "pubsub": state.pubsub,
            "settings": state.settings,
        }
        if isinstance(request, WebSocket):
            # Scopes are granted in on_ws_connect, once connection_init brings the token.
            return ConnectionContext(**shared, token_revoked=self.connections.token_revoked)
        # No identity only for the GraphiQL page, which executes nothing.
        identity: Identity | None = request.scope.get("state", {}).get("identity")
        if identity is None:
            return Context(**shared)
        return Context(
            scopes=identity.scopes,
            token_name=identity.name,
            token_revoked=self.connections.token_revoked,
            **shared,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params = getattr(context, "connection_params", None)
        authorization = params.get("authorization") if isinstance(params, dict) else None
        if not isinstance(authorization, str):
            authorization = None
        request = getattr(context, "request", None)
        try:
            identity = await self.authenticator.authenticate(
                authorization, client_address(request) if request is not None else None
            )
        except TooManyFailures:
            identity = None
        if identity is None:
            # Strawberry closes the socket with 4403 Forbidden.
            raise ConnectionRejectionError({"message": "Missing, invalid or revoked API token."})
        context.scopes = identity.scopes
        context.token_name = identity.name
        if isinstance(context, ConnectionContext):
            context.authorization = authorization
            context.token_id = identity.token_id
        return UNSET


def client_address(request: Request | WebSocket) -> str | None:
    """The caller's address failed authentications count against (the proxy's, unless
    uvicorn is told to trust its forwarded headers)."""
    return request.client.host if request.client else None


async def _announce_first_admin_token(settings: Settings) -> None:
    from models.auth.tokens import create_first_admin_token

    if settings.auth != "required":
        return
    token = await create_first_admin_token()
    if token is not None:
        print(
            f"segmentql: created admin token {token} (shown once)\n"
            f"  GraphiQL: http://{settings.host}:{settings.port}{GRAPHQL_PATH}",
            flush=True,
        )


async def _register_database(app: Starlette, settings: Settings, stack: AsyncExitStack) -> None:
    """Migrate and register Tortoise, unless the caller already opened a database for us.

    Tests open a fresh database per test and run the app inside it; a server process
    starts with no Tortoise context and takes this path.
    """
    active = get_current_context()
    if active is not None and active.inited:
        logger.info("using the already initialised Tortoise context")
        return
    from tortoise.contrib.starlette import RegisterTortoise

    from gqlserver.db import tortoise_config
    from gqlserver.migrate import apply_migrations

    applied = await apply_migrations(settings.database_url)
    if applied:
        logger.info("applied migrations: %s", ", ".join(applied))
    config = tortoise_config(
        settings.database_url,
        with_aerich=False,
        statement_timeout=settings.statement_timeout_seconds,
    )
    await stack.enter_async_context(RegisterTortoise(app, config=config))


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    async with AsyncExitStack() as stack:
        await _register_database(app, settings, stack)
        app.state.link_secret = await link_secret(settings.secret_key)
        queue = await create_queue(settings.redis_url)
        stack.push_async_callback(queue.aclose)
        # ArqRedis is a Redis client: one pool serves enqueuing, pub/sub and readiness.
        app.state.queue = app.state.redis = queue
        # Closed before the queue: LIFO.
        app.state.pubsub = PubSubHub(queue)
        stack.push_async_callback(app.state.pubsub.aclose)
        app.state.rate_limiter = rate_limiter(
            queue, settings.redis_in_memory, settings.rate_limit_per_second
        )
        # Store changes made through the API queue a live re-evaluation of those customers.
        stack.callback(install_live_reevaluation(queue))
        # Orders the API writes may convert progress rows: subscribers hear of each.
        stack.callback(install_progress_events(queue))
        connections: ConnectionRegistry = app.state.connections
        await stack.enter_async_context(connections.watching(settings.token_recheck_seconds))
        if settings.redis_in_memory:
            # The worker, with its event consumers, runs here (it publishes to subscribers).
            worker = await start_inprocess_worker(queue, settings=settings)
            stack.push_async_callback(worker.close)
        await _announce_first_admin_token(settings)
        yield


def create_app(settings: Settings | None = None) -> Starlette:
    """The segmentql ASGI app. Database, queue and worker are opened by its lifespan."""
    settings = settings or get_settings()
    metrics = Metrics()
    authenticator = Authenticator(
        required=settings.auth == "required",
        cache_seconds=settings.token_recheck_seconds,
        throttle=FailureThrottle(
            limit=settings.auth_failure_limit, window_seconds=settings.auth_failure_window_seconds
        ),
    )
    connections = ConnectionRegistry(authenticator)
    schema = build_schema(schema_extensions(settings, metrics))
    view = GraphQLView(schema, authenticator, connections)
    routes: list[BaseRoute] = [
        Route(GRAPHQL_PATH, view),
        WebSocketRoute(GRAPHQL_PATH, view),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics.endpoint, methods=["GET"]),
        *export_routes(),
        *unsubscribe_routes(),
        *tracking_routes(),
        static_mount(),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            # Outermost: preflights are answered before authentication and rate limits.
            cors_middleware(settings.cors_origins),
            Middleware(HttpMetricsMiddleware, metrics=metrics, routes=routes),
            Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes),
            Middleware(RateLimitMiddleware, path=GRAPHQL_PATH),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.authenticator = authenticator
    app.state.connections = connections
    app.state.queue = None
    app.state.redis = None
    app.state.pubsub = None
    app.state.link_secret = None
    app.state.rate_limiter = None
    return app
