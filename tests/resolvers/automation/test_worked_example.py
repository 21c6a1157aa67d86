"""The README's worked example, step by step through the real app: a cart sequence mails Ann,
she follows the mail's link, the store pushes her order, and the stats show the conversion
and its revenue (README "Which mail sold"). Both databases."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

from tests.resolvers.automation.rows import PUBLIC_URL

STORE = [
    {"type": "website", "id": 1, "code": "base", "name": "Main Website"},
    {"type": "store", "id": 1, "website_id": 1, "code": "default", "name": "Default"},
    {"type": "customer_group", "id": 1, "code": "General"},
    {
        "type": "customer",
        "id": 42,
        "website_id": 1,
        "store_id": 1,
        "group_id": 1,
        "email": "ann@example.com",
        "firstname": "Ann",
        "created_at": "2026-11-01T10:00:00Z",
    },
    {
        "type": "newsletter_subscriber",
        "customer_id": 42,
        "email": "ann@example.com",
        "subscriber_status": 1,
        "change_status_at": "2026-11-01T10:00:00Z",
    },
]


def _cart() -> dict[str, Any]:
    """Ann's cart of 120, last touched two hours ago."""
    touched = _moment(timedelta(hours=-2))
    return {
        "type": "quote",
        "id": 7,
        "customer_id": 42,
        "store_id": 1,
        "is_active": True,
        "created_at": touched,
        "updated_at": touched,
        "items_count": 2,
        "items_qty": 2,
        "base_subtotal": 120,
        "base_grand_total": 120,
        "items": [],
    }


def _moment(offset: timedelta) -> str:
    return (datetime.now(UTC) + offset).strftime("%Y-%m-%dT%H:%M:%SZ")


ORDER = """
mutation { upsertStoreRecords(records: [{type: "order", id: 5001, increment_id: "100005001",
    customer_id: 42, store_id: 1, state: "processing", status: "processing",
    created_at: "2026-12-02T10:15:00Z", grand_total: 84.9}]) { errors { field message } } }
"""
UPSERT = """
mutation($records: [JSON!]!) { upsertStoreRecords(records: $records) { errors { field message } } }
"""
# The README's documents, as written there.
TEMPLATE = r"""
mutation { createNewsletterTemplate(input: {
    code: "cart_reminder", subject: "{{var customer_firstname}}, your cart is waiting"
    text: "<p>Still thinking it over? <a href=\"https://shop.example.com/checkout/cart\">Back to your cart</a></p>"
    senderName: "Demo Store", senderEmail: "shop@example.com" }) { newsletterTemplate { id } } }
"""  # noqa: E501
STEPS = """
mutation { createEmailSequence(input: { segmentId: "1", triggerEvent: ENTER, templateId: "1",
    stepNumber: 1, delayMinutes: 0 }) { emailSequence { id stopOnConversion } } }
mutation { createEmailSequence(input: { segmentId: "1", triggerEvent: ENTER, templateId: "1",
    stepNumber: 2, delayMinutes: 1440 }) { emailSequence { id stopOnConversion } } }
"""
CONDITIONS = """conditions: {type: "combine", aggregator: "all", value: true, conditions: [
      {type: "cart_attributes", attribute: "hours_since_updated", operator: ">=", value: "1"}
      {type: "cart_attributes", attribute: "base_grand_total", operator: ">=", value: "50"}]}"""
SEGMENT = f"""
mutation {{ createSegment(input: {{ name: "Abandoned carts", websiteIds: [1]
    {CONDITIONS} }}) {{ segment {{ id }} errors {{ field message }} }} }}
"""
SWITCH_ON = f"""
mutation($segment: ID!) {{ updateSegment(id: $segment, input: {{ name: "Abandoned carts",
    websiteIds: [1], autoEmailActive: true, {CONDITIONS} }}) {{
  segment {{ autoEmailActive }} errors {{ field message }} }} }}
"""
REFRESH = """
mutation($segment: ID!) { refreshSegment(id: $segment, wait: true) {
  segment { matchedCustomersCount } } }
"""

ROWS = """
query($segment: ID!) { sequenceProgress(segmentId: $segment) { edges { node { status } } } }
"""
SEND = "mutation { processScheduledEmails(wait: true) { sent errors { field message } } }"
STATS = """
{ emailAutomationStats(segmentId: "1") {
    sent clicked converted revenue clickRate conversionRate
    steps { stepNumber sent skipped converted revenue conversionRate } }
  sequenceProgress(segmentId: "1") { edges { node { stepNumber status lastError convertedAt orderId revenue } } } }
"""  # noqa: E501


def _documents(block: str) -> list[str]:
    """Each `mutation { ... }` of a README block, in order."""
    return ["mutation" + part for part in block.split("mutation")[1:]]


async def _until(gql: Any, segment: str, *wanted: list[str]) -> None:
    """Wait until the segment's rows have one of the `wanted` sorted lists of statuses."""
    found: list[str] = []
    for _ in range(200):
        edges = (await gql.data(ROWS, {"segment": segment}))["sequenceProgress"]["edges"]
        found = sorted(e["node"]["status"] for e in edges)
        if found in wanted:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"rows stayed {found}")


def _html(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no HTML part")


async def test_a_click_and_an_order_show_in_the_stats(gql, outbox: Path):
    stored = await gql.data(UPSERT, {"records": [*STORE, _cart()]})
    assert stored["upsertStoreRecords"]["errors"] == []
    template = await gql.data(TEMPLATE)
    assert template["createNewsletterTemplate"]["newsletterTemplate"]["id"] == "1"
    segment = (await gql.data(SEGMENT))["createSegment"]["segment"]["id"]
    assert segment == "1"
    # The README's block holds two mutations, run one after the other.
    for document in _documents(STEPS):
        created = (await gql.data(document))["createEmailSequence"]["emailSequence"]
        assert created["stopOnConversion"] is True
    switched = (await gql.data(SWITCH_ON, {"segment": segment}))["updateSegment"]
    assert switched == {"segment": {"autoEmailActive": True}, "errors": []}
    refreshed = (await gql.data(REFRESH, {"segment": segment}))["refreshSegment"]
    assert refreshed["segment"]["matchedCustomersCount"] == 1
    # Ann entered: the worker schedules both steps for her.
    await _until(gql, segment, ["SCHEDULED", "SCHEDULED"], ["SCHEDULED", "SENT"])
    # The first step is due at once: the worker's wake-up (or this call) sends it.
    assert (await gql.data(SEND))["processScheduledEmails"]["errors"] == []
    await _until(gql, segment, ["SCHEDULED", "SENT"])

    # Ann follows the link of the mail in the outbox.
    [mail] = await asyncio.to_thread(lambda: [p.read_bytes() for p in outbox.glob("*.eml")])
    html = _html(message_from_bytes(mail))
    [link] = re.findall(r'href="([^"]+)"', html.replace("&amp;", "&"))
    assert link.startswith(PUBLIC_URL)
    followed = await gql.http.get(link.removeprefix(PUBLIC_URL.rstrip("/")))
    assert (followed.status_code, followed.headers["location"]) == (
        302,
        "https://shop.example.com/checkout/cart",
    )

    # The store pushes her order (created after the click, within 7 days of it).
    when = _moment(timedelta(minutes=1))
    order = await gql.data(ORDER.replace("2026-12-02T10:15:00Z", when))
    assert order["upsertStoreRecords"]["errors"] == []

    data = await gql.data(STATS)
    stats = data["emailAutomationStats"]
    # What the README shows.
    assert {k: v for k, v in stats.items() if k != "steps"} == {
        "sent": 1,
        "clicked": 1,
        "converted": 1,
        "revenue": "84.9000",
        "clickRate": 1.0,
        "conversionRate": 1.0,
    }
    assert stats["steps"] == [
        {
            "stepNumber": 1,
            "sent": 1,
            "skipped": 0,
            "converted": 1,
            "revenue": "84.9000",
            "conversionRate": 1.0,
        },
        {
            "stepNumber": 2,
            "sent": 0,
            "skipped": 1,
            "converted": 0,
            "revenue": "0.0000",
            "conversionRate": None,
        },
    ]
    nodes = sorted(
        (e["node"] for e in data["sequenceProgress"]["edges"]), key=lambda n: n["stepNumber"]
    )
    assert nodes == [
        {
            "stepNumber": 1,
            "status": "SENT",
            "lastError": None,
            "convertedAt": when.replace("Z", "+00:00"),
            "orderId": "5001",
            "revenue": "84.9000",
        },
        {
            "stepNumber": 2,
            "status": "SKIPPED",
            "lastError": "converted: order 100005001",
            "convertedAt": None,
            "orderId": None,
            "revenue": None,
        },
    ]


def test_the_readme_shows_exactly_these_documents():
    readme = (Path(__file__).parents[3] / "README.md").read_text()
    for document in (TEMPLATE, STEPS, ORDER, STATS):
        assert document.strip() in readme
