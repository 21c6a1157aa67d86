"""The typed error every mutation payload carries, mapped from the domain's DomainError."""

from __future__ import annotations

import re
from collections.abc import Iterable

import strawberry

from models.errors import DomainError, FieldError
from models.errors import ErrorCode as DomainErrorCode

ErrorCode = strawberry.enum(DomainErrorCode, name="ErrorCode")


@strawberry.type
class Error:
    field: str | None = strawberry.field(description="Input path of the offending field.")
    code: ErrorCode  # type: ignore[valid-type]
    message: str


def errors_from(found: DomainError | Iterable[FieldError]) -> list[Error]:
    """Payload errors whose `field` names the GraphQL input path."""
    problems = found.errors if isinstance(found, DomainError) else found
    return [Error(field=camel_path(e.field), code=e.code, message=e.message) for e in problems]


QUEUE_UNAVAILABLE = "The job queue is unreachable; nothing was queued. Try again shortly."


def queue_unavailable() -> list[Error]:
    """Payload errors for a mutation that could not reach the job queue (Redis)."""
    return [Error(field=None, code=DomainErrorCode.UNAVAILABLE, message=QUEUE_UNAVAILABLE)]


_LEADING_NAME = re.compile(r"^[a-z][a-z0-9_]*")


def camel_path(path: str | None) -> str | None:
    """`website_ids[0]` -> `websiteIds[0]`: only the leading input field is a GraphQL name.

    What follows it is JSON the client sent (a condition tree, a store record), whose keys
    stay as given.
    """
    if path is None:
        return None
    return _LEADING_NAME.sub(lambda m: _camel(m.group(0)), path, count=1)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
