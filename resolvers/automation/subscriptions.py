"""Live progress: each changed progress row, read from Redis pub/sub.

The publishing side is tasks/automation.py (scheduling, delivery and startEmailSequence
publish the ids of the rows they changed), so a subscriber on any server process sees rows
changed by any worker.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from models.automation.orm import SequenceProgress as ProgressRow
from resolvers.automation.types import SequenceProgress
from resolvers.context import Info
from resolvers.permissions import CanRead
from resolvers.pubsub import messages, redis_of, segment_filter
from tasks.automation import progress_channel


@strawberry.type
class AutomationSubscription:
    @strawberry.subscription(
        permission_classes=[CanRead],
        description="Progress rows as they are scheduled, sent, failed or skipped (of all "
        "segments if none given); each as it is when read, rows deleted meanwhile left out.",
    )
    async def sequence_progress_changed(
        self,
        info: Info,
        segment_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this segment's rows.")
        ] = None,
    ) -> AsyncGenerator[SequenceProgress, None]:
        wanted = await segment_filter(segment_id)
        redis = redis_of(info)
        channel = progress_channel(redis, wanted)
        async for data in messages(info, channel, pattern=wanted is None):
            row = await ProgressRow.get_or_none(id=int(data["progress_id"]))
            if row is not None:
                yield SequenceProgress.of(row)
