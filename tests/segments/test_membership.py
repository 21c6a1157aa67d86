"""Membership reads: keyset pages, lookups, per-customer batches and export chunks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.errors import DomainError
from models.pagination import encode_cursor
from models.segments import membership
from models.segments.membership import Member, MemberContact, Membership
from models.segments.orm import Segment, SegmentMember
from models.store.customers import Customer
from models.store.reference import CustomerGroup, Website
from tests.segments.store_rows import add_customers, customer_row

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


async def _store(customer_ids: range | list[int]) -> None:
    await Website.create(id=1, code="base")
    await Website.create(id=2, code="second")
    await CustomerGroup.create(id=1, code="general")
    await add_customers(
        *(
            customer_row(
                cid,
                website_id=1 + cid % 2,
                firstname=f"First{cid}",
                lastname=f"Last{cid}",
                created_at=T0,
            )
            for cid in customer_ids
        )
    )


async def _segment_with(customer_ids: list[int], name: str = "s") -> Segment:
    segment = await Segment.create(name=name, website_ids=[1, 2])
    await SegmentMember.bulk_create(
        [
            SegmentMember(
                segment=segment,
                customer_id=cid,
                website_id=1 + cid % 2,
                added_at=T0 + timedelta(minutes=cid),
            )
            for cid in customer_ids
        ]
    )
    return segment


async def test_members_page_walks_every_member_once_in_id_order(db):
    await _store(range(1, 12))
    segment = await _segment_with([9, 3, 1, 7, 5, 11, 2])
    await _segment_with([4, 6], name="other")

    seen: list[int] = []
    after = None
    pages = 0
    while True:
        page = await membership.members_page(segment.id, first=3, after=after)
        pages += 1
        seen += [m.customer_id for m in page.items]
        if not page.has_next:
            break
        after = page.end_cursor

    assert seen == [1, 2, 3, 5, 7, 9, 11]
    assert pages == 3


async def test_members_page_items_and_last_page(db):
    await _store(range(1, 4))
    segment = await _segment_with([1, 2])

    page = await membership.members_page(segment.id, first=5, after=None)

    assert page.items == [
        Member(customer_id=1, website_id=2, added_at=T0 + timedelta(minutes=1)),
        Member(customer_id=2, website_id=1, added_at=T0 + timedelta(minutes=2)),
    ]
    assert page.has_next is False
    assert page.end_cursor == membership.member_cursor(2)


async def test_members_page_of_empty_segment(db):
    segment = await _segment_with([])

    page = await membership.members_page(segment.id, first=10, after=None)

    assert (page.items, page.end_cursor, page.has_next) == ([], None, False)


@pytest.mark.parametrize(
    "cursor",
    ["not base64 !", "e30", encode_cursor("segment", 3), encode_cursor("member", "3"), "W10"],
)
async def test_members_page_refuses_bad_cursor(db, cursor):
    segment = await _segment_with([])

    with pytest.raises(DomainError) as caught:
        await membership.members_page(segment.id, first=10, after=cursor)

    assert [(e.field, e.code, e.message) for e in caught.value.errors] == [
        ("after", "INVALID", "Invalid cursor.")
    ]


async def test_members_page_refuses_bad_first(db):
    with pytest.raises(DomainError) as caught:
        await membership.members_page(1, first=-1, after=None)

    assert [e.field for e in caught.value.errors] == ["first"]


async def test_is_customer_in_segment_checks_website_when_given(db):
    await _store(range(1, 4))
    segment = await _segment_with([1, 2])

    assert await membership.is_customer_in_segment(segment.id, 1) is True
    assert await membership.is_customer_in_segment(segment.id, 1, website_id=2) is True
    assert await membership.is_customer_in_segment(segment.id, 1, website_id=1) is False
    assert await membership.is_customer_in_segment(segment.id, 3) is False
    assert await membership.is_customer_in_segment(segment.id + 1, 1) is False


async def test_memberships_of_customers_groups_by_customer(db):
    await _store(range(1, 5))
    first = await _segment_with([1, 2], name="a")
    second = await _segment_with([2, 3], name="b")

    found = await membership.memberships_of_customers([3, 2, 4, 2])

    assert {cid: [m.segment_id for m in rows] for cid, rows in found.items()} == {
        2: [first.id, second.id],
        3: [second.id],
        4: [],
    }
    assert found[3] == [
        Membership(
            segment_id=second.id,
            customer_id=3,
            website_id=2,
            added_at=T0 + timedelta(minutes=3),
        )
    ]
    assert await membership.memberships_of_customers([]) == {}


async def test_iter_members_yields_bounded_chunks_with_contacts(db):
    await _store(range(1, 11))
    segment = await _segment_with(list(range(1, 11)))
    await Customer.filter(id=4).delete()

    chunks = [chunk async for chunk in membership.iter_members(segment.id, chunk_size=4)]

    assert [[m.customer_id for m in chunk] for chunk in chunks] == [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        [9, 10],
    ]
    assert chunks[0][0] == MemberContact(
        customer_id=1,
        website_id=2,
        added_at=T0 + timedelta(minutes=1),
        email="c1@example.com",
        firstname="First1",
        lastname="Last1",
    )
    assert (chunks[0][3].email, chunks[0][3].firstname, chunks[0][3].lastname) == (None,) * 3


async def test_iter_members_exact_multiple_of_chunk_size(db):
    await _store(range(1, 5))
    segment = await _segment_with([1, 2, 3, 4])

    chunks = [chunk async for chunk in membership.iter_members(segment.id, chunk_size=2)]

    assert [[m.customer_id for m in chunk] for chunk in chunks] == [[1, 2], [3, 4]]
    assert [c async for c in membership.iter_members(segment.id + 1)] == []
