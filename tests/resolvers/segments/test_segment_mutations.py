"""createSegment, updateSegment, deleteSegment: exact payloads, typed errors, no half writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models.segments.orm import (
    MembershipChange,
    RefreshStatus,
    Segment,
    SegmentMember,
    SegmentMembershipEvent,
)
from tests.resolvers.segments.conftest import FEMALE, segment_count
from tests.segments.trees import leaf, root

SEGMENT_FIELDS = """
    id name description isActive websiteIds customerGroupIds refreshMode priority
    conditions autoEmailActive allowOverlappingSequences matchedCustomersCount
    lastRefreshAt refreshStatus refreshError
"""
CREATE = (
    "mutation($input: SegmentInput!) { createSegment(input: $input) {"
    f" segment {{ {SEGMENT_FIELDS} }} errors {{ field code message }} }} }}"
)
UPDATE = (
    "mutation($id: ID!, $input: SegmentInput!) { updateSegment(id: $id, input: $input) {"
    f" segment {{ {SEGMENT_FIELDS} }} errors {{ field code message }} }} }}"
)
DELETE = "mutation($id: ID!) { deleteSegment(id: $id) { deletedId errors { field code } } }"

FULL_INPUT = {
    "name": "  Loyal women  ",
    "description": "Women of the main website",
    "isActive": True,
    "websiteIds": [1],
    "customerGroupIds": [1, 2],
    "refreshMode": "MANUAL",
    "priority": 3,
    "conditions": FEMALE,
    # Switching automated emails on needs an active step (tests/resolvers/automation).
    "autoEmailActive": False,
    "allowOverlappingSequences": True,
}


async def test_create_segment_stores_every_field_and_stays_pending(api, store):
    data = await api.data(CREATE, {"input": FULL_INPUT})

    payload = data["createSegment"]
    row = await Segment.get()
    assert payload == {
        "segment": {
            "id": str(row.id),
            "name": "Loyal women",
            "description": "Women of the main website",
            "isActive": True,
            "websiteIds": [1],
            "customerGroupIds": [1, 2],
            "refreshMode": "MANUAL",
            "priority": 3,
            "conditions": FEMALE,
            "autoEmailActive": False,
            "allowOverlappingSequences": True,
            "matchedCustomersCount": 0,
            "lastRefreshAt": None,
            "refreshStatus": "PENDING",
            "refreshError": None,
        },
        "errors": [],
    }
    assert await SegmentMember.all().count() == 0


async def test_create_segment_defaults(api, store):
    data = await api.data(CREATE, {"input": {"name": "All", "websiteIds": [2]}})

    segment = data["createSegment"]["segment"]
    assert {k: segment[k] for k in segment if k != "id"} == {
        "name": "All",
        "description": None,
        "isActive": True,
        "websiteIds": [2],
        "customerGroupIds": [],
        "refreshMode": "AUTO",
        "priority": 0,
        "conditions": root(),
        "autoEmailActive": False,
        "allowOverlappingSequences": False,
        "matchedCustomersCount": 0,
        "lastRefreshAt": None,
        "refreshStatus": "PENDING",
        "refreshError": None,
    }


async def test_create_segment_reports_every_invalid_field_and_stores_nothing(api, store):
    bad = {
        **FULL_INPUT,
        "name": " ",
        "websiteIds": [1, 99],
        "customerGroupIds": [7],
        "priority": -1,
        "conditions": root(
            leaf("customer_attributes", "gender", "==", "female"),
            leaf("customer_attributes", "gender", "{}", "female"),
            root(leaf("customer_attributes", "no_such_attribute", "==", 1)),
        ),
    }

    data = await api.data(CREATE, {"input": bad})

    payload = data["createSegment"]
    assert payload["segment"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("name", "REQUIRED"),
        ("websiteIds[1]", "NOT_FOUND"),
        ("customerGroupIds[0]", "NOT_FOUND"),
        ("priority", "INVALID"),
        ("conditions.conditions[1].operator", "OPERATOR_NOT_ALLOWED"),
        ("conditions.conditions[2].conditions[0].attribute", "UNKNOWN_ATTRIBUTE"),
    ]
    assert all(e["message"] for e in payload["errors"])
    assert await segment_count() == 0


async def test_create_segment_needs_a_website(api, store):
    data = await api.data(CREATE, {"input": {"name": "x", "websiteIds": []}})

    assert data["createSegment"]["errors"] == [
        {"field": "websiteIds", "code": "REQUIRED", "message": "At least one website is required."}
    ]
    assert await segment_count() == 0


async def test_update_segment_replaces_every_field(api, store):
    created = (await api.data(CREATE, {"input": FULL_INPUT}))["createSegment"]["segment"]
    row = await Segment.get(id=int(created["id"]))
    await Segment.filter(id=row.id).update(
        matched_customers_count=4,
        refresh_status=RefreshStatus.COMPLETED,
        last_refresh_at=datetime(2025, 2, 1, 8, 0, tzinfo=UTC),
    )

    data = await api.data(
        UPDATE,
        {
            "id": created["id"],
            "input": {
                "name": "Men",
                "websiteIds": [2, 1],
                "conditions": root(leaf("customer_attributes", "gender", "==", "male")),
            },
        },
    )

    assert data["updateSegment"] == {
        "segment": {
            "id": created["id"],
            "name": "Men",
            "description": None,
            "isActive": True,
            "websiteIds": [2, 1],
            "customerGroupIds": [],
            "refreshMode": "AUTO",
            "priority": 0,
            "conditions": root(leaf("customer_attributes", "gender", "==", "male")),
            "autoEmailActive": False,
            "allowOverlappingSequences": False,
            # Saving never refreshes: the last refresh's state stays.
            "matchedCustomersCount": 4,
            "lastRefreshAt": "2025-02-01T08:00:00+00:00",
            "refreshStatus": "COMPLETED",
            "refreshError": None,
        },
        "errors": [],
    }


async def test_invalid_update_changes_nothing(api, store):
    created = (await api.data(CREATE, {"input": FULL_INPUT}))["createSegment"]["segment"]
    before = await Segment.get(id=int(created["id"])).values()

    data = await api.data(
        UPDATE,
        {"id": created["id"], "input": {**FULL_INPUT, "name": "ok", "websiteIds": [3]}},
    )

    assert data["updateSegment"]["segment"] is None
    assert [(e["field"], e["code"]) for e in data["updateSegment"]["errors"]] == [
        ("websiteIds[0]", "NOT_FOUND")
    ]
    assert await Segment.get(id=int(created["id"])).values() == before


@pytest.mark.parametrize(
    ("segment_id", "code"), [("999", "NOT_FOUND"), ("abc", "INVALID"), ("-1", "INVALID")]
)
async def test_update_of_missing_segment(api, store, segment_id, code):
    data = await api.data(UPDATE, {"id": segment_id, "input": FULL_INPUT})

    assert data["updateSegment"]["segment"] is None
    assert [(e["field"], e["code"]) for e in data["updateSegment"]["errors"]] == [("id", code)]
    assert await segment_count() == 0


async def test_delete_segment_removes_members_and_history(api, store):
    created = (await api.data(CREATE, {"input": FULL_INPUT}))["createSegment"]["segment"]
    other = (await api.data(CREATE, {"input": FULL_INPUT}))["createSegment"]["segment"]
    for sid in (int(created["id"]), int(other["id"])):
        await SegmentMember.create(
            segment_id=sid, customer_id=1, website_id=1, added_at=datetime.now(UTC)
        )
        await SegmentMembershipEvent.create(
            segment_id=sid,
            customer_id=1,
            website_id=1,
            change=MembershipChange.ENTERED,
            occurred_at=datetime.now(UTC),
        )

    data = await api.data(DELETE, {"id": created["id"]})

    assert data["deleteSegment"] == {"deletedId": created["id"], "errors": []}
    assert [s.id for s in await Segment.all()] == [int(other["id"])]
    assert await SegmentMember.filter(segment_id=int(other["id"])).count() == 1
    assert await SegmentMember.all().count() == 1
    assert await SegmentMembershipEvent.all().count() == 1

    again = await api.data(DELETE, {"id": created["id"]})
    assert again["deleteSegment"] == {
        "deletedId": None,
        "errors": [{"field": "id", "code": "NOT_FOUND"}],
    }


async def test_mutations_need_write_scope(api, store):
    result = await api.run(CREATE, {"input": FULL_INPUT}, scopes=frozenset({"read"}))

    assert result.data is None
    assert [e.message for e in result.errors or []] == ["This operation needs the 'write' scope."]
    assert await segment_count() == 0
