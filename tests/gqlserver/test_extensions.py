"""The served schema's extensions: which errors clients see, and the document limits."""

from __future__ import annotations

import logging

import pytest
import strawberry

from gqlserver.extensions import ExpectedError, schema_extensions
from gqlserver.schema import SegmentqlSchema
from models.errors import DomainError, ErrorCode
from resolvers.context import Context
from resolvers.permissions import IsAdmin
from tests.graphql_client import make_settings


@strawberry.type
class Node:
    @strawberry.field
    def child(self) -> Node:
        return Node()

    @strawberry.field
    def value(self) -> int:
        return 1


@strawberry.type
class Query:
    @strawberry.field
    def unexpected(self) -> int:
        raise RuntimeError("password=hunter2 in a stack trace")

    @strawberry.field
    def domain(self) -> int:
        raise DomainError.single("input.name", ErrorCode.INVALID, "Name is too long.")

    @strawberry.field
    def expected(self) -> int:
        raise ExpectedError("Refresh already running.")

    @strawberry.field(permission_classes=[IsAdmin])
    def admin_only(self) -> int:
        return 1

    @strawberry.field
    def node(self) -> Node:
        return Node()


def served_schema(**env: str) -> SegmentqlSchema:
    settings = make_settings("sqlite://:memory:", **env)
    return SegmentqlSchema(query=Query, extensions=schema_extensions(settings))


async def run(query: str, scopes: frozenset[str] = frozenset({"read"}), **env: str):
    return await served_schema(**env).execute(query, context_value=Context(scopes=scopes))


async def test_unexpected_exception_is_masked_and_logged_with_traceback(caplog):
    with caplog.at_level(logging.ERROR, logger="segmentql.graphql"):
        result = await run("{ unexpected }")

    assert [(e.message, e.path) for e in result.errors or []] == [
        ("Unexpected error.", ["unexpected"])
    ]
    [record] = [r for r in caplog.records if r.name == "segmentql.graphql"]
    assert "password=hunter2" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


async def test_domain_error_is_visible_with_code_and_field():
    result = await run("{ domain }")

    [error] = result.errors or []
    assert error.formatted == {
        "message": "input.name: Name is too long.",
        "locations": [{"line": 1, "column": 3}],
        "path": ["domain"],
        "extensions": {"code": "INVALID", "field": "input.name"},
    }


async def test_expected_error_is_visible_and_not_logged_as_failure(caplog):
    with caplog.at_level(logging.ERROR, logger="segmentql.graphql"):
        result = await run("{ expected }")

    assert [e.message for e in result.errors or []] == ["Refresh already running."]
    assert [r for r in caplog.records if r.name == "segmentql.graphql"] == []


async def test_permission_error_is_visible_as_forbidden():
    result = await run("{ adminOnly }")

    [error] = result.errors or []
    assert (error.message, error.extensions) == (
        "This operation needs the 'admin' scope.",
        {"code": "FORBIDDEN"},
    )
    assert (await run("{ adminOnly }", frozenset({"admin"}))).data == {"adminOnly": 1}


async def test_validation_errors_are_visible():
    result = await run("{ nope }")

    assert [e.message for e in result.errors or []] == [
        "Cannot query field 'nope' on type 'Query'. Did you mean 'node'?"
    ]


@pytest.mark.parametrize(
    ("query", "env", "message"),
    [
        (
            "{ node { child { child { child { value } } } } }",
            {"SEGMENTQL_MAX_QUERY_DEPTH": "3"},
            "'anonymous' exceeds maximum operation depth of 3",
        ),
        (
            "{ a: node { value } b: node { value } c: node { value } }",
            {"SEGMENTQL_MAX_ALIASES": "2"},
            "3 aliases found. Allowed: 2",
        ),
        (
            "{ node { value } node { value } }",
            {"SEGMENTQL_MAX_TOKENS": "8"},
            "Syntax Error: Document contains more than 8 tokens. Parsing aborted.",
        ),
    ],
    ids=["depth", "aliases", "tokens"],
)
async def test_abusive_documents_are_refused(query, env, message):
    result = await run(query, **env)

    assert result.data is None
    assert [e.message for e in result.errors or []] == [message]


async def test_documents_within_limits_run():
    result = await run(
        "{ a: node { child { value } } b: node { value } }",
        SEGMENTQL_MAX_QUERY_DEPTH="3",
        SEGMENTQL_MAX_ALIASES="2",
    )

    assert (result.errors, result.data) == (
        None,
        {"a": {"child": {"value": 1}}, "b": {"value": 1}},
    )
