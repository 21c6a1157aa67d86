"""Progress over GraphQL: the filtered list and its keyset pages, a customer's newest rows,
startEmailSequence, and a segment's stats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from models.automation import progress as progress_reads
from models.automation.orm import ProgressStatus, SequenceProgress, TriggerEvent
from tests.automation.step_rows import DUE, progress, step
from tests.resolvers.automation.rows import table

ROW = """
id customerId segmentId sequenceId stepNumber triggerType status scheduledAt sentAt attempts
lastError couponCode messageId customer { email }
"""
PROGRESS = f"""
query($segment: ID, $customer: ID, $sequence: ID, $status: ProgressStatus, $first: Int,
      $after: String) {{
  sequenceProgress(segmentId: $segment, customerId: $customer, sequenceId: $sequence,
                   status: $status, first: $first, after: $after) {{
    edges {{ cursor node {{ {ROW} }} }} pageInfo {{ hasNextPage endCursor }}
  }}
}}"""
CUSTOMER_ROWS = """
query($first: Int) {
  customers { nodes { id sequenceProgress(first: $first) { id status } } }
}"""
START = f"""
mutation($segment: ID!, $customer: ID!, $trigger: TriggerEvent!) {{
  startEmailSequence(segmentId: $segment, customerId: $customer, trigger: $trigger) {{
    scheduled {{ {ROW} }} errors {{ field code message }}
  }}
}}"""
STATS = """
query($segment: ID!, $days: Int) {
  emailAutomationStats(segmentId: $segment) {
    segmentId total scheduled sending sent failed skipped uniqueCustomers
    steps { sequenceId triggerEvent stepNumber total scheduled sending sent failed skipped
            uniqueCustomers }
    sentPerDay(days: $days) { day count }
  }
}"""
TODAY = datetime(2025, 6, 10, 15, 0, tzinfo=UTC)


def _ids(data: dict) -> list[str]:
    return [edge["node"]["id"] for edge in data["sequenceProgress"]["edges"]]


async def _rows(shop) -> list[SequenceProgress]:
    """VIPs step 1: Ann sent, Bob scheduled, Cat skipped; Others step 1: Ann failed."""
    vips = await step(shop.segment_id, 1)
    others = await step(shop.other_segment_id, 1)
    return [
        await progress(vips, 1, ProgressStatus.SENT, message_id="<1@shop>", attempts=1),
        await progress(vips, 2),
        await progress(vips, 3, ProgressStatus.SKIPPED, last_error="not subscribed"),
        await progress(others, 1, ProgressStatus.FAILED, attempts=5, last_error="550 no"),
    ]


async def test_progress_pages_newest_first_with_opaque_cursors(gql, shop):
    rows = await _rows(shop)

    first = await gql.data(PROGRESS, {"first": 3})
    cursor = first["sequenceProgress"]["pageInfo"]["endCursor"]
    rest = await gql.data(PROGRESS, {"first": 3, "after": cursor})

    assert _ids(first) == [str(r.id) for r in reversed(rows[1:])]
    assert first["sequenceProgress"]["pageInfo"]["hasNextPage"] is True
    assert rest["sequenceProgress"] == {
        "edges": [
            {
                "cursor": rest["sequenceProgress"]["pageInfo"]["endCursor"],
                "node": {
                    "id": str(rows[0].id),
                    "customerId": "1",
                    "segmentId": str(shop.segment_id),
                    "sequenceId": str(rows[0].sequence_id),
                    "stepNumber": 1,
                    "triggerType": "ENTER",
                    "status": "SENT",
                    "scheduledAt": DUE.isoformat(),
                    "sentAt": DUE.isoformat(),
                    "attempts": 1,
                    "lastError": None,
                    "couponCode": None,
                    "messageId": "<1@shop>",
                    "customer": {"email": "ann@example.com"},
                },
            }
        ],
        "pageInfo": {
            "hasNextPage": False,
            "endCursor": rest["sequenceProgress"]["pageInfo"]["endCursor"],
        },
    }


async def test_progress_filters_combine(gql, shop):
    ann_sent, bob, cat, ann_failed = await _rows(shop)
    vips = str(shop.segment_id)

    scheduled = await gql.data(PROGRESS, {"segment": vips, "status": "SCHEDULED"})
    ann = await gql.data(PROGRESS, {"customer": "1"})
    of_step = await gql.data(PROGRESS, {"sequence": str(ann_failed.sequence_id)})
    ann_in_vips = await gql.data(PROGRESS, {"customer": "1", "segment": vips, "first": 1})
    after_bob = await gql.data(
        PROGRESS, {"segment": vips, "after": scheduled["sequenceProgress"]["pageInfo"]["endCursor"]}
    )

    assert _ids(scheduled) == [str(bob.id)]
    assert _ids(ann) == [str(ann_failed.id), str(ann_sent.id)]
    assert _ids(of_step) == [str(ann_failed.id)]
    assert _ids(ann_in_vips) == [str(ann_sent.id)]
    assert ann_in_vips["sequenceProgress"]["pageInfo"]["hasNextPage"] is False
    assert _ids(after_bob) == [str(ann_sent.id)]


async def test_progress_refuses_a_foreign_cursor_and_a_bad_id(gql, shop):
    templates = await gql.data("{ newsletterTemplates { pageInfo { endCursor } } }")
    foreign = templates["newsletterTemplates"]["pageInfo"]["endCursor"]

    cursor = await gql.execute(PROGRESS, {"after": foreign})
    bad_id = await gql.execute(PROGRESS, {"customer": "ann"})

    assert [(e["message"], e["extensions"]) for e in cursor["errors"]] == [
        ("after: Invalid cursor.", {"code": "INVALID", "field": "after"})
    ]
    assert [(e["message"], e["extensions"]) for e in bad_id["errors"]] == [
        ("customerId: 'ann' is not a valid id.", {"code": "INVALID", "field": "customerId"})
    ]


async def test_each_customer_lists_its_newest_rows(gql, shop):
    ann_sent, bob, cat, ann_failed = await _rows(shop)

    newest = await gql.data(CUSTOMER_ROWS, {"first": 1})
    default = await gql.data(CUSTOMER_ROWS)

    assert newest["customers"]["nodes"] == [
        {"id": "1", "sequenceProgress": [{"id": str(ann_failed.id), "status": "FAILED"}]},
        {"id": "2", "sequenceProgress": [{"id": str(bob.id), "status": "SCHEDULED"}]},
        {"id": "3", "sequenceProgress": [{"id": str(cat.id), "status": "SKIPPED"}]},
    ]
    assert default["customers"]["nodes"][0]["sequenceProgress"] == [
        {"id": str(ann_failed.id), "status": "FAILED"},
        {"id": str(ann_sent.id), "status": "SENT"},
    ]


async def test_start_schedules_the_active_steps_for_one_customer_now(gql, shop):
    first = await step(shop.segment_id, 1, delay_minutes=60)
    await step(shop.segment_id, 2, delay_minutes=120, is_active=False)
    await step(shop.segment_id, 1, TriggerEvent.EXIT)
    variables = {"segment": str(shop.segment_id), "customer": "2", "trigger": "ENTER"}

    started = await gql.data(START, variables)
    again = await gql.data(START, variables)

    row = await SequenceProgress.get()
    scheduled = started["startEmailSequence"]["scheduled"]
    assert started["startEmailSequence"] == {
        "scheduled": [
            {
                "id": str(row.id),
                "customerId": "2",
                "segmentId": str(shop.segment_id),
                "sequenceId": str(first.id),
                "stepNumber": 1,
                "triggerType": "ENTER",
                "status": "SCHEDULED",
                "scheduledAt": scheduled[0]["scheduledAt"],
                "sentAt": None,
                "attempts": 0,
                "lastError": None,
                "couponCode": None,
                "messageId": None,
                "customer": {"email": "bob@example.com"},
            }
        ],
        "errors": [],
    }
    assert datetime.fromisoformat(scheduled[0]["scheduledAt"]) == row.created_at + timedelta(
        minutes=60
    )
    # The overlap rule: a customer with a scheduled row in the segment gets nothing new.
    assert again["startEmailSequence"] == {"scheduled": [], "errors": []}
    assert await SequenceProgress.all().count() == 1


async def test_start_refuses_a_missing_customer_and_a_segment_without_automation(gql, shop):
    await step(shop.segment_id, 1)
    await step(shop.other_segment_id, 1)

    missing = await gql.data(
        START, {"segment": str(shop.segment_id), "customer": "99", "trigger": "ENTER"}
    )
    off = await gql.data(
        START, {"segment": str(shop.other_segment_id), "customer": "1", "trigger": "ENTER"}
    )

    assert missing["startEmailSequence"] == {
        "scheduled": [],
        "errors": [
            {"field": "customerId", "code": "NOT_FOUND", "message": "Customer 99 does not exist."}
        ],
    }
    assert off["startEmailSequence"] == {
        "scheduled": [],
        "errors": [
            {
                "field": "segmentId",
                "code": "INVALID",
                "message": "Email automation is off for this segment: activate the segment, "
                "its automation and the global switch first.",
            }
        ],
    }
    assert await table(SequenceProgress) == []


async def test_stats_count_the_segment_and_each_step(gql, shop):
    first = await step(shop.segment_id, 1)
    second = await step(shop.segment_id, 1, TriggerEvent.EXIT)
    yesterday = TODAY - timedelta(days=1)
    await progress(first, 1, ProgressStatus.SENT, sent_at=yesterday)
    await progress(first, 2, ProgressStatus.SENT, sent_at=TODAY - timedelta(hours=1))
    await progress(first, 3, ProgressStatus.SKIPPED)
    await progress(second, 1, ProgressStatus.SENT, sent_at=yesterday)
    await progress(second, 2)
    await progress(await step(shop.other_segment_id, 1), 1, ProgressStatus.SENT, sent_at=TODAY)

    with time_machine.travel(TODAY, tick=True):
        data = await gql.data(STATS, {"segment": str(shop.segment_id), "days": 3})

    def counts(total: int, scheduled: int, sent: int, skipped: int, unique: int) -> dict:
        return {
            "total": total,
            "scheduled": scheduled,
            "sending": 0,
            "sent": sent,
            "failed": 0,
            "skipped": skipped,
            "uniqueCustomers": unique,
        }

    assert data["emailAutomationStats"] == {
        "segmentId": str(shop.segment_id),
        **counts(5, 1, 3, 1, 3),
        "steps": [
            {
                "sequenceId": str(first.id),
                "triggerEvent": "ENTER",
                "stepNumber": 1,
                **counts(3, 0, 2, 1, 3),
            },
            {
                "sequenceId": str(second.id),
                "triggerEvent": "EXIT",
                "stepNumber": 1,
                **counts(2, 1, 1, 0, 2),
            },
        ],
        "sentPerDay": [
            {"day": "2025-06-08", "count": 0},
            {"day": "2025-06-09", "count": 2},
            {"day": "2025-06-10", "count": 1},
        ],
    }


async def test_stats_of_a_missing_segment_and_out_of_range_days_are_errors(gql, shop):
    missing = await gql.execute(STATS, {"segment": "999"})
    days = await gql.execute(STATS, {"segment": str(shop.segment_id), "days": 0})

    assert [e["extensions"] for e in missing["errors"]] == [
        {"code": "NOT_FOUND", "field": "segmentId"}
    ]
    assert [(e["message"], e["extensions"]) for e in days["errors"]] == [
        ("days: Must be between 1 and 366, got 0.", {"code": "INVALID", "field": "days"})
    ]


async def test_customers_rows_load_in_one_batch(gql, shop, monkeypatch):
    await _rows(shop)
    calls: list[tuple[list[int], int]] = []
    original = progress_reads.progress_of_customers

    async def counting(ids, limit_each):
        calls.append((sorted(ids), limit_each))
        return await original(ids, limit_each)

    monkeypatch.setattr(progress_reads, "progress_of_customers", counting)

    await gql.data(CUSTOMER_ROWS, {"first": 1})

    assert calls == [([1, 2, 3], 1)]
