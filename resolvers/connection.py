"""Relay-style connections over the domain's forward keyset pages, and their `first` argument."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

import strawberry
from strawberry.relay import PageInfo

from models.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")

First = Annotated[
    int | None,
    strawberry.argument(description=f"Default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}."),
]


def page_info(cursors: list[str], *, has_next: bool) -> PageInfo:
    """Page info for a forward keyset page whose edges carry `cursors`."""
    # Forward-only paging: the Relay spec allows hasPreviousPage to be false here.
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=False,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    """The store lists' connection: strawberry names `Connection[Order]` OrderConnection."""

    edges: list[Edge[NodeT]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]


def connection_of(
    page: Page[RowT], cursor_of: Callable[[RowT], str], node_of: Callable[[RowT], NodeT]
) -> Connection[NodeT]:
    """A page as a `Connection`; its page info has no startCursor, unlike `page_info`'s."""
    return Connection(
        edges=[Edge(cursor=cursor_of(row), node=node_of(row)) for row in page.items],
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=False,
            start_cursor=None,
            end_cursor=page.end_cursor,
        ),
    )
