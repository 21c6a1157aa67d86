"""Live re-evaluation: only the changed customers, only live segments, same events as a refresh."""

from __future__ import annotations

from datetime import UTC, datetime

from models.segments import reevaluation
from models.segments.orm import MembershipChange, RefreshMode, Segment, SegmentMembershipEvent
from models.segments.reevaluation import live_segment_ids, reevaluate_customers
from models.segments.refresh import refresh_segment
from models.store.changes import on_customers_changed
from models.store.customers import Customer
from models.store.importer import import_ndjson
from tests.segments.segment_rows import customers_named, firstname_is, member_ids, rename

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
NOW = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)


async def _segment(name: str = "anns", *, refreshed: bool = True, **fields) -> Segment:
    segment = await Segment.create(
        name=name, website_ids=[1], conditions=firstname_is("Ann"), **fields
    )
    if refreshed:
        await refresh_segment(segment.id, now=T0)
    return segment


async def _events(segment: Segment) -> list[tuple[int, MembershipChange]]:
    rows = await SegmentMembershipEvent.filter(segment_id=segment.id).order_by("id")
    return [(r.customer_id, MembershipChange(r.change)) for r in rows]


async def test_only_the_changed_customers_are_re_evaluated_with_events(db):
    await customers_named({1: "Ann", 2: "Bob", 3: "Cy"})
    segment = await _segment()
    assert await member_ids(segment.id) == {1}
    await rename(1, "Bob")
    await rename(2, "Ann")
    await rename(3, "Ann")  # changed without notice: a restricted re-evaluation leaves it

    outcomes = await reevaluate_customers({1, 2}, now=NOW)

    assert [(o.segment_id, o.entered_count, o.exited_count, o.restricted) for o in outcomes] == [
        (segment.id, 1, 1, True)
    ]
    assert await member_ids(segment.id) == {2}
    events = await _events(segment)
    assert events[0] == (1, MembershipChange.ENTERED)  # the first full refresh
    assert sorted(events[1:]) == [(1, MembershipChange.EXITED), (2, MembershipChange.ENTERED)]
    assert (await Segment.get(id=segment.id)).matched_customers_count == 1


async def test_running_it_again_records_nothing_new(db):
    await customers_named({1: "Ann", 2: "Bob"})
    segment = await _segment()
    await rename(2, "Ann")
    await reevaluate_customers({1, 2}, now=NOW)
    before = await _events(segment)

    outcomes = await reevaluate_customers({1, 2}, now=NOW)

    assert [(o.entered_count, o.exited_count) for o in outcomes] == [(0, 0)]
    assert await _events(segment) == before
    assert await member_ids(segment.id) == {1, 2}


async def test_manual_inactive_and_never_refreshed_segments_are_left_alone(db):
    await customers_named({1: "Bob"})
    manual = await _segment("manual", refresh_mode=RefreshMode.MANUAL)
    inactive = await _segment("inactive", is_active=False)
    fresh = await _segment("fresh", refreshed=False)
    auto = await _segment("auto")
    await rename(1, "Ann")

    outcomes = await reevaluate_customers({1}, now=NOW)

    assert [o.segment_id for o in outcomes] == [auto.id]
    assert await live_segment_ids() == [auto.id]
    for untouched in (manual, inactive, fresh):
        assert await member_ids(untouched.id) == set()
        assert await _events(untouched) == []
    assert await member_ids(auto.id) == {1}


async def test_higher_priority_segments_go_first(db):
    await customers_named({1: "Ann"})
    low = await _segment("low", priority=1)
    high = await _segment("high", priority=5)

    outcomes = await reevaluate_customers([1], now=NOW)

    assert [o.segment_id for o in outcomes] == [high.id, low.id]


async def test_no_customers_means_no_work(db):
    await customers_named({1: "Ann"})
    segment = await _segment()

    assert await reevaluate_customers([], now=NOW) == []
    assert await _events(segment) == [(1, MembershipChange.ENTERED)]


async def test_customers_are_re_evaluated_in_chunks(db, monkeypatch):
    monkeypatch.setattr(reevaluation, "RESTRICTED_CHUNK", 2)
    await customers_named({1: "Bob", 2: "Bob", 3: "Bob", 4: "Bob", 5: "Bob"})
    segment = await _segment()
    for cid in (1, 3, 5):
        await rename(cid, "Ann")

    outcomes = await reevaluate_customers({1, 2, 3, 4, 5}, now=NOW)

    assert [o.entered_count for o in outcomes] == [1, 1, 1]
    assert await member_ids(segment.id) == {1, 3, 5}


async def test_many_changed_customers_fall_back_to_a_full_refresh(db, monkeypatch):
    monkeypatch.setattr(reevaluation, "FULL_REFRESH_THRESHOLD", 1)
    await customers_named({1: "Bob", 2: "Bob", 3: "Bob"})
    segment = await _segment()
    for cid in (1, 2, 3):
        await rename(cid, "Ann")

    outcomes = await reevaluate_customers({1, 2}, now=NOW)

    assert [(o.restricted, o.entered_count) for o in outcomes] == [(False, 3)]
    assert await member_ids(segment.id) == {1, 2, 3}


async def test_a_deleted_customer_exits(db):
    await customers_named({1: "Ann", 2: "Ann"})
    segment = await _segment()
    await Customer.filter(id=2).delete()

    await reevaluate_customers({2}, now=NOW)

    assert await member_ids(segment.id) == {1}
    assert (await _events(segment))[-1] == (2, MembershipChange.EXITED)


async def test_a_deleted_customer_exits_its_live_segments_with_an_event(db):
    await customers_named({1: "Ann", 2: "Ann"})
    segment = await _segment()
    assert await member_ids(segment.id) == {1, 2}
    changed: list[set[int]] = []
    stop = on_customers_changed(lambda ids: _record(changed, ids))
    try:
        report = await import_ndjson([b'{"type": "customer_delete", "id": 2}'])
    finally:
        stop()
    assert report.rejected == [] and changed == [{2}]

    outcomes = await reevaluate_customers(changed[0], now=NOW)

    assert [(o.entered_count, o.exited_count) for o in outcomes] == [(0, 1)]
    assert await member_ids(segment.id) == {1}
    assert (await _events(segment))[-1] == (2, MembershipChange.EXITED)
    assert (await Segment.get(id=segment.id)).matched_customers_count == 1
    assert not await Customer.exists(id=2)


async def _record(into: list[set[int]], ids: set[int]) -> None:
    into.append(set(ids))
