"""Store writes acting on automation in their own transaction: an unsubscribe skips scheduled
rows, a deleted customer's progress goes (coupons stay), an order counts its automation
coupon once (SEMANTICS §5, §6)."""

from __future__ import annotations

from typing import Any

import pytest

from gqlserver.schema import schema
from models.automation.orm import ProgressStatus
from models.coupons.orm import Coupon
from models.store import effects
from models.store.importer import import_ndjson
from models.store.sales import Order
from resolvers.context import Context
from tests.store import sample
from tests.store.automation_rows import (
    NOW,
    Steps,
    coupon_rows,
    customer,
    progress_rows,
    progress_states,
    subscribed_customers,
    subscriber,
    subscriber_rows,
    usages,
)

S = ProgressStatus
MUTATION = """
mutation Upsert($records: [JSON!]!) {
  upsertStoreRecords(records: $records) { errors { field code message } }
}
"""


async def upsert(records: list[dict[str, Any]]) -> None:
    """Write `records` as the upsertStoreRecords mutation does."""
    result = await schema.execute(
        MUTATION,
        variable_values={"records": records},
        context_value=Context(scopes=frozenset({"write"})),
    )
    assert result.errors is None
    assert result.data is not None
    assert result.data["upsertStoreRecords"]["errors"] == []


async def import_lines(*records: dict[str, Any]) -> None:
    report = await import_ndjson(sample.lines(*records))
    assert report.rejected == []


async def via_import(records: list[dict[str, Any]]) -> None:
    await import_lines(*records)


WRITERS = [pytest.param(via_import, id="ndjson"), pytest.param(upsert, id="upsert")]


async def _two_customers_with_rows() -> tuple[Steps, dict[str, int]]:
    """Customers 10 and 11, subscribed; 10 has two scheduled rows, one sent and one failed,
    11 one scheduled row."""
    await subscribed_customers(10, 11)
    steps = await Steps.create()
    ids = {
        "10 scheduled": (await steps.row(10, S.SCHEDULED)).id,
        "10 scheduled 2": (await steps.row(10, S.SCHEDULED, second=True)).id,
        "10 sent": (await steps.row(10, S.SENT, event_id=1)).id,
        "10 failed": (await steps.row(10, S.FAILED, second=True, event_id=1)).id,
        "11 scheduled": (await steps.row(11, S.SCHEDULED)).id,
    }
    return steps, ids


@pytest.mark.parametrize("write", WRITERS)
async def test_an_unsubscribe_skips_exactly_that_customers_scheduled_rows(db, write):
    _, ids = await _two_customers_with_rows()
    before = await progress_rows()

    await write([subscriber(10, 3)])

    assert await progress_states() == {
        ids["10 scheduled"]: (10, "skipped", "unsubscribed"),
        ids["10 scheduled 2"]: (10, "skipped", "unsubscribed"),
        ids["10 sent"]: (10, "sent", None),
        ids["10 failed"]: (10, "failed", "Template 1 does not exist."),
        ids["11 scheduled"]: (11, "scheduled", None),
    }
    after = await progress_rows()
    untouched = [ids["10 sent"], ids["10 failed"], ids["11 scheduled"]]
    assert [after[i] for i in untouched] == [before[i] for i in untouched]
    assert [r[:3] for r in await subscriber_rows()] == [
        (10, "c10@example.com", 3),
        (11, "c11@example.com", 1),
    ]


@pytest.mark.parametrize("status", [2, 4])
async def test_any_status_but_subscribed_skips_the_scheduled_rows(db, status):
    _, ids = await _two_customers_with_rows()

    await import_lines(subscriber(10, status))

    states = await progress_states()
    assert [i for i, (_, s, _) in states.items() if s == "skipped"] == [
        ids["10 scheduled"],
        ids["10 scheduled 2"],
    ]
    assert {states[ids["10 scheduled"]], states[ids["10 scheduled 2"]]} == {
        (10, "skipped", "unsubscribed")
    }


@pytest.mark.parametrize("write", WRITERS)
async def test_a_subscribed_record_changes_no_progress_row(db, write):
    await _two_customers_with_rows()
    before = await progress_rows()

    await write([subscriber(10, 1, change_status_at="2025-01-01T00:00:00Z"), subscriber(11, 1)])

    assert await progress_rows() == before


async def test_the_last_record_of_a_customer_in_a_batch_decides(db):
    _, ids = await _two_customers_with_rows()
    before = await progress_rows()

    # 10 unsubscribes and subscribes again in one batch: still subscribed, nothing skipped.
    await import_lines(subscriber(10, 3), subscriber(10, 1), subscriber(11, 1), subscriber(11, 3))

    after = await progress_rows()
    assert {i: after[i] for i in after if i != ids["11 scheduled"]} == {
        i: before[i] for i in before if i != ids["11 scheduled"]
    }
    assert (await progress_states())[ids["11 scheduled"]] == (11, "skipped", "unsubscribed")


async def test_a_failed_coupon_use_keeps_its_order_out(db, monkeypatch):
    await _two_customers_with_rows()
    await import_lines(sample.SALES_RULE)
    await Coupon.create(code="SEQAAAAAAAA", rule_id=1, generated_by_automation=True)
    progress_before = await progress_rows()
    coupons_before = await coupon_rows()

    async def refuse(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("coupon usage failed")

    # The coupon use is counted in the order's transaction; it fails.
    monkeypatch.setattr(effects, "count_coupon_uses", refuse)
    order = {**sample.ORDER, "coupon_code": "SEQAAAAAAAA", "items": []}
    with pytest.raises(RuntimeError, match="coupon usage failed"):
        await import_ndjson(sample.lines(order))

    assert await progress_rows() == progress_before
    assert await Order.all().count() == 0
    assert await coupon_rows() == coupons_before
    assert await usages() == set()


async def test_a_failing_skip_keeps_the_subscription(db, monkeypatch):
    await _two_customers_with_rows()
    progress_before, subscribers_before = await progress_rows(), await subscriber_rows()

    async def refuse(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("skip failed")

    monkeypatch.setattr(effects, "skip_scheduled_of_unsubscribed", refuse)
    with pytest.raises(RuntimeError, match="skip failed"):
        await import_ndjson(sample.lines(subscriber(10, 3)))

    assert await subscriber_rows() == subscribers_before
    assert await progress_rows() == progress_before


async def _rows_and_coupons() -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
    """The rows of `_two_customers_with_rows`, with a coupon on 10's sent and 11's row."""
    _, ids = await _two_customers_with_rows()
    await import_lines(sample.SALES_RULE)
    for code, customer_id, row in (("SEQTEN", 10, "10 sent"), ("SEQELEVEN", 11, "11 scheduled")):
        await Coupon.create(
            code=code,
            rule_id=1,
            generated_by_automation=True,
            customer_id=customer_id,
            progress_id=ids[row],
            expiration_date=NOW,
        )
    return ids, await coupon_rows()


@pytest.mark.parametrize("write", WRITERS)
async def test_a_deleted_customers_progress_goes_and_its_coupon_stays_without_it(db, write):
    ids, coupons_before = await _rows_and_coupons()
    before = await progress_rows()

    await write([{"type": "customer_delete", "id": 10}])

    assert await progress_rows() == {ids["11 scheduled"]: before[ids["11 scheduled"]]}
    assert await coupon_rows() == {
        "SEQTEN": {**coupons_before["SEQTEN"], "customer_id": None, "progress_id": None},
        "SEQELEVEN": coupons_before["SEQELEVEN"],
    }
    assert [r[0] for r in await subscriber_rows()] == [11]


async def test_deleting_an_unknown_customer_changes_no_progress_or_coupon(db):
    _, coupons_before = await _rows_and_coupons()
    before = await progress_rows()

    report = await import_ndjson(sample.lines({"type": "customer_delete", "id": 99}))

    assert report.counts["customer_delete"].unchanged == 1
    assert await progress_rows() == before
    assert await coupon_rows() == coupons_before


async def test_a_customer_deleted_and_imported_again_starts_without_progress(db):
    ids, _ = await _rows_and_coupons()
    before = await progress_rows()

    await import_lines({"type": "customer_delete", "id": 10}, customer(10))

    assert await progress_rows() == {ids["11 scheduled"]: before[ids["11 scheduled"]]}


def _order(order_id: int, code: str | None) -> dict[str, Any]:
    return {**sample.ORDER, "id": order_id, "increment_id": str(order_id), "coupon_code": code}


async def _orders_store() -> None:
    await subscribed_customers(10)
    await import_lines(sample.SALES_RULE, sample.PRODUCT)
    await Coupon.create(code="SEQAAAAAAAA", rule_id=1, generated_by_automation=True)
    await Coupon.create(code="SEQBBBBBBBB", rule_id=1, generated_by_automation=True)
    await Coupon.create(code="WELCOME10", rule_id=1, generated_by_automation=False)


async def test_an_order_counts_its_automation_coupon_once_across_imports(db):
    await _orders_store()

    await import_lines(_order(1000, "seqaaaaaaaa"), _order(1001, None))
    await import_lines(_order(1000, "seqaaaaaaaa"), _order(1001, None))
    await upsert([_order(1000, "SEQAAAAAAAA")])

    assert {code: c["times_used"] for code, c in (await coupon_rows()).items()} == {
        "SEQAAAAAAAA": 1,
        "SEQBBBBBBBB": 0,
        "WELCOME10": 0,
    }
    assert await usages() == {("SEQAAAAAAAA", 1000)}


async def test_the_upsert_mutation_counts_a_coupon_use(db):
    await _orders_store()

    await upsert([_order(1000, "SEQBBBBBBBB")])

    assert {code: c["times_used"] for code, c in (await coupon_rows()).items()} == {
        "SEQAAAAAAAA": 0,
        "SEQBBBBBBBB": 1,
        "WELCOME10": 0,
    }
    assert await usages() == {("SEQBBBBBBBB", 1000)}


async def test_a_code_of_no_automation_coupon_counts_nothing(db):
    await _orders_store()
    coupons_before = await coupon_rows()

    await import_lines(_order(1000, "WELCOME10"), _order(1001, "NOSUCHCODE"))

    assert await Order.all().order_by("id").values_list("id", flat=True) == [1000, 1001]
    assert await coupon_rows() == coupons_before
    assert await usages() == set()
