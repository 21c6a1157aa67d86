"""Segment mutations: thin calls into models/segments, domain errors mapped into payloads."""

from __future__ import annotations

from typing import Annotated

import strawberry
from redis.exceptions import RedisError

from models.automation.sequences import check_auto_email_allowed
from models.errors import DomainError
from models.segments import service
from models.segments.errors import segment_not_found
from models.segments.preview import preview_segment
from resolvers.context import Info
from resolvers.errors import QUEUE_LOST_WHILE_WAITING, Error, errors_from, queue_unavailable
from resolvers.ids import parse_id
from resolvers.payloads import DeletePayload, errors_field
from resolvers.permissions import CanRead, CanWrite
from resolvers.segments.inputs import SegmentInput
from resolvers.segments.refresh_job import wait_for
from resolvers.segments.types import Segment
from tasks.segments import enqueue_refresh

DEFAULT_SAMPLE_SIZE = 10
SegmentId = Annotated[strawberry.ID, strawberry.argument(description="The segment's id.")]
NewSegment = Annotated[SegmentInput, strawberry.argument(description="The new segment.")]
WholeSegment = Annotated[
    SegmentInput, strawberry.argument(description="Every field; omitted ones get their defaults.")
]
DEFAULT_WAIT_SECONDS = 120.0


@strawberry.type(description="The segment as saved, or the errors of the input.")
class SegmentPayload:
    segment: Segment | None = strawberry.field(description="As saved; null when errors.")
    errors: list[Error] = errors_field()


@strawberry.type(description="What a refresh with this input would produce now.")
class SegmentPreviewPayload:
    count: int | None = strawberry.field(description="Customers the conditions match now.")
    sample_customer_ids: list[strawberry.ID] = strawberry.field(
        description="Up to sampleSize of the matching customers' ids, lowest first."
    )
    would_enter: int | None = strawberry.field(
        description="With an existing segment's id: matches not yet members."
    )
    would_exit: int | None = strawberry.field(
        description="With an existing segment's id: members that no longer match."
    )
    errors: list[Error] = errors_field()


@strawberry.type(description="The refresh queued (and, with `wait: true`, finished).")
class RefreshSegmentPayload:
    segment: Segment | None = strawberry.field(
        description="After `wait: true`, as the finished refresh left it (refreshStatus tells "
        "whether it completed; still PENDING or PROCESSING if the wait timed out)."
    )
    job_id: str | None = strawberry.field(
        description="The refresh job's id (one per segment at a time); null when errors."
    )
    errors: list[Error] = errors_field()


def _not_found(segment_id: int) -> list[Error]:
    return errors_from(segment_not_found(segment_id))


async def _auto_email_refused(segment_id: int | None, data: service.SegmentData) -> list[Error]:
    """Errors when automated emails would be switched on without an active step: with every
    other problem of the input, so that one answer lists them all."""
    problem = await check_auto_email_allowed(segment_id, data.auto_email_active)
    if problem is None:
        return []
    if segment_id is not None and await service.get_segment(segment_id) is None:
        return _not_found(segment_id)
    try:
        await service.validate_segment(data)
    except DomainError as exc:
        return errors_from([*exc.errors, problem])
    return errors_from([problem])


@strawberry.type
class SegmentMutation:
    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Saving never refreshes. autoEmailActive must be false: a new segment has "
        "no email sequence steps yet.",
    )
    async def create_segment(self, input: NewSegment) -> SegmentPayload:
        data = input.to_data()
        refused = await _auto_email_refused(None, data)
        if refused:
            return SegmentPayload(segment=None, errors=refused)
        try:
            row = await service.create_segment(data)
        except DomainError as exc:
            return SegmentPayload(segment=None, errors=errors_from(exc))
        return SegmentPayload(segment=Segment.of(row), errors=[])

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Replaces every field. autoEmailActive can be switched on only while the "
        "segment has an active email sequence step.",
    )
    async def update_segment(self, id: SegmentId, input: WholeSegment) -> SegmentPayload:
        data = input.to_data()
        try:
            segment_id = parse_id(id, "id")
            refused = await _auto_email_refused(segment_id, data)
            if refused:
                return SegmentPayload(segment=None, errors=refused)
            row = await service.update_segment(segment_id, data)
        except DomainError as exc:
            return SegmentPayload(segment=None, errors=errors_from(exc))
        return SegmentPayload(segment=Segment.of(row), errors=[])

    @strawberry.mutation(
        permission_classes=[CanWrite], description="Deletes the segment, its members and history."
    )
    async def delete_segment(self, id: SegmentId) -> DeletePayload:
        try:
            deleted = await service.delete_segment(parse_id(id, "id"))
        except DomainError as exc:
            return DeletePayload(deleted_id=None, errors=errors_from(exc))
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)), errors=[])

    # Read scope: a preview stores nothing, so a dashboard token may try rules out.
    @strawberry.mutation(
        permission_classes=[CanRead],
        description="Counts and samples what the input would match, storing nothing; with the id "
        "of an existing segment also who would enter and exit at its next refresh.",
    )
    async def preview_segment(
        self,
        input: Annotated[
            SegmentInput,
            strawberry.argument(description="The segment to try, saved or not; nothing is stored."),
        ],
        sample_size: Annotated[
            int | None, strawberry.argument(description="0 to 100, default 10.")
        ] = DEFAULT_SAMPLE_SIZE,
        id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="An existing segment to compare with: fills wouldEnter and wouldExit."
            ),
        ] = None,
    ) -> SegmentPreviewPayload:
        try:
            segment_id = None if id is None else parse_id(id, "id")
            preview = await preview_segment(
                input.to_data(),
                sample_size=DEFAULT_SAMPLE_SIZE if sample_size is None else sample_size,
                segment_id=segment_id,
            )
        except DomainError as exc:
            return SegmentPreviewPayload(
                count=None,
                sample_customer_ids=[],
                would_enter=None,
                would_exit=None,
                errors=errors_from(exc),
            )
        return SegmentPreviewPayload(
            count=preview.count,
            sample_customer_ids=[strawberry.ID(str(c)) for c in preview.sample_customer_ids],
            would_enter=preview.would_enter,
            would_exit=preview.would_exit,
            errors=[],
        )

    @strawberry.mutation(
        name="refreshSegment",
        permission_classes=[CanWrite],
        description="Queues a refresh (joining one already queued or running for the segment); "
        "`wait: true` answers once it finished. With the job queue unreachable, errors holds "
        "one UNAVAILABLE error: nothing is queued (or, if it went away while waiting, the "
        "queued job runs once it is back).",
    )
    async def queue_segment_refresh(
        self,
        info: Info,
        id: SegmentId,
        wait: Annotated[
            bool | None,
            strawberry.argument(
                description="Default false: answer once queued. True: answer once the refresh "
                "finished, or after SEGMENTQL_REFRESH_WAIT_SECONDS (120) with the status then."
            ),
        ] = False,
    ) -> RefreshSegmentPayload:
        try:
            segment_id = parse_id(id, "id")
        except DomainError as exc:
            return RefreshSegmentPayload(segment=None, job_id=None, errors=errors_from(exc))
        if await service.get_segment(segment_id) is None:
            return RefreshSegmentPayload(segment=None, job_id=None, errors=_not_found(segment_id))
        queue = info.context.queue
        if queue is None:
            raise RuntimeError("refreshSegment needs a job queue in the request context")
        try:
            job = await enqueue_refresh(queue, segment_id)
        except (RedisError, OSError):
            return RefreshSegmentPayload(segment=None, job_id=None, errors=queue_unavailable())
        errors: list[Error] = []
        if wait:
            try:
                await wait_for(job, _wait_seconds(info))
            except (RedisError, OSError):
                errors = queue_unavailable(QUEUE_LOST_WHILE_WAITING)
        row = await service.get_segment(segment_id)
        if row is None:  # deleted while the refresh was queued
            return RefreshSegmentPayload(
                segment=None, job_id=job.job_id, errors=_not_found(segment_id)
            )
        return RefreshSegmentPayload(segment=Segment.of(row), job_id=job.job_id, errors=errors)


def _wait_seconds(info: Info) -> float:
    settings = info.context.settings
    return DEFAULT_WAIT_SECONDS if settings is None else settings.refresh_wait_seconds
