"""One rule for every GraphQL ID argument: a whole number of the INTEGER key range."""

from __future__ import annotations

import pytest

from models.errors import DomainError, ErrorCode
from resolvers.ids import MAX_ID, maybe_id, parse_id


@pytest.mark.parametrize(
    ("value", "expected"), [("1", 1), ("0", 0), (" 42 ", 42), ("007", 7), (str(MAX_ID), MAX_ID)]
)
def test_whole_numbers_in_range_are_ids(value, expected):
    assert parse_id(value, "segmentId") == expected
    assert maybe_id(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "abc", "-1", "+1", "1.0", "1e3", "\u0661\u0662", str(MAX_ID + 1), "9" * 5000],
)
def test_anything_else_is_refused_naming_the_argument(value):
    with pytest.raises(DomainError) as refused:
        parse_id(value, "segmentId")

    [error] = refused.value.errors
    assert (error.field, error.code) == ("segmentId", ErrorCode.INVALID)
    assert error.message == f"{value!r} is not a valid id."
    assert maybe_id(value) is None
