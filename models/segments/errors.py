"""Expected failures shared by the segment services, the refresh and the resolvers."""

from __future__ import annotations

from models.errors import DomainError, ErrorCode


def segment_not_found(segment_id: int) -> DomainError:
    return DomainError.single("id", ErrorCode.NOT_FOUND, f"Segment {segment_id} does not exist.")
