"""processScheduledEmails on a real Redis with a burst worker, settings, reports, coupons and
the scopes every automation operation needs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from gqlserver.app import create_app
from gqlserver.settings import Settings
from models.auth.tokens import create_token
from models.automation.orm import (
    AutomationReport,
    AutomationSettingsRow,
    ProgressStatus,
    SequenceProgress,
)
from models.coupons.orm import Coupon
from models.store.reference import NewsletterTemplate
from tests.automation.step_rows import DUE, progress, step
from tests.graphql_client import GraphQLClient, asgi_client, make_settings, running
from tests.resolvers.automation.rows import PUBLIC_URL, SECRET, table

PROCESS = """
mutation($limit: Int, $wait: Boolean) {
  processScheduledEmails(limit: $limit, wait: $wait) {
    jobId sent failed skipped deferred retried errors { field code message }
  }
}"""
SETTINGS_FIELDS = "enabled progressCleanupDays couponCleanupDays rateLimitPerDay batchSize"
SETTINGS = f"{{ automationSettings {{ {SETTINGS_FIELDS} }} }}"
UPDATE_SETTINGS = f"""
mutation($input: AutomationSettingsInput!) {{
  updateAutomationSettings(input: $input) {{
    settings {{ {SETTINGS_FIELDS} }} errors {{ field code message }}
  }}
}}"""
REPORT_FIELDS = "id createdAt periodStart periodEnd sent failed skipped scheduled totalActive"
GENERATE = f"""
mutation {{ generateAutomationReport {{ report {{ {REPORT_FIELDS} }} errors {{ field }} }} }}
"""
REPORTS = """
query($first: Int, $after: String) {
  automationReports(first: $first, after: $after) {
    nodes { id } pageInfo { hasNextPage endCursor }
  }
}"""
COUPON = """
query($code: String!) {
  coupon(code: $code) {
    code salesRuleId customerId progressId usageLimit usagePerCustomer timesUsed
    expirationDate isExpired isUsedUp
  }
}"""
DEFAULTS = {
    "enabled": True,
    "progressCleanupDays": 90,
    "couponCleanupDays": 30,
    "rateLimitPerDay": 5,
    "batchSize": 100,
}
CREATE_TEMPLATE = """
mutation { createNewsletterTemplate(input: {code: "x", subject: "X"}) { errors { field } } }
"""


@pytest_asyncio.fixture
async def queued(db, redis_url: str, outbox: Path) -> Settings:
    """Settings of an app and worker sharing the test's real Redis."""
    return make_settings(
        db.url,
        REDIS_URL=redis_url,
        SEGMENTQL_OUTBOX_DIR=str(outbox),
        SEGMENTQL_SECRET_KEY=SECRET,
        SEGMENTQL_PUBLIC_URL=PUBLIC_URL,
    )


@pytest_asyncio.fixture
async def queued_gql(queued: Settings) -> AsyncIterator[GraphQLClient]:
    """An admin client of the app on the real Redis (no worker runs in the app)."""
    token = await create_token("admin", ["admin"])
    async with running(create_app(queued)) as started, asgi_client(started) as http:
        yield GraphQLClient(http, token)


async def _due_rows(shop) -> list[SequenceProgress]:
    """Ann, Bob and Cat (unsubscribed) due on VIPs step 1, oldest first."""
    first = await step(shop.segment_id, 1)
    return [
        await progress(first, customer_id, scheduled_at=DUE - timedelta(minutes=3 - customer_id))
        for customer_id in (1, 2, 3)
    ]


async def _queued_job(queue: Any, mutation: asyncio.Task) -> None:
    """Return once the mutation's job is queued."""
    while not await queue.zcard("arq:queue"):
        assert not mutation.done(), mutation.result()
        await asyncio.sleep(0.01)


def _recipients(outbox: Path) -> list[str]:
    return sorted(str(message_from_bytes(p.read_bytes())["To"]) for p in outbox.glob("*.eml"))


async def _statuses() -> list[tuple[int, str, str | None]]:
    rows = await SequenceProgress.all().order_by("customer_id")
    return [(r.customer_id, r.status.value, r.last_error) for r in rows]


async def test_process_with_wait_answers_with_the_counts_of_its_job(
    queued_gql, queued, shop, arq_queue, run_burst_worker, outbox
):
    await _due_rows(shop)

    mutation = asyncio.create_task(queued_gql.data(PROCESS, {"wait": True}))
    await _queued_job(arq_queue, mutation)
    await run_burst_worker(arq_queue, settings=queued)
    data = await mutation

    payload = data["processScheduledEmails"]
    assert payload["jobId"].startswith("process-emails:")
    assert payload == {
        "jobId": payload["jobId"],
        "sent": 2,
        "failed": 0,
        "skipped": 1,
        "deferred": 0,
        "retried": 0,
        "errors": [],
    }
    assert _recipients(outbox) == ["ann@example.com", "bob@example.com"]
    assert await _statuses() == [
        (1, "sent", None),
        (2, "sent", None),
        (3, "skipped", "not subscribed"),
    ]


async def test_process_counts_only_its_own_limited_job(
    queued_gql, queued, shop, arq_queue, run_burst_worker, outbox
):
    await _due_rows(shop)

    mutation = asyncio.create_task(queued_gql.data(PROCESS, {"limit": 1, "wait": True}))
    await _queued_job(arq_queue, mutation)
    await run_burst_worker(arq_queue, settings=queued)
    data = await mutation

    counts = {k: v for k, v in data["processScheduledEmails"].items() if k != "jobId"}
    assert counts == {
        "sent": 1,
        "failed": 0,
        "skipped": 0,
        "deferred": 0,
        "retried": 0,
        "errors": [],
    }
    # The job woke delivery for the rows still due, which the worker then sent.
    assert _recipients(outbox) == ["ann@example.com", "bob@example.com"]


async def test_process_gives_up_waiting_after_the_configured_time(
    queued, shop, arq_queue, run_burst_worker, outbox
):
    impatient = queued.model_copy(update={"refresh_wait_seconds": 0.2})
    token = await create_token("admin", ["admin"])
    await _due_rows(shop)

    async with running(create_app(impatient)) as started, asgi_client(started) as http:
        data = await GraphQLClient(http, token).data(PROCESS, {"wait": True})

    payload = data["processScheduledEmails"]
    assert (payload["sent"], payload["errors"]) == (None, [])
    # The job stays queued and runs later.
    await run_burst_worker(arq_queue, settings=queued)
    assert _recipients(outbox) == ["ann@example.com", "bob@example.com"]


async def test_process_without_wait_only_queues_the_job(queued_gql, shop, arq_queue):
    await _due_rows(shop)

    data = await queued_gql.data(PROCESS, {"wait": False})

    payload = data["processScheduledEmails"]
    assert payload == {
        "jobId": payload["jobId"],
        "sent": None,
        "failed": None,
        "skipped": None,
        "deferred": None,
        "retried": None,
        "errors": [],
    }
    assert await arq_queue.zcard("arq:queue") == 1
    assert {status for _, status, _ in await _statuses()} == {"scheduled"}


@pytest.mark.parametrize("limit", [0, 10_001])
async def test_process_refuses_a_limit_out_of_bounds(queued_gql, shop, arq_queue, limit):
    data = await queued_gql.data(PROCESS, {"limit": limit, "wait": True})

    assert data["processScheduledEmails"] == {
        "jobId": None,
        "sent": None,
        "failed": None,
        "skipped": None,
        "deferred": None,
        "retried": None,
        "errors": [
            {
                "field": "limit",
                "code": "INVALID",
                "message": f"Must be between 1 and 10000, got {limit}.",
            }
        ],
    }
    assert await arq_queue.zcard("arq:queue") == 0


async def test_settings_start_at_the_defaults_and_change_only_the_given_fields(gql):
    assert await gql.data(SETTINGS) == {"automationSettings": DEFAULTS}

    data = await gql.data(UPDATE_SETTINGS, {"input": {"enabled": False, "rateLimitPerDay": 10}})

    changed = {**DEFAULTS, "enabled": False, "rateLimitPerDay": 10}
    assert data["updateAutomationSettings"] == {"settings": changed, "errors": []}
    assert await gql.data(SETTINGS) == {"automationSettings": changed}


async def test_settings_out_of_bounds_change_nothing(gql):
    data = await gql.data(
        UPDATE_SETTINGS, {"input": {"batchSize": 0, "progressCleanupDays": 5000, "enabled": False}}
    )

    assert data["updateAutomationSettings"] == {
        "settings": None,
        "errors": [
            {
                "field": "progressCleanupDays",
                "code": "INVALID",
                "message": "Must be between 1 and 3650.",
            },
            {"field": "batchSize", "code": "INVALID", "message": "Must be between 1 and 10000."},
        ],
    }
    assert await table(AutomationSettingsRow) == []
    assert await gql.data(SETTINGS) == {"automationSettings": DEFAULTS}


async def test_report_counts_the_last_24_hours_and_reports_page_newest_first(gql, shop):
    first_step = await step(shop.segment_id, 1)
    await progress(
        first_step, 1, ProgressStatus.SENT, sent_at=datetime.now(UTC) - timedelta(hours=1)
    )
    await progress(first_step, 2)
    await progress(first_step, 3, ProgressStatus.SKIPPED)
    await progress(first_step, 2, ProgressStatus.FAILED)

    made = await gql.data(GENERATE)
    second = await gql.data(GENERATE)

    stored = await AutomationReport.get(id=int(made["generateAutomationReport"]["report"]["id"]))
    assert made["generateAutomationReport"] == {
        "report": {
            "id": str(stored.id),
            "createdAt": stored.created_at.isoformat(),
            "periodStart": stored.period_start.isoformat(),
            "periodEnd": stored.period_end.isoformat(),
            "sent": 1,
            "failed": 1,
            "skipped": 1,
            "scheduled": 1,
            "totalActive": 1,
        },
        "errors": [],
    }
    assert stored.period_end - stored.period_start == timedelta(hours=24)
    newest = second["generateAutomationReport"]["report"]["id"]
    page = await gql.data(REPORTS, {"first": 1})
    rest = await gql.data(
        REPORTS, {"first": 1, "after": page["automationReports"]["pageInfo"]["endCursor"]}
    )
    assert page["automationReports"]["nodes"] == [{"id": newest}]
    assert page["automationReports"]["pageInfo"]["hasNextPage"] is True
    assert rest["automationReports"]["nodes"] == [{"id": str(stored.id)}]
    assert rest["automationReports"]["pageInfo"]["hasNextPage"] is False


async def test_coupon_by_code_tells_whether_it_expired_or_was_used_up(gql, shop):
    past = datetime(2025, 1, 1, tzinfo=UTC)
    await Coupon.create(
        code="SEQUSED1", rule_id=5, customer_id=1, progress_id=7, times_used=1, expiration_date=past
    )
    await Coupon.create(code="SEQFRESH", rule_id=5, times_used=0)

    used = await gql.data(COUPON, {"code": "SEQUSED1"})
    fresh = await gql.data(COUPON, {"code": "SEQFRESH"})
    unknown = await gql.data(COUPON, {"code": "seqfresh"})

    assert used == {
        "coupon": {
            "code": "SEQUSED1",
            "salesRuleId": "5",
            "customerId": "1",
            "progressId": "7",
            "usageLimit": 1,
            "usagePerCustomer": 1,
            "timesUsed": 1,
            "expirationDate": past.isoformat(),
            "isExpired": True,
            "isUsedUp": True,
        }
    }
    assert {k: fresh["coupon"][k] for k in ("customerId", "expirationDate", "isExpired")} == {
        "customerId": None,
        "expirationDate": None,
        "isExpired": False,
    }
    assert fresh["coupon"]["isUsedUp"] is False
    assert unknown == {"coupon": None}


def _forbidden(result: dict[str, Any], field: str, scope: str) -> None:
    assert result["data"] is None
    assert [(e["message"], e["path"], e["extensions"]) for e in result["errors"]] == [
        (f"This operation needs the '{scope}' scope.", [field], {"code": "FORBIDDEN"})
    ]


async def test_a_read_token_reads_but_cannot_change_anything(make_client, shop):
    reader = await make_client("read")
    before = await table(NewsletterTemplate)

    assert await reader.data(SETTINGS) == {"automationSettings": DEFAULTS}
    _forbidden(await reader.execute(CREATE_TEMPLATE), "createNewsletterTemplate", "write")
    _forbidden(await reader.execute(PROCESS), "processScheduledEmails", "write")
    _forbidden(await reader.execute(GENERATE), "generateAutomationReport", "write")
    assert await table(NewsletterTemplate) == before
    assert await table(AutomationReport) == []


async def test_only_an_admin_token_changes_the_settings(make_client):
    writer = await make_client("write")

    result = await writer.execute(UPDATE_SETTINGS, {"input": {"enabled": False}})

    _forbidden(result, "updateAutomationSettings", "admin")
    assert await table(AutomationSettingsRow) == []
