"""Template variables in Maho's formats."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from models.mail.render import TEMPLATE_VARIABLES
from models.mail.variables import CouponDetails, template_variables


def coupon(action: str, amount: str, **fields: Any) -> CouponDetails:
    values: dict[str, Any] = {
        "code": "SEQ7K2M9PQR",
        "expires_at": datetime(2025, 11, 20, 23, 59, tzinfo=UTC),
        "simple_action": action,
        "discount_amount": Decimal(amount),
        "description": "Cart abandonment discount",
    } | fields
    return CouponDetails(**values)


def variables(coupon: CouponDetails | None, **fields: Any) -> dict[str, str]:
    values: dict[str, Any] = {
        "customer_firstname": "Ann",
        "customer_lastname": "Lee",
        "customer_email": "ann@example.com",
        "segment_name": "Cart abandoners",
        "step_number": 2,
        "store_name": "Example Store",
        "unsubscribe_url": "https://shop.example.com/unsubscribe/t",
        "coupon": coupon,
    } | fields
    return template_variables(**values)


def test_every_variable_with_a_percent_coupon():
    assert variables(coupon("by_percent", "15.0000")) == {
        "customer_name": "Ann Lee",
        "customer_firstname": "Ann",
        "customer_lastname": "Lee",
        "customer_email": "ann@example.com",
        "segment_name": "Cart abandoners",
        "step_number": "2",
        "store_name": "Example Store",
        "unsubscribe_url": "https://shop.example.com/unsubscribe/t",
        "coupon_code": "SEQ7K2M9PQR",
        "coupon_expires_date": "2025-11-20",
        "coupon_expires_formatted": "Nov 20, 2025",
        "coupon_discount_amount": "15",
        "coupon_discount_text": "15% off",
        "coupon_description": "Cart abandonment discount",
    }
    assert tuple(variables(None)) == TEMPLATE_VARIABLES


@pytest.mark.parametrize(
    ("action", "amount", "plain", "text"),
    [
        ("by_percent", "15.0000", "15", "15% off"),
        ("by_percent", "12.5000", "12.5", "12.5% off"),
        ("by_percent", "100", "100", "100% off"),
        ("by_percent", "7.12345", "7.1235", "7.1235% off"),
        ("by_fixed", "10.0000", "10", "$10.00 off"),
        ("by_fixed", "4.5", "4.5", "$4.50 off"),
        ("by_fixed", "2.345", "2.345", "$2.35 off"),
        ("cart_fixed", "10", "10", "$10.00 off your order"),
        ("cart_fixed", "1250.5", "1250.5", "$1,250.50 off your order"),
        ("buy_x_get_y", "1.0000", "1", "Cart abandonment discount"),
    ],
)
def test_discount_amount_and_text(action, amount, plain, text):
    values = variables(coupon(action, amount))

    assert (values["coupon_discount_amount"], values["coupon_discount_text"]) == (plain, text)


@pytest.mark.parametrize(
    ("expires_at", "date", "formatted"),
    [
        (datetime(2025, 11, 20, 0, 0, tzinfo=UTC), "2025-11-20", "Nov 20, 2025"),
        (datetime(2026, 1, 5, 12, 0), "2026-01-05", "Jan 5, 2026"),
        (datetime(2026, 5, 31, 23, 59, 59, tzinfo=UTC), "2026-05-31", "May 31, 2026"),
        (None, "", ""),
    ],
)
def test_expiry_formats(expires_at, date, formatted):
    values = variables(coupon("by_percent", "15", expires_at=expires_at))

    assert (values["coupon_expires_date"], values["coupon_expires_formatted"]) == (date, formatted)


def test_without_a_coupon_the_coupon_variables_are_empty():
    values = variables(None)

    assert {name: value for name, value in values.items() if name.startswith("coupon_")} == {
        "coupon_code": "",
        "coupon_expires_date": "",
        "coupon_expires_formatted": "",
        "coupon_discount_amount": "",
        "coupon_discount_text": "",
        "coupon_description": "",
    }


def test_missing_description_and_names():
    values = variables(
        coupon("buy_x_get_y", "2", description=None),
        customer_firstname=None,
        customer_lastname="Lee",
    )

    assert (values["coupon_description"], values["coupon_discount_text"]) == ("", "")
    assert (values["customer_name"], values["customer_firstname"]) == ("Lee", "")
    assert variables(None, customer_lastname="")["customer_name"] == "Ann"
