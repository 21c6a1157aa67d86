"""Relay-style connections over the domain's forward keyset pages, and their `first` argument.

Every list the API pages through has one shape: `edges { cursor node }`, `nodes`,
`pageInfo` and `totalCount`. A connection type whose name is public (`MemberConnection`)
subclasses `Connection[Node]` under that name; the others take strawberry's generated one
(`Connection[Order]` is `OrderConnection`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from strawberry.relay import PageInfo

from models.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")
Counter = Callable[[], Awaitable[int]]

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many items to return: 0 to {MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE}."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Return the items after this cursor (an edge's `cursor` or "
        "`pageInfo.endCursor` of the previous page); null starts at the beginning."
    ),
]


@strawberry.type(description="One item of a page with the cursor that points at it.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(
        description="Opaque; pass it as `after` to continue after this item."
    )
    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(
    description="One page of a list, in the list's fixed order: `edges` (items with cursors) "
    "or just `nodes`, `pageInfo` to ask for the next page, and `totalCount` of the whole list."
)
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The page's items with cursors.")
    page_info: PageInfo = strawberry.field(
        description="Whether there is a next page and the cursor to ask for it with."
    )
    counter: strawberry.Private[Counter]

    @strawberry.field(description="The page's items, without cursors.")
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]

    @strawberry.field(
        description="Items in the whole list with the same filters, whatever `first` and "
        "`after` (counted only when asked for)."
    )
    async def total_count(self) -> int:
        return await self.counter()


def known_count(count: int) -> Counter:
    """A counter for a total known without a query (a segment's stored member count)."""

    async def counted() -> int:
        return count

    return counted


def page_info(page: Page[RowT], cursors: list[str]) -> PageInfo:
    # Forward-only paging: the Relay spec allows hasPreviousPage to be false here.
    return PageInfo(
        has_next_page=page.has_next,
        has_previous_page=False,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


def connection_parts(
    page: Page[RowT],
    cursor_of: Callable[[RowT], str],
    node_of: Callable[[RowT], NodeT],
    *,
    count: Counter | None = None,
    edge: type[Edge[NodeT]] = Edge,
) -> dict[str, Any]:
    """The fields of a connection over a page: `SomeConnection(**parts)`.

    `count` defaults to the page's own counter.
    """
    counter = count or page.count
    if counter is None:
        raise ValueError("a connection needs a total count: pass count= or a counted page")
    cursors = [cursor_of(row) for row in page.items]
    edges = [
        edge(cursor=cursor, node=node_of(row))
        for cursor, row in zip(cursors, page.items, strict=True)
    ]
    return {"edges": edges, "page_info": page_info(page, cursors), "counter": counter}


def connection_of(
    page: Page[RowT],
    cursor_of: Callable[[RowT], str],
    node_of: Callable[[RowT], NodeT],
    *,
    count: Counter | None = None,
) -> Connection[NodeT]:
    """A page as the generic `Connection` (strawberry names `Connection[Order]` OrderConnection)."""
    return Connection(**connection_parts(page, cursor_of, node_of, count=count))
