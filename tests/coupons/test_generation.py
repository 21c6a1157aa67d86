"""Coupon codes and the one coupon of a progress row, reused by every retry of its send."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from models.coupons import generation
from models.coupons.generation import (
    COUPON_ALPHABET,
    CouponCodeExhausted,
    coupon_for_progress,
    new_coupon_code,
)
from models.coupons.orm import Coupon
from models.db import transaction
from models.store.reference import SalesRule
from tests.coupons.rows import NOW, coupon, coupon_rows, sales_rule, wait_until_waiting_for_lock
from tests.segments.refresh_lock import postgres_only


def test_the_alphabet_leaves_out_characters_read_as_others():
    assert COUPON_ALPHABET == "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    assert len(set(COUPON_ALPHABET)) == 32
    assert set("01IO") & set(COUPON_ALPHABET) == set()


def test_a_code_is_the_default_prefix_and_eight_characters_of_the_alphabet():
    codes = [new_coupon_code(None) for _ in range(500)]

    for code in codes:
        assert re.fullmatch(r"SEQ[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}", code)
    # 32^8 codes: 500 draws repeating one would mean the randomness is broken.
    assert len(set(codes)) == 500


@pytest.mark.parametrize(
    ("prefix", "head"), [("CART", "CART"), ("bday25", "BDAY25"), ("", "SEQ"), ("X", "X")]
)
def test_a_code_starts_with_the_prefix_in_upper_case(prefix, head):
    code = new_coupon_code(prefix)

    assert code.startswith(head)
    assert len(code) == len(head) + 8
    assert set(code[len(head) :]) <= set(COUPON_ALPHABET)


async def _generate(
    rule: SalesRule,
    progress_id: int = 10,
    *,
    prefix: str | None = "CART",
    expires_days: int = 7,
    customer_id: int = 42,
) -> Coupon:
    async with transaction() as tx:
        return await coupon_for_progress(
            tx,
            progress_id=progress_id,
            rule=rule,
            prefix=prefix,
            expires_days=expires_days,
            customer_id=customer_id,
            now=NOW,
        )


async def test_generates_a_single_use_automation_coupon_for_the_progress_row(db):
    rule = await sales_rule(3)

    made = await _generate(rule)

    stored = await Coupon.get(id=made.id)
    assert re.fullmatch(r"CART[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}", stored.code)
    assert stored.code == made.code
    assert (stored.rule_id, stored.customer_id, stored.progress_id) == (3, 42, 10)  # type: ignore[attr-defined]
    assert (stored.usage_limit, stored.usage_per_customer, stored.times_used) == (1, 1, 0)
    assert stored.expiration_date == NOW + timedelta(days=7)
    assert stored.generated_by_automation is True


async def test_zero_expiry_days_means_no_expiry_and_no_prefix_means_seq(db):
    rule = await sales_rule(3)

    made = await _generate(rule, expires_days=0, prefix=None)

    stored = await Coupon.get(id=made.id)
    assert stored.expiration_date is None
    assert stored.code.startswith("SEQ") and len(stored.code) == 11


async def test_a_retried_send_gets_the_coupon_already_generated_for_its_row(db):
    rule = await sales_rule(3)
    other_rule = await sales_rule(4)
    first = await _generate(rule)
    before = await coupon_rows()

    again = await _generate(other_rule, prefix="OTHER", expires_days=1, customer_id=7)

    assert (again.id, again.code) == (first.id, first.code)
    assert await coupon_rows() == before


async def test_each_progress_row_gets_its_own_code(db):
    rule = await sales_rule(3)

    made = [await _generate(rule, progress_id=p) for p in range(1, 51)]

    assert len({c.code for c in made}) == 50
    assert await Coupon.all().count() == 50


def _codes(*codes: str) -> Iterator[str]:
    yield from codes


async def test_a_taken_code_is_drawn_again_and_the_caller_transaction_goes_on(db, monkeypatch):
    rule = await sales_rule(3)
    await coupon("CARTAAAAAAAA", rule_id=3, customer_id=1, progress_id=1)
    drawn = _codes("CARTAAAAAAAA", "CARTAAAAAAAA", "CARTBBBBBBBB")
    monkeypatch.setattr(generation, "new_coupon_code", lambda prefix: next(drawn))

    async with transaction() as tx:
        made = await coupon_for_progress(
            tx, progress_id=2, rule=rule, prefix="CART", expires_days=7, customer_id=42, now=NOW
        )
        # The unique violations rolled back only their savepoints.
        await SalesRule.filter(id=3).using_db(tx).update(name="still usable")

    assert made.code == "CARTBBBBBBBB"
    rows = await Coupon.all().order_by("id").values_list("code", "progress_id", "customer_id")
    assert rows == [("CARTAAAAAAAA", 1, 1), ("CARTBBBBBBBB", 2, 42)]
    assert (await SalesRule.get(id=3)).name == "still usable"


async def test_running_out_of_codes_raises_and_writes_nothing(db, monkeypatch):
    rule = await sales_rule(3)
    await coupon("CARTAAAAAAAA", rule_id=3, progress_id=1)
    before = await coupon_rows()
    monkeypatch.setattr(generation, "new_coupon_code", lambda prefix: "CARTAAAAAAAA")

    with pytest.raises(CouponCodeExhausted):
        await _generate(rule, progress_id=2)

    assert await coupon_rows() == before


async def test_two_sends_of_one_row_at_once_share_one_coupon(db):
    rule = await sales_rule(3)

    first, second = await asyncio.gather(_generate(rule), _generate(rule))

    assert (first.id, first.code) == (second.id, second.code)
    assert await Coupon.all().count() == 1


@postgres_only
async def test_a_row_generated_meanwhile_by_another_worker_is_returned_not_duplicated(db):
    rule = await sales_rule(3)
    first_inserted = asyncio.Event()
    let_first_commit = asyncio.Event()

    async def first_worker() -> Coupon:
        async with transaction() as tx:
            made = await coupon_for_progress(
                tx, progress_id=10, rule=rule, prefix="A", expires_days=7, customer_id=42, now=NOW
            )
            first_inserted.set()
            await let_first_commit.wait()
            return made

    first = asyncio.create_task(first_worker())
    await first_inserted.wait()
    # The second finds no coupon (the first is uncommitted), inserts one for the same row and
    # waits on the unique index until the first commits; then it must return the first's.
    second = asyncio.create_task(_generate(rule, prefix="B"))
    try:
        await wait_until_waiting_for_lock(db, "INSERT INTO", second)
    finally:
        let_first_commit.set()

    made_first, made_second = await first, await second

    assert (made_second.id, made_second.code) == (made_first.id, made_first.code)
    assert made_first.code.startswith("A")
    assert await Coupon.all().values_list("code", flat=True) == [made_first.code]
