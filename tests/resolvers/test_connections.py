"""Every list the API pages through has one shape: edges, nodes, pageInfo and totalCount."""

from __future__ import annotations

from datetime import UTC, datetime

from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLOutputType

from gqlserver.schema import schema
from models.automation.orm import AutomationReport, ProgressStatus
from models.segments.orm import MembershipChange, RefreshMode, Segment, SegmentMember
from models.segments.orm import SegmentMembershipEvent as Event
from models.store.reference import CustomerGroup, Website
from models.store.sales import Order
from tests.automation.step_rows import progress, step, template
from tests.segments.store_rows import add_customers, customer_row

AT = datetime(2025, 3, 1, 12, tzinfo=UTC)
CONNECTION_FIELDS = ["edges", "nodes", "pageInfo", "totalCount"]


def _named(of: GraphQLOutputType) -> GraphQLOutputType:
    while isinstance(of, GraphQLNonNull | GraphQLList):
        of = of.of_type
    return of


def test_every_connection_type_has_the_same_fields():
    types = schema._schema.type_map
    connections = {
        name: t
        for name, t in types.items()
        if name.endswith("Connection") and isinstance(t, GraphQLObjectType)
    }
    shapes = {}
    for name, connection in sorted(connections.items()):
        edge = _named(connection.fields["edges"].type)
        assert isinstance(edge, GraphQLObjectType)
        node = _named(edge.fields["node"].type)
        shapes[name] = (
            sorted(connection.fields),
            sorted(edge.fields),
            _named(connection.fields["nodes"].type) is node,
            str(connection.fields["totalCount"].type),
        )

    assert len(shapes) >= 8
    assert {name: shape for name, shape in shapes.items()} == {
        name: (CONNECTION_FIELDS, ["cursor", "node"], True, "Int!") for name in shapes
    }


async def _segments_with_history() -> Segment:
    """Segments 1 (auto, two members, three events: customer 2 entered twice) and 2..3."""
    await Website.create(id=1, code="base", name="Main")
    await CustomerGroup.create(id=1, code="general")
    await add_customers(*(customer_row(c, created_at=AT) for c in (1, 2, 3)))
    first = await Segment.create(
        name="A", website_ids=[1], refresh_mode=RefreshMode.AUTO, matched_customers_count=2
    )
    await Segment.create(name="B", website_ids=[1], refresh_mode=RefreshMode.MANUAL)
    await Segment.create(name="C", website_ids=[1], refresh_mode=RefreshMode.AUTO)
    for customer_id in (1, 2):
        await SegmentMember.create(
            segment=first, customer_id=customer_id, website_id=1, added_at=AT
        )
    for customer_id, change in ((1, "entered"), (2, "entered"), (2, "exited"), (2, "entered")):
        await Event.create(
            segment=first,
            customer_id=customer_id,
            website_id=1,
            change=MembershipChange(change),
            occurred_at=AT,
        )
    return first


SEGMENT_LISTS = """
query($segment: ID!) {
  segments(first: 1, filter: {refreshMode: AUTO}) {
    totalCount nodes { name } edges { node { name } } pageInfo { hasNextPage }
  }
  segment(id: $segment) {
    members(first: 1) { totalCount nodes { customerId } edges { node { customerId } } }
    membershipHistory(customerId: "2", first: 2) {
      totalCount nodes { change } edges { node { change } } pageInfo { hasNextPage }
    }
  }
  customers(first: 2, filter: {websiteId: 1}) { totalCount nodes { id } }
  customer(id: "1") { orders(first: 1) { totalCount nodes { id } } }
}
"""


async def test_segment_and_store_lists_have_nodes_and_a_total(gql):
    first = await _segments_with_history()
    for order_id, state in ((10, "complete"), (11, "canceled"), (12, "processing")):
        await Order.create(
            id=order_id,
            customer_id=1,
            state=state,
            status=state,
            created_at=AT,
            grand_total=1,
            subtotal=1,
        )

    data = await gql.data(SEGMENT_LISTS, {"segment": str(first.id)})

    assert data["segments"] == {
        "totalCount": 2,
        "nodes": [{"name": "A"}],
        "edges": [{"node": {"name": "A"}}],
        "pageInfo": {"hasNextPage": True},
    }
    assert data["segment"] == {
        "members": {
            "totalCount": 2,
            "nodes": [{"customerId": "1"}],
            "edges": [{"node": {"customerId": "1"}}],
        },
        "membershipHistory": {
            "totalCount": 3,
            "nodes": [{"change": "ENTERED"}, {"change": "EXITED"}],
            "edges": [{"node": {"change": "ENTERED"}}, {"node": {"change": "EXITED"}}],
            "pageInfo": {"hasNextPage": True},
        },
    }
    assert data["customers"] == {"totalCount": 3, "nodes": [{"id": "1"}, {"id": "2"}]}
    assert data["customer"] == {"orders": {"totalCount": 3, "nodes": [{"id": "12"}]}}


AUTOMATION_LISTS = """
query($segment: ID!) {
  newsletterTemplates(first: 1) { totalCount nodes { code } }
  sequenceProgress(segmentId: $segment, status: SENT, first: 1) { totalCount nodes { customerId } }
  automationReports(first: 1) { totalCount nodes { sent } }
}
"""


async def test_automation_lists_count_every_page_with_the_same_filters(gql):
    first = await _segments_with_history()
    await template(1)
    await template(2)
    welcome = await step(first.id)
    await progress(welcome, 1, ProgressStatus.SENT)
    await progress(welcome, 2, ProgressStatus.SENT)
    await progress(welcome, 3, ProgressStatus.SCHEDULED)
    for sent in (4, 5):
        await AutomationReport.create(
            period_start=AT,
            period_end=AT,
            sent=sent,
            failed=0,
            skipped=0,
            scheduled=0,
            total_active=0,
        )

    data = await gql.data(AUTOMATION_LISTS, {"segment": str(first.id)})

    assert data == {
        "newsletterTemplates": {"totalCount": 2, "nodes": [{"code": "t1"}]},
        "sequenceProgress": {"totalCount": 2, "nodes": [{"customerId": "2"}]},
        "automationReports": {"totalCount": 2, "nodes": [{"sent": 5}]},
    }
