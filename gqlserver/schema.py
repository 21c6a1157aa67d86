"""Schema assembly: the root types merged from each domain's resolvers, plus extensions.

Each domain contributes one class per root type; add it to the matching tuple.
`schema` (no extensions) is what `segmentql export-schema` prints; the app builds
its own with `build_schema(schema_extensions(...))`, which has the same SDL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from gqlserver.extensions import log_unexpected
from resolvers.automation.manual import AutomationMutation
from resolvers.automation.mutations import SequenceMutation, TemplateMutation
from resolvers.automation.queries import AutomationQuery
from resolvers.automation.subscriptions import AutomationSubscription
from resolvers.permissions import document_scopes
from resolvers.segments.catalog import CatalogQuery
from resolvers.segments.mutations import SegmentMutation
from resolvers.segments.queries import SegmentQuery
from resolvers.segments.subscriptions import SegmentSubscription
from resolvers.store.mutations import StoreMutation
from resolvers.store.queries import StoreQuery
from resolvers.tokens import TokenMutation, TokenQuery

QUERIES: tuple[type, ...] = (StoreQuery, SegmentQuery, CatalogQuery, AutomationQuery, TokenQuery)
MUTATIONS: tuple[type, ...] = (
    StoreMutation,
    SegmentMutation,
    TemplateMutation,
    SequenceMutation,
    AutomationMutation,
    TokenMutation,
)
SUBSCRIPTIONS: tuple[type, ...] = (SegmentSubscription, AutomationSubscription)


def root_type(name: str, parts: tuple[type, ...], description: str) -> type:
    """The domains' parts as one root type, each field's description ending with its scope."""
    document_scopes(*parts)
    merged = merge_types(name, parts)
    merged.__strawberry_definition__.description = description  # type: ignore[attr-defined]
    return merged


Query = root_type(
    "Query",
    QUERIES,
    "Reads. Each field's description ends with the scope its token needs.",
)
Mutation = root_type(
    "Mutation",
    MUTATIONS,
    "Changes. A payload's `errors` lists every problem of the input, and with errors nothing "
    "changed (upsertStoreRecords says how it differs). Each field's description ends with the "
    "scope its token needs.",
)
Subscription = root_type(
    "Subscription",
    SUBSCRIPTIONS,
    "Live events over the websocket (graphql-transport-ws) on /graphql; the token goes in "
    'the connection_init payload as {"authorization": "Bearer <token>"}.',
)


class SegmentqlSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Strawberry logs every error with a traceback; only unexpected ones deserve that.
        log_unexpected(errors)


def build_schema(extensions: Sequence[Any] = ()) -> SegmentqlSchema:
    return SegmentqlSchema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=list(extensions)
    )


schema = build_schema()
