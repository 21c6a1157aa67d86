"""The Relay-style connection of the store lists: `Connection[Order]` is `OrderConnection`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry
from strawberry.relay import PageInfo

from models.pagination import Page

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]


def connection_of(
    page: Page[RowT], cursor_of: Callable[[RowT], str], node_of: Callable[[RowT], NodeT]
) -> Connection[NodeT]:
    """A forward keyset page as a connection (hasPreviousPage false, no startCursor)."""
    return Connection(
        edges=[Edge(cursor=cursor_of(row), node=node_of(row)) for row in page.items],
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=False,
            start_cursor=None,
            end_cursor=page.end_cursor,
        ),
    )
