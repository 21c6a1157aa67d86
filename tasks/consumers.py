"""Run durable event consumers in a worker: a short poll, plus in-process hints after a refresh.

The poll finds events written by any process (another worker, a CLI import on the
embedded defaults) and events left unconsumed by a crash; the hint lets a consumer act
at once on a refresh its own process just committed. Both go through the consumer's
cursor, so acting twice on one event is impossible however they interleave.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from models.segments.consumers import (
    EventConsumer,
    EventRange,
    consume_segment,
    register_consumer,
    segments_with_new_events,
)
from models.segments.events import RefreshOutcome, on_segment_refreshed

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0


class Consumer(EventConsumer):
    """An event consumer run by the worker, with hooks for what follows a committed range."""

    async def committed(self, events: EventRange) -> None:
        """Called once the range's transaction committed (wake other work here, not inside)."""

    async def after_refresh(self, outcome: RefreshOutcome, consumed: EventRange | None) -> None:
        """Called after acting on a refresh of this process (`consumed`: what was handed over)."""


class ConsumerRunner:
    """Keeps consumers current until `stop()`: polls every `poll_seconds` and acts on hints."""

    def __init__(self, consumers: Sequence[Consumer], *, poll_seconds: float = POLL_SECONDS):
        self.consumers = list(consumers)
        self.poll_seconds = poll_seconds
        self._task: asyncio.Task[None] | None = None
        self._remove_hint = lambda: None

    async def start(self) -> None:
        for consumer in self.consumers:
            await register_consumer(consumer.name)
        self._remove_hint = on_segment_refreshed(self._on_refreshed)
        self._task = asyncio.create_task(self._poll(), name="segmentql-event-consumers")

    async def stop(self) -> None:
        self._remove_hint()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def poll_once(self) -> None:
        """Hand every consumer all events it has not acted on yet."""
        for consumer in self.consumers:
            try:
                segment_ids = await segments_with_new_events(consumer.name)
            except Exception:
                log.exception("event consumer %s could not poll", consumer.name)
                continue
            for segment_id in segment_ids:
                await self._consume(consumer, segment_id)

    async def _consume(self, consumer: Consumer, segment_id: int) -> EventRange | None:
        try:
            consumed = await consume_segment(consumer, segment_id)
            if consumed is not None:
                await consumer.committed(consumed)
        except Exception:
            # A failed consume advanced nothing: the next poll tries the segment again.
            log.exception("event consumer %s failed on segment %s", consumer.name, segment_id)
            return None
        return consumed

    async def _poll(self) -> None:
        while True:
            await self.poll_once()
            await asyncio.sleep(self.poll_seconds)

    async def _on_refreshed(self, outcome: RefreshOutcome) -> None:
        for consumer in self.consumers:
            consumed = await self._consume(consumer, outcome.segment_id)
            try:
                await consumer.after_refresh(outcome, consumed)
            except Exception:
                log.exception("event consumer %s failed after a refresh", consumer.name)
