from __future__ import annotations

import datetime
import decimal
import uuid
from enum import StrEnum

import pytest

from tasks.codec import JobFailed, deserialize, serialize


class Mode(StrEnum):
    AUTO = "auto"


def test_job_values_round_trip_as_plain_json():
    moment = datetime.datetime(2025, 3, 1, 12, 30, tzinfo=datetime.UTC)
    key = uuid.UUID(int=7)
    data = {"a": (1, "x"), "k": {"at": moment, "price": decimal.Decimal("9.50"), "mode": Mode.AUTO}}

    assert deserialize(serialize(data | {"id": key})) == {
        "a": [1, "x"],
        "k": {"at": "2025-03-01T12:30:00+00:00", "price": "9.50", "mode": "auto"},
        "id": str(key),
    }


def test_an_exception_comes_back_as_job_failed_with_its_type_and_message():
    decoded = deserialize(serialize({"r": KeyError("segment 4")}))

    assert isinstance(decoded["r"], JobFailed)
    assert (decoded["r"].error_type, decoded["r"].message) == ("KeyError", "'segment 4'")


def test_values_json_cannot_carry_are_refused():
    with pytest.raises(TypeError):
        serialize({"a": [object()]})
