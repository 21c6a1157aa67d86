"""Input that used to end in "Unexpected error." (or a plain-text 500): NUL bytes and unpaired
surrogates in text, a deeply nested JSON body, an id past the key range in an export URL, and
a document with several operations but no operationName."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from gqlserver.request_checks import MAX_JSON_DEPTH
from models.auth.tokens import create_token
from models.segments.orm import Segment
from models.store.reference import Website
from tests.e2e.documents import MEMBERSHIP_CHANGED
from tests.e2e.wsclient import subscription_client
from tests.graphql_client import GraphQLClient, uvicorn_server

CREATE_SEGMENT = """
mutation($input: SegmentInput!) {
  createSegment(input: $input) { segment { id } errors { field code message } }
}"""
CUSTOMERS = """
query($filter: CustomerFilter) { customers(filter: $filter) { edges { node { id } } } }"""
NUL = "Text may not contain NUL characters (U+0000)."
SURROGATE = "Text may not contain unpaired surrogates (U+D800); send valid UTF-8."


async def _post(client: GraphQLClient, body: dict[str, Any]) -> httpx.Response:
    """POST a body as ASCII JSON: lone surrogates travel as `\\ud800` escapes, as a browser's
    JSON.stringify sends them."""
    headers = {**client.headers(), "Content-Type": "application/json"}
    return await client.http.post("/graphql", content=json.dumps(body), headers=headers)


def _segment_input(name: str = "VIP", value: str = "x") -> dict[str, Any]:
    condition = {"type": "customer_attributes", "attribute": "email", "operator": "{}"}
    return {
        "name": name,
        "websiteIds": [1],
        "conditions": {
            "type": "combine",
            "aggregator": "all",
            "value": True,
            "conditions": [{**condition, "value": value}],
        },
    }


def _refusal(field: str, message: str, code: str = "INVALID_VALUE") -> dict[str, Any]:
    return {"message": f"{field}: {message}", "extensions": {"code": code, "field": field}}


def _without_locations(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k != "locations"} for e in errors]


@pytest.mark.parametrize(
    ("segment_input", "field", "message"),
    [
        (_segment_input(name="VIP\x00"), "input.name", NUL),
        (_segment_input(name="VIP\ud800"), "input.name", SURROGATE),
        (_segment_input(value="a\x00b"), "input.conditions.conditions[0].value", NUL),
        (_segment_input(value="a\ud800"), "input.conditions.conditions[0].value", SURROGATE),
    ],
    ids=["name-nul", "name-surrogate", "condition-nul", "condition-surrogate"],
)
async def test_bad_text_in_a_mutation_is_refused_naming_the_field(
    gql, segment_input, field, message
):
    await Website.create(id=1, code="base", name="Base")

    response = await _post(gql, {"query": CREATE_SEGMENT, "variables": {"input": segment_input}})

    assert response.status_code == 200
    assert response.json()["data"] is None
    assert _without_locations(response.json()["errors"]) == [_refusal(field, message)]
    assert await Segment.all().count() == 0


@pytest.mark.parametrize(
    ("text", "message"), [("ann\x00", NUL), ("ann\udfff", SURROGATE.replace("D800", "DFFF"))]
)
async def test_bad_text_in_a_filter_variable_is_refused(gql, text, message):
    response = await _post(
        gql, {"query": CUSTOMERS, "variables": {"filter": {"emailContains": text}}}
    )

    assert _without_locations(response.json()["errors"]) == [
        _refusal("filter.emailContains", message)
    ]


async def test_bad_text_in_a_literal_is_refused_with_its_location(gql):
    query = '{ customers(filter: {emailContains: "ann\\u0000"}) { edges { node { id } } } }'

    response = await _post(gql, {"query": query})

    assert response.json() == {
        "data": None,
        "errors": [
            {**_refusal("filter.emailContains", NUL), "locations": [{"line": 1, "column": 37}]}
        ],
    }


async def test_bad_text_in_json_keys_and_store_records_is_refused(gql):
    records = [{"type": "website", "id": 3, "code": "w\x00", "name": "W"}, {"bad\ud800": 1}]
    query = "mutation($r: [JSON!]!) { upsertStoreRecords(records: $r) { errors { message } } }"

    response = await _post(gql, {"query": query, "variables": {"r": records}})

    assert _without_locations(response.json()["errors"]) == [
        _refusal("records[0].code", NUL),
        _refusal("records[1]", SURROGATE),
    ]
    assert await Website.all().count() == 0


async def test_good_text_passes(gql):
    await Website.create(id=1, code="base", name="Base")

    data = await gql.data(CREATE_SEGMENT, {"input": _segment_input(name="Zoë 😀", value="é")})

    assert data["createSegment"]["errors"] == []
    assert [s.name for s in await Segment.all()] == ["Zoë 😀"]


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH, 1000, 100_000])
async def test_a_deeply_nested_json_body_is_refused_with_400(gql, depth):
    body = '{"query": "{ websites { id } }", "variables": {"x": ' + _nested(depth) + "}}"
    headers = {**gql.headers(), "Content-Type": "application/json"}

    response = await gql.http.post("/graphql", content=body, headers=headers)

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "message": f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }


async def test_json_nested_up_to_the_limit_is_accepted(gql):
    # The body object and `variables` are two levels.
    body = '{"query": "{ websites { id } }", "variables": {"x": ' + _nested(MAX_JSON_DEPTH - 2)
    headers = {**gql.headers(), "Content-Type": "application/json"}

    response = await gql.http.post("/graphql", content=body + "}}", headers=headers)

    assert response.json() == {"data": {"websites": []}}


async def test_strawberrys_request_refusals_are_json_too(gql):
    headers = {**gql.headers(), "Content-Type": "application/json"}

    response = await gql.http.post("/graphql", content="{not json", headers=headers)

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "message": "Unable to parse request body as JSON",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }


@pytest.mark.parametrize(
    "segment_id",
    ["99999999999999999999", "2147483648", str(2**63), "9" * 5000, "0", "abc"],
    ids=["20-digits", "int32-max-plus-1", "2**63", "5000-digits", "zero", "not-a-number"],
)
async def test_an_export_of_an_id_past_the_key_range_is_404(gql, segment_id):
    response = await gql.http.get(f"/segments/{segment_id}/members.csv", headers=gql.headers())

    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"message": "Segment not found.", "extensions": {"code": "NOT_FOUND"}}]
    }


TWO_MUTATIONS = """
mutation First { upsertStoreRecords(records: [{type: "website", id: 1, code: "a", name: "A"}]) {
  errors { message } } }
mutation Second { upsertStoreRecords(records: [{type: "website", id: 2, code: "b", name: "B"}]) {
  errors { message } } }
"""


async def test_several_operations_without_operation_name_run_none(gql):
    result = await gql.execute(TWO_MUTATIONS)

    assert result == {
        "data": None,
        "errors": [
            {
                "message": "The document has 2 operations (First, Second): operationName must "
                "say which one to run.",
                "extensions": {"code": "REQUIRED", "field": "operationName"},
            }
        ],
    }
    assert await Website.all().count() == 0


async def test_the_named_operation_of_several_runs(gql):
    result = await gql.execute(TWO_MUTATIONS, operation_name="Second")

    assert "errors" not in result
    assert [w.id for w in await Website.all()] == [2]


async def test_a_single_anonymous_operation_needs_no_name(gql):
    assert await gql.data("{ websites { id } }") == {"websites": []}


async def test_over_a_websocket_bad_text_is_refused_and_deep_json_closes_the_socket(app):
    token = await create_token("subscriber", ["read"])
    async with uvicorn_server(app) as base_url:
        url = base_url.replace("http://", "ws://") + "/graphql"
        async with subscription_client(url, token, 5.0) as client:
            await client.subscribe("s", MEMBERSHIP_CHANGED, {"id": "1\x00"})
            errors = await client.error("s", 5.0)
            await client.connection.send('{"type": "ping", "payload": ' + _nested(1000) + "}")
            await asyncio.wait_for(client.connection.wait_closed(), 5.0)

    assert _without_locations(errors) == [_refusal("segmentId", NUL)]
    assert (client.connection.close_code, client.connection.close_reason) == (
        4400,
        "WebSocket message must be valid JSON",
    )
