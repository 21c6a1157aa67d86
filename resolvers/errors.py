"""The typed error every mutation payload carries, mapped from the domain's DomainError."""

from __future__ import annotations

import re
from collections.abc import Iterable

import strawberry

from models.errors import DomainError, FieldError
from models.errors import ErrorCode as DomainErrorCode
from resolvers.enums import described_enum

ErrorCode = described_enum(
    DomainErrorCode,
    name="ErrorCode",
    description="Why an input was refused, for programs; `message` says it for people.",
    values={
        DomainErrorCode.INVALID: "Malformed: not an id, a bad cursor, out of range, too long.",
        DomainErrorCode.REQUIRED: "Missing or empty, but required.",
        DomainErrorCode.NOT_FOUND: "The object the id names does not exist.",
        DomainErrorCode.UNIQUE: "Another object already uses this value (a template code, a "
        "step number of the trigger).",
        DomainErrorCode.UNKNOWN_TYPE: "Not a condition type of conditionCatalog.",
        DomainErrorCode.UNKNOWN_ATTRIBUTE: "Not an attribute of that condition type.",
        DomainErrorCode.UNKNOWN_OPERATOR: "Not an operator at all.",
        DomainErrorCode.OPERATOR_NOT_ALLOWED: "An operator the attribute's input type does not "
        "take (the message lists the allowed ones).",
        DomainErrorCode.INVALID_VALUE: "A condition value of the wrong kind (text for a "
        "number, a bad date).",
        DomainErrorCode.VALUE_NOT_ALLOWED: "A value outside the attribute's options or an id "
        "that does not exist (the message lists the allowed values).",
        DomainErrorCode.FORBIDDEN: "The token's scopes do not allow it.",
        DomainErrorCode.CONFLICT: "The object is in a state that refuses it (being changed "
        "concurrently, already revoked); retrying later may work.",
        DomainErrorCode.UNAVAILABLE: "A service the operation needs (the job queue) is "
        "unreachable; nothing was done and the same request may succeed shortly.",
    },
)


@strawberry.type(description="One problem with a mutation's input.")
class Error:
    field: str | None = strawberry.field(
        description="Input path of the offending field, e.g. `conditions.conditions[0].value`; "
        "null when the problem is the input as a whole."
    )
    code: ErrorCode = strawberry.field(  # type: ignore[valid-type]
        description="Machine-readable reason."
    )
    message: str = strawberry.field(description="What is wrong, in English, for the admin.")


def errors_from(found: DomainError | Iterable[FieldError]) -> list[Error]:
    """Payload errors whose `field` names the GraphQL input path."""
    problems = found.errors if isinstance(found, DomainError) else found
    return [Error(field=camel_path(e.field), code=e.code, message=e.message) for e in problems]


QUEUE_UNAVAILABLE = "The job queue is unreachable; nothing was queued. Try again shortly."
QUEUE_LOST_WHILE_WAITING = (
    "The job queue became unreachable while waiting; the job was queued and runs once it is back."
)


def queue_unavailable(message: str = QUEUE_UNAVAILABLE) -> list[Error]:
    """Payload errors for a mutation that could not reach the job queue (Redis)."""
    return [Error(field=None, code=DomainErrorCode.UNAVAILABLE, message=message)]


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
