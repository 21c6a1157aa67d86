"""In-process notice of progress rows that a store change changed (an order attributed or
withdrawn, rows skipped on conversion), told after the commit.

The store's import and upsert call `notify_progress_changed` after each committed batch;
the server and the import command register a listener that publishes the rows for the
`sequenceProgressChanged` subscription (tasks.automation), so models hold no Redis. A
listener's failure is logged and changes nothing: the rows are committed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection

from models.notices import Notice

# (progress id, segment id) pairs.
ProgressChangedListener = Callable[[list[tuple[int, int]]], Awaitable[None]]

log = logging.getLogger(__name__)
_notice = Notice[list[tuple[int, int]]](log, "progress-changed listener %r failed", copy=list)


def on_progress_changed(listener: ProgressChangedListener) -> Callable[[], None]:
    """Register `listener`; returns a function that unregisters it."""
    return _notice.on(listener)


async def notify_progress_changed(changes: Collection[tuple[int, int]]) -> None:
    """Tell every listener which rows changed, in id order."""
    if not changes:
        return
    await _notice.notify(sorted(changes))
