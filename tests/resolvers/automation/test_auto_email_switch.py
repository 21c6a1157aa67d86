"""createSegment and updateSegment refuse to switch automated emails on without an active
email sequence step, and change nothing then."""

from __future__ import annotations

from models.segments.orm import Segment
from tests.automation.step_rows import step
from tests.resolvers.automation.rows import table

SEGMENT_FIELDS = "segment { id autoEmailActive } errors { field code message }"
CREATE_SEGMENT = f"""
mutation($input: SegmentInput!) {{ createSegment(input: $input) {{ {SEGMENT_FIELDS} }} }}
"""
UPDATE_SEGMENT = f"""
mutation($id: ID!, $input: SegmentInput!) {{
  updateSegment(id: $id, input: $input) {{ {SEGMENT_FIELDS} }}
}}"""
NO_ACTIVE_STEP = {
    "field": "autoEmailActive",
    "code": "INVALID",
    "message": "Automated emails cannot be switched on: the segment has no active email "
    "sequence step.",
}


async def test_a_new_segment_cannot_switch_automated_emails_on(gql, shop):
    before = await table(Segment)

    data = await gql.data(
        CREATE_SEGMENT, {"input": {"name": "", "websiteIds": [1], "autoEmailActive": True}}
    )

    assert data["createSegment"] == {
        "segment": None,
        "errors": [
            {"field": "name", "code": "REQUIRED", "message": "Name is required."},
            NO_ACTIVE_STEP,
        ],
    }
    assert await table(Segment) == before


async def test_automated_emails_switch_on_only_with_an_active_step(gql, shop):
    segment_id = str(shop.other_segment_id)
    switch_on = {"name": "Others", "websiteIds": [1], "autoEmailActive": True}
    await step(shop.other_segment_id, 1, is_active=False)
    before = await table(Segment)

    refused = await gql.data(UPDATE_SEGMENT, {"id": segment_id, "input": switch_on})
    assert refused["updateSegment"] == {"segment": None, "errors": [NO_ACTIVE_STEP]}
    assert await table(Segment) == before

    await step(shop.other_segment_id, 2)
    accepted = await gql.data(UPDATE_SEGMENT, {"id": segment_id, "input": switch_on})
    assert accepted["updateSegment"] == {
        "segment": {"id": segment_id, "autoEmailActive": True},
        "errors": [],
    }


async def test_switching_on_automated_emails_of_a_missing_segment_is_not_found(gql, shop):
    data = await gql.data(
        UPDATE_SEGMENT,
        {"id": "999", "input": {"name": "X", "websiteIds": [1], "autoEmailActive": True}},
    )

    assert data["updateSegment"] == {
        "segment": None,
        "errors": [{"field": "id", "code": "NOT_FOUND", "message": "Segment 999 does not exist."}],
    }
