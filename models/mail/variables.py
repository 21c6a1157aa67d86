"""The values a template's `{{var name}}` reads, formatted as Maho formats them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

# Maho formats the expiry with the store locale's medium date ("Nov 20, 2025"); the names
# are spelled out so the result never depends on the process locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class CouponDetails:
    """A generated coupon and the parts of its sales rule that templates show."""

    code: str
    expires_at: datetime | None
    simple_action: str  # by_percent | by_fixed | cart_fixed (others show the description)
    discount_amount: Decimal
    description: str | None


def _plain_number(amount: Decimal) -> str:
    """15.0000 -> "15", 12.5000 -> "12.5": Maho prints 4 decimals and trims the zeros."""
    text = f"{amount.quantize(Decimal('0.0001'), ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money(amount: Decimal) -> str:
    """Dollars with thousands separators ("$1,250.50"), rounded half up as PHP does."""
    return f"${amount.quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


def _discount_text(coupon: CouponDetails) -> str:
    if coupon.simple_action == "by_percent":
        return f"{_plain_number(coupon.discount_amount)}% off"
    if coupon.simple_action == "by_fixed":
        return f"{_money(coupon.discount_amount)} off"
    if coupon.simple_action == "cart_fixed":
        return f"{_money(coupon.discount_amount)} off your order"
    return coupon.description or ""


def coupon_variables(coupon: CouponDetails | None) -> dict[str, str]:
    """The coupon_* variables; all empty without a coupon.

    The expiry date is the date of `expires_at` as given: pass it in the zone the
    customer should read it in.
    """
    if coupon is None:
        return dict.fromkeys(
            (
                "coupon_code",
                "coupon_expires_date",
                "coupon_expires_formatted",
                "coupon_discount_amount",
                "coupon_discount_text",
                "coupon_description",
            ),
            "",
        )
    expires = coupon.expires_at
    return {
        "coupon_code": coupon.code,
        "coupon_expires_date": expires.strftime("%Y-%m-%d") if expires else "",
        "coupon_expires_formatted": (
            f"{_MONTHS[expires.month - 1]} {expires.day}, {expires.year}" if expires else ""
        ),
        "coupon_discount_amount": _plain_number(coupon.discount_amount),
        "coupon_discount_text": _discount_text(coupon),
        "coupon_description": coupon.description or "",
    }


def template_variables(
    *,
    customer_firstname: str | None,
    customer_lastname: str | None,
    customer_email: str,
    segment_name: str,
    step_number: int,
    store_name: str,
    unsubscribe_url: str,
    coupon: CouponDetails | None,
) -> dict[str, str]:
    """Every variable of TEMPLATE_VARIABLES for one message."""
    firstname = customer_firstname or ""
    lastname = customer_lastname or ""
    return {
        "customer_name": f"{firstname} {lastname}".strip(),
        "customer_firstname": firstname,
        "customer_lastname": lastname,
        "customer_email": customer_email,
        "segment_name": segment_name,
        "step_number": str(step_number),
        "store_name": store_name,
        "unsubscribe_url": unsubscribe_url,
        **coupon_variables(coupon),
    }
