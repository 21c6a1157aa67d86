"""Orders using automation coupons: one use per (coupon, order), however often imported."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models.coupons.orm import Coupon, CouponUsage
from models.coupons.usage import count_coupon_uses
from models.db import transaction
from tests.coupons.rows import NOW, coupon, coupon_rows, sales_rule


async def _coupons() -> None:
    await sales_rule(1)
    await coupon("SEQAAAAAAAA")
    await coupon("SEQBBBBBBBB")
    await coupon("CARTCCCCCCCC")
    await coupon("WELCOME10", generated_by_automation=False)


async def times_used() -> dict[str, int]:
    rows = await Coupon.all().values_list("code", "times_used")
    return dict(rows)  # type: ignore[arg-type]


async def usages() -> set[tuple[str, int]]:
    rows = await CouponUsage.all().values_list("coupon__code", "order_id")
    return set(rows)  # type: ignore[arg-type]


async def usage_rows() -> list[dict[str, Any]]:
    return await CouponUsage.all().order_by("id").values()


async def test_an_order_with_an_automation_code_counts_one_use(db):
    await _coupons()

    counted = await count_coupon_uses([(100, "SEQAAAAAAAA"), (101, None)], now=NOW)

    assert counted == 1
    assert await times_used() == {
        "SEQAAAAAAAA": 1,
        "SEQBBBBBBBB": 0,
        "CARTCCCCCCCC": 0,
        "WELCOME10": 0,
    }
    assert await usages() == {("SEQAAAAAAAA", 100)}
    assert [row["used_at"] for row in await usage_rows()] == [NOW]


async def test_importing_the_order_again_counts_nothing_more(db):
    await _coupons()
    await count_coupon_uses([(100, "SEQAAAAAAAA")], now=NOW)
    coupons_before, usages_before = await coupon_rows(), await usage_rows()

    counted = await count_coupon_uses([(100, "SEQAAAAAAAA")], now=NOW + timedelta(days=1))

    assert counted == 0
    assert await coupon_rows() == coupons_before
    assert await usage_rows() == usages_before


async def test_one_order_repeated_in_a_batch_counts_once(db):
    await _coupons()

    counted = await count_coupon_uses([(100, "SEQAAAAAAAA"), (100, "seqaaaaaaaa")])

    assert counted == 1
    assert (await times_used())["SEQAAAAAAAA"] == 1
    assert await usages() == {("SEQAAAAAAAA", 100)}


@pytest.mark.parametrize("written", ["seqaaaaaaaa", "  SeqAaaaAaaa ", "SEQAAAAAAAA\n"])
async def test_codes_match_ignoring_case_and_surrounding_space(db, written):
    await _coupons()

    counted = await count_coupon_uses([(100, written)])

    assert counted == 1
    assert await usages() == {("SEQAAAAAAAA", 100)}


async def test_each_order_and_each_coupon_counts_for_itself(db):
    await _coupons()

    counted = await count_coupon_uses(
        [(100, "SEQAAAAAAAA"), (101, "SEQAAAAAAAA"), (102, "SEQBBBBBBBB"), (103, "CARTCCCCCCCC")]
    )
    counted += await count_coupon_uses([(101, "SEQAAAAAAAA"), (104, "SEQBBBBBBBB")])

    assert counted == 5
    assert await times_used() == {
        "SEQAAAAAAAA": 2,
        "SEQBBBBBBBB": 2,
        "CARTCCCCCCCC": 1,
        "WELCOME10": 0,
    }
    assert await usages() == {
        ("SEQAAAAAAAA", 100),
        ("SEQAAAAAAAA", 101),
        ("SEQBBBBBBBB", 102),
        ("SEQBBBBBBBB", 104),
        ("CARTCCCCCCCC", 103),
    }


async def test_unknown_empty_and_non_automation_codes_count_nothing(db):
    await _coupons()
    before = await coupon_rows()

    counted = await count_coupon_uses(
        [(100, "NOSUCHCODE"), (101, ""), (102, "   "), (103, None), (104, "WELCOME10")]
    )

    assert counted == 0
    assert await coupon_rows() == before
    assert await usage_rows() == []


async def test_nothing_given_counts_nothing(db):
    assert await count_coupon_uses([]) == 0


async def test_uses_are_written_in_the_callers_transaction(db):
    await _coupons()
    before = await coupon_rows()

    with pytest.raises(RuntimeError):
        async with transaction() as tx:
            assert await count_coupon_uses([(100, "SEQAAAAAAAA")], conn=tx) == 1
            raise RuntimeError("the import batch failed")

    assert await coupon_rows() == before
    assert await usage_rows() == []

    async with transaction() as tx:
        assert await count_coupon_uses([(100, "SEQAAAAAAAA")], conn=tx) == 1
    assert (await times_used())["SEQAAAAAAAA"] == 1
