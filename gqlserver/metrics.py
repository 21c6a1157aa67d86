"""Prometheus metrics: HTTP requests by route and status, GraphQL operations by name and type.

Each app owns its CollectorRegistry, so several apps in one process (tests) don't clash.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

_OPERATION_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")
ANONYMOUS = "anonymous"
OTHER = "other"


class Metrics:
    """The metric families of one app."""

    # Operation names come from clients; past this many distinct names new ones are
    # counted as "other" so a client cannot grow the registry without bound.
    MAX_OPERATION_NAMES = 200

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.http_requests = Counter(
            "segmentql_http_requests",
            "HTTP requests by method, route and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_duration = Histogram(
            "segmentql_http_request_duration_seconds",
            "HTTP request latency by method and route.",
            ["method", "route"],
            registry=self.registry,
        )
        self.graphql_operations = Counter(
            "segmentql_graphql_operations",
            "GraphQL operations by operation name, type and outcome (ok or error).",
            ["operation_name", "operation_type", "outcome"],
            registry=self.registry,
        )
        self.graphql_duration = Histogram(
            "segmentql_graphql_operation_duration_seconds",
            "GraphQL operation latency by operation name and type.",
            ["operation_name", "operation_type"],
            registry=self.registry,
        )
        self._operation_names: set[str] = set()

    def operation_label(self, name: str | None) -> str:
        if not name:
            return ANONYMOUS
        if not _OPERATION_NAME.match(name):
            return OTHER
        if name not in self._operation_names:
            if len(self._operation_names) >= self.MAX_OPERATION_NAMES:
                return OTHER
            self._operation_names.add(name)
        return name

    def observe_operation(
        self, name: str | None, operation_type: str, ok: bool, seconds: float
    ) -> None:
        label = self.operation_label(name)
        outcome = "ok" if ok else "error"
        self.graphql_operations.labels(label, operation_type, outcome).inc()
        self.graphql_duration.labels(label, operation_type).observe(seconds)

    async def endpoint(self, request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class OperationMetrics(SchemaExtension):
    """Counts and times every GraphQL operation (pass `lambda: OperationMetrics(metrics)`)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        try:
            operation_type = context.operation_type.value
        except RuntimeError:  # the document did not parse
            operation_type = "unknown"
        result = context.result
        errors = getattr(result, "errors", None) or context.pre_execution_errors
        self.metrics.observe_operation(
            context.operation_name, operation_type, not errors, time.perf_counter() - started
        )


class HttpMetricsMiddleware:
    """ASGI middleware counting HTTP requests by route template (not raw path) and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: list[BaseRoute]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    def _route_label(self, scope: Scope) -> str:
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                return str(getattr(route, "path", OTHER))
        return "unmatched"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = self._route_label(scope)
        method = scope["method"]
        status: dict[str, Any] = {"code": 500}
        started = time.perf_counter()

        async def send_with_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            self.metrics.http_requests.labels(method, route, str(status["code"])).inc()
            self.metrics.http_duration.labels(method, route).observe(time.perf_counter() - started)
