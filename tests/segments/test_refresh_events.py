"""Membership history: when a customer entered and left a segment, paged oldest first."""

from __future__ import annotations

import pytest

from models.errors import DomainError, ErrorCode
from models.segments.events import membership_history
from models.segments.orm import MembershipChange
from models.segments.refresh import refresh_segment
from models.segments.service import create_segment
from tests.segments.segment_rows import (
    T1,
    T2,
    T3,
    customer,
    firstname_is,
    reference_rows,
    rename,
    segment_data,
)

ENTERED, EXITED = MembershipChange.ENTERED, MembershipChange.EXITED


async def _story() -> tuple[int, int]:
    """Customer 1 enters both segments at T1, leaves the Ann one at T2 and is back at T3."""
    await reference_rows()
    await customer(1, "Ann")
    await customer(2, "Ann")
    anns = await create_segment(segment_data())
    everyone = await create_segment(
        segment_data(name="All", conditions={"type": "combine", "conditions": []})
    )
    await refresh_segment(anns.id, now=T1)
    await refresh_segment(everyone.id, now=T1)
    await rename(1, "Bob")
    await refresh_segment(anns.id, now=T2)
    await rename(1, "Ann")
    await refresh_segment(anns.id, now=T3)
    return anns.id, everyone.id


async def test_a_customers_story_in_one_segment(db):
    anns, _ = await _story()

    page = await membership_history(segment_id=anns, customer_id=1, first=10, after=None)

    assert [(e.change, e.occurred_at) for e in page.items] == [
        (ENTERED, T1),
        (EXITED, T2),
        (ENTERED, T3),
    ]
    assert {(e.segment_id, e.customer_id, e.website_id) for e in page.items} == {(anns, 1, 1)}
    assert page.has_next is False


async def test_history_pages_by_id_and_filters_by_segment_or_customer(db):
    anns, everyone = await _story()

    first = await membership_history(segment_id=None, customer_id=1, first=2, after=None)
    rest = await membership_history(
        segment_id=None, customer_id=1, first=10, after=first.end_cursor
    )

    story = [(e.segment_id, e.change, e.occurred_at) for e in first.items + rest.items]
    assert story == [
        (anns, ENTERED, T1),
        (everyone, ENTERED, T1),
        (anns, EXITED, T2),
        (anns, ENTERED, T3),
    ]
    assert first.has_next is True and rest.has_next is False
    ids = [e.id for e in first.items + rest.items]
    assert ids == sorted(ids)
    whole = await membership_history(segment_id=everyone, customer_id=None, first=10, after=None)
    assert sorted(e.customer_id for e in whole.items) == [1, 2]


async def test_a_cursor_of_another_list_is_refused(db):
    with pytest.raises(DomainError) as error:
        await membership_history(
            segment_id=None, customer_id=None, first=5, after="WyJzZWdtZW50IiwxXQ"
        )

    assert [(e.field, e.code) for e in error.value.errors] == [("after", ErrorCode.INVALID)]


async def test_no_events_for_a_segment_that_never_changed(db):
    await reference_rows()
    segment = await create_segment(segment_data(conditions=firstname_is("Nobody")))
    await refresh_segment(segment.id, now=T1)

    page = await membership_history(segment_id=segment.id, customer_id=None, first=5, after=None)

    assert (page.items, page.has_next, page.end_cursor) == ([], False, None)
