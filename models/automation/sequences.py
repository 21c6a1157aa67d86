"""The steps of a segment's email sequences: saved with Maho's validation, renumbered on delete.

Every write locks the segment's row first (FOR NO KEY UPDATE, which still lets scheduling
insert progress rows that reference the segment; SQLite runs one transaction at a time), so
two edits of one segment's steps never interleave: a step number found free stays free until
the insert, and a renumbering never meets a step moving in. The unique key (segment,
trigger, step) still backs the check up, and its violation is reported as the same error.

A step deactivated, deleted or moved to another segment or trigger skips its scheduled rows
in the same transaction; its sent rows stay for the stats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from models.automation.orm import EmailSequence, ProgressStatus, SequenceProgress, TriggerEvent
from models.coupons.rules import RULE_NOT_FOUND, rule_problem
from models.db import transaction
from models.errors import DomainError, ErrorCode, FieldError
from models.segments.orm import Segment
from models.store.reference import NewsletterTemplate

STEP_DELETED = "step deleted"
STEP_DEACTIVATED = "step deactivated"
STEP_MOVED = "step moved"
PREFIX_MAX_LENGTH = 10
_PREFIX = re.compile(r"[A-Za-z0-9]+")
# A step found under another segment after locking its segment was moved meanwhile; the next
# attempt locks the new one. More moves than this during one edit is not a real workload.
LOCK_ATTEMPTS = 3


@dataclass
class SequenceData:
    """Everything an admin sets on a step (the GraphQL `EmailSequenceInput`)."""

    segment_id: int
    template_id: int | None
    step_number: int
    trigger_event: TriggerEvent | str = TriggerEvent.ENTER
    delay_minutes: int = 0
    is_active: bool = True
    max_sends: int = 1
    generate_coupon: bool = False
    coupon_sales_rule_id: int | None = None
    coupon_prefix: str | None = None
    coupon_expires_days: int = 30
    # None: on for an enter step, off for an exit step when created; kept when updated.
    stop_on_conversion: bool | None = None


def sequence_not_found(sequence_id: int) -> DomainError:
    return DomainError.single(
        "id", ErrorCode.NOT_FOUND, f"Email sequence {sequence_id} does not exist."
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def step_taken(step_number: int, trigger: TriggerEvent) -> FieldError:
    return FieldError(
        "step_number",
        ErrorCode.UNIQUE,
        f"Step number {step_number} already exists for this segment {trigger.value} trigger.",
    )


def _check_prefix(prefix: str | None, errors: list[FieldError]) -> str | None:
    prefix = prefix.strip() if prefix is not None else None
    if not prefix:
        return None
    if not _PREFIX.fullmatch(prefix):
        message = "Coupon prefix may contain only letters and digits."
        errors.append(FieldError("coupon_prefix", ErrorCode.INVALID, message))
    if len(prefix) > PREFIX_MAX_LENGTH:
        message = f"Coupon prefix must be at most {PREFIX_MAX_LENGTH} characters."
        errors.append(FieldError("coupon_prefix", ErrorCode.INVALID, message))
    return prefix


async def _validate(
    conn: BaseDBAsyncClient, data: SequenceData, segment_exists: bool, exclude_id: int | None
) -> dict[str, Any]:
    """The columns to store, or a DomainError listing every problem on its input field."""
    errors: list[FieldError] = []
    if not segment_exists:
        message = f"Segment {data.segment_id} does not exist."
        errors.append(FieldError("segment_id", ErrorCode.NOT_FOUND, message))
    trigger: TriggerEvent | None
    try:
        trigger = TriggerEvent(data.trigger_event)
    except ValueError:
        trigger = None
        message = "Trigger must be enter or exit."
        errors.append(FieldError("trigger_event", ErrorCode.INVALID, message))
    if not data.template_id:
        errors.append(FieldError("template_id", ErrorCode.REQUIRED, "Template ID is required."))
    elif (
        not _is_int(data.template_id)
        or not await NewsletterTemplate.filter(id=data.template_id).using_db(conn).exists()
    ):
        message = "Invalid newsletter template selected."
        errors.append(FieldError("template_id", ErrorCode.NOT_FOUND, message))
    step_number = data.step_number
    if not _is_int(step_number) or step_number <= 0:
        message = "Step number must be greater than 0."
        errors.append(FieldError("step_number", ErrorCode.INVALID, message))
    elif segment_exists and trigger is not None:
        taken = EmailSequence.filter(
            segment_id=data.segment_id, trigger_event=trigger, step_number=step_number
        ).using_db(conn)
        if exclude_id is not None:
            taken = taken.exclude(id=exclude_id)
        if await taken.exists():
            errors.append(step_taken(step_number, trigger))
    if not _is_int(data.delay_minutes) or data.delay_minutes < 0:
        message = "Delay minutes cannot be negative."
        errors.append(FieldError("delay_minutes", ErrorCode.INVALID, message))
    if not _is_int(data.max_sends) or data.max_sends < 1:
        errors.append(FieldError("max_sends", ErrorCode.INVALID, "Max sends must be at least 1."))
    if data.generate_coupon:
        await _check_rule(data.coupon_sales_rule_id, errors)
    prefix = _check_prefix(data.coupon_prefix, errors)
    if not _is_int(data.coupon_expires_days) or data.coupon_expires_days < 0:
        message = "Coupon expiration days cannot be negative."
        errors.append(FieldError("coupon_expires_days", ErrorCode.INVALID, message))
    if errors:
        raise DomainError(errors)
    return {
        "segment_id": data.segment_id,
        "trigger_event": trigger,
        "template_id": data.template_id,
        "step_number": step_number,
        "delay_minutes": data.delay_minutes,
        "is_active": bool(data.is_active),
        "max_sends": data.max_sends,
        "generate_coupon": bool(data.generate_coupon),
        "coupon_sales_rule_id": data.coupon_sales_rule_id,
        "coupon_prefix": prefix,
        "coupon_expires_days": data.coupon_expires_days,
        "stop_on_conversion": (
            trigger == TriggerEvent.ENTER
            if data.stop_on_conversion is None
            else bool(data.stop_on_conversion)
        ),
    }


async def _check_rule(rule_id: int | None, errors: list[FieldError]) -> None:
    field = "coupon_sales_rule_id"
    if rule_id is None:
        message = "Sales rule is required when coupon generation is enabled."
        errors.append(FieldError(field, ErrorCode.REQUIRED, message))
        return
    problem = await rule_problem(rule_id) if _is_int(rule_id) else RULE_NOT_FOUND
    if problem is not None:
        code = ErrorCode.NOT_FOUND if problem == RULE_NOT_FOUND else ErrorCode.INVALID
        errors.append(FieldError(field, code, problem))


async def _lock_segments(conn: BaseDBAsyncClient, segment_ids: Iterable[Any]) -> set[int]:
    """Lock the segments' rows in id order (two writers never wait on each other in a circle);
    returns the ids that exist."""
    found: set[int] = set()
    for segment_id in sorted({s for s in segment_ids if _is_int(s)}):
        segment = (
            await Segment.filter(id=segment_id)
            .select_for_update(no_key=True)
            .using_db(conn)
            .first()
        )
        if segment is not None:
            found.add(segment.id)
    return found


async def _locked_step(
    conn: BaseDBAsyncClient, sequence_id: int, also: Any = None
) -> tuple[EmailSequence, set[int]]:
    """The step, read after locking its segment (and `also`); with the segments that exist."""
    for _ in range(LOCK_ATTEMPTS):
        seen = await EmailSequence.filter(id=sequence_id).using_db(conn).first()
        if seen is None:
            raise sequence_not_found(sequence_id)
        segments = await _lock_segments(conn, [seen.segment_id, also])  # type: ignore[attr-defined]
        step = await EmailSequence.filter(id=sequence_id).using_db(conn).first()
        if step is None:
            raise sequence_not_found(sequence_id)
        if step.segment_id == seen.segment_id:  # type: ignore[attr-defined]
            return step, segments
    raise DomainError.single(
        "id", ErrorCode.CONFLICT, f"Email sequence {sequence_id} is being changed; try again."
    )


async def _skip_scheduled(
    conn: BaseDBAsyncClient, sequence_id: int, reason: str, now: datetime
) -> int:
    return (
        await SequenceProgress.filter(sequence_id=sequence_id, status=ProgressStatus.SCHEDULED)
        .using_db(conn)
        .update(status=ProgressStatus.SKIPPED, last_error=reason, updated_at=now)
    )


async def create_sequence(data: SequenceData) -> EmailSequence:
    """Store a new step of a segment's enter or exit sequence."""
    async with transaction() as tx:
        segments = await _lock_segments(tx, [data.segment_id])
        values = await _validate(tx, data, data.segment_id in segments, None)
        try:
            return await EmailSequence.create(using_db=tx, **values)
        except IntegrityError:
            raise DomainError(step_taken(values["step_number"], values["trigger_event"])) from None


async def update_sequence(sequence_id: int, data: SequenceData) -> EmailSequence:
    """Replace a step's settings, its segment and trigger included (`stop_on_conversion`
    keeps its value when not given).

    Deactivating it skips its scheduled rows ("step deactivated"); moving it to another
    segment or trigger skips them too (they were started by the old one's event); a new step
    number carries over to its scheduled rows.
    """
    async with transaction() as tx:
        step, segments = await _locked_step(tx, sequence_id, also=data.segment_id)
        values = await _validate(tx, data, data.segment_id in segments, step.id)
        if data.stop_on_conversion is None:
            values["stop_on_conversion"] = step.stop_on_conversion
        was_active = step.is_active
        old_place = (step.segment_id, step.trigger_event)  # type: ignore[attr-defined]
        old_number = step.step_number
        for name, value in values.items():
            setattr(step, name, value)
        try:
            await step.save(using_db=tx)
        except IntegrityError:
            raise DomainError(step_taken(values["step_number"], values["trigger_event"])) from None
        now = datetime.now(UTC)
        if was_active and not step.is_active:
            await _skip_scheduled(tx, step.id, STEP_DEACTIVATED, now)
        elif old_place != (step.segment_id, step.trigger_event):  # type: ignore[attr-defined]
            await _skip_scheduled(tx, step.id, STEP_MOVED, now)
        elif old_number != step.step_number:
            await (
                SequenceProgress.filter(sequence_id=step.id, status=ProgressStatus.SCHEDULED)
                .using_db(tx)
                .update(step_number=step.step_number, updated_at=now)
            )
    return step


async def delete_sequence(sequence_id: int) -> int:
    """Delete a step; returns its id.

    Its scheduled rows are skipped ("step deleted"), and the later steps of the same segment
    and trigger move up by one, in ascending order so that no two steps ever share a number,
    with their scheduled rows. The other trigger's steps keep their numbers.
    """
    async with transaction() as tx:
        step, _ = await _locked_step(tx, sequence_id)
        now = datetime.now(UTC)
        await EmailSequence.filter(id=step.id).using_db(tx).delete()
        await _skip_scheduled(tx, step.id, STEP_DELETED, now)
        later = (
            await EmailSequence.filter(
                segment_id=step.segment_id,  # type: ignore[attr-defined]
                trigger_event=step.trigger_event,
                step_number__gt=step.step_number,
            )
            .using_db(tx)
            .order_by("step_number")
        )
        for moving in later:
            await (
                EmailSequence.filter(id=moving.id)
                .using_db(tx)
                .update(step_number=moving.step_number - 1, updated_at=now)
            )
        if later:
            await (
                SequenceProgress.filter(
                    sequence_id__in=[s.id for s in later], status=ProgressStatus.SCHEDULED
                )
                .using_db(tx)
                .update(step_number=F("step_number") - 1, updated_at=now)
            )
    return sequence_id


async def get_sequence(sequence_id: int) -> EmailSequence | None:
    return await EmailSequence.get_or_none(id=sequence_id)


async def sequences_of(segment_id: int, trigger: TriggerEvent | None = None) -> list[EmailSequence]:
    """A segment's steps, enter before exit ("enter" sorts first), then by step number."""
    query = EmailSequence.filter(segment_id=segment_id)
    if trigger is not None:
        query = query.filter(trigger_event=trigger)
    return await query.order_by("trigger_event", "step_number")


async def segment_has_active_step(segment_id: int) -> bool:
    return await EmailSequence.filter(segment_id=segment_id, is_active=True).exists()


NO_ACTIVE_STEP = (
    "Automated emails cannot be switched on: the segment has no active email sequence step."
)


async def check_auto_email_allowed(
    segment_id: int | None, auto_email_active: bool
) -> FieldError | None:
    """Why a segment's `auto_email_active` cannot be saved as given, or None.

    Only switching it on is refused (a new segment has no steps yet): a segment that already
    has it on keeps it while its last step is deactivated, so that editing other fields of
    the segment still works; nothing is sent without an active step anyway.
    """
    if not auto_email_active:
        return None
    if segment_id is not None:
        stored = await Segment.filter(id=segment_id).values_list("auto_email_active", flat=True)
        if (stored and stored[0]) or await segment_has_active_step(segment_id):
            return None
    return FieldError("auto_email_active", ErrorCode.INVALID, NO_ACTIVE_STEP)
