"""Redis pub/sub channel names of live GraphQL subscriptions, one per segment and kind.

Prefixed with the Redis database number because pub/sub, unlike keys, is shared by all
databases of one server. A subscriber without a segment filter uses the pattern `*`.
"""

from __future__ import annotations

from typing import Any


def segment_channel(redis: Any, segment_id: int | str | None, kind: str) -> str:
    """`segmentql:<db>:segments:<id>:<kind>`, or the pattern of all segments when id is None."""
    db = redis.connection_pool.connection_kwargs.get("db", 0)
    return f"segmentql:{db}:segments:{'*' if segment_id is None else segment_id}:{kind}"
