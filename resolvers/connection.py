"""Relay-style connections over the domain's forward keyset pages, and their `first` argument."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Generic, Protocol, TypeVar

import strawberry
from strawberry.relay import PageInfo

from models.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")


class HasCursor(Protocol):
    @property
    def cursor(self) -> str: ...


EdgeT = TypeVar("EdgeT", bound=HasCursor)

First = Annotated[
    int | None,
    strawberry.argument(description=f"Default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}."),
]


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


def connection_page(
    page: Page[RowT], edge_of: Callable[[RowT], EdgeT]
) -> tuple[list[EdgeT], PageInfo]:
    """The edges of a forward keyset page and its page info; every connection is built so."""
    edges = [edge_of(row) for row in page.items]
    # Forward-only paging: the Relay spec allows hasPreviousPage to be false here.
    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=False,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return edges, info


def connection_of(
    page: Page[RowT], cursor_of: Callable[[RowT], str], node_of: Callable[[RowT], NodeT]
) -> Connection[NodeT]:
    """A page as the generic `Connection`."""
    edges, info = connection_page(page, lambda row: Edge(cursor=cursor_of(row), node=node_of(row)))
    return Connection(edges=edges, page_info=info)
