"""Schema extensions every served schema runs, and which errors clients may see."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from gqlserver.limits import CheckedDocuments, CheckedParsing, DocumentLimits
from gqlserver.metrics import Metrics, OperationMetrics
from gqlserver.request_checks import RequestChecks
from gqlserver.settings import Settings
from models.errors import DomainError

logger = logging.getLogger("segmentql.graphql")

MASKED_MESSAGE = "Unexpected error."


class ExpectedError(Exception):
    """An error whose message is meant for the client (not masked, not logged as a failure).

    Any exception class with a true `expected` attribute is treated the same way.
    """

    expected = True


def is_expected(error: GraphQLError) -> bool:
    """Errors the client should read: GraphQL's own, permission and domain errors.

    An error without an original exception is a parse, validation or variable
    error; a GraphQLError as original is one raised on purpose (permissions).
    """
    original = error.original_error
    if original is None or isinstance(original, GraphQLError | DomainError):
        return True
    return bool(getattr(original, "expected", False))


def should_mask(error: GraphQLError) -> bool:
    return not is_expected(error)


def log_unexpected(errors: list[GraphQLError]) -> None:
    """Log unexpected errors with their traceback; expected ones only at debug level."""
    for error in errors:
        if is_expected(error):
            logger.debug("GraphQL error: %s", error.message)
            continue
        original = error.original_error
        logger.error(
            "Unexpected error in %s: %s",
            ".".join(str(p) for p in error.path or ()) or "operation",
            error.message,
            exc_info=(type(original), original, original.__traceback__) if original else None,
        )


class DomainErrorCodes(SchemaExtension):
    """Give errors from DomainError the `code` and `field` that mutation payloads carry."""

    def on_operation(self) -> Iterator[None]:
        yield
        errors = getattr(self.execution_context.result, "errors", None) or ()
        for error in errors:
            original = error.original_error
            if isinstance(original, DomainError) and original.errors:
                first = original.errors[0]
                error.extensions = {
                    **(error.extensions or {}),
                    "code": str(first.code),
                    "field": first.field,
                }


ExtensionFactory = type[SchemaExtension] | Callable[[], SchemaExtension]


def schema_extensions(settings: Settings, metrics: Metrics | None = None) -> list[Any]:
    """Classes or factories, so each operation gets its own extension instances."""
    limits = DocumentLimits(settings.max_selections, settings.max_field_repeats)
    # One cache per schema: its key is the document text, valid only for one set of rules.
    checked = CheckedDocuments()
    extensions: list[ExtensionFactory] = [
        lambda: CheckedParsing(limits, checked),
        DomainErrorCodes,
        # After the validating extension above: its errors join those of validation.
        RequestChecks,
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: MaskErrors(should_mask_error=should_mask, error_message=MASKED_MESSAGE),
    ]
    if metrics is not None:
        extensions.insert(0, lambda: OperationMetrics(metrics))
    return extensions
