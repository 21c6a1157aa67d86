"""Preview: counts what a refresh would produce and writes nothing."""

from __future__ import annotations

import pytest

from models.db import connection
from models.errors import DomainError, ErrorCode
from models.segments.orm import RefreshStatus, Segment, SegmentMembershipEvent
from models.segments.preview import preview_segment
from models.segments.refresh import refresh_segment
from models.segments.service import create_segment
from tests.segments.segment_rows import (
    T1,
    customer,
    firstname_is,
    member_ids,
    reference_rows,
    rename,
    segment_data,
)


async def temp_tables(dialect: str) -> list[str]:
    if dialect == "sqlite":
        sql = "SELECT name FROM sqlite_temp_master WHERE type = 'table'"
    else:
        sql = "SELECT relname AS name FROM pg_class WHERE relpersistence = 't'"
    return [row["name"] for row in await connection().execute_query_dict(sql)]


async def _store() -> None:
    await reference_rows()
    for customer_id in (5, 1, 4, 2):
        await customer(customer_id, "Ann")
    await customer(3, "Bob")
    await customer(6, "Ann", is_active=False)


async def test_preview_counts_and_samples_in_customer_order_storing_nothing(db):
    await _store()

    preview = await preview_segment(segment_data(), sample_size=3)

    assert (preview.count, preview.sample_customer_ids) == (4, [1, 2, 4])
    assert (preview.would_enter, preview.would_exit) == (None, None)
    assert await Segment.all().count() == 0
    assert await temp_tables(db.dialect) == []


async def test_preview_against_a_stored_segment_tells_who_would_enter_and_exit(db):
    await _store()
    segment = await create_segment(segment_data())
    await refresh_segment(segment.id, now=T1)
    await rename(1, "Bob")
    await rename(3, "Ann")
    before = await Segment.get(id=segment.id).values()

    preview = await preview_segment(segment_data(), segment_id=segment.id)

    assert (preview.count, preview.sample_customer_ids) == (4, [2, 3, 4, 5])
    assert (preview.would_enter, preview.would_exit) == (1, 1)
    assert await member_ids(segment.id) == {1, 2, 4, 5}
    assert await SegmentMembershipEvent.all().count() == 4
    assert await Segment.get(id=segment.id).values() == before
    assert before["refresh_status"] == RefreshStatus.COMPLETED
    assert await temp_tables(db.dialect) == []


async def test_preview_of_changed_conditions_compares_with_the_current_members(db):
    await _store()
    segment = await create_segment(segment_data())
    await refresh_segment(segment.id, now=T1)

    preview = await preview_segment(
        segment_data(conditions=firstname_is("Bob")), segment_id=segment.id, sample_size=0
    )

    assert (preview.count, preview.sample_customer_ids) == (1, [])
    assert (preview.would_enter, preview.would_exit) == (1, 4)


async def test_an_inactive_segment_previews_as_its_refresh_would_run(db):
    await _store()
    segment = await create_segment(segment_data())
    await refresh_segment(segment.id, now=T1)

    preview = await preview_segment(segment_data(is_active=False), segment_id=segment.id)

    assert (preview.count, preview.would_enter, preview.would_exit) == (0, 0, 4)


async def test_preview_validates_like_create(db):
    await _store()
    bad = {"type": "combine", "conditions": [{"type": "customer_attributes"}]}

    with pytest.raises(DomainError) as error:
        await preview_segment(segment_data(website_ids=[], conditions=bad))

    assert [(e.field, e.code) for e in error.value.errors] == [
        ("websiteIds", ErrorCode.REQUIRED),
        ("conditions.conditions[0].attribute", ErrorCode.INVALID),
        ("conditions.conditions[0].operator", ErrorCode.INVALID),
    ]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"segment_id": 404}, [("id", ErrorCode.NOT_FOUND)]),
        ({"sample_size": 101}, [("sampleSize", ErrorCode.INVALID)]),
        ({"sample_size": -1}, [("sampleSize", ErrorCode.INVALID)]),
    ],
)
async def test_preview_refuses_a_missing_segment_and_odd_sample_sizes(db, kwargs, expected):
    await _store()

    with pytest.raises(DomainError) as error:
        await preview_segment(segment_data(), **kwargs)

    assert [(e.field, e.code) for e in error.value.errors] == expected
