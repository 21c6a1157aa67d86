"""Live re-evaluation: only the changed customers, only live segments, same events as a refresh."""

from __future__ import annotations

from datetime import UTC, datetime

from models.segments import live
from models.segments.live import live_segment_ids, reevaluate_customers
from models.segments.orm import (
    MembershipChange,
    RefreshMode,
    Segment,
    SegmentMember,
    SegmentMembershipEvent,
)
from models.segments.refresh import refresh_segment
from models.store.customers import Customer
from models.store.reference import CustomerGroup, Website

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
NOW = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)


def named(firstname: str) -> dict:
    return {
        "type": "combine",
        "aggregator": "all",
        "value": True,
        "conditions": [
            {
                "type": "customer_attributes",
                "attribute": "firstname",
                "operator": "==",
                "value": firstname,
            }
        ],
    }


async def _customers(firstnames: dict[int, str]) -> None:
    await Website.create(id=1, code="base", name="Base")
    await CustomerGroup.create(id=1, code="general")
    for cid, firstname in firstnames.items():
        await Customer.create(
            id=cid,
            website_id=1,
            group_id=1,
            email=f"c{cid}@example.com",
            firstname=firstname,
            created_at=T0,
        )


async def _segment(name: str = "anns", *, refreshed: bool = True, **fields) -> Segment:
    segment = await Segment.create(name=name, website_ids=[1], conditions=named("Ann"), **fields)
    if refreshed:
        await refresh_segment(segment.id, now=T0)
    return segment


async def _rename(cid: int, firstname: str) -> None:
    await Customer.filter(id=cid).update(firstname=firstname)


async def _members(segment: Segment) -> set[int]:
    rows = await SegmentMember.filter(segment_id=segment.id).values_list("customer_id", flat=True)
    return set(rows)  # type: ignore[arg-type]


async def _events(segment: Segment) -> list[tuple[int, MembershipChange]]:
    rows = await SegmentMembershipEvent.filter(segment_id=segment.id).order_by("id")
    return [(r.customer_id, MembershipChange(r.change)) for r in rows]


async def test_only_the_changed_customers_are_re_evaluated_with_events(db):
    await _customers({1: "Ann", 2: "Bob", 3: "Cy"})
    segment = await _segment()
    assert await _members(segment) == {1}
    await _rename(1, "Bob")
    await _rename(2, "Ann")
    await _rename(3, "Ann")  # changed without notice: a restricted re-evaluation leaves it

    outcomes = await reevaluate_customers({1, 2}, now=NOW)

    assert [(o.segment_id, o.entered_count, o.exited_count, o.restricted) for o in outcomes] == [
        (segment.id, 1, 1, True)
    ]
    assert await _members(segment) == {2}
    events = await _events(segment)
    assert events[0] == (1, MembershipChange.ENTERED)  # the first full refresh
    assert sorted(events[1:]) == [(1, MembershipChange.EXITED), (2, MembershipChange.ENTERED)]
    assert (await Segment.get(id=segment.id)).matched_customers_count == 1


async def test_running_it_again_records_nothing_new(db):
    await _customers({1: "Ann", 2: "Bob"})
    segment = await _segment()
    await _rename(2, "Ann")
    await reevaluate_customers({1, 2}, now=NOW)
    before = await _events(segment)

    outcomes = await reevaluate_customers({1, 2}, now=NOW)

    assert [(o.entered_count, o.exited_count) for o in outcomes] == [(0, 0)]
    assert await _events(segment) == before
    assert await _members(segment) == {1, 2}


async def test_manual_inactive_and_never_refreshed_segments_are_left_alone(db):
    await _customers({1: "Bob"})
    manual = await _segment("manual", refresh_mode=RefreshMode.MANUAL)
    inactive = await _segment("inactive", is_active=False)
    fresh = await _segment("fresh", refreshed=False)
    auto = await _segment("auto")
    await _rename(1, "Ann")

    outcomes = await reevaluate_customers({1}, now=NOW)

    assert [o.segment_id for o in outcomes] == [auto.id]
    assert await live_segment_ids() == [auto.id]
    for untouched in (manual, inactive, fresh):
        assert await _members(untouched) == set()
        assert await _events(untouched) == []
    assert await _members(auto) == {1}


async def test_higher_priority_segments_go_first(db):
    await _customers({1: "Ann"})
    low = await _segment("low", priority=1)
    high = await _segment("high", priority=5)

    outcomes = await reevaluate_customers([1], now=NOW)

    assert [o.segment_id for o in outcomes] == [high.id, low.id]


async def test_no_customers_means_no_work(db):
    await _customers({1: "Ann"})
    segment = await _segment()

    assert await reevaluate_customers([], now=NOW) == []
    assert await _events(segment) == [(1, MembershipChange.ENTERED)]


async def test_customers_are_re_evaluated_in_chunks(db, monkeypatch):
    monkeypatch.setattr(live, "RESTRICTED_CHUNK", 2)
    await _customers({1: "Bob", 2: "Bob", 3: "Bob", 4: "Bob", 5: "Bob"})
    segment = await _segment()
    for cid in (1, 3, 5):
        await _rename(cid, "Ann")

    outcomes = await reevaluate_customers({1, 2, 3, 4, 5}, now=NOW)

    assert [o.entered_count for o in outcomes] == [1, 1, 1]
    assert await _members(segment) == {1, 3, 5}


async def test_many_changed_customers_fall_back_to_a_full_refresh(db, monkeypatch):
    monkeypatch.setattr(live, "FULL_REFRESH_THRESHOLD", 1)
    await _customers({1: "Bob", 2: "Bob", 3: "Bob"})
    segment = await _segment()
    for cid in (1, 2, 3):
        await _rename(cid, "Ann")

    outcomes = await reevaluate_customers({1, 2}, now=NOW)

    assert [(o.restricted, o.entered_count) for o in outcomes] == [(False, 3)]
    assert await _members(segment) == {1, 2, 3}


async def test_a_deleted_customer_exits(db):
    await _customers({1: "Ann", 2: "Ann"})
    segment = await _segment()
    await Customer.filter(id=2).delete()

    await reevaluate_customers({2}, now=NOW)

    assert await _members(segment) == {1}
    assert (await _events(segment))[-1] == (2, MembershipChange.EXITED)
