"""Payload errors: one mapping from the domain's errors, naming GraphQL input paths."""

from __future__ import annotations

from models.errors import DomainError, ErrorCode, FieldError
from resolvers.errors import Error, errors_from


def test_the_leading_input_field_is_named_as_graphql_names_it():
    found = DomainError(
        [
            FieldError("website_ids[0]", ErrorCode.NOT_FOUND, "no such website"),
            FieldError("sample_size", ErrorCode.INVALID, "too large"),
            FieldError("conditions.conditions[0].value_type", ErrorCode.INVALID, "bad"),
            FieldError(None, ErrorCode.CONFLICT, "whole input"),
        ]
    )

    assert errors_from(found) == [
        Error(field="websiteIds[0]", code=ErrorCode.NOT_FOUND, message="no such website"),
        Error(field="sampleSize", code=ErrorCode.INVALID, message="too large"),
        # Keys inside the JSON the client sent stay as given.
        Error(field="conditions.conditions[0].value_type", code=ErrorCode.INVALID, message="bad"),
        Error(field=None, code=ErrorCode.CONFLICT, message="whole input"),
    ]


def test_record_problems_map_like_a_domain_error():
    problems = [FieldError("records[3].website_id", ErrorCode.INVALID_VALUE, "not a number")]

    assert (
        errors_from(problems)
        == errors_from(DomainError(problems))
        == [
            Error(
                field="records[3].website_id", code=ErrorCode.INVALID_VALUE, message="not a number"
            )
        ]
    )
