"""Segment CRUD: every problem reported at once with its input path, nothing half stored."""

from __future__ import annotations

import asyncio

import pytest

from models.errors import DomainError, ErrorCode
from models.segments import refresh as refresh_module
from models.segments.orm import (
    RefreshMode,
    RefreshStatus,
    Segment,
    SegmentMember,
    SegmentMembershipEvent,
)
from models.segments.refresh import refresh_segment
from models.segments.service import (
    conditions_sql,
    create_segment,
    delete_segment,
    list_segments,
    update_segment,
)
from tests.segments.refresh_lock import postgres_only, wait_until_blocked_on_lock
from tests.segments.segment_rows import (
    T1,
    customer,
    firstname_is,
    member_ids,
    reference_rows,
    segment_data,
)

LONG_TYPE = "customersegmentation/segment_condition_customer_attributes"


def problems(error: pytest.ExceptionInfo[DomainError]) -> list[tuple[str | None, ErrorCode]]:
    return [(e.field, e.code) for e in error.value.errors]


async def snapshot(segment_id: int) -> dict:
    return dict(await Segment.filter(id=segment_id).first().values())


async def test_create_stores_the_normalised_segment_as_pending(db):
    await reference_rows()
    conditions = firstname_is("Ann", type_name=LONG_TYPE)
    conditions["value"] = "1"

    segment = await create_segment(
        segment_data(
            name="  Anns  ",
            website_ids=[2, 1, 2],
            customer_group_ids=[2],
            refresh_mode=RefreshMode.MANUAL,
            priority=3,
            conditions=conditions,
            auto_email_active=True,
        )
    )

    row = await Segment.get(id=segment.id)
    assert (row.name, row.description) == ("Anns", "Customers called Ann")
    assert (row.website_ids, row.customer_group_ids) == ([2, 1], [2])
    assert (row.refresh_mode, row.priority, row.is_active) == (RefreshMode.MANUAL, 3, True)
    assert (row.auto_email_active, row.allow_overlapping_sequences) == (True, False)
    assert row.conditions == firstname_is("Ann")
    assert (row.refresh_status, row.matched_customers_count, row.last_refresh_at) == (
        RefreshStatus.PENDING,
        0,
        None,
    )


@pytest.mark.parametrize("conditions", [None, {}])
async def test_no_rule_is_stored_as_the_empty_root(db, conditions):
    await reference_rows()

    segment = await create_segment(segment_data(conditions=conditions))

    assert (await Segment.get(id=segment.id)).conditions == {
        "type": "combine",
        "aggregator": "all",
        "value": True,
        "conditions": [],
    }


async def test_every_problem_is_reported_with_its_input_path_and_nothing_is_stored(db):
    await reference_rows()
    conditions = {
        "type": "combine",
        "aggregator": "all",
        "conditions": [
            {"type": "customer_attributes", "attribute": "shoe_size", "operator": "==", "value": 1},
            {"type": "customer_attributes", "attribute": "firstname", "operator": "~", "value": 1},
        ],
    }

    with pytest.raises(DomainError) as error:
        await create_segment(
            segment_data(
                name=" ",
                website_ids=[1, 9],
                customer_group_ids=[7],
                priority=-1,
                conditions=conditions,
            )
        )

    assert problems(error) == [
        ("name", ErrorCode.REQUIRED),
        ("websiteIds[1]", ErrorCode.NOT_FOUND),
        ("customerGroupIds[0]", ErrorCode.NOT_FOUND),
        ("priority", ErrorCode.INVALID),
        ("conditions.conditions[0].attribute", ErrorCode.UNKNOWN_ATTRIBUTE),
        ("conditions.conditions[1].operator", ErrorCode.UNKNOWN_OPERATOR),
    ]
    assert await Segment.all().count() == 0


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"name": "x" * 256}, [("name", ErrorCode.INVALID)]),
        ({"website_ids": []}, [("websiteIds", ErrorCode.REQUIRED)]),
        ({"website_ids": [True]}, [("websiteIds[0]", ErrorCode.INVALID)]),
        ({"refresh_mode": "sometimes"}, [("refreshMode", ErrorCode.INVALID)]),
        ({"conditions": {"type": "nope"}}, [("conditions.type", ErrorCode.UNKNOWN_TYPE)]),
    ],
)
async def test_single_field_problems(db, overrides, expected):
    await reference_rows()

    with pytest.raises(DomainError) as error:
        await create_segment(segment_data(**overrides))

    assert problems(error) == expected
    assert await Segment.all().count() == 0


async def test_a_name_of_255_characters_is_accepted(db):
    await reference_rows()

    segment = await create_segment(segment_data(name="x" * 255))

    assert len((await Segment.get(id=segment.id)).name) == 255


async def test_saving_never_refreshes(db):
    await reference_rows()
    await customer(1, "Ann")

    segment = await create_segment(segment_data())
    await update_segment(segment.id, segment_data(name="Still Anns"))

    row = await Segment.get(id=segment.id)
    assert (row.refresh_status, row.matched_customers_count) == (RefreshStatus.PENDING, 0)
    assert await member_ids(segment.id) == set()
    assert await SegmentMembershipEvent.all().count() == 0


async def test_update_replaces_the_settings_and_keeps_members_and_refresh_state(db):
    await reference_rows()
    await customer(1, "Ann")
    segment = await create_segment(segment_data())
    await refresh_segment(segment.id, now=T1)

    updated = await update_segment(
        segment.id,
        segment_data(name="Bobs", conditions=firstname_is("Bob"), website_ids=[2], priority=5),
    )

    row = await Segment.get(id=segment.id)
    assert updated.id == segment.id
    assert (row.name, row.website_ids, row.priority) == ("Bobs", [2], 5)
    assert row.conditions == firstname_is("Bob")
    assert (row.refresh_status, row.matched_customers_count, row.last_refresh_at) == (
        RefreshStatus.COMPLETED,
        1,
        T1,
    )
    assert await member_ids(segment.id) == {1}


async def test_an_invalid_update_changes_nothing(db):
    await reference_rows()
    segment = await create_segment(segment_data())
    before = await snapshot(segment.id)

    with pytest.raises(DomainError) as error:
        await update_segment(segment.id, segment_data(name="", website_ids=[3]))

    assert problems(error) == [("name", ErrorCode.REQUIRED), ("websiteIds[0]", ErrorCode.NOT_FOUND)]
    assert await snapshot(segment.id) == before


async def test_updating_a_missing_segment_is_not_found(db):
    await reference_rows()

    with pytest.raises(DomainError) as error:
        await update_segment(404, segment_data())

    assert problems(error) == [("id", ErrorCode.NOT_FOUND)]
    assert await Segment.all().count() == 0


async def test_delete_removes_the_segment_with_its_members_and_history(db):
    await reference_rows()
    await customer(1, "Ann")
    segment = await create_segment(segment_data())
    other = await create_segment(segment_data(name="Other"))
    await refresh_segment(segment.id, now=T1)
    await refresh_segment(other.id, now=T1)

    assert await delete_segment(segment.id) == segment.id

    assert await Segment.filter(id=segment.id).exists() is False
    assert await SegmentMember.filter(segment_id=segment.id).count() == 0
    assert await SegmentMembershipEvent.filter(segment_id=segment.id).count() == 0
    assert await member_ids(other.id) == {1}
    assert await SegmentMembershipEvent.filter(segment_id=other.id).count() == 1


@postgres_only
async def test_a_delete_waits_for_a_running_refresh_and_removes_what_it_wrote(db, monkeypatch):
    await reference_rows()
    await customer(1, "Ann")
    segment = await create_segment(segment_data())
    other = await create_segment(segment_data(name="Other"))
    await refresh_segment(other.id, now=T1)
    apply = refresh_module.apply_diff
    refresh_read = asyncio.Event()
    let_refresh_write = asyncio.Event()

    async def refresh_waits(*args, **kwargs):
        # The refresh stops between reading the segment and writing its members.
        refresh_read.set()
        await let_refresh_write.wait()
        return await apply(*args, **kwargs)

    monkeypatch.setattr(refresh_module, "apply_diff", refresh_waits)
    refreshing = asyncio.create_task(refresh_segment(segment.id, now=T1))
    await refresh_read.wait()
    deleting = asyncio.create_task(delete_segment(segment.id))

    # Without the lock the delete would commit first and the refresh would then write a
    # member and an event of a segment that no longer exists.
    try:
        await wait_until_blocked_on_lock(db, segment.id, deleting)
    finally:
        let_refresh_write.set()
    outcome = await refreshing

    assert await deleting == segment.id
    assert (outcome.entered_count, outcome.exited_count) == (1, 0)
    assert await Segment.filter(id=segment.id).exists() is False
    assert await SegmentMember.filter(segment_id=segment.id).count() == 0
    assert await SegmentMembershipEvent.filter(segment_id=segment.id).count() == 0
    assert await member_ids(other.id) == {1}
    assert await SegmentMembershipEvent.filter(segment_id=other.id).count() == 1


async def test_deleting_a_missing_segment_is_not_found(db):
    await reference_rows()
    segment = await create_segment(segment_data())

    with pytest.raises(DomainError) as error:
        await delete_segment(segment.id + 1)

    assert problems(error) == [("id", ErrorCode.NOT_FOUND)]
    assert await Segment.all().count() == 1


async def test_segments_are_listed_in_id_order_page_by_page_with_filters(db):
    await reference_rows()
    ids = [
        (await create_segment(segment_data(name=f"s{i}", is_active=i != 2))).id for i in range(5)
    ]
    await Segment.filter(id=ids[3]).update(refresh_mode=RefreshMode.MANUAL)
    await Segment.filter(id=ids[4]).update(refresh_status=RefreshStatus.ERROR)

    first = await list_segments(first=2, after=None)
    second = await list_segments(first=2, after=first.end_cursor)
    last = await list_segments(first=2, after=second.end_cursor)

    assert [s.id for s in first.items] == ids[:2] and first.has_next
    assert [s.id for s in second.items] == ids[2:4] and second.has_next
    assert [s.id for s in last.items] == ids[4:] and not last.has_next
    active = await list_segments(first=10, after=None, is_active=True)
    assert [s.id for s in active.items] == [ids[0], ids[1], ids[3], ids[4]]
    manual = await list_segments(first=10, after=None, refresh_mode=RefreshMode.MANUAL)
    assert [s.id for s in manual.items] == [ids[3]]
    failed = await list_segments(first=10, after=None, refresh_status=RefreshStatus.ERROR)
    assert [s.id for s in failed.items] == [ids[4]]


async def test_a_foreign_cursor_is_refused(db):
    with pytest.raises(DomainError) as error:
        await list_segments(first=2, after="bm9wZQ")

    assert problems(error) == [("after", ErrorCode.INVALID)]


async def test_conditions_sql_shows_the_compiled_rule_with_its_values(db):
    await reference_rows()
    segment = await create_segment(segment_data(conditions=firstname_is("O'Hara")))

    sql = conditions_sql(segment, db.dialect)

    assert sql.startswith("-- Relative times are shown as of 2000-01-01T00:00:00+00:00;")
    assert "SELECT c.id AS customer_id" in sql
    assert "c.firstname = 'O''Hara'" in sql
