"""Conversions over GraphQL: the stopOnConversion step option, the attribution window
setting, the conversion fields of SequenceProgress and the stats."""

from __future__ import annotations

from models.automation.orm import EmailSequence
from tests.resolvers.automation.test_sequences import CREATE, step_input

OPTION = """
mutation($id: ID!, $input: EmailSequenceInput!) {
  updateEmailSequence(id: $id, input: $input) {
    emailSequence { id stopOnConversion } errors { field code message }
  }
}"""


async def test_graphql_reads_and_writes_stop_on_conversion(gql, shop):
    data = await gql.data(CREATE, {"input": step_input(shop.segment_id)})
    step_id = data["createEmailSequence"]["emailSequence"]["id"]
    assert (await EmailSequence.get(id=int(step_id))).stop_on_conversion is True

    changed = await gql.data(
        OPTION, {"id": step_id, "input": step_input(shop.segment_id, stopOnConversion=False)}
    )

    assert changed["updateEmailSequence"] == {
        "emailSequence": {"id": step_id, "stopOnConversion": False},
        "errors": [],
    }
    assert (await EmailSequence.get(id=int(step_id))).stop_on_conversion is False
