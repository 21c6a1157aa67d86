"""Schema assembly: the root types merged from each domain's resolvers, plus extensions."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from resolvers.store.queries import StoreQuery

Query = merge_types("Query", (StoreQuery,))

schema = strawberry.Schema(query=Query)
