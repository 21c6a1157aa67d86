"""Coupon cleanup deletes exactly the unused automation coupons expired long enough ago."""

from __future__ import annotations

from datetime import timedelta

from models.coupons.cleanup import delete_expired_coupons
from models.coupons.orm import Coupon
from tests.coupons.rows import NOW, coupon, coupon_rows, sales_rule


async def _coupons_around_the_cutoff() -> None:
    await sales_rule(1)
    day = timedelta(days=1)
    await coupon("OLD1", expiration_date=NOW - 31 * day)
    await coupon("OLD2", expiration_date=NOW - 400 * day)
    await coupon("JUSTOVER", expiration_date=NOW - 30 * day - timedelta(seconds=1))
    await coupon("ATCUTOFF", expiration_date=NOW - 30 * day)
    await coupon("RECENT", expiration_date=NOW - 29 * day)
    await coupon("VALID", expiration_date=NOW + day)
    await coupon("NOEXPIRY", expiration_date=None)
    await coupon("USED", expiration_date=NOW - 400 * day, times_used=1)
    await coupon("ADMIN", expiration_date=NOW - 400 * day, generated_by_automation=False)


async def codes() -> set[str]:
    return set(await Coupon.all().values_list("code", flat=True))  # type: ignore[arg-type]


async def test_deletes_unused_automation_coupons_expired_more_than_the_days_ago(db):
    await _coupons_around_the_cutoff()

    deleted = await delete_expired_coupons(NOW, 30)

    assert deleted == 3
    assert await codes() == {"ATCUTOFF", "RECENT", "VALID", "NOEXPIRY", "USED", "ADMIN"}


async def test_zero_days_deletes_every_unused_expired_automation_coupon(db):
    await _coupons_around_the_cutoff()

    deleted = await delete_expired_coupons(NOW, 0)

    assert deleted == 5
    assert await codes() == {"VALID", "NOEXPIRY", "USED", "ADMIN"}


async def test_nothing_to_delete_changes_nothing(db):
    await _coupons_around_the_cutoff()
    before = await coupon_rows()

    deleted = await delete_expired_coupons(NOW, 500)

    assert deleted == 0
    assert await coupon_rows() == before
