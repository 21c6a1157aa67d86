"""The record models accept exactly what the columns can hold."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from tortoise import fields

from models.errors import DomainError
from models.store.records import RECORD_MODELS, validate_record
from models.store.targets import TARGETS
from tests.store import sample

VALID = {r["type"]: r for r in sample.EVERY_TYPE}


# Fixed choices, checked by value rather than by length.
ENUMERATED = {"gender", "coupon_type", "simple_action"}


def test_every_import_type_has_a_model():
    assert set(RECORD_MODELS) == {t.record_type for t in TARGETS} | {"customer_delete"}


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.record_type)
def test_string_limits_match_the_columns(target):
    for column in target.columns:
        field = target.model._meta.fields_map.get(column)
        if not isinstance(field, fields.CharField) or column in ENUMERATED:
            continue
        longest = field.max_length
        validate_record({**VALID[target.record_type], column: "x" * longest})
        with pytest.raises(DomainError) as raised:
            validate_record({**VALID[target.record_type], column: "x" * (longest + 1)})
        assert [e.field for e in raised.value.errors] == [column]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2024-05-31T14:30:00Z", datetime(2024, 5, 31, 14, 30, tzinfo=UTC)),
        ("2024-05-31 14:30:00", datetime(2024, 5, 31, 14, 30, tzinfo=UTC)),
        ("2024-05-31T16:30:00.250+02:00", datetime(2024, 5, 31, 14, 30, 0, 250000, tzinfo=UTC)),
        ("2024-05-31", datetime(2024, 5, 31, tzinfo=UTC)),
    ],
)
def test_times_are_stored_in_utc(given, stored):
    record = validate_record({**sample.LOGIN, "login_at": given})
    assert record.login_at == stored  # type: ignore[attr-defined]
    assert record.login_at.utcoffset().total_seconds() == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (10, Decimal("10")),
        (59.9, Decimal("59.9")),
        ("-0.5", Decimal("-0.5")),
        (1.23456, Decimal("1.2346")),
    ],
)
def test_money_is_rounded_as_the_column_stores_it(given, stored):
    record = validate_record({**sample.CREDITMEMO, "grand_total": given})
    assert record.grand_total == stored  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "bad", ["1985-2-28", "19850228", "1985-02-30", 19850228, "1985-02-28T00:00:00"]
)
def test_dates_must_be_yyyy_mm_dd(bad):
    with pytest.raises(DomainError) as raised:
        validate_record({**sample.CUSTOMER, "dob": bad})
    assert [(e.field, e.message) for e in raised.value.errors][0][0] == "dob"


@pytest.mark.parametrize("bad", [True, "NaN", "Infinity", "12,5", None])
def test_money_must_be_a_finite_number(bad):
    with pytest.raises(DomainError) as raised:
        validate_record({**sample.CREDITMEMO, "grand_total": bad})
    assert [e.field for e in raised.value.errors] == ["grand_total"]


@pytest.mark.parametrize("bad", [True, 1.5, "7", -1])
def test_ids_are_non_negative_integers(bad):
    with pytest.raises(DomainError) as raised:
        validate_record({**sample.WEBSITE, "id": bad})
    assert [e.field for e in raised.value.errors] == ["id"]
