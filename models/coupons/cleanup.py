"""Removal of automation coupons nobody will redeem any more (the `0 3 * * *` cron)."""

from __future__ import annotations

from datetime import datetime, timedelta

from models.coupons.orm import Coupon


async def delete_expired_coupons(now: datetime, older_than_days: int) -> int:
    """Delete unused automation coupons that expired more than `older_than_days` before `now`.

    Coupons an admin made, coupons used at least once (their usages are order history) and
    coupons without an expiry are kept. Returns how many were deleted.
    """
    cutoff = now - timedelta(days=older_than_days)
    return await Coupon.filter(
        generated_by_automation=True, times_used=0, expiration_date__lt=cutoff
    ).delete()
