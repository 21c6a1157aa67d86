"""Relay-style connection plumbing shared by the segment lists."""

from __future__ import annotations

from strawberry.relay import PageInfo


def page_info(cursors: list[str], *, has_next: bool) -> PageInfo:
    """Page info for a forward keyset page whose edges carry `cursors`."""
    # Forward-only paging: the Relay spec allows hasPreviousPage to be false here.
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=False,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
