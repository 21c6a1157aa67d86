"""In-process notice of which customers' store data changed, for live segment re-evaluation.

The importer and the upsert mutation call `notify_customers_changed` after each committed
batch; listeners (the segment engine) register with `on_customers_changed`. A listener
runs inline, so it should be quick (e.g. enqueue work); its failure is logged and does not
undo or stop the import, whose data is already committed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

from models.notices import Notice

CustomersChangedListener = Callable[[set[int]], Awaitable[None]]

log = logging.getLogger(__name__)
_notice = Notice[set[int]](log, "customers-changed listener %r failed", copy=set)


def on_customers_changed(listener: CustomersChangedListener) -> Callable[[], None]:
    """Register `listener`; returns a function that unregisters it."""
    return _notice.on(listener)


async def notify_customers_changed(customer_ids: Iterable[int]) -> None:
    """Tell every listener which customers changed (inserted, updated or deleted data)."""
    ids = set(customer_ids)
    if not ids:
        return
    await _notice.notify(ids)
