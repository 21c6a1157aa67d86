"""The one error type the domain raises for expected failures (bad input, missing objects)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """Machine-readable reasons, shared by every mutation payload."""

    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    UNIQUE = "UNIQUE"
    UNKNOWN_TYPE = "UNKNOWN_TYPE"
    UNKNOWN_ATTRIBUTE = "UNKNOWN_ATTRIBUTE"
    UNKNOWN_OPERATOR = "UNKNOWN_OPERATOR"
    OPERATOR_NOT_ALLOWED = "OPERATOR_NOT_ALLOWED"
    INVALID_VALUE = "INVALID_VALUE"
    VALUE_NOT_ALLOWED = "VALUE_NOT_ALLOWED"
    FORBIDDEN = "FORBIDDEN"
    CONFLICT = "CONFLICT"
    # A service the operation needs (the job queue) is unreachable; nothing was done, and
    # the same request may succeed once it is back.
    UNAVAILABLE = "UNAVAILABLE"


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field; `field` is the input path (`conditions.conditions[0]`)."""

    field: str | None
    code: ErrorCode
    message: str


class DomainError(Exception):
    """Raised by domain services; carries every problem found so callers can report them all."""

    def __init__(self, errors: list[FieldError] | FieldError) -> None:
        self.errors = errors if isinstance(errors, list) else [errors]
        super().__init__("; ".join(f"{e.field or '-'}: {e.message}" for e in self.errors))

    @classmethod
    def single(cls, field: str | None, code: ErrorCode, message: str) -> DomainError:
        return cls(FieldError(field, code, message))
