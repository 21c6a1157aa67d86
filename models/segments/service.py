"""Segment CRUD: validate the whole input at once, store the normalised tree, never refresh."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from models.db import Dialect, transaction
from models.db import dialect as dialect_of
from models.errors import DomainError, ErrorCode, FieldError
from models.pagination import Page, decode_cursor, encode_cursor, page_from_rows, page_size
from models.segments.compiler import compile_members_query, explain_sql
from models.segments.errors import segment_not_found
from models.segments.orm import (
    RefreshMode,
    RefreshStatus,
    Segment,
    SegmentMember,
    SegmentMembershipEvent,
)
from models.segments.references import ReferenceIds, load_reference_ids
from models.segments.sql.refresh import lock_segment
from models.segments.tree import EMPTY_ROOT_JSON, Group, tree_to_json
from models.segments.validation import parse_conditions, tree_from_json

NAME_MAX_LENGTH = 255
# A note for admins, not a document: 5 MB descriptions were accepted and sent to every reader.
DESCRIPTION_MAX_LENGTH = 10_000
SEGMENT_CURSOR = "segment"
# conditionsSql shows relative dates as of this instant, so the text is stable and
# reads as "the rule" rather than as a snapshot of one moment.
CONDITIONS_SQL_NOW = datetime(2000, 1, 1, tzinfo=UTC)

SegmentPage = Page[Segment]


@dataclass
class SegmentData:
    """Everything an admin sets on a segment (the GraphQL `SegmentInput`)."""

    name: str
    description: str | None = None
    is_active: bool = True
    website_ids: list[int] = field(default_factory=list)
    customer_group_ids: list[int] = field(default_factory=list)
    refresh_mode: RefreshMode = RefreshMode.AUTO
    priority: int = 0
    conditions: Any = None
    auto_email_active: bool = False
    allow_overlapping_sequences: bool = False


@dataclass(frozen=True)
class ValidSegment:
    """SegmentData after validation: ids de-duplicated, tree parsed."""

    data: SegmentData
    name: str
    website_ids: list[int]
    customer_group_ids: list[int]
    refresh_mode: RefreshMode
    tree: Group

    def fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.data.description,
            "is_active": bool(self.data.is_active),
            "website_ids": self.website_ids,
            "customer_group_ids": self.customer_group_ids,
            "refresh_mode": self.refresh_mode,
            "priority": self.data.priority,
            "conditions": tree_to_json(self.tree),
            "auto_email_active": bool(self.data.auto_email_active),
            "allow_overlapping_sequences": bool(self.data.allow_overlapping_sequences),
        }


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_ids(
    values: Any, known: set[int], field_name: str, what: str, errors: list[FieldError]
) -> list[int]:
    if not isinstance(values, list | tuple):
        errors.append(FieldError(field_name, ErrorCode.INVALID, "Must be a list of ids."))
        return []
    unique: list[int] = []
    for index, value in enumerate(values):
        path = f"{field_name}[{index}]"
        if not _is_int(value):
            errors.append(FieldError(path, ErrorCode.INVALID, "Must be an integer id."))
        elif value not in known:
            errors.append(FieldError(path, ErrorCode.NOT_FOUND, f"{what} {value} does not exist."))
        elif value not in unique:
            unique.append(value)
    return unique


def _check_name(name: Any, errors: list[FieldError]) -> str:
    if not isinstance(name, str) or not name.strip():
        errors.append(FieldError("name", ErrorCode.REQUIRED, "Name is required."))
        return ""
    name = name.strip()
    if len(name) > NAME_MAX_LENGTH:
        errors.append(
            FieldError("name", ErrorCode.INVALID, f"At most {NAME_MAX_LENGTH} characters.")
        )
    return name


def _check_refresh_mode(value: Any, errors: list[FieldError]) -> RefreshMode:
    try:
        return RefreshMode(value)
    except ValueError:
        errors.append(FieldError("refreshMode", ErrorCode.INVALID, "Must be auto or manual."))
        return RefreshMode.AUTO


async def validate_segment(data: SegmentData, refs: ReferenceIds | None = None) -> ValidSegment:
    """Check every field, raising one DomainError that lists every problem with its input path."""
    refs = refs or await load_reference_ids()
    errors: list[FieldError] = []
    name = _check_name(data.name, errors)
    if data.description is not None and not isinstance(data.description, str):
        errors.append(FieldError("description", ErrorCode.INVALID, "Must be text."))
    elif data.description is not None and len(data.description) > DESCRIPTION_MAX_LENGTH:
        errors.append(
            FieldError(
                "description", ErrorCode.INVALID, f"At most {DESCRIPTION_MAX_LENGTH} characters."
            )
        )
    if isinstance(data.website_ids, list | tuple) and not data.website_ids:
        errors.append(
            FieldError("websiteIds", ErrorCode.REQUIRED, "At least one website is required.")
        )
    website_ids = _check_ids(data.website_ids, refs.website_ids, "websiteIds", "Website", errors)
    group_ids = _check_ids(
        data.customer_group_ids, refs.group_ids, "customerGroupIds", "Customer group", errors
    )
    refresh_mode = _check_refresh_mode(data.refresh_mode, errors)
    if not _is_int(data.priority) or data.priority < 0:
        errors.append(FieldError("priority", ErrorCode.INVALID, "Must be an integer >= 0."))
    # No rule (null or {}) is the empty root: every active customer of the websites.
    raw = EMPTY_ROOT_JSON if data.conditions is None or data.conditions == {} else data.conditions
    tree: Group | None = None
    try:
        tree = parse_conditions(raw, refs, path="conditions")
    except DomainError as error:
        errors.extend(error.errors)
    if errors or tree is None:
        raise DomainError(errors)
    return ValidSegment(data, name, website_ids, group_ids, refresh_mode, tree)


async def create_segment(data: SegmentData) -> Segment:
    """Store a new segment with status pending; members appear only once it is refreshed."""
    valid = await validate_segment(data)
    return await Segment.create(**valid.fields(), refresh_status=RefreshStatus.PENDING)


async def update_segment(segment_id: int, data: SegmentData) -> Segment:
    """Replace a segment's settings; members and refresh state stay until the next refresh."""
    segment = await Segment.get_or_none(id=segment_id)
    if segment is None:
        raise segment_not_found(segment_id)
    valid = await validate_segment(data)
    values = valid.fields()
    for name, value in values.items():
        setattr(segment, name, value)
    # Only the admin's fields: a refresh finishing meanwhile keeps its count and status.
    await segment.save(update_fields=[*values, "updated_at"])
    return segment


async def delete_segment(segment_id: int) -> int:
    """Delete a segment with its members and event history; returns its id.

    Under the segment's refresh lock, so a running refresh finishes first and a later
    one finds the segment gone instead of writing members nobody deletes (the tables
    have no foreign key to cascade, see orm.py).
    """
    async with transaction() as conn:
        await lock_segment(conn, dialect_of(conn), segment_id)
        deleted = await Segment.filter(id=segment_id).using_db(conn).delete()
        if not deleted:
            raise segment_not_found(segment_id)
        await SegmentMember.filter(segment_id=segment_id).using_db(conn).delete()
        await SegmentMembershipEvent.filter(segment_id=segment_id).using_db(conn).delete()
    return segment_id


async def get_segment(segment_id: int) -> Segment | None:
    return await Segment.get_or_none(id=segment_id)


def segment_cursor(segment: Segment | int) -> str:
    return encode_cursor(SEGMENT_CURSOR, segment if isinstance(segment, int) else segment.id)


async def list_segments(
    *,
    first: int | None,
    after: str | None,
    is_active: bool | None = None,
    refresh_status: RefreshStatus | None = None,
    refresh_mode: RefreshMode | None = None,
) -> SegmentPage:
    """Segments in id order, keyset-paginated on id, optionally filtered."""
    size = page_size(first)
    key = decode_cursor(after, SEGMENT_CURSOR, (int,))
    query = Segment.all()
    if is_active is not None:
        query = query.filter(is_active=is_active)
    if refresh_status is not None:
        query = query.filter(refresh_status=refresh_status)
    if refresh_mode is not None:
        query = query.filter(refresh_mode=refresh_mode)
    matching = query
    if key is not None:
        query = query.filter(id__gt=key[0])
    rows = await query.order_by("id").limit(size + 1)
    return page_from_rows(rows, size, segment_cursor, matching.count)


def conditions_sql(segment: Segment, dialect: Dialect) -> str:
    """The member query of a segment's stored rule, for admins to read.

    Relative times ("days since ...") are shown as of CONDITIONS_SQL_NOW
    (2000-01-01 00:00 UTC); a refresh binds its own "now" instead.
    """
    tree = tree_from_json(segment.conditions or EMPTY_ROOT_JSON)
    compiled = compile_members_query(
        tree,
        website_ids=list(segment.website_ids),
        group_ids=list(segment.customer_group_ids),
        now=CONDITIONS_SQL_NOW,
        dialect=dialect,
    )
    note = (
        f"-- Relative times are shown as of {CONDITIONS_SQL_NOW.isoformat()}; "
        "a refresh binds the time it runs at."
    )
    return note + "\n" + explain_sql(compiled, dialect)
