"""An in-process notice told after a commit: listeners register, and each is told in turn.

A listener's failure is logged (with its traceback) and does not stop the others; what
was committed stays committed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Notice(Generic[T]):
    """Listeners of one kind of payload.

    `failure` is the log message of a failing listener, formatted with the listener and
    then the values `details` takes from the payload; `copy`, if given, hands each
    listener its own copy of the payload.
    """

    def __init__(
        self,
        log: logging.Logger,
        failure: str,
        *,
        details: Callable[[T], tuple[object, ...]] = lambda payload: (),
        copy: Callable[[T], T] | None = None,
    ) -> None:
        self._log = log
        self._failure = failure
        self._details = details
        self._copy = copy
        self._listeners: list[Callable[[T], Awaitable[None]]] = []

    def on(self, listener: Callable[[T], Awaitable[None]]) -> Callable[[], None]:
        """Register `listener`; returns a function that unregisters it."""
        self._listeners.append(listener)

        def remove() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return remove

    async def notify(self, payload: T) -> None:
        """Tell every listener registered now, in the order they registered."""
        for listener in list(self._listeners):
            try:
                await listener(payload if self._copy is None else self._copy(payload))
            except Exception:
                self._log.exception(self._failure, listener, *self._details(payload))
