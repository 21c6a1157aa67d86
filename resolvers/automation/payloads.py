"""What automation mutations answer: the object saved, or the domain's errors with every
other field null."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from models.errors import DomainError
from resolvers.errors import Error, errors_from

P = TypeVar("P")
R = TypeVar("R")


def refused(payload: type[P], error: DomainError | list[Error], **given: Any) -> P:
    """`payload` carrying the error's field errors (or `error`, already payload errors);
    every field not `given` is null."""
    names = (f.name for f in dataclasses.fields(payload) if f.init)  # type: ignore[arg-type]
    nulls = {name: None for name in names if name not in given}
    errors = error if isinstance(error, list) else errors_from(error)
    return payload(**{**nulls, **given, "errors": errors})


async def payload_of(
    payload: type[P], field: str, action: Callable[[], Awaitable[R]], shown: Callable[[R], Any]
) -> P:
    """`payload` with `field` showing what the action returned, or `refused` with the
    DomainError it raised."""
    try:
        result = await action()
    except DomainError as exc:
        return refused(payload, exc)
    return payload(**{field: shown(result), "errors": []})
