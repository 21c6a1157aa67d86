"""The typed error every mutation payload carries, mapped from the domain's DomainError."""

from __future__ import annotations

import strawberry

from models.errors import DomainError
from models.errors import ErrorCode as DomainErrorCode

ErrorCode = strawberry.enum(DomainErrorCode, name="ErrorCode")


@strawberry.type
class Error:
    field: str | None = strawberry.field(description="Input path of the offending field.")
    code: ErrorCode  # type: ignore[valid-type]
    message: str


def errors_from(exc: DomainError) -> list[Error]:
    return [Error(field=e.field, code=e.code, message=e.message) for e in exc.errors]
