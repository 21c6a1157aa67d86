"""Segment reads: one, filtered keyset pages, membership lookups, members, history, Customer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.db import dialect
from models.segments import membership, service
from models.segments.orm import (
    MembershipChange,
    RefreshMode,
    RefreshStatus,
    Segment,
    SegmentMember,
    SegmentMembershipEvent,
)
from tests.resolvers.segments.conftest import T0

SEGMENTS = """
query($first: Int, $after: String, $filter: SegmentFilter) {
  segments(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def _segment(name: str, **fields) -> Segment:
    return await Segment.create(name=name, website_ids=[1], **fields)


async def _members(segment: Segment, customer_ids: list[int]) -> None:
    await SegmentMember.bulk_create(
        [
            SegmentMember(
                segment=segment,
                customer_id=cid,
                website_id=1,
                added_at=T0 + timedelta(days=cid),
            )
            for cid in customer_ids
        ]
    )


async def test_segment_by_id(api, store):
    row = await _segment("one", description="d")

    found = await api.data("query($id: ID!) { segment(id: $id) { id name } }", {"id": str(row.id)})
    missing = await api.data('{ segment(id: "999") { id } }')
    malformed = await api.data('{ segment(id: "x1") { id } }')

    assert found == {"segment": {"id": str(row.id), "name": "one"}}
    assert missing == {"segment": None}
    assert malformed == {"segment": None}


async def test_segments_pages_without_duplicates_or_gaps(api, store):
    rows = [await _segment(f"s{i}") for i in range(7)]

    names: list[str] = []
    after = None
    page_infos = []
    while True:
        data = await api.data(SEGMENTS, {"first": 3, "after": after})
        connection = data["segments"]
        names += [edge["node"]["name"] for edge in connection["edges"]]
        page_infos.append(connection["pageInfo"])
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    assert names == [r.name for r in rows]
    assert [p["hasNextPage"] for p in page_infos] == [True, True, False]
    assert page_infos[0]["endCursor"] == service.segment_cursor(rows[2].id)
    assert page_infos[0]["startCursor"] == service.segment_cursor(rows[0].id)


async def test_segment_edges_carry_their_own_cursor(api, store):
    rows = [await _segment(f"s{i}") for i in range(3)]

    data = await api.data(SEGMENTS, {"first": 10})

    assert [e["cursor"] for e in data["segments"]["edges"]] == [
        service.segment_cursor(r.id) for r in rows
    ]
    assert data["segments"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": service.segment_cursor(rows[0].id),
        "endCursor": service.segment_cursor(rows[2].id),
    }


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({"isActive": False}, ["inactive"]),
        ({"isActive": True}, ["auto-done", "manual-error", "manual-pending"]),
        ({"refreshStatus": "COMPLETED"}, ["auto-done"]),
        ({"refreshMode": "MANUAL"}, ["manual-error", "manual-pending"]),
        ({"refreshMode": "MANUAL", "refreshStatus": "ERROR"}, ["manual-error"]),
        ({"isActive": True, "refreshMode": "AUTO", "refreshStatus": "PENDING"}, []),
        ({}, ["auto-done", "inactive", "manual-error", "manual-pending"]),
    ],
)
async def test_segments_filter(api, store, filter_, expected):
    await _segment("auto-done", refresh_status=RefreshStatus.COMPLETED)
    await _segment("inactive", is_active=False)
    await _segment(
        "manual-error", refresh_mode=RefreshMode.MANUAL, refresh_status=RefreshStatus.ERROR
    )
    await _segment("manual-pending", refresh_mode=RefreshMode.MANUAL)

    data = await api.data(SEGMENTS, {"filter": filter_})

    assert [e["node"]["name"] for e in data["segments"]["edges"]] == expected


async def test_filtered_pages_skip_nothing(api, store):
    for i in range(6):
        await _segment(f"s{i}", is_active=i % 2 == 0)

    first = await api.data(SEGMENTS, {"first": 2, "filter": {"isActive": True}})
    after = first["segments"]["pageInfo"]["endCursor"]
    second = await api.data(SEGMENTS, {"first": 2, "after": after, "filter": {"isActive": True}})

    assert [e["node"]["name"] for e in first["segments"]["edges"]] == ["s0", "s2"]
    assert [e["node"]["name"] for e in second["segments"]["edges"]] == ["s4"]
    assert second["segments"]["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"after": "bm9wZQ"}, "after"),
        ({"after": membership.member_cursor(1)}, "after"),
        ({"first": -1}, "first"),
        ({"first": 501}, "first"),
    ],
)
async def test_segments_refuses_bad_paging(api, store, variables, field):
    result = await api.run(SEGMENTS, variables)

    assert result.data is None
    assert result.errors is not None
    assert [e.original_error.errors[0].field for e in result.errors] == [field]  # type: ignore[union-attr]


MEMBERS = """
query($id: ID!, $first: Int, $after: String) {
  segment(id: $id) {
    matchedCustomersCount
    members(first: $first, after: $after) {
      totalCount
      edges { cursor node { customerId websiteId addedAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


async def test_members_connection_pages_in_customer_order(api, store):
    segment = await _segment("m", matched_customers_count=5)
    await _members(segment, [7, 2, 5, 1, 3])

    first = await api.data(MEMBERS, {"id": str(segment.id), "first": 2})
    after = first["segment"]["members"]["pageInfo"]["endCursor"]
    rest = await api.data(MEMBERS, {"id": str(segment.id), "first": 10, "after": after})

    assert first["segment"]["members"] == {
        "totalCount": 5,
        "edges": [
            {
                "cursor": membership.member_cursor(1),
                "node": {"customerId": "1", "websiteId": 1, "addedAt": "2025-01-16T09:30:00+00:00"},
            },
            {
                "cursor": membership.member_cursor(2),
                "node": {"customerId": "2", "websiteId": 1, "addedAt": "2025-01-17T09:30:00+00:00"},
            },
        ],
        "pageInfo": {"hasNextPage": True, "endCursor": membership.member_cursor(2)},
    }
    assert [e["node"]["customerId"] for e in rest["segment"]["members"]["edges"]] == [
        "3",
        "5",
        "7",
    ]
    assert rest["segment"]["members"]["pageInfo"] == {
        "hasNextPage": False,
        "endCursor": membership.member_cursor(7),
    }


async def test_member_nodes_resolve_their_customer(api, store):
    segment = await _segment("m")
    await _members(segment, [1, 2, 9])

    data = await api.data(
        "query($id: ID!) { segment(id: $id) { members {"
        " edges { node { customerId customer { email } } } } } }",
        {"id": str(segment.id)},
    )

    assert [e["node"] for e in data["segment"]["members"]["edges"]] == [
        {"customerId": "1", "customer": {"email": "ann@example.com"}},
        {"customerId": "2", "customer": {"email": "bob@example.com"}},
        {"customerId": "9", "customer": None},
    ]


IS_IN = """
query($s: ID!, $c: ID!, $w: Int) {
  isCustomerInSegment(segmentId: $s, customerId: $c, websiteId: $w)
}
"""


@pytest.mark.parametrize(
    ("customer", "website", "expected"),
    [("2", None, True), ("2", 1, True), ("2", 2, False), ("4", None, False)],
)
async def test_is_customer_in_segment(api, store, customer, website, expected):
    segment = await _segment("m")
    await _members(segment, [1, 2])

    data = await api.data(IS_IN, {"s": str(segment.id), "c": customer, "w": website})

    assert data == {"isCustomerInSegment": expected}


async def test_is_customer_in_segment_refuses_malformed_ids(api, store):
    result = await api.run(IS_IN, {"s": "1", "c": "bob"})

    assert result.errors is not None
    assert result.errors[0].message == "customerId: 'bob' is not a valid id."


async def test_conditions_sql_is_the_compiled_rule(api, store):
    segment = await _segment("m")

    data = await api.data(
        "query($id: ID!) { segment(id: $id) { conditionsSql } }", {"id": str(segment.id)}
    )

    expected = service.conditions_sql(segment, dialect())
    assert data["segment"]["conditionsSql"] == expected
    assert "customer" in expected


HISTORY = """
query($id: ID!, $customer: ID, $first: Int, $after: String) {
  segment(id: $id) {
    membershipHistory(customerId: $customer, first: $first, after: $after) {
      edges { node { customerId websiteId change occurredAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


async def test_membership_history_tells_when_a_customer_entered_and_left(api, store):
    segment = await _segment("h")
    other = await _segment("other")
    story = [
        (segment, 1, MembershipChange.ENTERED, 0),
        (segment, 2, MembershipChange.ENTERED, 0),
        (other, 1, MembershipChange.ENTERED, 1),
        (segment, 1, MembershipChange.EXITED, 2),
        (segment, 1, MembershipChange.ENTERED, 3),
    ]
    for seg, cid, change, day in story:
        await SegmentMembershipEvent.create(
            segment=seg,
            customer_id=cid,
            website_id=1,
            change=change,
            occurred_at=T0 + timedelta(days=day),
        )

    one = await api.data(HISTORY, {"id": str(segment.id), "customer": "1", "first": 2})
    connection = one["segment"]["membershipHistory"]
    rest = await api.data(
        HISTORY,
        {"id": str(segment.id), "customer": "1", "after": connection["pageInfo"]["endCursor"]},
    )
    everyone = await api.data(HISTORY, {"id": str(segment.id)})

    assert [e["node"] for e in connection["edges"]] == [
        {
            "customerId": "1",
            "websiteId": 1,
            "change": "ENTERED",
            "occurredAt": "2025-01-15T09:30:00+00:00",
        },
        {
            "customerId": "1",
            "websiteId": 1,
            "change": "EXITED",
            "occurredAt": "2025-01-17T09:30:00+00:00",
        },
    ]
    assert connection["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["change"] for e in rest["segment"]["membershipHistory"]["edges"]] == [
        "ENTERED"
    ]
    assert rest["segment"]["membershipHistory"]["pageInfo"]["hasNextPage"] is False
    assert [
        (e["node"]["customerId"], e["node"]["change"])
        for e in everyone["segment"]["membershipHistory"]["edges"]
    ] == [("1", "ENTERED"), ("2", "ENTERED"), ("1", "EXITED"), ("1", "ENTERED")]


CUSTOMER_SEGMENTS = """
{
  customers(first: 10) {
    edges { node { id segments { websiteId addedAt segment { id name } } } }
  }
}
"""


async def test_customer_segments_are_loaded_in_one_batch(api, store, monkeypatch):
    a = await _segment("a")
    b = await _segment("b")
    await _members(a, [1, 2])
    await _members(b, [2, 3])
    calls: list[list[int]] = []
    original = membership.memberships_of_customers

    async def counting(ids):
        calls.append(sorted(ids))
        return await original(ids)

    monkeypatch.setattr(membership, "memberships_of_customers", counting)

    data = await api.data(CUSTOMER_SEGMENTS)

    by_customer = {
        e["node"]["id"]: [s["segment"]["name"] for s in e["node"]["segments"]]
        for e in data["customers"]["edges"]
    }
    assert by_customer == {
        "1": ["a"],
        "2": ["a", "b"],
        "3": ["b"],
        "4": [],
        "5": [],
        "6": [],
        "7": [],
        "8": [],
    }
    assert calls == [[1, 2, 3, 4, 5, 6, 7, 8]]
    first_customer = data["customers"]["edges"][0]["node"]
    assert first_customer["segments"] == [
        {
            "websiteId": 1,
            "addedAt": (T0 + timedelta(days=1)).isoformat(),
            "segment": {"id": str(a.id), "name": "a"},
        }
    ]


async def test_reads_need_read_scope(api, store):
    result = await api.run("{ segments { edges { cursor } } }", scopes=frozenset())

    assert result.errors is not None
    assert result.errors[0].message == "This operation needs the 'read' scope."


async def test_last_refresh_at_is_utc(api, store):
    segment = await _segment("t", last_refresh_at=datetime(2025, 5, 1, 2, 3, 4, tzinfo=UTC))

    data = await api.data(
        "query($id: ID!) { segment(id: $id) { lastRefreshAt } }", {"id": str(segment.id)}
    )

    assert data == {"segment": {"lastRefreshAt": "2025-05-01T02:03:04+00:00"}}
