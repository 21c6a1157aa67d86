"""Conversions over GraphQL: the stopOnConversion step option, the attribution window
setting, the conversion fields of SequenceProgress and the stats."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from models.automation.orm import AutomationReport, EmailSequence, ProgressStatus
from tasks.automation import progress_channel
from tests.automation.step_rows import DUE, progress, step
from tests.e2e.wsclient import wait_subscribed
from tests.resolvers.automation.test_sequences import CREATE, step_input
from tests.resolvers.automation.test_subscription import WAIT, ws  # noqa: F401

SENT = ProgressStatus.SENT

OPTION = """
mutation($id: ID!, $input: EmailSequenceInput!) {
  updateEmailSequence(id: $id, input: $input) {
    emailSequence { id stopOnConversion } errors { field code message }
  }
}"""


async def test_graphql_reads_and_writes_stop_on_conversion(gql, shop):
    data = await gql.data(CREATE, {"input": step_input(shop.segment_id)})
    step_id = data["createEmailSequence"]["emailSequence"]["id"]
    assert (await EmailSequence.get(id=int(step_id))).stop_on_conversion is True

    changed = await gql.data(
        OPTION, {"id": step_id, "input": step_input(shop.segment_id, stopOnConversion=False)}
    )

    assert changed["updateEmailSequence"] == {
        "emailSequence": {"id": step_id, "stopOnConversion": False},
        "errors": [],
    }
    assert (await EmailSequence.get(id=int(step_id))).stop_on_conversion is False


CONVERSIONS = "sent converted revenue conversionRate"
STATS = f"""
query($segment: ID!) {{
  emailAutomationStats(segmentId: $segment) {{
    {CONVERSIONS} steps {{ stepNumber {CONVERSIONS} }}
  }}
  emailSequences(segmentId: $segment) {{ stepNumber stats {{ {CONVERSIONS} }} }}
  sequenceProgress(segmentId: $segment, first: 10) {{
    edges {{ node {{ customerId stepNumber convertedAt orderId revenue }} }}
  }}
}}"""
UPSERT = """
mutation($records: [JSON!]!) { upsertStoreRecords(records: $records) { errors { field } } }
"""
REPORT = f"mutation {{ generateAutomationReport {{ report {{ {CONVERSIONS} }} }} }}"
CLICKED = DUE + timedelta(hours=1)


def _order(order_id: int, customer_id: int, total: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "order",
        "id": order_id,
        "increment_id": str(order_id),
        "customer_id": customer_id,
        "store_id": 1,
        "state": "processing",
        "status": "processing",
        "created_at": (CLICKED + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "grand_total": total,
        **fields,
    }


async def _converted_shop(gql, shop) -> tuple[EmailSequence, EmailSequence]:
    """Step 1 sent to Ann, Bob and Cat; Ann and Bob clicked it, Ann ordered twice, Bob with
    another segment's coupon, and Cat used step 1's coupon; step 2 sent nothing."""
    first, second = await step(shop.segment_id, 1), await step(shop.segment_id, 2)
    await progress(first, 1, SENT, clicked_at=CLICKED)
    await progress(first, 2, SENT, clicked_at=CLICKED)
    await progress(first, 3, SENT, coupon_code="VIP-1")
    await progress(second, 1, ProgressStatus.SCHEDULED)
    await progress(await step(shop.other_segment_id, 1), 2, SENT, coupon_code="OTHER-1")
    orders = [
        _order(1, 1, "100.10"),
        _order(2, 1, "20.20"),
        _order(4, 3, "50", coupon_code="VIP-1"),
        _order(5, 2, "70", coupon_code="OTHER-1"),
    ]
    assert (await gql.data(UPSERT, {"records": orders}))["upsertStoreRecords"]["errors"] == []
    return first, second


async def test_stats_count_conversions_and_revenue_per_segment_and_step(gql, shop):
    await _converted_shop(gql, shop)

    data = await gql.data(STATS, {"segment": str(shop.segment_id)})

    stats = data["emailAutomationStats"]
    # Bob's coupon order went to the other segment's row: a coupon beats his click.
    first = {"sent": 3, "converted": 2, "revenue": "170.3000", "conversionRate": 2 / 3}
    second = {"sent": 0, "converted": 0, "revenue": "0.0000", "conversionRate": None}
    assert {k: v for k, v in stats.items() if k != "steps"} == first
    assert stats["steps"] == [{"stepNumber": 1, **first}, {"stepNumber": 2, **second}]
    assert [s["stats"] for s in data["emailSequences"]] == [first, second]
    nodes = sorted(
        (e["node"] for e in data["sequenceProgress"]["edges"]),
        key=lambda n: (n["stepNumber"], n["customerId"]),
    )
    assert [(n["customerId"], n["orderId"], n["revenue"]) for n in nodes] == [
        ("1", "1", "120.3000"),
        ("2", None, None),
        ("3", "4", "50.0000"),
        ("1", None, None),
    ]
    assert nodes[0]["convertedAt"] == "2025-06-01T14:00:00+00:00"


async def test_the_daily_report_stores_conversions_of_the_rows_sent_in_its_period(
    gql, shop, time_machine
):
    time_machine.move_to(DUE + timedelta(hours=5), tick=False)
    await _converted_shop(gql, shop)

    data = await gql.data(REPORT)

    report = {"sent": 4, "converted": 3, "revenue": "240.3000", "conversionRate": 0.75}
    assert data["generateAutomationReport"]["report"] == report
    stored = await AutomationReport.get()
    assert (stored.converted, Decimal(stored.revenue)) == (3, Decimal("240.3"))


EVENT = """
subscription($segment: ID) {
  sequenceProgressChanged(segmentId: $segment) { id status lastError orderId revenue }
}"""


async def test_each_conversion_and_each_row_it_skips_is_published(app, ws, gql, shop):  # noqa: F811
    first, second = (
        await step(shop.segment_id, 1),
        await step(shop.segment_id, 2, stop_on_conversion=True),
    )
    clicked = await progress(first, 1, SENT, clicked_at=CLICKED)
    reminder = await progress(second, 1, ProgressStatus.SCHEDULED)
    redis = app.state.redis
    await ws.subscribe("s", EVENT, {"segment": str(shop.segment_id)})
    await wait_subscribed(redis, progress_channel(redis, shop.segment_id), 1, WAIT)

    written = await gql.data(UPSERT, {"records": [_order(7, 1, "42")]})

    assert written["upsertStoreRecords"]["errors"] == []
    events = [await ws.next("s", WAIT), await ws.next("s", WAIT)]
    assert [e["sequenceProgressChanged"] for e in events] == [
        {
            "id": str(clicked.id),
            "status": "SENT",
            "lastError": None,
            "orderId": "7",
            "revenue": "42.0000",
        },
        {
            "id": str(reminder.id),
            "status": "SKIPPED",
            "lastError": "converted: order 7",
            "orderId": None,
            "revenue": None,
        },
    ]
