"""What a document may cost before it is validated, and validation once per document text."""

from __future__ import annotations

import pytest
import strawberry
from graphql import ValidationRule, parse
from strawberry.extensions import AddValidationRules

from gqlserver.extensions import schema_extensions
from gqlserver.limits import Checked, CheckedDocuments
from gqlserver.schema import SegmentqlSchema
from resolvers.context import Context
from tests.graphql_client import make_settings

# The attack of issue 8: 800 identical selections, about 13 KB, under every older limit.
REPEATED_WEBSITES = "{" + " websites { id }" * 800 + "}"


@strawberry.type
class Website:
    id: int
    code: str


@strawberry.type
class Query:
    @strawberry.field
    def websites(self) -> list[Website]:
        return [Website(id=1, code="base")]

    @strawberry.field
    def stores(self) -> list[Website]:
        return []


class CountingRule(ValidationRule):
    """Counts how often graphql-core validated a document."""

    runs = 0

    def __init__(self, context) -> None:
        super().__init__(context)
        CountingRule.runs += 1


def served_schema(**env: str) -> SegmentqlSchema:
    settings = make_settings("sqlite://:memory:", **env)
    return SegmentqlSchema(
        query=Query,
        extensions=[*schema_extensions(settings), lambda: AddValidationRules([CountingRule])],
    )


async def run(schema: SegmentqlSchema, query: str):
    return await schema.execute(query, context_value=Context(scopes=frozenset({"read"})))


def messages_and_codes(result) -> list[tuple[str, dict | None]]:
    return [(e.message, e.extensions) for e in result.errors or []]


async def test_repeated_selections_are_refused_before_validation():
    schema = served_schema()
    CountingRule.runs = 0

    result = await run(schema, REPEATED_WEBSITES)

    assert result.data is None
    assert messages_and_codes(result) == [
        (
            "The document has more than 1000 selections (fields, fragment spreads and inline "
            "fragments) once its fragments are expanded; at most 1000 are allowed.",
            {"code": "QUERY_TOO_COMPLEX"},
        )
    ]
    assert CountingRule.runs == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "{" + " websites { id }" * 11 + "}",
            "'websites' is selected 11 times at the same place; at most 10 selections of one "
            "field are allowed.",
        ),
        (
            "{ websites { ...A ...B } } fragment A on Website { id id id id id id }"
            " fragment B on Website { id id id id id }",
            "'websites.id' is selected 11 times at the same place; at most 10 selections of "
            "one field are allowed.",
        ),
        (
            # graphql-core validates fragments nobody uses as well.
            "{ stores { id } } fragment X on Query {" + " websites { code }" * 11 + "}",
            "'websites' is selected 11 times at the same place; at most 10 selections of one "
            "field are allowed.",
        ),
        (
            # Doubling field-less spreads: 2^30 selections from 30 short fragments.
            "{ ...F0 } "
            + " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(30))
            + " fragment F30 on Query { stores { id } }",
            "The document has more than 1000 selections (fields, fragment spreads and inline "
            "fragments) once its fragments are expanded; at most 1000 are allowed.",
        ),
    ],
    ids=["same-place", "through-fragments", "unused-fragment", "fragment-doubling"],
)
async def test_documents_over_the_limits_are_refused_with_the_reason(query, message):
    schema = served_schema()
    CountingRule.runs = 0

    result = await run(schema, query)

    assert result.data is None
    assert messages_and_codes(result) == [(message, {"code": "QUERY_TOO_COMPLEX"})]
    assert CountingRule.runs == 0


async def test_limits_follow_the_settings():
    schema = served_schema(SEGMENTQL_MAX_SELECTIONS="6", SEGMENTQL_MAX_FIELD_REPEATS="2")

    assert (await run(schema, "{ websites { id } websites { code } }")).data == {
        "websites": [{"id": 1, "code": "base"}]
    }
    [(message, _)] = messages_and_codes(
        await run(schema, "{ websites { id code } stores { id code } websites { id } }")
    )
    assert message.startswith("The document has more than 6 selections")
    [(message, _)] = messages_and_codes(
        await run(schema, "{ a: stores { id } a: stores { id } a: stores { id } }")
    )
    assert message.startswith("'a' is selected 3 times")


async def test_a_document_is_validated_once_per_text():
    schema = served_schema()
    CountingRule.runs = 0
    query = "{ websites { id } }"

    first = await run(schema, query)
    second = await run(schema, query)

    assert first.data == second.data == {"websites": [{"id": 1}]}
    assert CountingRule.runs == 1
    await run(schema, "{ websites { code } }")
    assert CountingRule.runs == 2


async def test_cached_validation_errors_are_reported_every_time():
    schema = served_schema()

    results = [await run(schema, "{ websites { nope } }") for _ in range(2)]

    assert [messages_and_codes(r) for r in results] == [
        [("Cannot query field 'nope' on type 'Website'. Did you mean 'code'?", {})]
    ] * 2


async def test_a_large_document_within_the_limits_runs():
    # Large enough to be validated off the event loop.
    query = "{" + " ".join(f"w{i}: websites {{ id code }}" for i in range(10)) + " " * 3000 + "}"
    schema = served_schema(SEGMENTQL_MAX_ALIASES="10")

    result = await run(schema, query)

    assert result.errors is None
    assert result.data == {f"w{i}": [{"id": 1, "code": "base"}] for i in range(10)}


async def test_the_served_api_refuses_the_attack_with_a_typed_error(make_client):
    client = await make_client("read")

    result = await client.execute(REPEATED_WEBSITES)

    assert result["data"] is None
    [error] = result["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX"}
    assert await client.data("{ websites { id } }") == {"websites": []}


def test_checked_documents_are_bounded_by_their_total_length():
    documents = CheckedDocuments(max_chars=10)
    checked = Checked(parse("{ a }"), [])
    documents.put("aaaa", checked)
    documents.put("bbbb", checked)
    assert documents.get("aaaa") is checked  # now the most recently used

    documents.put("cccc", checked)
    documents.put("x" * 11, checked)

    assert [documents.get(t) for t in ("aaaa", "bbbb", "cccc", "x" * 11)] == [
        checked,
        None,
        checked,
        None,
    ]
