"""The one-click unsubscribe, and the statements store writes run in their transaction."""

from __future__ import annotations

from datetime import timedelta

from models.automation.hooks import (
    forget_deleted_customers,
    skip_scheduled_of_unsubscribed,
    unsubscribe_customer,
)
from models.automation.orm import ProgressStatus
from models.db import connection, transaction
from models.store.changes import on_customers_changed
from models.store.customers import NewsletterSubscriber
from models.store.importer import import_ndjson
from tests.store import sample
from tests.store.automation_rows import (
    NOW,
    Steps,
    customer,
    progress_rows,
    progress_states,
    subscribed_customers,
    subscriber_rows,
)

S = ProgressStatus


async def _rows() -> dict[str, int]:
    await subscribed_customers(10, 11)
    steps = await Steps.create()
    return {
        "10 scheduled": (await steps.row(10, S.SCHEDULED)).id,
        "10 sending": (await steps.row(10, S.SENDING, second=True, lease_until=NOW)).id,
        "10 sent": (await steps.row(10, S.SENT, event_id=1)).id,
        "11 scheduled": (await steps.row(11, S.SCHEDULED)).id,
    }


async def test_unsubscribing_sets_status_3_and_skips_the_scheduled_rows(db):
    ids = await _rows()
    before = await progress_rows()

    changed = await unsubscribe_customer(10, now=NOW)

    assert changed is True
    assert await subscriber_rows() == [
        (10, "c10@example.com", 3, NOW),
        (11, "c11@example.com", 1, sample.ts("2024-01-03 08:00:00")),
    ]
    assert await progress_states() == {
        ids["10 scheduled"]: (10, "skipped", "unsubscribed"),
        ids["10 sending"]: (10, "sending", None),
        ids["10 sent"]: (10, "sent", None),
        ids["11 scheduled"]: (11, "scheduled", None),
    }
    after = await progress_rows()
    assert after[ids["10 scheduled"]]["updated_at"] == NOW
    untouched = [ids["10 sending"], ids["10 sent"], ids["11 scheduled"]]
    assert [after[i] for i in untouched] == [before[i] for i in untouched]


async def test_unsubscribing_twice_changes_nothing_the_second_time(db):
    await _rows()
    await unsubscribe_customer(10, now=NOW)
    subscribers, progress = await subscriber_rows(), await progress_rows()

    changed = await unsubscribe_customer(10, now=NOW + timedelta(days=1))

    assert changed is False
    assert await subscriber_rows() == subscribers
    assert await progress_rows() == progress


async def test_a_customer_without_subscriber_row_gets_one_with_its_email(db):
    report = await import_ndjson(
        sample.lines(sample.WEBSITE, sample.GROUP, sample.STORE, customer(12))
    )
    assert report.rejected == []

    changed = await unsubscribe_customer(12, now=NOW)

    assert changed is True
    assert await subscriber_rows() == [(12, "c12@example.com", 3, NOW)]


async def test_an_unknown_customer_changes_nothing(db):
    await _rows()
    subscribers, progress = await subscriber_rows(), await progress_rows()

    changed = await unsubscribe_customer(99, now=NOW)

    assert changed is False
    assert await subscriber_rows() == subscribers
    assert await progress_rows() == progress
    assert await NewsletterSubscriber.filter(customer_id=99).exists() is False


async def test_segments_hear_of_the_change_once(db):
    await _rows()
    heard: list[set[int]] = []

    async def listen(ids: set[int]) -> None:
        heard.append(ids)

    remove = on_customers_changed(listen)
    try:
        await unsubscribe_customer(10, now=NOW)
        await unsubscribe_customer(10, now=NOW + timedelta(minutes=1))
    finally:
        remove()

    assert heard == [{10}]


async def test_an_empty_set_of_customers_runs_no_statement(db):
    await _rows()
    before = await progress_rows()

    async with transaction() as tx:
        skipped = await skip_scheduled_of_unsubscribed(tx, set(), now=NOW)
        deleted = await forget_deleted_customers(tx, set())

    assert (skipped, deleted) == (0, 0)
    assert await progress_rows() == before


async def test_the_statements_count_what_they_changed(db):
    ids = await _rows()

    conn = connection()
    skipped = await skip_scheduled_of_unsubscribed(conn, {10, 11, 99}, now=NOW)
    deleted = await forget_deleted_customers(conn, {10})

    assert (skipped, deleted) == (2, 3)
    assert await progress_states() == {ids["11 scheduled"]: (11, "skipped", "unsubscribed")}
