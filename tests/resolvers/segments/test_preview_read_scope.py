"""previewSegment stores nothing, so a read token (a dashboard's) may run it."""

from __future__ import annotations

from models.segments.orm import Segment, SegmentMember, SegmentMembershipEvent
from tests.resolvers.segments.conftest import FEMALE

PREVIEW = """
mutation($input: SegmentInput!, $id: ID) {
  previewSegment(input: $input, sampleSize: 10, id: $id) {
    count sampleCustomerIds wouldEnter wouldExit errors { field code message }
  }
}
"""
# Active women: 1, 3, 4, 7 (8 is inactive).
WOMEN_INPUT = {"name": "Women", "websiteIds": [1, 2], "conditions": FEMALE}


SEGMENT_FIELDS = ("id", "name", "matched_customers_count", "refresh_status", "updated_at")


async def _stored() -> tuple[list[tuple], list[tuple], int]:
    segments = await Segment.all().order_by("id").values_list(*SEGMENT_FIELDS)
    members = SegmentMember.all().order_by("customer_id")
    member_rows = await members.values_list("segment_id", "customer_id", "website_id")
    return list(segments), list(member_rows), await SegmentMembershipEvent.all().count()


async def test_read_token_previews_an_existing_segment_and_nothing_is_written(make_client, store):
    segment = await Segment.create(name="Women", website_ids=[1, 2], conditions=FEMALE)
    # Member 2 (a man) would exit; 3, 4 and 7 would enter.
    for customer_id in (1, 2):
        await SegmentMember.create(
            segment=segment, customer_id=customer_id, website_id=1, added_at=segment.created_at
        )
    before = await _stored()
    reader = await make_client("read")

    data = await reader.data(PREVIEW, {"input": WOMEN_INPUT, "id": str(segment.id)})

    assert data["previewSegment"] == {
        "count": 4,
        "sampleCustomerIds": ["1", "3", "4", "7"],
        "wouldEnter": 3,
        "wouldExit": 1,
        "errors": [],
    }
    assert await _stored() == before


async def test_read_token_still_cannot_save_a_segment(make_client, store):
    reader = await make_client("read")

    errors = await reader.errors(
        "mutation($input: SegmentInput!) { createSegment(input: $input) { segment { id } } }",
        {"input": WOMEN_INPUT},
    )

    assert [(e["message"], e["extensions"]["code"]) for e in errors] == [
        ("This operation needs the 'write' scope.", "FORBIDDEN")
    ]
    assert await Segment.all().count() == 0
